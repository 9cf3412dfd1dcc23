package keyring

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestOpenCreatesFilesWithModes(t *testing.T) {
	k, dir := openTemp(t)

	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("key directory mode = %04o, want 0700", got)
	}

	single := regexp.MustCompile(`^[A-Za-z0-9+/]{43}=\n$`)
	checks := map[string]*regexp.Regexp{
		KEKFile:     regexp.MustCompile(`^1 [A-Za-z0-9+/]{43}=\n$`),
		IndexFile:   single,
		AuditFile:   single,
		SigningFile: single,
	}
	for name, re := range checks {
		path := filepath.Join(dir, name)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode = %04o, want 0600", name, got)
		}
		if b := readFile(t, path); !re.Match(b) {
			t.Errorf("%s has unexpected format: %d bytes", name, len(b))
		}
	}
	// Every file in the directory (including the lock file) is 0600, and no
	// temporary file is left behind.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %04o, want 0600", e.Name(), fi.Mode().Perm())
		}
		if strings.Contains(e.Name(), tempInfix) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	if got := k.Versions(); !slices.Equal(got, []uint32{1}) {
		t.Errorf("Versions() = %v, want [1]", got)
	}
	if got := k.CurrentVersion(); got != 1 {
		t.Errorf("CurrentVersion() = %d, want 1", got)
	}
	if got := len(k.Created()); got != 4 {
		t.Errorf("Created() lists %d files, want 4", got)
	}
	// The three HMAC/seed keys are independent random keys.
	if k.indexKey == k.auditKey || bytes.Equal(k.indexKey[:], k.signing.Seed()) {
		t.Error("index, audit and signing keys are not independent")
	}
}

func TestReopenLoadsSameKeys(t *testing.T) {
	k1, dir := openTemp(t)
	dk := newDataKey(t)
	ad := AD("person", "data_key", "p1")
	w, err := k1.Wrap(dk, ad)
	if err != nil {
		t.Fatal(err)
	}
	ct := dk.Seal([]byte("Ana Popescu"), AD("person", "name", "p1"))

	k2, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if c := k2.Created(); len(c) != 0 {
		t.Errorf("reopening created %v", c)
	}
	dk2, err := k2.Unwrap(w, ad)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := dk2.Open(ct, AD("person", "name", "p1"))
	if err != nil || string(pt) != "Ana Popescu" {
		t.Fatalf("Open after reopen = %q, %v", pt, err)
	}
	if k1.BlindIndex("name", "Ana") != k2.BlindIndex("name", "Ana") {
		t.Error("blind index changed across Open")
	}
	if k1.AuditHash("case 1") != k2.AuditHash("case 1") {
		t.Error("audit hash changed across Open")
	}
	if !k1.PublicKey().Equal(k2.PublicKey()) {
		t.Error("signing key changed across Open")
	}
}

func TestOpenCreatesOnlyMissingFiles(t *testing.T) {
	k1, dir := openTemp(t)
	idx := readFile(t, filepath.Join(dir, IndexFile))
	if err := os.Remove(filepath.Join(dir, AuditFile)); err != nil {
		t.Fatal(err)
	}
	k2, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if c := k2.Created(); len(c) != 1 || filepath.Base(c[0]) != AuditFile {
		t.Errorf("Created() = %v, want only %s", c, AuditFile)
	}
	if !bytes.Equal(idx, readFile(t, filepath.Join(dir, IndexFile))) {
		t.Error("existing index.key was rewritten")
	}
	if k1.AuditHash("x") == k2.AuditHash("x") {
		t.Error("re-created audit key equals the deleted one")
	}
	if k1.BlindIndex("p", "x") != k2.BlindIndex("p", "x") {
		t.Error("index key changed")
	}
}

func TestMasterKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	master := filepath.Join(t.TempDir(), "master.kek")

	k1, err := Open(dir, master)
	if err != nil {
		t.Fatal(err)
	}
	if k1.KEKPath() != master {
		t.Errorf("KEKPath() = %q, want %q", k1.KEKPath(), master)
	}
	if _, err := os.Stat(filepath.Join(dir, KEKFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dir/kek exists although a master key file was given (stat error %v)", err)
	}
	fi, err := os.Stat(master)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("master key file mode = %04o, want 0600", fi.Mode().Perm())
	}
	if !regexp.MustCompile(`^1 [A-Za-z0-9+/]{43}=\n$`).Match(readFile(t, master)) {
		t.Error("master key file has unexpected format")
	}

	dk := newDataKey(t)
	ad := AD("person", "data_key", "p1")
	w, err := k1.Wrap(dk, ad)
	if err != nil {
		t.Fatal(err)
	}

	// Another key directory with the same master key file unwraps it.
	k2, err := Open(filepath.Join(t.TempDir(), "other"), master)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k2.Unwrap(w, ad); err != nil || !sameKey(got, dk) {
		t.Fatalf("Unwrap with the same master key file: %v", err)
	}

	// The same directory without the master key file gets its own KEK,
	// which did not wrap it.
	k3, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = k3.Unwrap(w, ad)
	wantErr(t, err, ErrWrongKey)

	// Rotation writes to the master key file.
	if _, err := k1.Rotate(); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(readFile(t, master), []byte("\n")); n != 2 {
		t.Errorf("master key file has %d lines after Rotate, want 2", n)
	}
}

func TestOpenRefusesAccessibleKeyFiles(t *testing.T) {
	for _, name := range []string{KEKFile, IndexFile, AuditFile, SigningFile} {
		for _, mode := range []os.FileMode{0o640, 0o604, 0o620, 0o644, 0o666} {
			_, dir := openTemp(t)
			path := filepath.Join(dir, name)
			before := readFile(t, path)
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir, "")
			if err == nil {
				t.Fatalf("Open accepted %s with mode %04o", name, mode)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("error for %s mode %04o is not clear: %v", name, mode, err)
			}
			if !bytes.Equal(before, readFile(t, path)) {
				t.Errorf("Open rewrote the refused file %s", name)
			}
		}
	}

	// A 0400 file is fine.
	_, dir := openTemp(t)
	if err := os.Chmod(filepath.Join(dir, IndexFile), 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, ""); err != nil {
		t.Errorf("Open refused a 0400 key file: %v", err)
	}

	// The master key file is checked too.
	master := filepath.Join(t.TempDir(), "master")
	if _, err := Open(filepath.Join(t.TempDir(), "k"), master); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(master, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "k"), master); err == nil {
		t.Error("Open accepted a world-readable master key file")
	}
}

func TestOpenRefusesWritableDirectory(t *testing.T) {
	_, dir := openTemp(t)
	for _, mode := range []os.FileMode{0o777, 0o770, 0o702} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(dir, ""); err == nil {
			t.Errorf("Open accepted a key directory with mode %04o", mode)
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, ""); err != nil {
		t.Error(err)
	}
	if _, err := Open("", ""); err == nil {
		t.Error("Open accepted an empty directory name")
	}
	file := filepath.Join(t.TempDir(), "f")
	writeFile(t, file, "", 0o600)
	if _, err := Open(file, ""); err == nil {
		t.Error("Open accepted a regular file as key directory")
	}
}

func TestOpenRefusesNonRegularKeyFile(t *testing.T) {
	_, dir := openTemp(t)
	path := filepath.Join(dir, IndexFile)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, ""); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Open with a directory as index.key: %v", err)
	}
}

func TestOpenRefusesMalformedKEKFile(t *testing.T) {
	const key = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=" // 32 bytes
	const key2 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
	good := []string{
		"1 " + key + "\n",
		"1 " + key,                         // no final newline
		"1 " + key + "\n2 " + key2 + "\n",  // two versions
		"3 " + key + "\n10 " + key2 + "\n", // gaps are fine (retired versions)
	}
	bad := map[string]string{
		"empty":                "",
		"only newline":         "\n",
		"blank line":           "1 " + key + "\n\n2 " + key2 + "\n",
		"two final newlines":   "1 " + key + "\n\n",
		"version zero":         "0 " + key + "\n",
		"leading zero":         "01 " + key + "\n",
		"plus sign":            "+1 " + key + "\n",
		"negative":             "-1 " + key + "\n",
		"hex version":          "0x1 " + key + "\n",
		"too big version":      "4294967296 " + key + "\n",
		"no key":               "1\n",
		"no space":             "1" + key + "\n",
		"two spaces":           "1  " + key + "\n",
		"tab":                  "1\t" + key + "\n",
		"trailing field":       "1 " + key + " x\n",
		"trailing space":       "1 " + key + " \n",
		"CRLF":                 "1 " + key + "\r\n",
		"short key":            "1 " + key[:40] + "=\n",
		"31 bytes":             "1 QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXg==\n",
		"33 bytes":             "1 QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9g\n",
		"unpadded":             "1 " + strings.TrimSuffix(key, "=") + "\n",
		"url alphabet":         "1 " + strings.Repeat("_", 43) + "=\n",
		"non-canonical bits":   "1 " + key[:42] + "9=\n",
		"descending":           "2 " + key + "\n1 " + key2 + "\n",
		"duplicate version":    "1 " + key + "\n1 " + key2 + "\n",
		"not base64":           "1 " + strings.Repeat("!", 44) + "\n",
		"comment":              "# kek\n1 " + key + "\n",
		"leading space":        " 1 " + key + "\n",
		"embedded newline b64": "1 " + key[:20] + "\n" + key[20:] + "\n",
	}
	for _, content := range good {
		if _, err := parseKEKFile([]byte(content)); err != nil {
			t.Errorf("parseKEKFile(%q) = %v, want success", content, err)
		}
	}
	for name, content := range bad {
		t.Run(name, func(t *testing.T) {
			_, dir := openTemp(t)
			path := filepath.Join(dir, KEKFile)
			writeFile(t, path, content, 0o600)
			// Remove another file: a malformed file must stop Open before
			// it creates anything.
			if err := os.Remove(filepath.Join(dir, AuditFile)); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir, "")
			if err == nil {
				t.Fatal("Open accepted a malformed KEK file")
			}
			if !strings.Contains(err.Error(), "malformed") || !strings.Contains(err.Error(), path) {
				t.Errorf("unclear error: %v", err)
			}
			if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), key[:20]) {
				t.Errorf("error quotes key material: %v", err)
			}
			if got := string(readFile(t, path)); got != content {
				t.Error("Open rewrote the malformed KEK file")
			}
			if _, err := os.Stat(filepath.Join(dir, AuditFile)); !errors.Is(err, fs.ErrNotExist) {
				t.Error("Open created audit.key although kek is malformed")
			}
		})
	}
}

func TestOpenRefusesMalformedSingleKeyFiles(t *testing.T) {
	const key = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
	for _, name := range []string{IndexFile, AuditFile, SigningFile} {
		for _, content := range []string{
			"",
			"\n",
			key + "\n\n",
			key + "\r\n",
			" " + key + "\n",
			key[:40] + "\n",
			"QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXg==\n", // 31 bytes
			"1 " + key + "\n",
			strings.TrimSuffix(key, "="),
		} {
			_, dir := openTemp(t)
			path := filepath.Join(dir, name)
			writeFile(t, path, content, 0o600)
			if _, err := Open(dir, ""); err == nil {
				t.Errorf("Open accepted %s = %q", name, content)
			}
			if got := string(readFile(t, path)); got != content {
				t.Errorf("Open rewrote malformed %s", name)
			}
		}
		// Without the final newline is accepted.
		_, dir := openTemp(t)
		writeFile(t, filepath.Join(dir, name), key, 0o600)
		if _, err := Open(dir, ""); err != nil {
			t.Errorf("Open refused %s without final newline: %v", name, err)
		}
	}
}

func TestKEKFileRoundTrip(t *testing.T) {
	es := []kekEntry{{version: 1}, {version: 2}, {version: 4294967295}}
	for i := range es {
		for j := range es[i].key {
			es[i].key[j] = byte(i*32 + j)
		}
	}
	got, err := parseKEKFile(encodeKEKFile(es))
	if err != nil {
		t.Fatal(err)
	}
	if !sameEntries(got, es) {
		t.Error("KEK file does not round-trip")
	}
}

func TestKEKFileReplacedGivesWrongKey(t *testing.T) {
	k1, dir1 := openTemp(t)
	_, dir2 := openTemp(t)
	dk := newDataKey(t)
	ad := AD("person", "data_key", "p1")
	w, err := k1.Wrap(dk, ad)
	if err != nil {
		t.Fatal(err)
	}
	// Replace dir1's KEK file with dir2's (same version number, other key).
	writeFile(t, filepath.Join(dir1, KEKFile), string(readFile(t, filepath.Join(dir2, KEKFile))), 0o600)
	k1b, err := Open(dir1, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := k1b.Unwrap(w, ad)
	wantErr(t, err, ErrWrongKey)
	if !got.IsZero() {
		t.Error("Unwrap returned a key with its error")
	}
	_, err = k1b.Rewrap(w, ad)
	wantErr(t, err, ErrWrongKey)
}

func TestRotateRewrapRetire(t *testing.T) {
	k, dir := openTemp(t)
	ad := AD("person", "data_key", "p1")
	dk := newDataKey(t)
	w1, err := k.Wrap(dk, ad)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := WrappedVersion(w1); err != nil || v != 1 {
		t.Fatalf("WrappedVersion = %d, %v; want 1", v, err)
	}
	ct := dk.Seal([]byte("secret"), AD("person", "notes", "p1"))

	v2, err := k.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if v2 != 2 || k.CurrentVersion() != 2 || !slices.Equal(k.Versions(), []uint32{1, 2}) {
		t.Fatalf("after Rotate: returned %d, current %d, versions %v", v2, k.CurrentVersion(), k.Versions())
	}

	// Old wrapped keys still unwrap.
	got, err := k.Unwrap(w1, ad)
	if err != nil || !sameKey(got, dk) {
		t.Fatalf("Unwrap of version-1 key after Rotate: %v", err)
	}
	// New wraps use version 2.
	wNew, err := k.Wrap(newDataKey(t), ad)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := WrappedVersion(wNew); v != 2 {
		t.Errorf("Wrap after Rotate names version %d, want 2", v)
	}
	// Rewrap moves a key to version 2, keeping the key itself.
	w2, err := k.Rewrap(w1, ad)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := WrappedVersion(w2); v != 2 {
		t.Errorf("Rewrap names version %d, want 2", v)
	}
	got, err = k.Unwrap(w2, ad)
	if err != nil || !sameKey(got, dk) {
		t.Fatalf("Unwrap of rewrapped key: %v", err)
	}
	if pt, err := got.Open(ct, AD("person", "notes", "p1")); err != nil || string(pt) != "secret" {
		t.Errorf("rewrapped key does not open old data: %q, %v", pt, err)
	}
	// Rewrap binds to the same record: other ad fails.
	_, err = k.Rewrap(w1, AD("person", "data_key", "p2"))
	wantErr(t, err, ErrCorrupt)

	// Rotation persists across Open.
	kr, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if kr.CurrentVersion() != 2 || !slices.Equal(kr.Versions(), []uint32{1, 2}) {
		t.Errorf("after reopen: current %d, versions %v", kr.CurrentVersion(), kr.Versions())
	}
	if _, err := kr.Unwrap(w1, ad); err != nil {
		t.Errorf("reopened keyring cannot unwrap version 1: %v", err)
	}
	if _, err := kr.Unwrap(w2, ad); err != nil {
		t.Errorf("reopened keyring cannot unwrap version 2: %v", err)
	}

	// Retire refuses the current version and unknown versions.
	if err := k.Retire(2); !errors.Is(err, ErrCurrentVersion) {
		t.Errorf("Retire(current) = %v, want ErrCurrentVersion", err)
	}
	if err := k.Retire(7); !errors.Is(err, ErrUnknownKeyVersion) {
		t.Errorf("Retire(7) = %v, want ErrUnknownKeyVersion", err)
	}
	if err := k.Retire(1); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(k.Versions(), []uint32{2}) {
		t.Errorf("Versions after Retire(1) = %v", k.Versions())
	}
	if err := k.Retire(1); !errors.Is(err, ErrUnknownKeyVersion) {
		t.Errorf("second Retire(1) = %v, want ErrUnknownKeyVersion", err)
	}

	// Un-rewrapped keys now fail with ErrUnknownKeyVersion; rewrapped work.
	_, err = k.Unwrap(w1, ad)
	wantErr(t, err, ErrUnknownKeyVersion)
	_, err = k.Rewrap(w1, ad)
	wantErr(t, err, ErrUnknownKeyVersion)
	if got, err := k.Unwrap(w2, ad); err != nil || !sameKey(got, dk) {
		t.Errorf("rewrapped key after Retire: %v", err)
	}

	// Retirement persists, and version numbers are never reused.
	kr, err = Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kr.Versions(), []uint32{2}) {
		t.Errorf("versions after reopen = %v, want [2]", kr.Versions())
	}
	_, err = kr.Unwrap(w1, ad)
	wantErr(t, err, ErrUnknownKeyVersion)
	if v, err := kr.Rotate(); err != nil || v != 3 {
		t.Errorf("Rotate after retiring 1 = %d, %v; want 3", v, err)
	}
	if err := kr.Retire(2); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, filepath.Join(dir, KEKFile))); !regexp.MustCompile(`^3 [A-Za-z0-9+/]{43}=\n$`).MatchString(got) {
		t.Errorf("KEK file after retiring down to version 3 has unexpected form")
	}
}

func TestRotateDetectsChangeOnDisk(t *testing.T) {
	k1, dir := openTemp(t)
	k2, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k1.Rotate(); err != nil {
		t.Fatal(err)
	}
	// k2 still believes the file holds only version 1: it must not
	// overwrite version 2.
	if _, err := k2.Rotate(); err == nil {
		t.Fatal("Rotate overwrote a KEK file changed by another keyring")
	}
	if err := k2.Retire(1); err == nil {
		t.Fatal("Retire overwrote a KEK file changed by another keyring")
	}
	if !slices.Equal(k2.Versions(), []uint32{1}) {
		t.Errorf("failed Rotate changed versions to %v", k2.Versions())
	}

	dk := newDataKey(t)
	ad := AD("t", "c", "1")
	w, _ := k1.Wrap(dk, ad)
	_, err = k2.Unwrap(w, ad)
	wantErr(t, err, ErrUnknownKeyVersion)

	if err := k2.Reload(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(k2.Versions(), []uint32{1, 2}) {
		t.Errorf("after Reload: %v", k2.Versions())
	}
	if _, err := k2.Unwrap(w, ad); err != nil {
		t.Errorf("Unwrap after Reload: %v", err)
	}
	if v, err := k2.Rotate(); err != nil || v != 3 {
		t.Errorf("Rotate after Reload = %d, %v", v, err)
	}
	kr, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kr.Versions(), []uint32{1, 2, 3}) {
		t.Errorf("versions on disk = %v, want [1 2 3]", kr.Versions())
	}
}

func TestConcurrentUseDuringRotate(t *testing.T) {
	k, _ := openTemp(t)
	ad := AD("person", "data_key", "p")
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	stop := make(chan struct{})
	shared := newDataKey(t) // one DataKey used by every goroutine
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dk, _ := NewDataKey()
			field := AD("person", "name", "p")
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				w, err := k.Wrap(dk, ad)
				if err != nil {
					errs <- err
					return
				}
				got, err := k.Unwrap(w, ad)
				if err != nil || !sameKey(got, dk) {
					errs <- errors.Join(errors.New("unwrap"), err)
					return
				}
				w2, err := k.Rewrap(w, ad)
				if err != nil {
					errs <- err
					return
				}
				if _, err := k.Unwrap(w2, ad); err != nil {
					errs <- err
					return
				}
				if pt, err := got.Open(dk.Seal([]byte("x"), field), field); err != nil || string(pt) != "x" {
					errs <- errors.Join(errors.New("seal/open"), err)
					return
				}
				if pt, err := shared.Open(shared.Seal([]byte("y"), field), field); err != nil || string(pt) != "y" {
					errs <- errors.Join(errors.New("shared seal/open"), err)
					return
				}
				_ = k.Versions()
				_ = k.CurrentVersion()
			}
		}()
	}
	for i := 0; i < 10; i++ {
		if _, err := k.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if k.CurrentVersion() != 11 {
		t.Errorf("CurrentVersion = %d, want 11", k.CurrentVersion())
	}
}

func TestSigningKey(t *testing.T) {
	k, _ := openTemp(t)
	sk := k.SigningKey()
	msg := []byte("audit checkpoint 42")
	sig := ed25519.Sign(sk, msg)
	if !ed25519.Verify(k.PublicKey(), msg, sig) {
		t.Error("signature does not verify with PublicKey")
	}
	// The returned key is a copy.
	clear(sk)
	if !ed25519.Verify(k.PublicKey(), msg, ed25519.Sign(k.SigningKey(), msg)) {
		t.Error("clearing the returned key changed the keyring's key")
	}
}
