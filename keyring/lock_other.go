//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package keyring

// lockDir is a no-op where flock is unavailable: only the in-process mutex
// serialises writers there, so run at most one process per key directory.
func lockDir(dir string) (func(), error) { return func() {}, nil }
