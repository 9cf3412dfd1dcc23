// Package exchange is how two nrm instances, in a country of destination and
// a country of origin, trust each other and pass referrals: each instance's
// identity (an Ed25519 signing key and an X25519 encryption key, kept in the
// data directory's keys/), and the packet format (format.md) that carries the
// consented part of a case file, encrypted to the partner with HPKE (RFC
// 9180) and signed by the sender.
//
// The package holds no state beyond the keys it is given and knows nothing
// of cases: the service decides what goes into a packet and whom to trust.
package exchange

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// The key files in the keys/ directory, beside the keyring's: base64 of the
// 32-byte Ed25519 seed and of the X25519 private key, and a newline, mode
// 0600, written once at the first start.
const (
	signingKeyFile    = "instance-signing.key"
	encryptionKeyFile = "instance-encryption.key"
)

// Keys are an instance's own private keys.
type Keys struct {
	sign ed25519.PrivateKey
	enc  *ecdh.PrivateKey
}

// LoadOrCreateKeys reads the instance's keys from dir, making them on the
// first start. A half-written pair (one file without the other) is refused,
// not silently replaced: partners trust the fingerprint of these keys.
func LoadOrCreateKeys(dir string) (*Keys, error) {
	signPath, encPath := filepath.Join(dir, signingKeyFile), filepath.Join(dir, encryptionKeyFile)
	seed, errS := readKey(signPath)
	priv, errE := readKey(encPath)
	switch {
	case errS == nil && errE == nil:
		return keysFrom(seed, priv)
	case errors.Is(errS, os.ErrNotExist) && errors.Is(errE, os.ErrNotExist):
	case errS != nil && !errors.Is(errS, os.ErrNotExist):
		return nil, fmt.Errorf("exchange: %w", errS)
	case errE != nil && !errors.Is(errE, os.ErrNotExist):
		return nil, fmt.Errorf("exchange: %w", errE)
	default:
		return nil, fmt.Errorf("exchange: only one of %s and %s is in %s; restore the other from a backup (partners trust this pair)", signingKeyFile, encryptionKeyFile, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	seed = make([]byte, ed25519.SeedSize)
	rand.Read(seed)
	enc, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	// The encryption key first: a crash between the two leaves a pair that
	// the next start refuses rather than one it would half-replace.
	if err := writeNew(encPath, enc.Bytes()); errors.Is(err, os.ErrExist) {
		// Another nrm process is making them this moment: read its pair.
		time.Sleep(100 * time.Millisecond)
		return loadKeys(signPath, encPath)
	} else if err != nil {
		return nil, err
	}
	if err := writeNew(signPath, seed); err != nil {
		return nil, err
	}
	return keysFrom(seed, enc.Bytes())
}

func readKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: not base64", filepath.Base(path))
	}
	return k, nil
}

func loadKeys(signPath, encPath string) (*Keys, error) {
	seed, err := readKey(signPath)
	if err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	priv, err := readKey(encPath)
	if err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	return keysFrom(seed, priv)
}

// writeNew writes a key file that must not exist yet, synced, mode 0600.
func writeNew(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("exchange: %w", err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("exchange: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("exchange: %w", err)
	}
	return f.Close()
}

func keysFrom(seed, priv []byte) (*Keys, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("exchange: %s is %d bytes, want %d", signingKeyFile, len(seed), ed25519.SeedSize)
	}
	enc, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("exchange: %s: %w", encryptionKeyFile, err)
	}
	return &Keys{sign: ed25519.NewKeyFromSeed(seed), enc: enc}, nil
}

// Public returns the public halves: signing key, encryption key.
func (k *Keys) Public() (signing, encryption []byte) {
	return []byte(k.sign.Public().(ed25519.PublicKey)), k.enc.PublicKey().Bytes()
}

// Fingerprint is the instance's fingerprint (see Fingerprint).
func (k *Keys) Fingerprint() string {
	s, e := k.Public()
	return Fingerprint(s, e)
}

// Identity is what an instance tells partners about itself, and what an
// admin registers to trust a partner. Keys are base64 in JSON.
type Identity = nrm.InstanceIdentity

// Identity names the instance with its public keys and fingerprint.
func (k *Keys) Identity(name, country, publicURL string) Identity {
	s, e := k.Public()
	return Identity{Instance: name, Country: country, URL: publicURL, SigningKey: s, EncryptionKey: e, Fingerprint: Fingerprint(s, e)}
}

// Fingerprint is SHA-256 over a label and both public keys, in hex: one
// value for people to compare over the phone before trusting a partner (see
// Grouped), covering both keys so that neither can be swapped alone.
func Fingerprint(signingKey, encryptionKey []byte) string {
	h := sha256.New()
	h.Write([]byte("nrm instance identity v1\x00"))
	h.Write(signingKey)
	h.Write(encryptionKey)
	return hex.EncodeToString(h.Sum(nil))
}

// Grouped writes a fingerprint in groups of four characters, as people read
// it aloud.
func Grouped(fp string) string {
	var b strings.Builder
	for i := 0; i < len(fp); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(fp[i:min(i+4, len(fp))])
	}
	return b.String()
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// ErrIdentity is a partner identity that cannot be trusted as given.
type ErrIdentity struct{ Field, Reason string }

func (e *ErrIdentity) Error() string { return "identity " + e.Field + ": " + e.Reason }

// ParseIdentity reads a partner's identity JSON, checks every field, and
// recomputes the fingerprint: an identity whose stated fingerprint does not
// match its keys is refused (a copy altered on the way).
func ParseIdentity(b []byte) (Identity, error) {
	var id Identity
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&id); err != nil {
		return Identity{}, &ErrIdentity{"identity", "not an identity JSON object: " + err.Error()}
	}
	return id, CheckIdentity(&id)
}

// CheckIdentity validates an identity's fields and its fingerprint, and
// normalises them (trimmed name, upper-case country, fingerprint set).
func CheckIdentity(id *Identity) error {
	id.Instance = strings.TrimSpace(id.Instance)
	id.Country = strings.ToUpper(strings.TrimSpace(id.Country))
	switch {
	case id.Instance == "" || len(id.Instance) > 200:
		return &ErrIdentity{"instance", "a name of 1 to 200 characters is required"}
	case !countryCode.MatchString(id.Country):
		return &ErrIdentity{"country", "an ISO 3166-1 alpha-2 code is required"}
	case len(id.SigningKey) != ed25519.PublicKeySize:
		return &ErrIdentity{"signing_key", fmt.Sprintf("an Ed25519 public key is %d bytes", ed25519.PublicKeySize)}
	}
	if _, err := ecdh.X25519().NewPublicKey(id.EncryptionKey); err != nil {
		return &ErrIdentity{"encryption_key", "not an X25519 public key"}
	}
	u, err := url.Parse(id.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return &ErrIdentity{"url", "an https URL with a host is required"}
	}
	// Packets are sealed whatever the transport, but https hides who talks to
	// whom and when: plain http only on this machine (tests, a local proxy).
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return &ErrIdentity{"url", "must be https (http only for a loopback address)"}
	}
	want := Fingerprint(id.SigningKey, id.EncryptionKey)
	if id.Fingerprint != "" && strings.ToLower(strings.ReplaceAll(id.Fingerprint, " ", "")) != want {
		return &ErrIdentity{"fingerprint", "does not match the keys: the identity was altered or mistyped"}
	}
	id.Fingerprint = want
	return nil
}
