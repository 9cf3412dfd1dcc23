package keyring

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// sentinels are the three decryption errors; they must be disjoint.
var sentinels = []error{ErrWrongKey, ErrUnknownKeyVersion, ErrCorrupt}

// errorClass returns the one sentinel err matches, failing the test if it
// matches none or several.
func errorClass(t testing.TB, err error) error {
	t.Helper()
	var found []error
	for _, s := range sentinels {
		if errors.Is(err, s) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("error %v matches %d of the sentinel errors, want exactly 1", err, len(found))
	}
	return found[0]
}

// wantErr fails unless err matches want and no other sentinel.
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	if got := errorClass(t, err); got != want {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// openTemp opens a fresh keyring in a new directory and returns it with the
// directory.
func openTemp(t testing.TB) (*Keyring, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return k, dir
}

func newDataKey(t testing.TB) DataKey {
	t.Helper()
	dk, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	return dk
}

// sameKey reports whether two data keys hold the same key and version.
func sameKey(a, b DataKey) bool {
	return a.s != nil && b.s != nil && a.s.key == b.s.key && a.s.version == b.s.version
}

func writeFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func flipBit(b []byte, bit int) []byte {
	c := bytes.Clone(b)
	c[bit/8] ^= 1 << (bit % 8)
	return c
}
