package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
)

// ExchangeConfig is how the instance names itself to partner instances in
// other countries, with its exchange keys (exchange.LoadOrCreateKeys).
type ExchangeConfig struct {
	Keys    *exchange.Keys
	Name    string // e.g. "nrm Moldova"
	Country string // ISO 3166-1 alpha-2
	URL     string // the public URL partners deliver to
	// Client delivers packets (default: exchange.NewClient with a 30s timeout).
	Client *exchange.Client
	// RetryBase and RetryMax bound the pause between delivery attempts: it
	// doubles from RetryBase (default 10s) up to RetryMax (default 1h).
	RetryBase, RetryMax time.Duration
}

// ExchangeStore is what the exchange asks of a transaction
// (sqlstore/exchange.go).
type ExchangeStore interface {
	TransnationalStore
	InsertPartner(ctx context.Context, p nrm.Partner) error
	Partners(ctx context.Context) ([]nrm.Partner, error)
	Partner(ctx context.Context, id string) (nrm.Partner, error)
	ActivePartner(ctx context.Context, fingerprint string) (nrm.Partner, error)
	RemovePartner(ctx context.Context, id string) error
}

var errNoExchangeKeys = nrm.Internal(errors.New("the instance has no exchange keys"))

// Identity is the instance's identity for partners: public, asked for
// without credentials, so that an admin elsewhere can register it.
func (s *Service) Identity() (nrm.InstanceIdentity, error) {
	x := s.cfg.Exchange
	if x.Keys == nil {
		return nrm.InstanceIdentity{}, errNoExchangeKeys
	}
	return x.Keys.Identity(x.Name, strings.ToUpper(x.Country), x.URL), nil
}

// IdentityGaps names what the instance's identity lacks for a partner to
// register it (a name, a country, a public URL), or nil.
func (s *Service) IdentityGaps() []string {
	id, err := s.Identity()
	if err != nil {
		return []string{err.Error()}
	}
	var gaps []string
	if err := exchange.CheckIdentity(&id); err != nil {
		var ie *exchange.ErrIdentity
		if errors.As(err, &ie) {
			gaps = append(gaps, ie.Field+": "+ie.Reason)
		} else {
			gaps = append(gaps, err.Error())
		}
	}
	return gaps
}

// allowOperatorOr lets the operator at the command line, or an actor the
// policy allows, do an action that is not about one case.
func (s *Service) allowOperatorOr(ctx context.Context, act nrm.Action) (nrm.Actor, error) {
	a, err := actor(ctx)
	if err != nil || a.System {
		return a, err
	}
	return s.allow(ctx, act)
}

// AddPartner trusts another instance from its identity JSON. This explicit
// act is the only way a partner is trusted: nrm never learns partners from
// the network.
func (s *Service) AddPartner(ctx context.Context, identityJSON []byte) (nrm.Partner, error) {
	a, err := s.allowOperatorOr(ctx, nrm.ActPartnerManage)
	if err != nil {
		return nrm.Partner{}, err
	}
	id, err := exchange.ParseIdentity(identityJSON)
	if err != nil {
		var ie *exchange.ErrIdentity
		if errors.As(err, &ie) {
			return nrm.Partner{}, nrm.Invalid(ie.Field, "%s", ie.Reason)
		}
		return nrm.Partner{}, nrm.Invalid("identity", "%v", err)
	}
	if own, err := s.Identity(); err == nil && own.Fingerprint == id.Fingerprint {
		return nrm.Partner{}, nrm.Invalid("identity", "this is this instance's own identity")
	}
	p := nrm.Partner{ID: nrm.NewID(), InstanceIdentity: id, AddedBy: a.UserID}
	err = s.write(ctx, func(tx Tx) error {
		p.AddedAt = tx.Time()
		if err := tx.InsertPartner(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "exchange.partner.add", "partner/"+p.ID, outcomeOK,
			"fingerprint "+p.Fingerprint+"; country "+p.Country))
	})
	return p, err
}

// Partners lists the partner instances: any signed-in user may see them
// (institutions, not people), as referrals name them.
func (s *Service) Partners(ctx context.Context) ([]nrm.Partner, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	var out []nrm.Partner
	err := s.read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Partners(ctx)
		return err
	})
	return out, err
}

// RemovePartner ends the trust in a partner: nothing more is sent to it,
// and nothing more from it is accepted.
func (s *Service) RemovePartner(ctx context.Context, id string) error {
	if _, err := s.allowOperatorOr(ctx, nrm.ActPartnerManage); err != nil {
		return err
	}
	if !nrm.ValidID(id) {
		return nrm.NotFound("partner")
	}
	return s.write(ctx, func(tx Tx) error {
		p, err := tx.Partner(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.RemovePartner(ctx, id); errors.Is(err, nrm.ErrStale) {
			return nrm.NotFound("partner")
		} else if err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "exchange.partner.remove", "partner/"+id, outcomeOK, "fingerprint "+p.Fingerprint))
	})
}

// GroupedFingerprint writes a fingerprint in groups of four, as people
// read it to each other over the phone (for the pages).
func GroupedFingerprint(fp string) string { return exchange.Grouped(fp) }
