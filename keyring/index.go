package keyring

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// macSize is how many bytes of HMAC-SHA256 BlindIndex and AuditHash keep
// (128 bits; hex-encoded that is 32 characters).
const macSize = 16

// hmacSHA256 returns HMAC-SHA256(key, parts[0] || parts[1] || ...), the
// standard construction of RFC 2104 (tested against RFC 4231).
func hmacSHA256(key []byte, parts ...string) [sha256.Size]byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	return sum
}

// BlindIndex returns a keyed, deterministic search token for value:
// hex(HMAC-SHA256(index key, purpose || 0x00 || Normalise(value))[:16]).
// Equal names give equal tokens ("Ana Popescu", "ANA  POPESCU" and
// "Ána Popéscu" all match), while the token reveals nothing without the
// index key. purpose separates uses (for example "person.family_name" and
// "person.given_name"), so equal values in different fields give unrelated
// tokens; it is a constant chosen by the program and must not contain a NUL
// byte (BlindIndex panics if it does, as the encoding would be ambiguous).
//
// Normalise("") is "", so every empty or all-punctuation value of a purpose
// gets the same token; callers should not index such values.
func (k *Keyring) BlindIndex(purpose, value string) string {
	if strings.IndexByte(purpose, 0) >= 0 {
		panic("keyring: BlindIndex purpose contains a NUL byte")
	}
	sum := hmacSHA256(k.indexKey[:], purpose, "\x00", Normalise(value))
	return hex.EncodeToString(sum[:macSize])
}

// AuditHash returns hex(HMAC-SHA256(audit key, value)[:16]): a keyed hash for
// the audit log, so it can record which record or person an entry concerns
// without storing the identifier itself. value is not normalised.
func (k *Keyring) AuditHash(value string) string {
	sum := hmacSHA256(k.auditKey[:], value)
	return hex.EncodeToString(sum[:macSize])
}
