package auditlog

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"golang.org/x/mod/sumdb/note"
)

// StoredEntry is an entry as stored, with the leaf hash computed when it was
// appended.
type StoredEntry struct {
	Entry
	LeafHash []byte
}

// StoredCheckpoint is a signed checkpoint as stored. Size is the stored copy
// of the size in the signed body (a mismatch makes the checkpoint invalid).
type StoredCheckpoint struct {
	Size   uint64
	Signed []byte
}

// Source gives [Verify] the stored log. Both methods must read the same
// consistent snapshot of the database (for example one REPEATABLE READ,
// read-only transaction), or entries appended between the two reads show up
// as truncation or as entries not covered by a checkpoint. Entries may be
// called twice (the second time only when a failure must be localised).
type Source interface {
	// Entries calls fn for every stored entry in ascending stored-seq order
	// (whatever the rows say), from one goroutine. It must stop and return
	// fn's error (wrapped or not) if fn fails. fn copies e.LeafHash, so the
	// source may reuse that buffer; the strings are kept a little longer, so
	// they must be ordinary Go strings, not unsafe views of reused buffers.
	Entries(ctx context.Context, fn func(e StoredEntry) error) error
	// Checkpoints returns every checkpoint the instance signed, ascending by
	// Size.
	Checkpoints(ctx context.Context) ([]StoredCheckpoint, error)
}

// Result is the verified state of the log: the size and root of the latest
// signed checkpoint, which covers exactly the stored entries.
type Result struct {
	Size uint64
	Root []byte
}

// Failure reports tampering (or corruption) localised to an entry: Seq is
// the first entry that is missing, out of place, altered, truncated away,
// not covered by a signed checkpoint, or the first entry of the batch of
// entries that no longer matches its signed checkpoint. Its message is
// "entry <Seq>: <Reason>".
//
// Verify returns Failure values; both
//
//	var f auditlog.Failure; errors.As(err, &f)
//	var f *auditlog.Failure; errors.As(err, &f)
//
// find it.
type Failure struct {
	Seq    uint64
	Reason string
	Err    error // underlying cause, if any (for example a *CheckpointError)
}

func (f Failure) Error() string { return fmt.Sprintf("entry %d: %s", f.Seq, f.Reason) }

// Unwrap returns the underlying cause, if any.
func (f Failure) Unwrap() error { return f.Err }

// As lets errors.As find a Failure through a **Failure target too.
func (f Failure) As(target any) bool {
	if p, ok := target.(**Failure); ok {
		*p = &f
		return true
	}
	return false
}

// CheckpointError reports a stored checkpoint that fails to open: its
// signature does not verify with the given verifier (a forged or altered
// checkpoint), it is malformed, or its body disagrees with the stored Size.
type CheckpointError struct {
	Size uint64 // stored size of the checkpoint
	Err  error
}

func (e *CheckpointError) Error() string {
	return fmt.Sprintf("stored checkpoint of size %d: %v", e.Size, e.Err)
}

func (e *CheckpointError) Unwrap() error { return e.Err }

// progressEvery is how many entries pass between progress callbacks (and
// context checks).
const progressEvery = 1 << 15

// scanner performs the per-entry checks and builds the tree.
type scanner struct {
	tree Tree
	lh   leafHasher
	slab []byte // backing store for the leaf hashes kept by the tree
}

// step checks one stored entry and appends it to the tree.
func (s *scanner) step(se *StoredEntry) error {
	next := s.tree.Size()
	if se.Seq != next {
		if se.Seq > next {
			return Failure{Seq: next, Reason: fmt.Sprintf("missing (the next stored entry has seq %d)", se.Seq)}
		}
		return Failure{Seq: next, Reason: fmt.Sprintf("out of order (the stored entry after seq %d has seq %d)", next-1, se.Seq)}
	}
	sum := s.lh.sum(&se.Entry)
	if !bytes.Equal(sum[:], se.LeafHash) {
		return Failure{Seq: next, Reason: "altered (its content does not match its stored leaf hash)"}
	}
	if len(s.slab) < HashSize {
		s.slab = make([]byte, 1024*HashSize)
	}
	h := s.slab[:HashSize:HashSize]
	s.slab = s.slab[HashSize:]
	copy(h, sum[:])
	return s.tree.appendOwned(h)
}

// batchSize is how many entries the reader hands the checker at a time.
const batchSize = 256

// batch is a run of entries with their own copies of the stored leaf hashes.
type batch struct {
	entries []StoredEntry
	hashes  []byte
}

// errStopped tells the Source to stop reading because the checker failed.
var errStopped = errors.New("auditlog: verification stopped")

// scan streams the entries through a scanner and returns their number. at,
// if not nil, is called after each append.
//
// It uses two goroutines, so that reading rows (database decoding, in
// production) and hashing overlap: the Source's goroutine copies the entries
// into batches, and one checker goroutine checks them in order and builds the
// tree. at runs on the checker goroutine; its effects are visible once scan
// returns.
func scan(ctx context.Context, src Source, progress func(uint64), at func(*Tree)) (uint64, error) {
	work := make(chan *batch, 8)
	free := make(chan *batch, 10)
	finished := make(chan struct{})
	var (
		stop    atomic.Bool   // set by the checker when it fails
		checked atomic.Uint64 // entries checked so far
		cerr    error         // the checker's failure; read after finished
		size    uint64        // final tree size; read after finished
	)
	go func() {
		defer close(finished)
		var s scanner
		for b := range work {
			if cerr == nil {
				for i := range b.entries {
					if err := s.step(&b.entries[i]); err != nil {
						cerr = err
						stop.Store(true)
						break
					}
					if at != nil {
						at(&s.tree)
					}
				}
				checked.Store(s.tree.Size())
			}
			clear(b.entries)
			b.entries, b.hashes = b.entries[:0], b.hashes[:0]
			select {
			case free <- b:
			default:
			}
		}
		size = s.tree.Size()
	}()

	newBatch := func() *batch {
		select {
		case b := <-free:
			return b
		default:
			return &batch{entries: make([]StoredEntry, 0, batchSize), hashes: make([]byte, 0, batchSize*HashSize)}
		}
	}
	cur := newBatch()
	var read uint64
	var ctxErr error
	err := src.Entries(ctx, func(se StoredEntry) error {
		if stop.Load() {
			return errStopped
		}
		// The source may reuse the LeafHash buffer: copy it.
		start := len(cur.hashes)
		cur.hashes = append(cur.hashes, se.LeafHash...)
		se.LeafHash = cur.hashes[start:len(cur.hashes):len(cur.hashes)]
		cur.entries = append(cur.entries, se)
		if len(cur.entries) == batchSize {
			work <- cur
			cur = newBatch()
		}
		if read++; read%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				ctxErr = err
				return err
			}
			if progress != nil {
				progress(checked.Load())
			}
		}
		return nil
	})
	if len(cur.entries) > 0 {
		work <- cur
	}
	close(work)
	<-finished

	if cerr != nil {
		return 0, cerr
	}
	if ctxErr != nil {
		return 0, ctxErr
	}
	if err != nil {
		return 0, fmt.Errorf("auditlog: reading entries: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if progress != nil {
		progress(size)
	}
	return size, nil
}

// openStored opens a stored checkpoint and checks the stored size.
func openStored(sc StoredCheckpoint, v note.Verifier) (Checkpoint, error) {
	c, err := OpenCheckpoint(sc.Signed, v)
	if err != nil {
		return Checkpoint{}, &CheckpointError{Size: sc.Size, Err: err}
	}
	if c.Size != sc.Size {
		return Checkpoint{}, &CheckpointError{Size: sc.Size, Err: fmt.Errorf("signed body says size %d", c.Size)}
	}
	return c, nil
}

// Verify checks the whole stored log against the signed checkpoints, with
// the instance's verifier v, and returns the size and root of the latest
// signed checkpoint.
//
// One streaming pass checks that the stored seqs run 0, 1, 2, ..., that each
// entry's content still hashes to its stored leaf hash, and builds the tree.
// Then the latest checkpoint's signature is verified (only that one, in the
// normal case) and the log must hold exactly its size entries with its root.
//
// Tampering is reported as a [Failure] naming the first affected entry:
//   - "missing": a seq is skipped (a row deleted);
//   - "out of order": a seq goes back or repeats;
//   - "altered": the content no longer matches the stored leaf hash;
//   - "log truncated": fewer entries than the latest signed checkpoint;
//   - "not covered by a signed checkpoint": entries after the latest
//     checkpoint that verifies (rows inserted without the key);
//   - "entries N..M do not match signed checkpoint of size M+1": the stored
//     leaf hashes were rewritten too; a second pass over the entries and a
//     binary search over the stored checkpoints (verifying the signature of
//     each one it uses) finds the first signed checkpoint that no longer
//     matches; N is the size of the last one that still does.
//
// If the latest checkpoint does not verify, the latest one that does is used
// instead, and the Failure wraps a [*CheckpointError] for the bad one. If no
// stored checkpoint verifies, Verify returns an error wrapping a
// [*CheckpointError] (also the symptom of a wrong verifier key).
//
// progress, if not nil, is called with the number of entries checked so far,
// about every 32768 entries read and at the end of the first pass, from the
// goroutine that runs Source.Entries.
func Verify(ctx context.Context, src Source, v note.Verifier, progress func(done uint64)) (Result, error) {
	return verify(ctx, src, v, nil, progress)
}

// VerifyTrusted is [Verify] plus a check against signed checkpoints kept
// outside the database: ones published to partners or witnesses, or the
// latest one a monitor saw. Verify alone cannot see entries deleted from the
// end of the log together with their checkpoints; VerifyTrusted reports them
// as truncation if a trusted checkpoint covers them. Each trusted checkpoint
// must verify with v, and the stored log must extend it (same root at its
// size), else Verify's Failure forms are returned.
func VerifyTrusted(ctx context.Context, src Source, v note.Verifier, trusted [][]byte, progress func(done uint64)) (Result, error) {
	if v == nil {
		return Result{}, errors.New("auditlog: verify: nil verifier")
	}
	var ts []Checkpoint
	for i, signed := range trusted {
		c, err := OpenCheckpoint(signed, v)
		if err != nil {
			return Result{}, fmt.Errorf("auditlog: trusted checkpoint %d: %w", i, err)
		}
		ts = append(ts, c)
	}
	return verify(ctx, src, v, ts, progress)
}

func verify(ctx context.Context, src Source, v note.Verifier, trusted []Checkpoint, progress func(done uint64)) (Result, error) {
	if v == nil {
		return Result{}, errors.New("auditlog: verify: nil verifier")
	}
	cps, err := src.Checkpoints(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("auditlog: reading checkpoints: %w", err)
	}
	bySize := func(a, b StoredCheckpoint) int { return cmp.Compare(a.Size, b.Size) }
	if !slices.IsSortedFunc(cps, bySize) {
		cps = slices.Clone(cps)
		slices.SortStableFunc(cps, bySize)
	}

	// First pass; remember the roots at the latest checkpoint's size and at
	// the trusted checkpoints' sizes.
	var want []uint64
	if len(cps) > 0 {
		want = append(want, cps[len(cps)-1].Size)
	}
	for _, c := range trusted {
		want = append(want, c.Size)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	roots := make(map[uint64][]byte, len(want))
	if len(want) > 0 && want[0] == 0 {
		roots[0] = EmptyRoot()
		want = want[1:]
	}
	n, err := scan(ctx, src, progress, func(t *Tree) {
		if len(want) > 0 && t.Size() == want[0] {
			roots[want[0]] = t.Root()
			want = want[1:]
		}
	})
	if err != nil {
		return Result{}, err
	}
	res, err := checkStored(ctx, src, v, cps, n, roots)
	if err != nil {
		return Result{}, err
	}
	for _, c := range trusted {
		switch {
		case c.Size > n:
			return Result{}, Failure{Seq: n, Reason: fmt.Sprintf("log truncated (a trusted checkpoint of size %d covers entries up to %d)", c.Size, c.Size-1)}
		case c.Size == 0 && !bytes.Equal(c.Root, emptyRoot):
			return Result{}, fmt.Errorf("auditlog: trusted checkpoint of size 0 has a non-empty root")
		case !bytes.Equal(roots[c.Size], c.Root):
			// The stored checkpoints all match the entries, yet a trusted
			// one, signed by the same key, does not: history was rewritten
			// with the signing key.
			return Result{}, Failure{Seq: 0, Reason: fmt.Sprintf("entries 0..%d do not match trusted checkpoint of size %d (the log was re-signed)", c.Size-1, c.Size)}
		}
	}
	return res, nil
}

// checkStored checks n entries, whose recomputed roots at some sizes are
// given, against the stored checkpoints cps.
func checkStored(ctx context.Context, src Source, v note.Verifier, cps []StoredCheckpoint, n uint64, roots map[uint64][]byte) (Result, error) {
	if len(cps) == 0 {
		if n == 0 {
			return Result{Size: 0, Root: EmptyRoot()}, nil
		}
		return Result{}, Failure{Seq: 0, Reason: "not covered by a signed checkpoint (no checkpoint is stored)"}
	}

	// The anchor is the latest checkpoint, or if its signature does not
	// verify, the latest one that does (cause then says why).
	latest := len(cps) - 1
	ai := latest
	a, cause := openStored(cps[latest], v)
	if cause != nil {
		ai = -1
		for i := latest - 1; i >= 0; i-- {
			if c, err := openStored(cps[i], v); err == nil {
				ai, a = i, c
				break
			}
		}
		if ai < 0 {
			return Result{}, fmt.Errorf("auditlog: no stored checkpoint verifies with key %s+%08x: %w", v.Name(), v.KeyHash(), cause)
		}
	}
	invalidNote := ""
	if cause != nil {
		invalidNote = fmt.Sprintf("; the latest stored checkpoint, of size %d, does not verify", cps[latest].Size)
	}

	if n < a.Size {
		// Truncated. Report an earlier rewritten batch first, if any.
		k, _ := slices.BinarySearchFunc(cps[:ai], n+1, func(c StoredCheckpoint, size uint64) int { return cmp.Compare(c.Size, size) })
		if err := firstMismatch(ctx, src, v, cps[:k], n, cause); err != nil {
			return Result{}, err
		}
		return Result{}, Failure{Seq: n, Reason: fmt.Sprintf("log truncated (the signed checkpoint of size %d covers entries up to %d%s)", a.Size, a.Size-1, invalidNote), Err: cause}
	}
	if ai != latest || !bytes.Equal(roots[a.Size], a.Root) {
		// Second pass: compare with the anchor and, if it does not match,
		// find the first signed checkpoint that does not.
		if err := firstMismatch(ctx, src, v, cps[:ai+1], n, cause); err != nil {
			return Result{}, err
		}
		if ai == latest {
			return Result{}, errors.New("auditlog: the entries changed between verification passes (the root differs)")
		}
	}
	if n > a.Size {
		return Result{}, Failure{Seq: a.Size, Reason: fmt.Sprintf("not covered by a signed checkpoint (the latest signed checkpoint that verifies has size %d%s)", a.Size, invalidNote), Err: cause}
	}
	if cause != nil {
		return Result{}, fmt.Errorf("auditlog: the entries match the signed checkpoint of size %d, but a later stored checkpoint does not verify: %w", a.Size, cause)
	}
	return Result{Size: a.Size, Root: a.Root}, nil
}

// firstMismatch streams the entries again, takes the latest checkpoint of
// cps (all of size <= n) whose signature verifies, and if the recomputed
// root does not match it, returns the Failure naming the first batch of
// entries that does not match its signed checkpoint. It returns nil if the
// entries match (or no checkpoint of cps verifies).
func firstMismatch(ctx context.Context, src Source, v note.Verifier, cps []StoredCheckpoint, n uint64, cause error) error {
	if len(cps) == 0 {
		return nil
	}
	roots, err := prefixRoots(ctx, src, cps, n)
	if err != nil {
		return err
	}
	for i := len(cps) - 1; i >= 0; i-- {
		c, err := openStored(cps[i], v)
		if err != nil {
			if cause == nil {
				cause = err
			}
			continue
		}
		if bytes.Equal(roots[c.Size], c.Root) {
			return nil
		}
		return searchBatch(v, cps[:i+1], roots, cause)
	}
	return nil
}

// prefixRoots streams the entries again and returns the recomputed root at
// every checkpoint size up to n.
func prefixRoots(ctx context.Context, src Source, cps []StoredCheckpoint, n uint64) (map[uint64][]byte, error) {
	roots := make(map[uint64][]byte)
	want := make([]uint64, 0, len(cps))
	for _, c := range cps {
		if c.Size <= n && (len(want) == 0 || want[len(want)-1] != c.Size) {
			want = append(want, c.Size)
		}
	}
	if len(want) > 0 && want[0] == 0 {
		roots[0] = EmptyRoot()
		want = want[1:]
	}
	m, err := scan(ctx, src, nil, func(t *Tree) {
		if len(want) > 0 && t.Size() == want[0] {
			roots[want[0]] = t.Root()
			want = want[1:]
		}
	})
	if err != nil {
		var f Failure
		if errors.As(err, &f) {
			return nil, fmt.Errorf("auditlog: the entries changed between verification passes: %w", err)
		}
		return nil, err
	}
	if m != n {
		return nil, fmt.Errorf("auditlog: the entries changed between verification passes (%d entries, then %d)", n, m)
	}
	return roots, nil
}

// searchBatch binary-searches cps, whose last element is a verified
// checkpoint that does not match roots, for the first verified checkpoint
// that does not match, skipping checkpoints that fail to open.
func searchBatch(v note.Verifier, cps []StoredCheckpoint, roots map[uint64][]byte, cause error) error {
	cand := make([]int, len(cps))
	for i := range cand {
		cand[i] = i
	}
	// Invariant: cps[cand[hi]] is verified and does not match; every
	// candidate before lo matches, and cps[cand[lo-1]] was verified.
	lo, hi := 0, len(cand)-1
	var goodSize uint64
	var invalid error
	for lo < hi {
		mid := lo + (hi-lo)/2
		c, err := openStored(cps[cand[mid]], v)
		if err != nil {
			if invalid == nil {
				invalid = err
			}
			cand = append(cand[:mid], cand[mid+1:]...)
			hi--
			continue
		}
		if bytes.Equal(roots[c.Size], c.Root) {
			lo = mid + 1
			goodSize = c.Size
		} else {
			hi = mid
		}
	}
	badSize := cps[cand[lo]].Size
	if cause == nil {
		cause = invalid
	}
	if badSize == 0 || badSize <= goodSize {
		return Failure{Seq: goodSize, Reason: fmt.Sprintf("signed checkpoint of size %d does not match (the signed checkpoints conflict)", badSize), Err: cause}
	}
	return Failure{
		Seq:    goodSize,
		Reason: fmt.Sprintf("entries %d..%d do not match signed checkpoint of size %d", goodSize, badSize-1, badSize),
		Err:    cause,
	}
}
