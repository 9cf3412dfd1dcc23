package main

import (
	"strings"
	"time"

	// The zone database is built in, so that --timezone works on a machine
	// without one (a minimal container, Windows).
	_ "time/tzdata"
)

// timeZone reads --timezone (NRM_TIMEZONE): an IANA name such as
// Europe/Chisinau; empty is UTC.
func timeZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || strings.EqualFold(name, "local") {
		// "Local" would be the server's own zone, which says nothing to the people reading.
		return nil, usagef("serve: --timezone: unknown time zone %q; use an IANA name such as Europe/Chisinau", name)
	}
	return loc, nil
}
