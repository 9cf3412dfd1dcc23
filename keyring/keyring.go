package keyring

import (
	"cmp"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
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
