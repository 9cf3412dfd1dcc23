package nrm

import (
	"crypto/rand"
	"encoding/hex"
)

// NewID returns a random 128-bit identifier in the UUID version 4 layout.
// Ids carry no meaning and no personal data, so they may appear in URLs.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// ValidID reports whether s has the shape of an id, so that bad ids from
// URLs are refused before they reach a query.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// referenceAlphabet is Crockford's base 32: no I, L, O or U to misread.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a short case reference such as "NRM-2026-7K3Q9M".
// It holds the year and randomness only, never anything about the person.
func NewReference(year int) string {
	var b [6]byte
	rand.Read(b[:])
	out := make([]byte, 0, 16)
	out = append(out, "NRM-"...)
	out = append(out, byte('0'+year/1000%10), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	for _, x := range b {
		out = append(out, referenceAlphabet[x%32])
	}
	return string(out)
}
