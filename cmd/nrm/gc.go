package main

import (
	"os"
	"runtime/debug"
)

// The Go collector's settings unless the operator sets GOGC or GOMEMLIMIT.
//
// nrm's live heap is small (a few MiB while serving), so at the default
// GOGC=100 the collector ran about 12 times a second under load, and its
// fixed costs per cycle (stacks, sweeping, returning memory to the system
// and faulting it back) were about a fifth of the CPU of an audited read
// (bench/README.md, issue 7). At gcPercent the heap may grow to nine times
// what is live before a collection; the soft limit keeps that multiplier
// from making a large live heap (a bulk import) larger still: near the
// limit the collector runs as often as it must. A deployment whose live
// heap approaches the limit should set GOMEMLIMIT higher (the runtime then
// caps the collector at about half the CPU rather than fail).
const (
	gcPercent     = 800
	gcMemoryLimit = 512 << 20 // bytes
)

func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcMemoryLimit)
	}
}
