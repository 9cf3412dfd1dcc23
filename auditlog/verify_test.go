package auditlog

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// memSource is an in-memory Source.
type memSource struct {
	entries []StoredEntry
	cps     []StoredCheckpoint
	calls   int
	// wrap makes Entries wrap fn's error, as a database layer might.
	wrap bool
	// second, if set, replaces the entries from the second Entries call on.
	second []StoredEntry
}

func (m *memSource) Entries(ctx context.Context, fn func(StoredEntry) error) error {
	m.calls++
	es := m.entries
	if m.calls > 1 && m.second != nil {
		es = m.second
	}
	for _, e := range es {
		if err := fn(e); err != nil {
			if m.wrap {
				return fmt.Errorf("scanning audit rows: %w", err)
			}
			return err
		}
	}
	return nil
}

func (m *memSource) Checkpoints(ctx context.Context) ([]StoredCheckpoint, error) {
	return m.cps, nil
}

var testBase = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func makeEntry(i uint64) Entry {
	actions := []string{"case.read", "case.write", "user.signin", "case.export"}
	outcomes := []string{"ok", "ok", "ok", "denied", "failed"}
	return Entry{
		Seq:       i,
		Time:      testBase.Add(time.Duration(i) * 1237 * time.Microsecond),
		RequestID: fmt.Sprintf("req-%016x", i*0x9e3779b97f4a7c15),
		Actor:     fmt.Sprintf("user-%d", i%37),
		ActorOrg:  fmt.Sprintf("org-%d", i%5),
		ActorRole: "caseworker",
		Action:    actions[i%4],
		Object:    fmt.Sprintf("case/%08x", (i*2654435761)&0xffffffff),
		Outcome:   outcomes[i%5],
		Detail:    fmt.Sprintf("kh=%x", (i*0x2545F4914F6CDD1D)&0xffffffffffff),
	}
}

// buildLog appends n entries as an integrator would, signing a checkpoint
// after every `every` entries and after the last.
func buildLog(tb testing.TB, s *Signer, n, every int) *memSource {
	tb.Helper()
	src := &memSource{}
	state := NewTree()
	for i := 0; i < n; i++ {
		// Persist and restore the tree state now and then, as several
		// processes sharing it through the database would.
		if i%97 == 0 {
			size, hs := state.State()
			var err error
			if state, err = TreeFromState(size, hs); err != nil {
				tb.Fatal(err)
			}
		}
		e := makeEntry(state.Size()).Normalize()
		h := LeafHash(e)
		if err := state.Append(h); err != nil {
			tb.Fatal(err)
		}
		src.entries = append(src.entries, StoredEntry{Entry: e, LeafHash: h})
		if (i+1)%every == 0 || i == n-1 {
			src.cps = append(src.cps, sign(tb, s, state))
		}
	}
	return src
}

func sign(tb testing.TB, s *Signer, t *Tree) StoredCheckpoint {
	tb.Helper()
	signed, err := s.Sign(Checkpoint{Origin: s.Origin(), Size: t.Size(), Root: t.Root()})
	if err != nil {
		tb.Fatal(err)
	}
	return StoredCheckpoint{Size: t.Size(), Signed: signed}
}

// copyLog returns a copy of src that can be tampered with.
func copyLog(src *memSource) *memSource {
	return &memSource{entries: slices.Clone(src.entries), cps: slices.Clone(src.cps)}
}

// rehash rewrites the stored leaf hashes from i on, as an attacker with
// database access would after changing entries.
func (m *memSource) rehash(from int) {
	for i := from; i < len(m.entries); i++ {
		m.entries[i].LeafHash = LeafHash(m.entries[i].Entry)
	}
}

func wantFailure(t *testing.T, err error, seq uint64, reason string) {
	t.Helper()
	var f Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %v (%T) is not a Failure", err, err)
	}
	var pf *Failure
	if !errors.As(err, &pf) || pf.Seq != f.Seq {
		t.Fatalf("errors.As(*Failure) failed on %v", err)
	}
	if f.Seq != seq || !strings.Contains(f.Reason, reason) {
		t.Fatalf("Failure = %q (seq %d), want seq %d and reason containing %q", err, f.Seq, seq, reason)
	}
	if want := fmt.Sprintf("entry %d: ", seq); !strings.HasPrefix(err.Error(), want) && !strings.Contains(err.Error(), want) {
		t.Fatalf("message %q does not name %q", err, want)
	}
}

func TestVerifyUntouched(t *testing.T) {
	s := testSigner(t, 1)
	for _, every := range []int{1, 7, 10, 1000} {
		for _, n := range []int{0, 1, 2, 99, 100} {
			src := buildLog(t, s, n, every)
			if n == 0 {
				src.cps = []StoredCheckpoint{sign(t, s, NewTree())}
			}
			var last uint64
			cv := &countingVerifier{Verifier: s.Verifier()}
			res, err := Verify(context.Background(), src, cv, func(done uint64) { last = done })
			if err != nil {
				t.Fatalf("n=%d every=%d: %v", n, every, err)
			}
			ref := NewTree()
			for _, e := range src.entries {
				_ = ref.Append(e.LeafHash)
			}
			if res.Size != uint64(n) || !bytes.Equal(res.Root, ref.Root()) {
				t.Fatalf("n=%d: Result = %d %x, want %d %x", n, res.Size, res.Root, n, ref.Root())
			}
			if last != uint64(n) {
				t.Errorf("n=%d: last progress %d", n, last)
			}
			if src.calls != 1 {
				t.Errorf("n=%d: %d passes over the entries, want 1", n, src.calls)
			}
			if cv.calls != 1 {
				t.Errorf("n=%d every=%d: %d signature verifications, want 1", n, every, cv.calls)
			}
		}
	}
	// No checkpoints and no entries: an empty, valid log.
	res, err := Verify(context.Background(), &memSource{}, s.Verifier(), nil)
	if err != nil || res.Size != 0 || !bytes.Equal(res.Root, EmptyRoot()) {
		t.Fatalf("empty log: %+v, %v", res, err)
	}
}

type want struct {
	seq    uint64
	reason string
}

func TestVerifyTamper(t *testing.T) {
	s := testSigner(t, 1)
	attacker := testSigner(t, 2)
	const n = 100
	logs := map[string]*memSource{
		"every10": buildLog(t, s, n, 10),
		"every1":  buildLog(t, s, n, 1),
	}
	cases := []struct {
		name   string
		tamper func(m *memSource)
		// expected Failure with a checkpoint every 10 entries / every entry
		every10, every1 want
		// whether the error must also carry a CheckpointError
		cpErr bool
	}{
		{
			name:    "edit field",
			tamper:  func(m *memSource) { m.entries[37].Actor = "mallory" },
			every10: want{37, "altered"},
			every1:  want{37, "altered"},
		},
		{
			name:    "edit time",
			tamper:  func(m *memSource) { m.entries[37].Time = m.entries[37].Time.Add(time.Microsecond) },
			every10: want{37, "altered"},
			every1:  want{37, "altered"},
		},
		{
			name:    "edit field and rewrite its leaf hash",
			tamper:  func(m *memSource) { m.entries[37].Outcome = "ok"; m.entries[37].Object = "case/0"; m.rehash(37) },
			every10: want{30, "entries 30..39 do not match signed checkpoint of size 40"},
			every1:  want{37, "entries 37..37 do not match signed checkpoint of size 38"},
		},
		{
			name:    "edit first entry and rewrite hashes",
			tamper:  func(m *memSource) { m.entries[0].Detail = "x"; m.rehash(0) },
			every10: want{0, "entries 0..9 do not match signed checkpoint of size 10"},
			every1:  want{0, "entries 0..0 do not match signed checkpoint of size 1"},
		},
		{
			name:    "edit last entry and rewrite hashes",
			tamper:  func(m *memSource) { m.entries[99].Detail = "x"; m.rehash(99) },
			every10: want{90, "entries 90..99 do not match signed checkpoint of size 100"},
			every1:  want{99, "entries 99..99 do not match signed checkpoint of size 100"},
		},
		{
			name:    "delete one entry",
			tamper:  func(m *memSource) { m.entries = slices.Delete(m.entries, 37, 38) },
			every10: want{37, "missing"},
			every1:  want{37, "missing"},
		},
		{
			name: "delete one entry, renumber and rewrite hashes",
			tamper: func(m *memSource) {
				m.entries = slices.Delete(m.entries, 37, 38)
				for i := 37; i < len(m.entries); i++ {
					m.entries[i].Seq = uint64(i)
				}
				m.rehash(37)
			},
			// One entry short of the latest checkpoint, but the earlier
			// rewritten batch is reported first.
			every10: want{30, "entries 30..39 do not match signed checkpoint of size 40"},
			every1:  want{37, "entries 37..37 do not match signed checkpoint of size 38"},
		},
		{
			name: "delete one entry, renumber, rewrite hashes, append a filler",
			tamper: func(m *memSource) {
				m.entries = slices.Delete(m.entries, 37, 38)
				for i := 37; i < len(m.entries); i++ {
					m.entries[i].Seq = uint64(i)
				}
				e := makeEntry(99)
				m.entries = append(m.entries, StoredEntry{Entry: e})
				m.rehash(37)
			},
			every10: want{30, "entries 30..39 do not match signed checkpoint of size 40"},
			every1:  want{37, "entries 37..37 do not match signed checkpoint of size 38"},
		},
		{
			name: "swap two entries (rows renumbered)",
			tamper: func(m *memSource) {
				m.entries[37], m.entries[38] = m.entries[38], m.entries[37]
				m.entries[37].Seq, m.entries[38].Seq = 37, 38
			},
			every10: want{37, "altered"},
			every1:  want{37, "altered"},
		},
		{
			name: "swap two entries (rows renumbered, hashes rewritten)",
			tamper: func(m *memSource) {
				m.entries[37], m.entries[38] = m.entries[38], m.entries[37]
				m.entries[37].Seq, m.entries[38].Seq = 37, 38
				m.rehash(37)
			},
			every10: want{30, "entries 30..39 do not match signed checkpoint of size 40"},
			every1:  want{37, "entries 37..37 do not match signed checkpoint of size 38"},
		},
		{
			name:    "swap two entries (seqs kept, stream out of order)",
			tamper:  func(m *memSource) { m.entries[37], m.entries[38] = m.entries[38], m.entries[37] },
			every10: want{37, "missing (the next stored entry has seq 38)"},
			every1:  want{37, "missing"},
		},
		{
			name: "entry repeated",
			tamper: func(m *memSource) {
				m.entries = slices.Insert(m.entries, 38, m.entries[37])
			},
			every10: want{38, "out of order"},
			every1:  want{38, "out of order"},
		},
		{
			name: "seq goes back",
			tamper: func(m *memSource) {
				m.entries[40].Seq = 12
			},
			every10: want{40, "out of order"},
			every1:  want{40, "out of order"},
		},
		{
			name:    "truncate",
			tamper:  func(m *memSource) { m.entries = m.entries[:95] },
			every10: want{95, "log truncated"},
			every1:  want{95, "log truncated"},
		},
		{
			name:    "truncate everything",
			tamper:  func(m *memSource) { m.entries = nil },
			every10: want{0, "log truncated"},
			every1:  want{0, "log truncated"},
		},
		{
			name: "append an unsigned entry",
			tamper: func(m *memSource) {
				e := makeEntry(100).Normalize()
				m.entries = append(m.entries, StoredEntry{Entry: e, LeafHash: LeafHash(e)})
			},
			every10: want{100, "not covered by a signed checkpoint"},
			every1:  want{100, "not covered by a signed checkpoint"},
		},
		{
			name: "append entries and a checkpoint forged with another key",
			tamper: func(m *memSource) {
				tr := NewTree()
				for i := 0; i < 3; i++ {
					e := makeEntry(uint64(100 + i)).Normalize()
					m.entries = append(m.entries, StoredEntry{Entry: e, LeafHash: LeafHash(e)})
				}
				for _, e := range m.entries {
					_ = tr.Append(e.LeafHash)
				}
				m.cps = append(m.cps, sign(t, attacker, tr))
			},
			every10: want{100, "not covered by a signed checkpoint"},
			every1:  want{100, "not covered by a signed checkpoint"},
			cpErr:   true,
		},
		{
			name: "rewrite an entry and its hash, replace the latest checkpoint with a forged one",
			tamper: func(m *memSource) {
				m.entries[95].Actor = "mallory"
				m.rehash(95)
				tr := NewTree()
				for _, e := range m.entries {
					_ = tr.Append(e.LeafHash)
				}
				m.cps[len(m.cps)-1] = sign(t, attacker, tr)
			},
			// Every 10: the genuine checkpoint of size 90 still matches.
			every10: want{90, "not covered by a signed checkpoint"},
			every1:  want{95, "entries 95..95 do not match signed checkpoint of size 96"},
			cpErr:   true,
		},
		{
			name: "rewrite an entry and its hash, re-sign every later checkpoint with another key",
			tamper: func(m *memSource) {
				m.entries[55].Actor = "mallory"
				m.rehash(55)
				tr := NewTree()
				k := 0
				for i, e := range m.entries {
					_ = tr.Append(e.LeafHash)
					for k < len(m.cps) && m.cps[k].Size == uint64(i+1) {
						if i >= 55 {
							m.cps[k] = sign(t, attacker, tr)
						}
						k++
					}
				}
			},
			every10: want{50, "not covered by a signed checkpoint"},
			every1:  want{55, "not covered by a signed checkpoint"},
			cpErr:   true,
		},
		{
			name: "forged checkpoints in the middle, an entry rewritten after them",
			tamper: func(m *memSource) {
				// Forged checkpoints to mislead the binary search.
				for k := 0; k < len(m.cps); k += 3 {
					tr, _ := TreeFromState(0, nil)
					for _, e := range m.entries[:m.cps[k].Size] {
						_ = tr.Append(LeafHash(Entry{Seq: e.Seq}))
					}
					m.cps[k] = sign(t, attacker, tr)
				}
				m.entries[64].Actor = "mallory"
				m.rehash(64)
			},
			// The checkpoints of sizes 70 (every 10) and 64 (every 1) are
			// forged, so the batch runs from the genuine one before them.
			every10: want{60, "entries 60..79 do not match signed checkpoint of size 80"},
			every1:  want{63, "entries 63..64 do not match signed checkpoint of size 65"},
			cpErr:   true,
		},
		{
			name: "latest checkpoint body altered",
			tamper: func(m *memSource) {
				last := &m.cps[len(m.cps)-1]
				last.Signed = bytes.Replace(last.Signed, []byte("\n100\n"), []byte("\n101\n"), 1)
				e := makeEntry(100).Normalize()
				m.entries = append(m.entries, StoredEntry{Entry: e, LeafHash: LeafHash(e)})
			},
			every10: want{90, "not covered by a signed checkpoint"},
			every1:  want{99, "not covered by a signed checkpoint"},
			cpErr:   true,
		},
		{
			name: "stored size column altered",
			tamper: func(m *memSource) {
				m.cps[len(m.cps)-1].Size = 101
				e := makeEntry(100).Normalize()
				m.entries = append(m.entries, StoredEntry{Entry: e, LeafHash: LeafHash(e)})
			},
			every10: want{90, "not covered by a signed checkpoint"},
			every1:  want{99, "not covered by a signed checkpoint"},
			cpErr:   true,
		},
	}
	for _, tc := range cases {
		for _, freq := range []string{"every10", "every1"} {
			t.Run(tc.name+"/"+freq, func(t *testing.T) {
				m := copyLog(logs[freq])
				tc.tamper(m)
				w := tc.every10
				if freq == "every1" {
					w = tc.every1
				}
				for _, wrap := range []bool{false, true} {
					m.wrap, m.calls = wrap, 0
					res, err := Verify(context.Background(), m, s.Verifier(), nil)
					if err == nil {
						t.Fatalf("tampering not detected: %+v", res)
					}
					if !wrap {
						t.Log(err)
					}
					wantFailure(t, err, w.seq, w.reason)
					var ce *CheckpointError
					if got := errors.As(err, &ce); got != tc.cpErr {
						t.Errorf("errors.As(*CheckpointError) = %v, want %v (%v)", got, tc.cpErr, err)
					}
				}
			})
		}
	}
}

// countingVerifier counts signature verifications.
type countingVerifier struct {
	note.Verifier
	calls int
}

func (c *countingVerifier) Verify(msg, sig []byte) bool {
	c.calls++
	return c.Verifier.Verify(msg, sig)
}

// TestVerifyLocaliseRandom rewrites one random entry (and the stored leaf
// hashes) in logs with checkpoints at random sizes, and checks the batch
// named and the number of signatures verified.
func TestVerifyLocaliseRandom(t *testing.T) {
	s := testSigner(t, 1)
	r := rand.New(rand.NewPCG(7, 8))
	for iter := 0; iter < 40; iter++ {
		n := 1 + r.IntN(400)
		src := &memSource{}
		tree := NewTree()
		for i := 0; i < n; i++ {
			e := makeEntry(uint64(i)).Normalize()
			h := LeafHash(e)
			_ = tree.Append(h)
			src.entries = append(src.entries, StoredEntry{Entry: e, LeafHash: h})
			if r.IntN(6) == 0 || i == n-1 {
				src.cps = append(src.cps, sign(t, s, tree))
			}
		}
		k := r.IntN(n)
		src.entries[k].Detail += "!"
		src.rehash(k)
		// Expected batch: from the largest checkpoint size <= k to the
		// smallest > k.
		var lo, hi uint64
		for _, c := range src.cps {
			if c.Size <= uint64(k) {
				lo = c.Size
			} else if hi == 0 {
				hi = c.Size
			}
		}
		cv := &countingVerifier{Verifier: s.Verifier()}
		_, err := Verify(context.Background(), src, cv, nil)
		wantFailure(t, err, lo, fmt.Sprintf("entries %d..%d do not match signed checkpoint of size %d", lo, hi-1, hi))
		if maxCalls := 3 + bits.Len(uint(len(src.cps))); cv.calls > maxCalls {
			t.Errorf("%d checkpoints: %d signature verifications, want <= %d", len(src.cps), cv.calls, maxCalls)
		}
	}
}

func TestVerifyTrusted(t *testing.T) {
	s := testSigner(t, 1)
	good := buildLog(t, s, 100, 10)
	trusted := [][]byte{good.cps[4].Signed, good.cps[9].Signed} // sizes 50 and 100
	ctx := context.Background()
	if res, err := VerifyTrusted(ctx, good, s.Verifier(), trusted, nil); err != nil || res.Size != 100 {
		t.Fatalf("untouched: %+v, %v", res, err)
	}

	// The last 10 entries deleted together with their checkpoint: the stored
	// log alone looks fine, the checkpoint published to partners does not.
	m := copyLog(good)
	m.entries, m.cps = m.entries[:90], m.cps[:9]
	if res, err := Verify(ctx, m, s.Verifier(), nil); err != nil || res.Size != 90 {
		t.Fatalf("tail deletion, stored checkpoints only: %+v, %v", res, err)
	}
	_, err := VerifyTrusted(ctx, m, s.Verifier(), trusted, nil)
	wantFailure(t, err, 90, "log truncated (a trusted checkpoint of size 100")

	// History rewritten and re-signed with the instance key itself.
	m = copyLog(good)
	m.entries[20].Actor = "mallory"
	m.rehash(20)
	tr := NewTree()
	for i, e := range m.entries {
		_ = tr.Append(e.LeafHash)
		if (i+1)%10 == 0 {
			m.cps[i/10] = sign(t, s, tr)
		}
	}
	if _, err := Verify(ctx, m, s.Verifier(), nil); err != nil {
		t.Fatalf("re-signed log, stored checkpoints only: %v", err)
	}
	_, err = VerifyTrusted(ctx, m, s.Verifier(), trusted, nil)
	wantFailure(t, err, 0, "entries 0..49 do not match trusted checkpoint of size 50")

	// A trusted checkpoint must carry the instance's signature.
	forged, _ := testSigner(t, 2).Sign(Checkpoint{Origin: testOrigin, Size: 100, Root: make([]byte, 32)})
	if _, err := VerifyTrusted(ctx, good, s.Verifier(), [][]byte{forged}, nil); err == nil {
		t.Error("forged trusted checkpoint accepted")
	}
	// Stored failures still come first.
	m = copyLog(good)
	m.entries[70].Outcome = "denied"
	_, err = VerifyTrusted(ctx, m, s.Verifier(), trusted, nil)
	wantFailure(t, err, 70, "altered")
}

func TestVerifyCheckpointErrors(t *testing.T) {
	s := testSigner(t, 1)
	attacker := testSigner(t, 2)
	good := buildLog(t, s, 30, 10)

	// Every checkpoint forged with another key (the whole log re-signed).
	m := copyLog(good)
	for i := range m.cps {
		tr := NewTree()
		for _, e := range m.entries[:m.cps[i].Size] {
			_ = tr.Append(e.LeafHash)
		}
		m.cps[i] = sign(t, attacker, tr)
	}
	_, err := Verify(context.Background(), m, s.Verifier(), nil)
	var ce *CheckpointError
	if !errors.As(err, &ce) || ce.Size != 30 {
		t.Fatalf("all checkpoints forged: %v", err)
	}
	var f Failure
	if errors.As(err, &f) {
		t.Errorf("all checkpoints forged: unexpected Failure %v", err)
	}

	// Verifying with the wrong key is an error too.
	if _, err := Verify(context.Background(), good, attacker.Verifier(), nil); !errors.As(err, &ce) {
		t.Fatalf("wrong key: %v", err)
	}

	// A forged extra checkpoint of the same size as the latest genuine one.
	m = copyLog(good)
	tr := NewTree()
	_ = tr.Append(make([]byte, 32))
	forged, _ := attacker.Sign(Checkpoint{Origin: testOrigin, Size: 30, Root: tr.Root()})
	m.cps = append(m.cps, StoredCheckpoint{Size: 30, Signed: forged})
	_, err = Verify(context.Background(), m, s.Verifier(), nil)
	if !errors.As(err, &ce) || errors.As(err, &f) {
		t.Fatalf("forged duplicate checkpoint: %v", err)
	}

	// Entries but no checkpoints at all.
	m = copyLog(good)
	m.cps = nil
	_, err = Verify(context.Background(), m, s.Verifier(), nil)
	wantFailure(t, err, 0, "not covered by a signed checkpoint")

	// Checkpoints out of order in storage are sorted.
	m = copyLog(good)
	slices.Reverse(m.cps)
	if _, err := Verify(context.Background(), m, s.Verifier(), nil); err != nil {
		t.Fatalf("reversed checkpoints: %v", err)
	}

	if _, err := Verify(context.Background(), good, nil, nil); err == nil {
		t.Error("nil verifier accepted")
	}
}

func TestVerifySourceChangesBetweenPasses(t *testing.T) {
	s := testSigner(t, 1)
	m := copyLog(buildLog(t, s, 50, 10))
	m.entries[25].Actor = "x"
	m.rehash(25)
	m.second = m.entries[:40]
	_, err := Verify(context.Background(), m, s.Verifier(), nil)
	if err == nil || !strings.Contains(err.Error(), "changed between verification passes") {
		t.Fatalf("got %v", err)
	}
}

func TestVerifyContextAndSourceErrors(t *testing.T) {
	s := testSigner(t, 1)
	m := buildLog(t, s, 3*progressEvery, 1<<20)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := Verify(ctx, m, s.Verifier(), func(uint64) {
		if calls++; calls == 1 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	boom := errors.New("connection reset")
	_, err = Verify(context.Background(), errSource{boom}, s.Verifier(), nil)
	if !errors.Is(err, boom) {
		t.Fatalf("source error: %v", err)
	}
}

type errSource struct{ err error }

func (e errSource) Entries(context.Context, func(StoredEntry) error) error { return e.err }
func (e errSource) Checkpoints(context.Context) ([]StoredCheckpoint, error) {
	return nil, nil
}

const benchEntries = 200_000

var (
	benchOnce   sync.Once
	benchS      *Signer
	benchMu     sync.Mutex
	benchSrcs   = map[int]*memSource{}
	benchLogErr error
)

func benchSigner(tb testing.TB) *Signer {
	benchOnce.Do(func() { benchS, benchLogErr = NewSigner(testOrigin, testKey(1)) })
	if benchLogErr != nil {
		tb.Fatal(benchLogErr)
	}
	return benchS
}

func benchLog(tb testing.TB, every int) *memSource {
	s := benchSigner(tb)
	benchMu.Lock()
	defer benchMu.Unlock()
	if m, ok := benchSrcs[every]; ok {
		return m
	}
	m := buildLog(tb, s, benchEntries, every)
	benchSrcs[every] = m
	return m
}

// BenchmarkVerify verifies an in-memory log of 200,000 entries, with a
// checkpoint every 1000 entries or after every entry, and from text rows
// that the Source decodes as a database driver would.
func BenchmarkVerify(b *testing.B) {
	run := func(b *testing.B, src Source) {
		v := benchSigner(b).Verifier()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := Verify(context.Background(), src, v, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)*benchEntries/b.Elapsed().Seconds(), "entries/s")
	}
	for _, every := range []int{1000, 1} {
		b.Run(fmt.Sprintf("checkpoint-every-%d", every), func(b *testing.B) {
			run(b, benchLog(b, every))
		})
	}
	b.Run("decoding-rows", func(b *testing.B) {
		run(b, toRows(benchLog(b, 1000)))
	})
}

// rowSource holds the log as text columns, as PostgreSQL's text protocol
// returns them, and decodes each row into buffers it reuses.
type rowSource struct {
	rows [][]string
	cps  []StoredCheckpoint
}

func toRows(m *memSource) *rowSource {
	r := &rowSource{cps: m.cps}
	for _, e := range m.entries {
		r.rows = append(r.rows, []string{
			strconv.FormatUint(e.Seq, 10), e.Time.Format(time.RFC3339Nano),
			e.RequestID, e.Actor, e.ActorOrg, e.ActorRole, e.Action, e.Object, e.Outcome, e.Detail,
			"\\x" + hex.EncodeToString(e.LeafHash),
		})
	}
	return r
}

func (r *rowSource) Entries(ctx context.Context, fn func(StoredEntry) error) error {
	var hbuf [HashSize]byte
	var cols [11][]byte
	for _, row := range r.rows {
		for i := range cols { // the driver's read buffer
			cols[i] = append(cols[i][:0], row[i]...)
		}
		seq, err := strconv.ParseUint(string(cols[0]), 10, 64)
		if err != nil {
			return err
		}
		tm, err := time.Parse(time.RFC3339Nano, string(cols[1]))
		if err != nil {
			return err
		}
		if _, err := hex.Decode(hbuf[:], cols[10][2:]); err != nil {
			return err
		}
		e := StoredEntry{Entry: Entry{Seq: seq, Time: tm,
			RequestID: string(cols[2]), Actor: string(cols[3]), ActorOrg: string(cols[4]), ActorRole: string(cols[5]),
			Action: string(cols[6]), Object: string(cols[7]), Outcome: string(cols[8]), Detail: string(cols[9]),
		}, LeafHash: hbuf[:]}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (r *rowSource) Checkpoints(ctx context.Context) ([]StoredCheckpoint, error) { return r.cps, nil }

// TestVerifyReusedBuffers checks a Source that reuses its LeafHash buffer.
func TestVerifyReusedBuffers(t *testing.T) {
	s := testSigner(t, 1)
	m := buildLog(t, s, 3000, 100)
	rs := toRows(m)
	res, err := Verify(context.Background(), rs, s.Verifier(), nil)
	if err != nil || res.Size != 3000 {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	rs.rows[1234][3] = "mallory"
	_, err = Verify(context.Background(), rs, s.Verifier(), nil)
	wantFailure(t, err, 1234, "altered")
}

// BenchmarkAppend measures the write path for one entry: leaf hash, tree
// append, root (without signing), from a restored tree state.
func BenchmarkAppend(b *testing.B) {
	tree := NewTree()
	for i := 0; i < 1_000_003; i++ {
		_ = tree.Append(LeafHash(makeEntry(uint64(i))))
	}
	entries := make([]Entry, 1024)
	for i := range entries {
		entries[i] = makeEntry(uint64(i)).Normalize()
	}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e := entries[i%len(entries)]
			e.Seq = tree.Size()
			if err := tree.Append(LeafHash(e)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("restore-append-root-state", func(b *testing.B) {
		b.ReportAllocs()
		size, hs := tree.State()
		for i := 0; i < b.N; i++ {
			t, err := TreeFromState(size, hs)
			if err != nil {
				b.Fatal(err)
			}
			e := entries[i%len(entries)]
			e.Seq = t.Size()
			if err := t.Append(LeafHash(e)); err != nil {
				b.Fatal(err)
			}
			_ = t.Root()
			size, hs = t.State()
		}
	})
	b.Run("sign", func(b *testing.B) {
		s := benchSigner(b)
		c := Checkpoint{Origin: testOrigin, Size: tree.Size(), Root: tree.Root()}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.Sign(c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
