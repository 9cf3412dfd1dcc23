package keyring

// The key directory's files: their formats, and reading and writing them
// safely (modes, atomic replacement).

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

var b64 = base64.StdEncoding.Strict()

// encodeKey encodes a single-key file: standard base64 with padding, newline.
func encodeKey(key []byte) []byte {
	return append([]byte(b64.EncodeToString(key)), '\n')
}

// parseKey parses a single-key file: canonical base64 of 32 bytes, optionally
// followed by one newline.
func parseKey(data []byte) ([keySize]byte, error) {
	var key [keySize]byte
	s := strings.TrimSuffix(string(data), "\n")
	if err := decodeKey(s, key[:]); err != nil {
		return key, err
	}
	return key, nil
}

// decodeKey decodes canonical standard base64 of exactly len(dst) bytes.
func decodeKey(s string, dst []byte) error {
	if len(s) != b64.EncodedLen(len(dst)) {
		return fmt.Errorf("malformed key: want %d base64 characters encoding %d bytes, got %d characters", b64.EncodedLen(len(dst)), len(dst), len(s))
	}
	buf := make([]byte, b64.DecodedLen(len(s)))
	defer clear(buf)
	n, err := b64.Decode(buf, []byte(s))
	// The decoder skips '\r' and '\n'; the re-encoding comparison rejects them.
	if err != nil || n != len(dst) || b64.EncodeToString(buf[:n]) != s {
		return errors.New("malformed key: not canonical standard base64")
	}
	copy(dst, buf)
	return nil
}

// encodeKEKFile writes one "<version> <base64 key>\n" line per version.
func encodeKEKFile(es []kekEntry) []byte {
	var b bytes.Buffer
	for _, e := range es {
		b.WriteString(strconv.FormatUint(uint64(e.version), 10))
		b.WriteByte(' ')
		b.WriteString(b64.EncodeToString(e.key[:]))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// parseKEKFile parses the KEK file: one "<version> <base64 of 32 bytes>" line
// per version, each ended by a newline (optional on the last line), versions
// positive, in canonical decimal and strictly ascending. Errors never quote
// key material.
func parseKEKFile(data []byte) ([]kekEntry, error) {
	s := string(data)
	if s == "" {
		return nil, errors.New("malformed KEK file: empty")
	}
	s = strings.TrimSuffix(s, "\n")
	var es []kekEntry
	for i, line := range strings.Split(s, "\n") {
		n := i + 1
		verStr, keyStr, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("malformed KEK file: line %d is not \"<version> <base64 key>\"", n)
		}
		v, err := strconv.ParseUint(verStr, 10, 32)
		if err != nil || v == 0 || strconv.FormatUint(v, 10) != verStr {
			return nil, fmt.Errorf("malformed KEK file: line %d: version must be a positive decimal number without sign or leading zeros", n)
		}
		e := kekEntry{version: uint32(v)}
		if err := decodeKey(keyStr, e.key[:]); err != nil {
			return nil, fmt.Errorf("malformed KEK file: line %d (version %d): %w", n, v, err)
		}
		if len(es) > 0 && e.version <= es[len(es)-1].version {
			return nil, fmt.Errorf("malformed KEK file: line %d: version %d is not greater than the previous version %d", n, v, es[len(es)-1].version)
		}
		es = append(es, e)
	}
	return es, nil
}

// ---- file system ----

// prepareDir creates dir with mode 0700 if missing, and refuses a directory
// that group or others can write to (they could replace key files).
func prepareDir(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("keyring: creating key directory: %w", err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("keyring: creating key directory: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("keyring: key directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("keyring: %s is not a directory", dir)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("keyring: key directory %s has mode %04o: group or others can replace key files (chmod 700 %s)", dir, perm, dir)
	}
	return nil
}

// readKeyFile reads a key file, refusing anything but a regular file with no
// permissions for group or others. A missing file yields an error matching
// fs.ErrNotExist.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("keyring: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("keyring: %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("keyring: refusing key file %s with mode %04o: it must not be accessible by group or others (chmod 600 %s)", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("keyring: reading %s: %w", path, err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("keyring: %s is larger than %d bytes", path, maxKeyFileSize)
	}
	return data, nil
}

const tempInfix = ".tmp-"

var errDirSync = errors.New("keyring: file replaced, but syncing its directory failed")

// writeFileAtomic replaces path with data, mode 0600: it writes a temporary
// file in the same directory, syncs it, renames it over path and syncs the
// directory. Readers see the old or the new contents, never a mix.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+tempInfix+"*")
	if err != nil {
		return fmt.Errorf("keyring: writing %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("keyring: writing %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("keyring: writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("keyring: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("keyring: writing %s: %w", path, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("keyring: writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return fmt.Errorf("%w: %s: %v", errDirSync, path, err)
		}
	} else {
		return fmt.Errorf("%w: %s: %v", errDirSync, path, err)
	}
	return nil
}

// removeStaleTemps deletes temporary files left in dir by a writeFileAtomic
// that crashed before its rename. Called with the directory lock held.
func removeStaleTemps(dir string) {
	for _, name := range []string{KEKFile, IndexFile, AuditFile, SigningFile} {
		matches, _ := filepath.Glob(filepath.Join(dir, "."+name+tempInfix+"*"))
		for _, m := range matches {
			os.Remove(m)
		}
	}
}
