package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors returned when decrypting. They are disjoint: errors.Is matches at
// most one of them for any error this package returns.
var (
	// ErrWrongKey means the bytes were made under a different key than the
	// one used to open them. It is detected with the key-check value in the
	// header, before any decryption is attempted.
	ErrWrongKey = errors.New("keyring: made under a different key")

	// ErrUnknownKeyVersion means a wrapped key names a KEK version that is
	// not loaded, for example because it has been retired.
	ErrUnknownKeyVersion = errors.New("keyring: unknown key version")

	// ErrCorrupt means the key is right but the bytes are truncated,
	// altered, in an unknown format, or bound to another record (the
	// associated data does not match): GCM authentication failed.
	ErrCorrupt = errors.New("keyring: corrupt or altered ciphertext")
)

// Preallocated errors for the decryption paths, so that rejecting bad input
// does not allocate.
var (
	errShortCiphertext  = fmt.Errorf("%w: field ciphertext too short", ErrCorrupt)
	errFieldFormat      = fmt.Errorf("%w: not a format-1 field ciphertext", ErrCorrupt)
	errFieldVersion     = fmt.Errorf("%w: data-key version in header altered", ErrCorrupt)
	errFieldAuth        = fmt.Errorf("%w: authentication failed (altered, or associated data differs)", ErrCorrupt)
	errFieldWrongKey    = fmt.Errorf("%w: field ciphertext is not under this data key", ErrWrongKey)
	errZeroDataKey      = fmt.Errorf("%w: zero DataKey (not from NewDataKey or Unwrap)", ErrWrongKey)
	errWrappedLength    = fmt.Errorf("%w: wrapped key has the wrong length", ErrCorrupt)
	errWrappedFormat    = fmt.Errorf("%w: not a format-1 wrapped key", ErrCorrupt)
	errWrappedAuth      = fmt.Errorf("%w: wrapped key authentication failed (altered, or associated data differs)", ErrCorrupt)
	errWrappedContent   = fmt.Errorf("%w: wrapped key content invalid", ErrCorrupt)
	errWrappedWrongKey  = fmt.Errorf("%w: wrapped key was made under another KEK with the same version number", ErrWrongKey)
	errWrappedNoVersion = fmt.Errorf("%w: wrapped key names a KEK version that is not loaded", ErrUnknownKeyVersion)
)

// Format constants. See doc.go for the layouts.
const (
	fieldMagic   = 'n'
	wrappedMagic = 'k'
	formatV1     = 1

	keySize      = 32                // AES-256
	checkSize    = 4                 // key-check value
	nonceSize    = 12                // GCM standard nonce
	tagSize      = 16                // GCM tag
	prefixSize   = 2 + 4 + checkSize // magic, format, version, check
	headerSize   = prefixSize + nonceSize
	fieldMinSize = headerSize + tagSize

	wrappedPlainSize = keySize + 4
	// WrappedSize is the length in bytes of every wrapped data key.
	WrappedSize = headerSize + wrappedPlainSize + tagSize
	// Overhead is how many bytes Seal adds to a plaintext.
	Overhead = headerSize + tagSize
)

// keyCheckLabel is the message MACed to derive a key-check value.
const keyCheckLabel = "nrm key check"

// keyCheck returns the first four bytes of HMAC-SHA256(key, "nrm key check").
// It identifies a key without revealing anything useful about it.
func keyCheck(key []byte) [checkSize]byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(keyCheckLabel))
	var c [checkSize]byte
	copy(c[:], m.Sum(nil))
	return c
}

// newAEAD returns AES-256-GCM with random 96-bit nonces that Seal prepends to
// its output and Open takes from the front of its input.
func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("keyring: key is %d bytes, want %d", len(key), keySize)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCMWithRandomNonce(b)
}

// DataKey is one person's data key: 32 bytes for AES-256-GCM and a version
// (1 for keys from NewDataKey). The cipher is built once, when the DataKey is
// made, so Seal and Open do no setup work. A DataKey is a small handle that is
// cheap to copy and safe for concurrent use. The zero DataKey holds no key:
// its Open returns ErrWrongKey and its Seal panics.
//
// The raw key never leaves a DataKey except wrapped under a KEK (Keyring.Wrap).
type DataKey struct {
	s *dataKeyState
}

type dataKeyState struct {
	key     [keySize]byte
	version uint32
	prefix  [prefixSize]byte // 'n', format, version, key check: every field ciphertext starts with it
	aead    cipher.AEAD
}

// NewDataKey returns a fresh random data key with version 1.
func NewDataKey() (DataKey, error) {
	var key [keySize]byte
	rand.Read(key[:]) // never fails; crashes the program if the OS cannot supply randomness
	dk, err := makeDataKey(key[:], 1)
	clear(key[:])
	return dk, err
}

func makeDataKey(key []byte, version uint32) (DataKey, error) {
	if version == 0 {
		return DataKey{}, errors.New("keyring: data-key version 0 is reserved")
	}
	aead, err := newAEAD(key)
	if err != nil {
		return DataKey{}, err
	}
	s := &dataKeyState{version: version, aead: aead}
	copy(s.key[:], key)
	check := keyCheck(key)
	s.prefix[0] = fieldMagic
	s.prefix[1] = formatV1
	binary.BigEndian.PutUint32(s.prefix[2:6], version)
	copy(s.prefix[6:], check[:])
	return DataKey{s: s}, nil
}

// Version returns the data-key version (1 for keys from NewDataKey), or 0 for
// the zero DataKey.
func (dk DataKey) Version() uint32 {
	if dk.s == nil {
		return 0
	}
	return dk.s.version
}

// IsZero reports whether dk holds no key.
func (dk DataKey) IsZero() bool { return dk.s == nil }

// Seal encrypts plaintext with AES-256-GCM under dk and a fresh random 96-bit
// nonce, binding it to ad (use AD). The output is a self-describing field
// ciphertext of len(plaintext)+Overhead bytes; see the package documentation.
// Seal panics if dk is the zero DataKey (a programming error).
func (dk DataKey) Seal(plaintext, ad []byte) []byte {
	s := dk.s
	if s == nil {
		panic("keyring: Seal called on the zero DataKey")
	}
	out := make([]byte, prefixSize, Overhead+len(plaintext))
	copy(out, s.prefix[:])
	return s.aead.Seal(out, nil, plaintext, ad)
}

// Open decrypts a field ciphertext made by Seal with the same key and the
// same ad. It returns ErrWrongKey if the ciphertext was made under another
// data key, and ErrCorrupt if it is truncated, altered, or was sealed with
// different associated data (for example, copied from another record). It
// never panics, whatever the input.
func (dk DataKey) Open(ciphertext, ad []byte) ([]byte, error) {
	s := dk.s
	if s == nil {
		return nil, errZeroDataKey
	}
	if len(ciphertext) < fieldMinSize {
		return nil, errShortCiphertext
	}
	if ciphertext[0] != fieldMagic || ciphertext[1] != formatV1 {
		return nil, errFieldFormat
	}
	if subtle.ConstantTimeCompare(ciphertext[6:prefixSize], s.prefix[6:]) != 1 {
		return nil, errFieldWrongKey
	}
	// The key check matched, so a different version means the header was
	// altered: the same key bytes never carry two versions.
	if binary.BigEndian.Uint32(ciphertext[2:6]) != s.version {
		return nil, errFieldVersion
	}
	out := make([]byte, 0, len(ciphertext)-fieldMinSize)
	out, err := s.aead.Open(out, nil, ciphertext[prefixSize:], ad)
	if err != nil {
		return nil, errFieldAuth
	}
	return out, nil
}

// CiphertextVersion returns the data-key version a field ciphertext names,
// so a caller holding several versions of a person's key can pick one. It
// checks only the framing (ErrCorrupt), not the authenticity.
func CiphertextVersion(ciphertext []byte) (uint32, error) {
	if len(ciphertext) < fieldMinSize {
		return 0, errShortCiphertext
	}
	if ciphertext[0] != fieldMagic || ciphertext[1] != formatV1 {
		return 0, errFieldFormat
	}
	return binary.BigEndian.Uint32(ciphertext[2:6]), nil
}

// WrappedVersion returns the KEK version a wrapped key names. It checks only
// the framing (ErrCorrupt), not the authenticity.
func WrappedVersion(wrapped []byte) (uint32, error) {
	if len(wrapped) != WrappedSize {
		return 0, errWrappedLength
	}
	if wrapped[0] != wrappedMagic || wrapped[1] != formatV1 {
		return 0, errWrappedFormat
	}
	return binary.BigEndian.Uint32(wrapped[2:6]), nil
}

// Wrap encrypts dk under the current KEK, bound to ad (use AD, for example
// AD("person", "data_key", personID)). The result is WrappedSize bytes and
// names the KEK version in its header.
func (k *Keyring) Wrap(dk DataKey, ad []byte) ([]byte, error) {
	if dk.s == nil {
		return nil, errors.New("keyring: cannot wrap the zero DataKey")
	}
	return k.state.Load().current.wrap(dk.s, ad), nil
}

func (kk *kek) wrap(s *dataKeyState, ad []byte) []byte {
	var plain [wrappedPlainSize]byte
	copy(plain[:keySize], s.key[:])
	binary.BigEndian.PutUint32(plain[keySize:], s.version)
	out := make([]byte, prefixSize, WrappedSize)
	copy(out, kk.prefix[:])
	out = kk.aead.Seal(out, nil, plain[:], ad)
	clear(plain[:])
	return out
}

// Unwrap decrypts a key made by Wrap (or Rewrap) with the same ad, using the
// KEK version the wrapped key names. It returns ErrUnknownKeyVersion if that
// version is not loaded, ErrWrongKey if a KEK with that version number is
// loaded but is not the one that wrapped it, and ErrCorrupt if the bytes are
// truncated or altered or ad differs. It never panics, whatever the input.
func (k *Keyring) Unwrap(wrapped, ad []byte) (DataKey, error) {
	return k.state.Load().unwrap(wrapped, ad)
}

func (st *kekSet) unwrap(wrapped, ad []byte) (DataKey, error) {
	v, err := WrappedVersion(wrapped)
	if err != nil {
		return DataKey{}, err
	}
	kk := st.byVersion[v]
	if kk == nil {
		return DataKey{}, errWrappedNoVersion
	}
	if subtle.ConstantTimeCompare(wrapped[6:prefixSize], kk.prefix[6:]) != 1 {
		return DataKey{}, errWrappedWrongKey
	}
	var buf [wrappedPlainSize]byte
	plain, err := kk.aead.Open(buf[:0], nil, wrapped[prefixSize:], ad)
	if err != nil {
		return DataKey{}, errWrappedAuth
	}
	dk, err := makeDataKey(plain[:keySize], binary.BigEndian.Uint32(plain[keySize:]))
	clear(buf[:])
	if err != nil {
		// Authenticated, so only a buggy writer could have produced this.
		return DataKey{}, errWrappedContent
	}
	return dk, nil
}

// Rewrap unwraps a key with whichever KEK version it names and wraps it again
// under the current version, with the same ad. Use it after Rotate, before
// retiring the old version. Errors are those of Unwrap.
func (k *Keyring) Rewrap(wrapped, ad []byte) ([]byte, error) {
	st := k.state.Load()
	dk, err := st.unwrap(wrapped, ad)
	if err != nil {
		return nil, err
	}
	return st.current.wrap(dk.s, ad), nil
}

// AD returns associated data binding a ciphertext to one field of one record.
// Pass it to Seal/Open (and to Wrap/Unwrap for a person's data key) so a
// ciphertext copied into another row or column fails to open with ErrCorrupt.
// The encoding is unambiguous: 'a', 1, then each of table, column and id as a
// uvarint length followed by its bytes.
func AD(table, column, id string) []byte {
	return AppendAD(make([]byte, 0, 2+3*binary.MaxVarintLen32+len(table)+len(column)+len(id)), table, column, id)
}

// AppendAD appends AD(table, column, id) to dst and returns the extended
// slice, for callers that reuse a buffer.
func AppendAD(dst []byte, table, column, id string) []byte {
	dst = append(dst, 'a', 1)
	for _, s := range [3]string{table, column, id} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst
}
