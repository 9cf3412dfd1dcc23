package auditlog

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a signed tree head: the log called Origin had Size entries
// and the Merkle root Root.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
}

// Body returns the C2SP tlog-checkpoint note text: the origin line, the size
// in decimal, the standard (padded) base64 of the root, each ending in "\n".
// No extension lines are written.
func (c Checkpoint) Body() []byte {
	b := make([]byte, 0, len(c.Origin)+20+base64.StdEncoding.EncodedLen(len(c.Root))+3)
	b = append(b, c.Origin...)
	b = append(b, '\n')
	b = strconv.AppendUint(b, c.Size, 10)
	b = append(b, '\n')
	b = base64.StdEncoding.AppendEncode(b, c.Root)
	b = append(b, '\n')
	return b
}

// validName reports whether name can be a note key name (and so an origin of
// this package): non-empty UTF-8 without spaces or '+'.
func validName(name string) bool {
	return name != "" && utf8.ValidString(name) &&
		strings.IndexFunc(name, unicode.IsSpace) < 0 && !strings.Contains(name, "+")
}

// algEd25519 is the note signature algorithm byte for Ed25519.
const algEd25519 = 1

// Signer signs checkpoints for one log with the instance's Ed25519 key, as
// signed notes (golang.org/x/mod/sumdb/note) whose key name is the origin.
// It is safe for concurrent use.
type Signer struct {
	origin   string
	signer   note.Signer
	verifier note.Verifier
	vkey     string
}

// NewSigner returns a signer for the log named origin. The origin is also the
// note key name, so it must be non-empty and hold no spaces or '+'; a
// schema-less URL such as "nrm.example.org/audit" is customary.
func NewSigner(origin string, key ed25519.PrivateKey) (*Signer, error) {
	if !validName(origin) {
		return nil, fmt.Errorf("auditlog: invalid origin %q: it must be non-empty UTF-8 without spaces or '+'", origin)
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("auditlog: Ed25519 private key is %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	if !bytes.Equal(ed25519.NewKeyFromSeed(key.Seed()), key) {
		return nil, errors.New("auditlog: Ed25519 private key is inconsistent (public half does not match the seed)")
	}
	pub := key.Public().(ed25519.PublicKey)

	vkey, err := note.NewEd25519VerifierKey(origin, pub)
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	// note.NewSigner recomputes the key hash from the seed and rejects a
	// mismatch, which checks signerKey.
	signer, err := note.NewSigner(signerKey(origin, key))
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	if signer.KeyHash() != verifier.KeyHash() {
		return nil, errors.New("auditlog: signer and verifier key hashes differ")
	}
	return &Signer{origin: origin, signer: signer, verifier: verifier, vkey: vkey}, nil
}

// signerKey returns the note signer key text of an Ed25519 key, as
// note.GenerateKey writes it (note has no constructor from an
// ed25519.PrivateKey): PRIVATE+KEY+<name>+<hash>+base64(0x01 || seed), where
// hash is the first 4 bytes, big-endian, of
// SHA-256(name || "\n" || 0x01 || public key), in 8 lower-case hex digits.
func signerKey(name string, key ed25519.PrivateKey) string {
	pub := key.Public().(ed25519.PublicKey)
	return fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, noteKeyHash(name, pub),
		base64.StdEncoding.EncodeToString(append([]byte{algEd25519}, key.Seed()...)))
}

// noteKeyHash is the note key hash of an Ed25519 public key.
func noteKeyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte("\n"))
	h.Write([]byte{algEd25519})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// Origin returns the log origin (and key name) of the signer.
func (s *Signer) Origin() string { return s.origin }

// Sign returns the signed note of c: c.Body(), a blank line, and the
// signature line "— <origin> <base64(key hash || signature)>". c.Origin must
// be the signer's origin and c.Root a 32-byte hash.
func (s *Signer) Sign(c Checkpoint) ([]byte, error) {
	if c.Origin != s.origin {
		return nil, fmt.Errorf("auditlog: checkpoint origin %q, signer origin %q", c.Origin, s.origin)
	}
	if len(c.Root) != HashSize {
		return nil, fmt.Errorf("auditlog: checkpoint root is %d bytes, want %d", len(c.Root), HashSize)
	}
	signed, err := note.Sign(&note.Note{Text: string(c.Body())}, s.signer)
	if err != nil {
		return nil, fmt.Errorf("auditlog: signing checkpoint: %w", err)
	}
	return signed, nil
}

// Verifier returns the note verifier of the signer's public key.
func (s *Signer) Verifier() note.Verifier { return s.verifier }

// VerifierKey returns the note verifier key text
// "<origin>+<key hash>+<base64(0x01 || public key)>", to publish to partners;
// [NewVerifier] (or note.NewVerifier) turns it back into a verifier.
func (s *Signer) VerifierKey() string { return s.vkey }

// NewVerifier parses a note verifier key text as returned by
// [Signer.VerifierKey].
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("auditlog: verifier key: %w", err)
	}
	return v, nil
}

// OpenCheckpoint verifies that signed is a note signed by v and parses its
// text as a checkpoint whose origin is v's name. Other signatures (witness
// cosignatures, for instance) are allowed and ignored; C2SP extension lines
// after the root are allowed and ignored.
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	if v == nil {
		return Checkpoint{}, errors.New("auditlog: open checkpoint: nil verifier")
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unverified):
			return Checkpoint{}, fmt.Errorf("auditlog: checkpoint carries no signature by key %s+%08x: %w", v.Name(), v.KeyHash(), err)
		case errors.As(err, &invalid):
			return Checkpoint{}, fmt.Errorf("auditlog: checkpoint signature by %s does not verify (altered body or forged signature): %w", v.Name(), err)
		default:
			return Checkpoint{}, fmt.Errorf("auditlog: checkpoint is not a well-formed signed note: %w", err)
		}
	}
	c, err := parseBody(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("auditlog: checkpoint origin %q does not match key name %q", c.Origin, v.Name())
	}
	return c, nil
}

// parseBody parses a C2SP tlog-checkpoint note text.
func parseBody(text string) (Checkpoint, error) {
	lines := strings.SplitAfter(text, "\n")
	// SplitAfter leaves a final "" after the last "\n".
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return Checkpoint{}, errors.New("auditlog: checkpoint body has fewer than three lines")
	}
	lines = lines[:len(lines)-1]
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\n")
		if lines[i] == "" {
			return Checkpoint{}, fmt.Errorf("auditlog: checkpoint body line %d is empty", i+1)
		}
	}
	origin, sizeText, rootText := lines[0], lines[1], lines[2]
	size, err := strconv.ParseUint(sizeText, 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != sizeText {
		return Checkpoint{}, fmt.Errorf("auditlog: checkpoint size %q is not a canonical decimal number", sizeText)
	}
	root, err := base64.StdEncoding.Strict().DecodeString(rootText)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("auditlog: checkpoint root %q is not standard base64: %w", rootText, err)
	}
	if len(root) != HashSize {
		return Checkpoint{}, fmt.Errorf("auditlog: checkpoint root is %d bytes, want %d", len(root), HashSize)
	}
	return Checkpoint{Origin: origin, Size: size, Root: root}, nil
}
