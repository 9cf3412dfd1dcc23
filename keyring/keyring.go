package keyring

import (
	"bytes"
	"cmp"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Names of the files in the key directory.
const (
	KEKFile     = "kek"
	IndexFile   = "index.key"
	AuditFile   = "audit.key"
	SigningFile = "signing.key"
	lockFile    = ".lock"
)

// maxKeyFileSize bounds how much of a key file is read.
const maxKeyFileSize = 1 << 20

// ErrCurrentVersion is returned by Retire when asked to retire the current
// KEK version.
var ErrCurrentVersion = errors.New("keyring: refusing to retire the current KEK version")

// Keyring holds the instance's key material: the KEK versions, the blind
// index key, the audit key and the Ed25519 identity key. It is safe for
// concurrent use: Wrap, Unwrap and Rewrap read an immutable snapshot of the
// KEK versions, which Rotate, Retire and Reload replace atomically.
type Keyring struct {
	dir     string
	kekPath string

	mu    sync.Mutex // serialises Rotate, Retire and Reload
	state atomic.Pointer[kekSet]

	indexKey [keySize]byte
	auditKey [keySize]byte
	signing  ed25519.PrivateKey

	created []string
}

// kek is one KEK version.
type kek struct {
	version uint32
	key     [keySize]byte
	prefix  [prefixSize]byte // 'k', format, version, key check
	aead    cipher.AEAD
}

// kekSet is an immutable snapshot of the loaded KEK versions.
type kekSet struct {
	versions  []*kek // ascending by version
	byVersion map[uint32]*kek
	current   *kek // the newest version
}

type kekEntry struct {
	version uint32
	key     [keySize]byte
}

func newKEKSet(entries []kekEntry) (*kekSet, error) {
	if len(entries) == 0 {
		return nil, errors.New("keyring: no KEK versions")
	}
	st := &kekSet{byVersion: make(map[uint32]*kek, len(entries))}
	for _, e := range entries {
		aead, err := newAEAD(e.key[:])
		if err != nil {
			return nil, err
		}
		kk := &kek{version: e.version, key: e.key, aead: aead}
		check := keyCheck(e.key[:])
		kk.prefix[0] = wrappedMagic
		kk.prefix[1] = formatV1
		binary.BigEndian.PutUint32(kk.prefix[2:6], e.version)
		copy(kk.prefix[6:], check[:])
		st.versions = append(st.versions, kk)
		st.byVersion[e.version] = kk
	}
	slices.SortFunc(st.versions, func(a, b *kek) int { return cmp.Compare(a.version, b.version) })
	st.current = st.versions[len(st.versions)-1]
	return st, nil
}

func (st *kekSet) entries() []kekEntry {
	es := make([]kekEntry, len(st.versions))
	for i, kk := range st.versions {
		es[i] = kekEntry{version: kk.version, key: kk.key}
	}
	return es
}

// Open loads the key material from dir, creating dir (mode 0700) and any
// missing key file (mode 0600). If masterKeyFile is not empty, the KEK
// versions are read from (or created in) that file instead of dir/kek; its
// directory must exist. Open refuses a key file that is accessible by group or
// others, is not a regular file, or is malformed, and a directory writable by
// group or others. It never overwrites an existing key file.
//
// The files Open had to create are listed by Created: a newly created index.key or
// signing.key next to an existing database means earlier blind indexes no
// longer match, or the instance has a new identity.
func Open(dir, masterKeyFile string) (*Keyring, error) {
	if dir == "" {
		return nil, errors.New("keyring: empty key directory")
	}
	if err := prepareDir(dir); err != nil {
		return nil, err
	}
	kekPath := filepath.Join(dir, KEKFile)
	if masterKeyFile != "" {
		kekPath = masterKeyFile
	}
	k := &Keyring{dir: dir, kekPath: kekPath}

	// First without the lock, so a read-only key directory works once all
	// files exist.
	missing, err := k.load(false)
	if err != nil || !missing {
		return k.orNil(err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	removeStaleTemps(dir)
	_, err = k.load(true)
	return k.orNil(err)
}

func (k *Keyring) orNil(err error) (*Keyring, error) {
	if err != nil {
		return nil, err
	}
	return k, nil
}

// load reads and validates every key file. With create false it only
// reports whether any is missing; with create true it creates the missing
// ones, but only once every existing file has been validated, so a bad
// file never leads to new files being written next to it.
func (k *Keyring) load(create bool) (missing bool, err error) {
	genKEK := func() []byte {
		e := kekEntry{version: 1}
		rand.Read(e.key[:])
		return encodeKEKFile([]kekEntry{e})
	}
	genKey := func() []byte {
		var key [keySize]byte
		rand.Read(key[:])
		return encodeKey(key[:])
	}
	files := []struct {
		path string
		gen  func() []byte
		data []byte
	}{
		{path: k.kekPath, gen: genKEK},
		{path: filepath.Join(k.dir, IndexFile), gen: genKey},
		{path: filepath.Join(k.dir, AuditFile), gen: genKey},
		{path: filepath.Join(k.dir, SigningFile), gen: genKey},
	}
	for i := range files {
		f := &files[i]
		f.data, err = readKeyFile(f.path)
		if errors.Is(err, fs.ErrNotExist) {
			missing = true
			continue
		}
		if err != nil {
			return false, err
		}
	}

	// Validate what exists before creating anything.
	var st *kekSet
	var keys [3][keySize]byte
	defer clear(keys[:])
	parse := func() error {
		for i, f := range files {
			if f.data == nil {
				continue
			}
			var err error
			if i == 0 {
				var es []kekEntry
				if es, err = parseKEKFile(f.data); err == nil {
					st, err = newKEKSet(es)
				}
			} else {
				keys[i-1], err = parseKey(f.data)
			}
			if err != nil {
				return fmt.Errorf("keyring: %s: %w", f.path, err)
			}
		}
		return nil
	}
	if err := parse(); err != nil {
		return false, err
	}
	if missing && !create {
		return true, nil
	}

	k.created = nil
	for i := range files {
		f := &files[i]
		if f.data != nil {
			continue
		}
		f.data = f.gen()
		if err := writeFileAtomic(f.path, f.data); err != nil {
			return false, err
		}
		k.created = append(k.created, f.path)
	}
	if err := parse(); err != nil {
		return false, err
	}
	k.indexKey, k.auditKey = keys[0], keys[1]
	k.signing = ed25519.NewKeyFromSeed(keys[2][:])
	k.state.Store(st)
	return false, nil
}

// Created returns the paths of the key files that Open had to create.
func (k *Keyring) Created() []string { return slices.Clone(k.created) }

// KEKPath returns the path of the file that holds the KEK versions.
func (k *Keyring) KEKPath() string { return k.kekPath }

// CurrentVersion returns the newest KEK version, the one Wrap uses.
func (k *Keyring) CurrentVersion() uint32 { return k.state.Load().current.version }

// Versions returns the loaded KEK versions in ascending order.
func (k *Keyring) Versions() []uint32 {
	st := k.state.Load()
	vs := make([]uint32, len(st.versions))
	for i, kk := range st.versions {
		vs[i] = kk.version
	}
	return vs
}

// Rotate adds a new KEK version (the highest so far plus one), writes it to
// the KEK file and makes it current. Keys wrapped under older versions still
// unwrap; Rewrap moves them to the new one. Rotate refuses to run if the KEK
// file was changed on disk since it was loaded (for example by another
// process); Reload first.
//
// Other processes using the same key files keep wrapping under their current
// version until they Reload or restart: do that before retiring the old one.
func (k *Keyring) Rotate() (uint32, error) {
	var next uint32
	err := k.modify(func(es []kekEntry) ([]kekEntry, error) {
		top := es[len(es)-1].version
		if top == math.MaxUint32 {
			return nil, errors.New("keyring: KEK version numbers exhausted")
		}
		e := kekEntry{version: top + 1}
		rand.Read(e.key[:])
		next = e.version
		return append(es, e), nil
	})
	if err != nil {
		return 0, err
	}
	return next, nil
}

// Retire removes an old KEK version from the KEK file and from memory; keys
// still wrapped under it then fail with ErrUnknownKeyVersion. It refuses the
// current version (ErrCurrentVersion) and a version that is not loaded
// (ErrUnknownKeyVersion). The caller must first make sure nothing is still
// wrapped under the version (WrappedVersion) and that no other process still
// uses it as its current version.
//
// Retiring removes the key from the file, but copies may survive in backups
// or on the disk itself; retirement is not secure erasure.
func (k *Keyring) Retire(version uint32) error {
	return k.modify(func(es []kekEntry) ([]kekEntry, error) {
		i := slices.IndexFunc(es, func(e kekEntry) bool { return e.version == version })
		switch {
		case i < 0:
			return nil, fmt.Errorf("keyring: cannot retire KEK version %d: %w", version, ErrUnknownKeyVersion)
		case i == len(es)-1:
			return nil, fmt.Errorf("%w (version %d)", ErrCurrentVersion, version)
		}
		return slices.Delete(es, i, i+1), nil
	})
}

// Reload re-reads the KEK file, picking up versions added or retired by
// another process. The other key files are not re-read.
func (k *Keyring) Reload() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	st, err := k.readKEKSet()
	if err != nil {
		return err
	}
	k.state.Store(st)
	return nil
}

func (k *Keyring) readKEKSet() (*kekSet, error) {
	data, err := readKeyFile(k.kekPath)
	if err != nil {
		return nil, err
	}
	entries, err := parseKEKFile(data)
	if err != nil {
		return nil, fmt.Errorf("keyring: %s: %w", k.kekPath, err)
	}
	st, err := newKEKSet(entries)
	if err != nil {
		return nil, fmt.Errorf("keyring: %s: %w", k.kekPath, err)
	}
	return st, nil
}

// modify applies change to the KEK versions under the in-process mutex and
// the directory lock, after checking that the file still holds what memory
// holds, and persists the result before making it visible.
func (k *Keyring) modify(change func([]kekEntry) ([]kekEntry, error)) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	unlock, err := lockDir(k.dir)
	if err != nil {
		return err
	}
	defer unlock()

	cur := k.state.Load()
	onDisk, err := k.readKEKSet()
	if err != nil {
		return err
	}
	if !sameEntries(cur.entries(), onDisk.entries()) {
		return fmt.Errorf("keyring: %s changed on disk since it was loaded; call Reload and retry", k.kekPath)
	}
	es, err := change(cur.entries())
	if err != nil {
		return err
	}
	st, err := newKEKSet(es)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(k.kekPath, encodeKEKFile(es)); err != nil {
		if errors.Is(err, errDirSync) {
			// The new file is in place; only its durability is in
			// doubt. Memory must match the file.
			k.state.Store(st)
		}
		return err
	}
	k.state.Store(st)
	return nil
}

func sameEntries(a, b []kekEntry) bool {
	return slices.EqualFunc(a, b, func(x, y kekEntry) bool {
		return x.version == y.version && subtle.ConstantTimeCompare(x.key[:], y.key[:]) == 1
	})
}

// SigningKey returns a copy of the instance's Ed25519 identity key.
func (k *Keyring) SigningKey() ed25519.PrivateKey { return slices.Clone(k.signing) }

// PublicKey returns the instance's Ed25519 public key.
func (k *Keyring) PublicKey() ed25519.PublicKey {
	return slices.Clone(k.signing.Public().(ed25519.PublicKey))
}

// ---- file formats ----

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

// Hold runs fn while no process sharing the key directory can rotate or
// retire a KEK version: a backup reads the key files and snapshots the
// database under it, so that every version the snapshot's data keys need
// is in the key bundle.
func (k *Keyring) Hold(fn func() error) error {
	unlock, err := lockDir(k.dir)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

// Dir is the key directory.
func (k *Keyring) Dir() string { return k.dir }
