package web

// Times are shown in the deployment's time zone (nrm serve --timezone,
// NRM_TIMEZONE; UTC when unset), written the same way in every language:
// 2026-12-02 14:05 CET. A case worker reads the clock of their office, not
// UTC, and a numeric date needs no translation and is never misread as
// month-first.

import (
	"strings"
	"time"
)

// timeFormat and dayFormat are how pages write a moment and its day.
const (
	timeFormat = "2006-01-02 15:04 MST"
	dayFormat  = "2006-01-02"
)

// clockOf is the deployment's zone.
func locationOf(opts Options) *time.Location {
	if opts.TimeZone != nil {
		return opts.TimeZone
	}
	return time.UTC
}

// when writes a moment in the deployment's zone, with the zone's
// abbreviation ("" for the zero time).
func (w *Web) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(w.loc).Format(timeFormat)
}

// day writes the day of a moment in the deployment's zone: a referral sent
// at 23:30 UTC was sent on the next day in Chisinau.
func (w *Web) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(w.loc).Format(dayFormat)
}

// machineTime is a moment for a datetime attribute: exact, with its offset.
func (w *Web) machineTime(t time.Time) string { return t.In(w.loc).Format(time.RFC3339) }

// flagRef is how people quote a duplicate flag to each other (on the
// phone, in an e-mail): the start of its id, upper-cased, instead of a UUID.
func flagRef(id string) string {
	short := strings.ReplaceAll(id, "-", "")
	if len(short) > 8 {
		short = short[:8]
	}
	return "FLAG-" + strings.ToUpper(short)
}

// timeInZone is midnight of a day (given as UTC midnight) in loc.
func timeInZone(utcMidnight time.Time, loc *time.Location) time.Time {
	y, m, d := utcMidnight.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
