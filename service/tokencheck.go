package service

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// An API read (GET) may authenticate its bearer token from memory instead
// of with a query of its own: the process remembers, for a minute at most,
// which user a token resolved to. But nothing is sent, and nothing is
// written, on the strength of that memory alone. A request authenticated
// from memory carries a tokenCheck, settled against the database within the
// same request:
//
//   - in the group commit of the request's audit entries, in the same
//     transaction (one query per token in the batch; an audited read needs
//     no query of its own for its token);
//   - else in the first write transaction the request runs, before its work;
//   - else by the API just before the answer is written (ConfirmRequest).
//
// The check asks what the per-request query asked: the token exists and has
// not expired, its user is not disabled, and the user's organisation and
// role are still those remembered. Disabling a user deletes the tokens and
// sets the flag, so a disabled user's token fails on the very next request
// in every process. A request whose check fails gets 401 and its audit
// entries say it was refused; if only the user's role or organisation
// changed, the API runs the request again as the user is now.
type tokenCheck struct {
	hash  string
	actor nrm.Actor

	mu      sync.Mutex
	settled bool
	err     error // nil when confirmed
}

// ErrAccessChanged fails a request whose token was remembered for a user
// whose role or organisation has changed since: the API runs the request
// again with the token looked up anew. It is a 401 if it ever reaches a client.
var ErrAccessChanged = &nrm.Error{Code: nrm.CodeUnauthorized, Message: "your access changed during the request; send it again"}

var errTokenInvalid = nrm.Unauthorized("invalid or expired token")

type tokenCheckKey struct{}

func checkFrom(ctx context.Context) *tokenCheck {
	c, _ := ctx.Value(tokenCheckKey{}).(*tokenCheck)
	return c
}

// settle records the database's answer for the token: u and err are what
// TokenUser returned. An error of the database itself fails the request
// without settling the check.
func (c *tokenCheck) settle(u nrm.UserRecord, err error) error {
	switch {
	case nrm.ErrorCode(err) == nrm.CodeNotFound || err == nil && u.Disabled:
		c.err = errTokenInvalid
	case err != nil:
		return err
	case actorOf(u) != c.actor:
		c.err = ErrAccessChanged
	default:
		c.err = nil
	}
	c.settled = true
	return c.err
}

// confirmIn settles the check, if it is not yet settled, with a query in tx.
func (s *Service) confirmIn(ctx context.Context, tx Tx, c *tokenCheck) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.settled {
		return c.err
	}
	u, err := tx.TokenUser(ctx, c.hash)
	err = c.settle(u, err)
	if c.settled && c.err != nil {
		s.tokens.drop(c.hash)
	}
	return err
}

// AuthenticateRead authenticates an API read (GET) by its bearer token and
// returns the request's context with the actor. The token may be resolved
// from memory; then the context carries a check that the request settles
// against the database before anything is sent (ConfirmRequest) or written.
// Requests that change anything authenticate with TokenActor.
func (s *Service) AuthenticateRead(ctx context.Context, token string) (context.Context, error) {
	if !validTokenShape(token) {
		return ctx, errTokenInvalid
	}
	hash := tokenHash(token)
	if a, ok := s.tokens.get(hash); ok {
		ctx = nrm.WithActor(ctx, a)
		return context.WithValue(ctx, tokenCheckKey{}, &tokenCheck{hash: hash, actor: a}), nil
	}
	a, err := s.tokenActor(ctx, hash)
	if err != nil {
		return ctx, err
	}
	s.tokens.put(hash, a)
	return nrm.WithActor(ctx, a), nil
}

// ConfirmRequest settles the request's token check, unless the request has
// already done so (in its audit commit or a write): the API calls it before
// it writes the answer. It returns nil when the request may be answered.
func (s *Service) ConfirmRequest(ctx context.Context) error {
	c := checkFrom(ctx)
	if c == nil {
		return nil
	}
	c.mu.Lock()
	settled, err := c.settled, c.err
	c.mu.Unlock()
	if settled {
		return err
	}
	return s.store.ReadOne(ctx, func(tx Tx) error { return s.confirmIn(ctx, tx, c) })
}

// confirmBatch settles, inside the group commit's transaction, the token
// checks of the reads in batch that still need it (one query per token),
// and marks the entries of refused reads as refused.
func (s *Service) confirmBatch(ctx context.Context, tx Tx, batch []*auditReq) error {
	answers := map[string]struct {
		u   nrm.UserRecord
		err error
	}{}
	for _, r := range batch {
		c := r.check
		if c == nil {
			continue
		}
		c.mu.Lock()
		if !c.settled {
			a, ok := answers[c.hash]
			if !ok {
				a.u, a.err = tx.TokenUser(ctx, c.hash)
				answers[c.hash] = a
			}
			if err := c.settle(a.u, a.err); !c.settled {
				c.mu.Unlock()
				return err
			}
			if c.err != nil {
				s.tokens.drop(c.hash)
			}
		}
		refused := c.err
		c.mu.Unlock()
		if refused != nil {
			why := "the API token was revoked or expired during the request"
			if errors.Is(refused, ErrAccessChanged) {
				why = "the token's user changed role or organisation during the request"
			}
			for i := range r.entries {
				r.entries[i] = refusedEntry(r.entries[i], why)
			}
		}
	}
	return nil
}

// refusedEntry is the entry of a read whose answer was not sent.
func refusedEntry(e auditlog.Entry, why string) auditlog.Entry {
	e.Outcome = outcomeDenied
	e.Detail = strings.TrimPrefix(e.Detail+"; not sent: "+why, "; ")
	return e
}

// confirmingStore settles a request's token check at the start of the
// request's first write transaction, before the write's own work: no write
// ever rests on a remembered token.
type confirmingStore struct {
	Store
	s *Service
}

func (g confirmingStore) Write(ctx context.Context, fn func(Tx) error) error {
	c := checkFrom(ctx)
	if c == nil {
		return g.Store.Write(ctx, fn)
	}
	return g.Store.Write(ctx, func(tx Tx) error {
		if err := g.s.confirmIn(ctx, tx, c); err != nil {
			return err
		}
		return fn(tx)
	})
}

// tokenCache remembers which actor a token hash resolved to, briefly and
// boundedly. It holds hashes, never tokens.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]tokenEntry
}

type tokenEntry struct {
	actor nrm.Actor
	until time.Time
}

const (
	tokenCacheSize = 4096
	tokenCacheTTL  = time.Minute
)

func newTokenCache() *tokenCache { return &tokenCache{m: map[string]tokenEntry{}} }

func (tc *tokenCache) get(hash string) (nrm.Actor, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	e, ok := tc.m[hash]
	if !ok {
		return nrm.Actor{}, false
	}
	if time.Now().After(e.until) {
		delete(tc.m, hash)
		return nrm.Actor{}, false
	}
	return e.actor, true
}

func (tc *tokenCache) put(hash string, a nrm.Actor) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if len(tc.m) >= tokenCacheSize {
		clear(tc.m)
	}
	tc.m[hash] = tokenEntry{actor: a, until: time.Now().Add(tokenCacheTTL)}
}

func (tc *tokenCache) drop(hash string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	delete(tc.m, hash)
}
