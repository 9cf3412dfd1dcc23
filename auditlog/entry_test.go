package auditlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
)

func sampleEntry() Entry {
	return Entry{
		Seq:       1234,
		Time:      time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC),
		RequestID: "req-7f3a",
		Actor:     "user-42",
		ActorOrg:  "org-ngo-1",
		ActorRole: "caseworker",
		Action:    "case.read",
		Object:    "case/9f2c",
		Outcome:   "ok",
		Detail:    "kh=3b1d",
	}
}

// stringFields returns pointers to the string fields in encoding order.
func stringFields(e *Entry) []*string {
	return []*string{&e.RequestID, &e.Actor, &e.ActorOrg, &e.ActorRole, &e.Action, &e.Object, &e.Outcome, &e.Detail}
}

// decodeCanonical is an independent parser of the documented layout; that
// every encoding decodes back to its entry proves the encoding injective.
func decodeCanonical(b []byte) (Entry, error) {
	var e Entry
	if len(b) < 17 || b[0] != 1 {
		return e, errors.New("short or wrong version")
	}
	e.Seq = binary.BigEndian.Uint64(b[1:9])
	e.Time = time.UnixMicro(int64(binary.BigEndian.Uint64(b[9:17]))).UTC()
	b = b[17:]
	for _, f := range stringFields(&e) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return e, errors.New("bad length")
		}
		*f = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	if len(b) != 0 {
		return e, errors.New("trailing bytes")
	}
	return e, nil
}

func TestCanonicalLayout(t *testing.T) {
	e := Entry{Seq: 0x0102030405060708, Time: time.UnixMicro(0x1122334455).In(time.FixedZone("X", 3600)),
		RequestID: "r", Actor: "ab", ActorOrg: "", ActorRole: "x", Action: "case.read", Object: "", Outcome: "ok", Detail: string(make([]byte, 200))}
	var want []byte
	want = append(want, 1)
	want = append(want, 1, 2, 3, 4, 5, 6, 7, 8)
	want = append(want, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55)
	want = append(want, 1, 'r', 2, 'a', 'b', 0, 1, 'x', 9)
	want = append(want, "case.read"...)
	want = append(want, 0, 2, 'o', 'k', 0xc8, 0x01) // 200 as a uvarint
	want = append(want, make([]byte, 200)...)
	if got := e.Canonical(); !bytes.Equal(got, want) {
		t.Fatalf("Canonical =\n%x\nwant\n%x", got, want)
	}
	if got, want := LeafHash(e), sha256.Sum256(append([]byte{0}, want...)); !bytes.Equal(got, want[:]) {
		t.Fatalf("LeafHash = %x, want %x", got, want)
	}
	if got, want := e.canonicalSize(), len(want); got != want {
		t.Fatalf("canonicalSize = %d, want %d", got, want)
	}
}

// TestCanonicalGolden pins the encoding: if it changes, every stored log
// stops verifying. Change it only with a new version byte.
func TestCanonicalGolden(t *testing.T) {
	e := sampleEntry()
	const wantCanon = "0100000000000004d20006304ed30aa2d9087265712d37663361077573657" +
		"22d3432096f72672d6e676f2d310a63617365776f726b657209636173652e72656164" +
		"09636173652f39663263026f6b076b683d33623164"
	if got := hex.EncodeToString(e.Canonical()); got != wantCanon {
		t.Fatalf("Canonical = %s\nwant        %s", got, wantCanon)
	}
	want := sha256.Sum256(append([]byte{0}, e.Canonical()...))
	if got := LeafHash(e); !bytes.Equal(got, want[:]) {
		t.Fatalf("LeafHash = %x, want %x", got, want)
	}
	if got := rfc6962.DefaultHasher.HashLeaf(e.Canonical()); !bytes.Equal(got, want[:]) {
		t.Fatalf("rfc6962 HashLeaf = %x, want %x", got, want)
	}
	var lh leafHasher
	if got := lh.sum(&e); !bytes.Equal(got[:], want[:]) {
		t.Fatalf("leafHasher = %x, want %x", got, want)
	}
}

func TestCanonicalEveryFieldCounts(t *testing.T) {
	base := sampleEntry()
	baseEnc := base.Canonical()
	baseHash := LeafHash(base)
	mutations := map[string]func(*Entry){
		"Seq":       func(e *Entry) { e.Seq++ },
		"Time":      func(e *Entry) { e.Time = e.Time.Add(time.Microsecond) },
		"RequestID": func(e *Entry) { e.RequestID += "x" },
		"Actor":     func(e *Entry) { e.Actor = "user-43" },
		"ActorOrg":  func(e *Entry) { e.ActorOrg = "" },
		"ActorRole": func(e *Entry) { e.ActorRole = "admin" },
		"Action":    func(e *Entry) { e.Action = "case.write" },
		"Object":    func(e *Entry) { e.Object = "case/9f2d" },
		"Outcome":   func(e *Entry) { e.Outcome = "denied" },
		"Detail":    func(e *Entry) { e.Detail = "" },
	}
	if got, want := len(mutations), reflect.TypeOf(Entry{}).NumField(); got != want {
		t.Fatalf("%d mutations for %d fields", got, want)
	}
	for name, mutate := range mutations {
		e := base
		mutate(&e)
		if bytes.Equal(e.Canonical(), baseEnc) {
			t.Errorf("changing %s does not change Canonical", name)
		}
		if bytes.Equal(LeafHash(e), baseHash) {
			t.Errorf("changing %s does not change LeafHash", name)
		}
	}
}

func TestCanonicalAdjacentFields(t *testing.T) {
	base := sampleEntry()
	// Move one byte across every boundary between adjacent string fields,
	// in both directions: the concatenation is unchanged, the encoding not.
	for i := 0; i+1 < 8; i++ {
		for _, dir := range []string{"right", "left"} {
			e := base
			fs := stringFields(&e)
			a, b := fs[i], fs[i+1]
			if dir == "right" {
				if *a == "" {
					continue
				}
				*b = (*a)[len(*a)-1:] + *b
				*a = (*a)[:len(*a)-1]
			} else {
				if *b == "" {
					continue
				}
				*a += (*b)[:1]
				*b = (*b)[1:]
			}
			if bytes.Equal(e.Canonical(), base.Canonical()) {
				t.Errorf("moving a byte %s across field boundary %d gives the same encoding", dir, i)
			}
		}
	}
	// A field that looks like a length prefix plus the next field.
	x := Entry{Actor: "\x01a", ActorOrg: ""}
	y := Entry{Actor: "", ActorOrg: "a\x00"}
	if bytes.Equal(x.Canonical(), y.Canonical()) {
		t.Error("length-prefix confusion")
	}
}

// TestCanonicalInjective enumerates small entries over a tiny alphabet and
// checks that no two encode equal, and that each decodes back.
func TestCanonicalInjective(t *testing.T) {
	vals := []string{"", "a", "\x00", "\x01", "a\x01", "\x01a", "aa"}
	seen := map[string]Entry{}
	// Vary three adjacent fields fully, and the others lightly.
	for _, start := range []int{0, 3, 5} {
		for i := range vals {
			for j := range vals {
				for k := range vals {
					e := Entry{Seq: uint64(start), Time: time.UnixMicro(int64(i)).UTC()}
					fs := stringFields(&e)
					*fs[start], *fs[start+1], *fs[start+2] = vals[i], vals[j], vals[k]
					enc := string(e.Canonical())
					if prev, ok := seen[enc]; ok && prev != e {
						t.Fatalf("%+v and %+v encode equal", prev, e)
					}
					seen[enc] = e
					d, err := decodeCanonical([]byte(enc))
					if err != nil || d != e {
						t.Fatalf("decode(%x) = %+v, %v; want %+v", enc, d, err, e)
					}
				}
			}
		}
	}
}

func FuzzCanonical(f *testing.F) {
	s := sampleEntry()
	f.Add(s.Seq, s.Time.UnixMicro(), s.RequestID, s.Actor, s.ActorOrg, s.ActorRole, s.Action, s.Object, s.Outcome, s.Detail)
	f.Add(uint64(0), int64(0), "", "", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, seq uint64, us int64, a, b, c, d, e2, g, h, i string) {
		e := Entry{seq, time.UnixMicro(us).UTC(), a, b, c, d, e2, g, h, i}
		got, err := decodeCanonical(e.Canonical())
		if err != nil || got != e {
			t.Fatalf("decode(Canonical(%+v)) = %+v, %v", e, got, err)
		}
	})
}

func TestCanonicalTime(t *testing.T) {
	e := sampleEntry() // 535897000 ns: whole microseconds
	f := e
	f.Time = e.Time.In(time.FixedZone("CET", 3600))
	if !bytes.Equal(e.Canonical(), f.Canonical()) {
		t.Error("the same instant in another zone encodes differently")
	}
	f.Time = e.Time.Add(999 * time.Nanosecond)
	if !bytes.Equal(e.Canonical(), f.Canonical()) {
		t.Error("a sub-microsecond difference is encoded")
	}
	n := f.Normalize()
	if n.Time.Location() != time.UTC || !n.Time.Equal(e.Time) {
		t.Errorf("Normalize: %v, want %v UTC", n.Time, e.Time)
	}
	// Before 1970, truncation and UnixMicro must agree.
	old := Entry{Time: time.Date(1960, 1, 1, 0, 0, 0, 1500, time.UTC)}
	on := old.Normalize()
	if !bytes.Equal(old.Canonical(), on.Canonical()) || on.Time.Nanosecond() != 1000 {
		t.Errorf("pre-1970: Normalize gives %v", on.Time)
	}
}
