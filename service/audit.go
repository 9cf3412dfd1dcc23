package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// Audit outcomes.
const (
	outcomeOK     = "ok"
	outcomeDenied = "denied"
	outcomeFailed = "failed"
)

// AuditOrigin names this instance's log in its checkpoints: derived from
// the instance's public key, so every process sharing the keys agrees.
func AuditOrigin(pub []byte) string {
	h := sha256.Sum256(pub)
	return "nrm.audit/" + hex.EncodeToString(h[:8])
}

// entry builds an audit entry for the actor in ctx.
func (s *Service) entry(ctx context.Context, action, object, outcome, detail string) auditlog.Entry {
	a, _ := nrm.ActorFrom(ctx)
	return auditlog.Entry{Time: s.store.Now(), RequestID: nrm.RequestID(ctx), Actor: a.UserID, ActorOrg: a.OrgID,
		ActorRole: string(a.Role), Action: action, Object: object, Outcome: outcome, Detail: detail}
}

// record appends entries inside a write transaction: if they cannot be
// written, the change they record does not happen either.
func (s *Service) record(ctx context.Context, tx Tx, entries ...auditlog.Entry) error {
	_, err := tx.AppendAudit(ctx, s.signer, entries)
	return err
}

// recordRead appends entries for a read and waits until they are durable:
// no read returns data before its entry is committed. Concurrent reads are
// committed together (group commit), one transaction and one signed
// checkpoint per batch.
func (s *Service) recordRead(ctx context.Context, entries ...auditlog.Entry) error {
	if BenchBaseline {
		return nil
	}
	if rs, ok := ctx.Value(readScopeKey{}).(*readScope); ok {
		rs.entries = append(rs.entries, entries...) // recorded once, when the whole read is done
		return nil
	}
	return s.committer.append(ctx, entries)
}

// denial is an authorization refusal on its way out. Inside a transaction
// it cannot be recorded at once (the transaction must not wait on the audit
// committer, which needs a write connection of its own), so the service's
// read and write helpers record it when the transaction has ended.
type denial struct {
	err   *nrm.Error
	entry auditlog.Entry
}

func (d *denial) Error() string { return d.err.Error() }
func (d *denial) Unwrap() error { return d.err }

// deny refuses an action and returns err, marked for the audit log.
func (s *Service) deny(ctx context.Context, a nrm.Actor, act nrm.Action, object string, err *nrm.Error) error {
	s.log.LogAttrs(ctx, slog.LevelInfo, "access denied",
		slog.String("request_id", nrm.RequestID(ctx)), slog.String("actor", a.UserID),
		slog.String("role", string(a.Role)), slog.String("action", string(act)), slog.String("object", object))
	return &denial{err: err, entry: s.entry(nrm.WithActor(ctx, a), string(act), object, outcomeDenied, "")}
}

// recordDenial appends the entry of a denial, if err is one. The denial
// stands whether or not the record can be written; a failure is logged.
func (s *Service) recordDenial(ctx context.Context, err error) {
	var d *denial
	if errors.As(err, &d) {
		if err := s.recordRead(ctx, d.entry); err != nil {
			s.log.ErrorContext(ctx, "audit: recording a denial failed", "error", err)
		}
	}
}

// write and read run a transaction and then record any denial it ended with.
func (s *Service) write(ctx context.Context, fn func(Tx) error) error {
	s.work.writes.Add(1)
	err := s.store.Write(ctx, fn)
	s.recordDenial(ctx, err)
	return err
}

func (s *Service) read(ctx context.Context, fn func(Tx) error) error {
	if rs, ok := ctx.Value(readScopeKey{}).(*readScope); ok {
		return fn(rs.tx) // part of a case file read: its transaction
	}
	err := s.store.Read(ctx, fn)
	s.recordDenial(ctx, err)
	return err
}

// committer batches audit entries of reads into shared transactions.
type committer struct {
	s       *Service
	wait    time.Duration // how long a batch waits for more reads; see run
	mu      sync.RWMutex
	closed  bool
	reqs    chan *auditReq
	stopped chan struct{}

	reads, commits atomic.Int64 // read requests recorded, and group commits
}

type auditReq struct {
	ctx     context.Context
	entries []auditlog.Entry
	check   *tokenCheck // the request's token, if it is still to be confirmed (tokencheck.go)
	done    chan error
}

// maxBatch bounds the entries of one group commit.
const maxBatch = 1024

var errAuditClosed = errors.New("audit log closed: the service is shutting down")

func newCommitter(s *Service, wait time.Duration) *committer {
	c := &committer{s: s, wait: wait, reqs: make(chan *auditReq, maxBatch), stopped: make(chan struct{})}
	go c.run()
	return c
}

func (c *committer) append(ctx context.Context, entries []auditlog.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	r := &auditReq{ctx: ctx, entries: entries, check: checkFrom(ctx), done: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return nrm.Internal(errAuditClosed)
	}
	select {
	case c.reqs <- r:
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	c.mu.RUnlock()
	// Wait for the commit even if the client goes away: the entry may be in
	// the batch being written, and the answer must not race it.
	return <-r.done
}

// run commits batches until the committer is closed. A batch is what is
// queued when the committer turns to it. When the batch before held more
// than one read (readers are arriving concurrently), it also waits up to
// c.wait for more, so that one transaction, one fsync and one signed
// checkpoint serve more reads; a lone reader never waits. Every read still
// waits for its own entry's commit before it answers.
func (c *committer) run() {
	defer close(c.stopped)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	prev := 0
	for first := range c.reqs {
		batch := []*auditReq{first}
		n := len(first.entries)
	drain:
		for n < maxBatch {
			select {
			case r, ok := <-c.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, r)
				n += len(r.entries)
			default:
				break drain
			}
		}
		if prev > 1 && c.wait > 0 && n < maxBatch {
			timer.Reset(c.wait)
		linger:
			for n < maxBatch {
				select {
				case r, ok := <-c.reqs:
					if !ok {
						break linger
					}
					batch = append(batch, r)
					n += len(r.entries)
				case <-timer.C:
					break linger
				}
			}
			timer.Stop()
		}
		prev = len(batch)
		err := c.s.store.Write(context.Background(), func(tx Tx) error {
			// Reads authenticated from memory have their tokens confirmed
			// here, in the transaction that records them.
			if err := c.s.confirmBatch(context.Background(), tx, batch); err != nil {
				return err
			}
			entries := make([]auditlog.Entry, 0, n)
			for _, r := range batch {
				entries = append(entries, r.entries...)
			}
			_, err := tx.AppendAudit(context.Background(), c.s.signer, entries)
			return err
		})
		if err != nil {
			c.s.log.Error("audit: group commit failed", "entries", n, "error", err)
		}
		// Counted before any reader is answered: whoever is answered sees
		// its own read counted.
		c.reads.Add(int64(len(batch)))
		c.commits.Add(1)
		for _, r := range batch {
			if err == nil && r.check != nil {
				r.check.mu.Lock()
				if r.check.err != nil {
					r.done <- r.check.err // recorded as refused; nothing may be sent
					r.check.mu.Unlock()
					continue
				}
				r.check.mu.Unlock()
			}
			r.done <- err
		}
	}
}

// AuditGroupCommits reports how many reads the group commit has recorded
// and in how many transactions (for benchmarks).
func (s *Service) AuditGroupCommits() (reads, commits int64) {
	return s.committer.reads.Load(), s.committer.commits.Load()
}

// close stops accepting entries and waits for the last batch.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.reqs)
	}
	c.mu.Unlock()
	<-c.stopped
}
