package auditlog

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
)

// Entry is one audit record: who did what to which object, when, and with
// which outcome.
type Entry struct {
	Seq       uint64    // position in the log, 0-based; part of the hashed content, so a reordered entry fails
	Time      time.Time // stored and hashed as UTC, microsecond precision
	RequestID string
	Actor     string // user id, or "system"
	ActorOrg  string // organisation id or ""
	ActorRole string
	Action    string // e.g. "case.read", "user.signin"
	Object    string // e.g. "case/9f2c..." or ""
	Outcome   string // "ok", "denied", "failed"
	Detail    string // free text that never holds personal data (the caller puts keyed hashes here)
}

// CanonicalVersion is the first byte of every [Entry.Canonical] encoding.
const CanonicalVersion byte = 1

// HashSize is the size of every hash in the log (SHA-256).
const HashSize = sha256.Size

// Normalize returns e with Time converted to UTC and truncated to whole
// microseconds, which is what [Entry.Canonical] hashes and what SQL
// timestamp columns (PostgreSQL timestamptz, for one) store. Call it before
// storing an entry, so that the stored row and the hashed row agree.
func (e Entry) Normalize() Entry {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	return e
}

// Canonical returns the deterministic, unambiguous encoding of e that is the
// Merkle leaf input: a version byte, Seq and Time as fixed-width big-endian
// integers, then each string field prefixed with its length (see the package
// documentation for the exact layout). Time is encoded as microseconds since
// the Unix epoch, so the time zone and any sub-microsecond part are not part
// of the encoding.
func (e Entry) Canonical() []byte {
	return e.appendCanonical(make([]byte, 0, e.canonicalSize()))
}

func (e *Entry) canonicalSize() int {
	n := 1 + 8 + 8
	for _, s := range [...]string{e.RequestID, e.Actor, e.ActorOrg, e.ActorRole, e.Action, e.Object, e.Outcome, e.Detail} {
		n += uvarintLen(uint64(len(s))) + len(s)
	}
	return n
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendCanonical appends the canonical encoding of e to b.
func (e *Entry) appendCanonical(b []byte) []byte {
	b = append(b, CanonicalVersion)
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	b = appendString(b, e.RequestID)
	b = appendString(b, e.Actor)
	b = appendString(b, e.ActorOrg)
	b = appendString(b, e.ActorRole)
	b = appendString(b, e.Action)
	b = appendString(b, e.Object)
	b = appendString(b, e.Outcome)
	b = appendString(b, e.Detail)
	return b
}

// LeafHash returns the RFC 6962 leaf hash of e.Canonical(), that is
// SHA-256(0x00 || e.Canonical()), as rfc6962.DefaultHasher.HashLeaf computes.
func LeafHash(e Entry) []byte {
	return rfc6962.DefaultHasher.HashLeaf(e.Canonical())
}

// leafHasher computes leaf hashes without allocating; not safe for
// concurrent use.
type leafHasher struct {
	buf []byte
}

func (lh *leafHasher) sum(e *Entry) [HashSize]byte {
	lh.buf = e.appendCanonical(append(lh.buf[:0], rfc6962.RFC6962LeafHashPrefix))
	return sha256.Sum256(lh.buf)
}
