package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the Go collector's target unless the operator sets GOGC.
// nrm's live heap is small (tens of MiB), so the default of 100 collects
// many times a second under load, and each cycle's fixed costs (stacks,
// sweeping, returning memory to the system) were a fifth of the CPU of an
// audited read (bench/README.md, issue 7). At 400 the heap may grow to five
// times what is live; GOGC and GOMEMLIMIT still decide when set.
const gcPercent = 400

func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
