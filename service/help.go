package service

// Help without an account (CONTRACT.md): the public help page's
// self-referrals. Nothing here ever sees a client address except the
// throttle, which keeps a keyed hash of it in memory for an hour and never
// stores or logs it. The content is sealed under a data key of the
// self-referral's own, destroyed when it is closed without a case.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/keyring"
)

// helpActor is who writes a self-referral in the audit log: the public.
var helpActor = nrm.Actor{UserID: "public-help-page"}

// HelpDesk is what the public page says of the help organisation.
type HelpDesk struct {
	Offered bool   // a form is offered (--help-org is set)
	OrgName string // the help organisation's name
	Country string // the help organisation's country: the help lines shown
}

// HelpDesk names the organisation that takes self-referrals, if any.
func (s *Service) HelpDesk(ctx context.Context) (HelpDesk, error) {
	if s.cfg.HelpOrg == "" {
		return HelpDesk{}, nil
	}
	var o nrm.Organisation
	err := s.store.ReadOne(ctx, func(tx Tx) error {
		var err error
		o, err = tx.Org(ctx, s.cfg.HelpOrg)
		return err
	})
	if err != nil {
		return HelpDesk{}, err
	}
	return HelpDesk{Offered: true, OrgName: o.Name, Country: o.Country}, nil
}

// CheckHelpOrg confirms at start that the configured help organisation
// exists (nil when none is configured).
func (s *Service) CheckHelpOrg(ctx context.Context) error {
	if s.cfg.HelpOrg == "" {
		return nil
	}
	if !nrm.ValidID(s.cfg.HelpOrg) {
		return nrm.NotFound("organisation")
	}
	_, err := s.HelpDesk(ctx)
	return err
}

// helpTokenLife is how long a help form stays good to send.
const helpTokenLife = 4 * time.Hour

// HelpFormToken is the anti-forgery token of the help form: its expiry,
// signed with the instance's index key, so that it needs no cookie and any
// process of the instance accepts it.
func (s *Service) HelpFormToken() string {
	exp := strconv.FormatInt(s.store.Now().Add(helpTokenLife).Unix(), 10)
	return exp + "." + s.keys.BlindIndex("help-form-token", exp)
}

// HelpFormTokenValid says whether a token came from HelpFormToken and is
// not expired.
func (s *Service) HelpFormTokenValid(tok string) bool {
	exp, mac, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || time.Unix(n, 0).Before(s.store.Now()) || time.Unix(n, 0).After(s.store.Now().Add(helpTokenLife+time.Minute)) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(mac), []byte(s.keys.BlindIndex("help-form-token", exp))) == 1
}

// selfReferralSealed is what is sealed of a self-referral.
type selfReferralSealed struct {
	Message     string `json:"message,omitempty"`
	Channel     string `json:"channel,omitempty"`
	Contact     string `json:"contact,omitempty"`
	ContactWhen string `json:"contact_when,omitempty"`
}

var (
	errNoHelpOrg     = &nrm.Error{Code: nrm.CodeConflict, Message: "this service takes no messages through the web page"}
	errHelpThrottled = &nrm.Error{Code: nrm.CodeThrottled, Message: "too many messages just now; wait a while and try again"}
)

// SubmitSelfReferral records what a visitor of the help page left, sealed,
// in the help organisation's inbox, and queues a mail to its readers.
// client is the visitor's address, used only by the in-memory throttle.
func (s *Service) SubmitSelfReferral(ctx context.Context, in nrm.SelfReferralInput, client string) error {
	if s.cfg.HelpOrg == "" {
		return errNoHelpOrg
	}
	x, err := in.Validate()
	if err != nil {
		return err
	}
	if !s.helpFlood.take(client, s.store.Now()) {
		return errHelpThrottled
	}
	ctx = nrm.WithActor(ctx, helpActor)
	return s.write(ctx, func(tx Tx) error {
		x.ID, x.OrgID, x.State, x.CreatedAt, x.UpdatedAt = nrm.NewID(), s.cfg.HelpOrg, nrm.SelfReferralNew, tx.Time(), tx.Time()
		dk, err := s.newDataKey(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(selfReferralSealed{Message: x.Message, Channel: x.Channel, Contact: x.Contact, ContactWhen: x.ContactWhen})
		rec := nrm.SelfReferralRecord{SelfReferral: x, Sealed: dk.Seal(b, keyring.AD("self_referrals", "sealed", x.ID))}
		rec.Message, rec.Channel, rec.Contact, rec.ContactWhen = "", "", "", ""
		if err := tx.InsertSelfReferral(ctx, rec); err != nil {
			return err
		}
		if err := s.queueMail(ctx, tx, x.OrgID, nrm.MailSelfReferral, "/help/inbox", func(a nrm.Actor) bool {
			return nrm.Can(a, nrm.ActSelfReferralRead, nrm.Access{})
		}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "selfreferral.create", "selfreferral/"+x.ID, outcomeOK, "org/"+x.OrgID))
	})
}

// SelfReferrals lists the actor's organisation's self-referrals (dates and
// states only), newest first.
func (s *Service) SelfReferrals(ctx context.Context) ([]nrm.SelfReferral, error) {
	a, err := s.allow(ctx, nrm.ActSelfReferralRead)
	if err != nil {
		return nil, err
	}
	var out []nrm.SelfReferral
	err = s.read(ctx, func(tx Tx) error {
		recs, err := tx.SelfReferralsOf(ctx, a.OrgID, 500)
		for _, r := range recs {
			out = append(out, r.SelfReferral)
		}
		return err
	})
	return out, err
}

// SelfReferralsWaiting counts the new self-referrals of the actor's
// organisation (0 for a role that does not read them).
func (s *Service) SelfReferralsWaiting(ctx context.Context) (int, error) {
	a, err := actor(ctx)
	if err != nil || !nrm.Can(a, nrm.ActSelfReferralRead, nrm.Access{}) {
		return 0, nil
	}
	var n int
	err = s.store.ReadOne(ctx, func(tx Tx) error {
		n, err = tx.CountSelfReferrals(ctx, a.OrgID, nrm.SelfReferralNew)
		return err
	})
	return n, err
}

// selfReferralFor loads a self-referral of the actor's organisation; any
// other is not found.
func selfReferralFor(ctx context.Context, tx Tx, a nrm.Actor, id string) (nrm.SelfReferralRecord, error) {
	if !nrm.ValidID(id) {
		return nrm.SelfReferralRecord{}, nrm.NotFound("self-referral")
	}
	x, err := tx.SelfReferral(ctx, id)
	if err == nil && x.OrgID != a.OrgID {
		return nrm.SelfReferralRecord{}, nrm.NotFound("self-referral")
	}
	return x, err
}

// SelfReferral opens one self-referral; the read is audited. A closed one
// was shredded and has no content left.
func (s *Service) SelfReferral(ctx context.Context, id string) (nrm.SelfReferral, error) {
	a, err := s.allow(ctx, nrm.ActSelfReferralRead)
	if err != nil {
		return nrm.SelfReferral{}, err
	}
	var out nrm.SelfReferral
	err = s.read(ctx, func(tx Tx) error {
		x, err := selfReferralFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = x.SelfReferral
		dk, err := s.dataKey(ctx, tx, x.ID, false)
		if err == errErased {
			return nil
		}
		if err != nil {
			return err
		}
		b, err := dk.Open(x.Sealed, keyring.AD("self_referrals", "sealed", x.ID))
		if err != nil {
			return nrm.Internal(err)
		}
		var sealed selfReferralSealed
		if err := json.Unmarshal(b, &sealed); err != nil {
			return nrm.Internal(err)
		}
		out.Message, out.Channel, out.Contact, out.ContactWhen = sealed.Message, sealed.Channel, sealed.Contact, sealed.ContactWhen
		return nil
	})
	if err != nil {
		return nrm.SelfReferral{}, err
	}
	if err := s.recordRead(ctx, s.entry(ctx, "selfreferral.read", "selfreferral/"+id, outcomeOK, "")); err != nil {
		return nrm.SelfReferral{}, err
	}
	return out, nil
}

// ConvertSelfReferral opens a case from a new self-referral, through the
// same path as every new case, links it and marks the self-referral
// converted, in one transaction. The actor's role must also open cases.
func (s *Service) ConvertSelfReferral(ctx context.Context, id string, in nrm.CaseInput) (nrm.CaseView, error) {
	a, err := s.allow(ctx, nrm.ActSelfReferralConvert)
	if err != nil {
		return nrm.CaseView{}, err
	}
	if _, err := s.allow(ctx, nrm.ActCaseCreate); err != nil {
		return nrm.CaseView{}, err
	}
	c, err := in.Validate(s.Today())
	if err != nil {
		return nrm.CaseView{}, err
	}
	var v nrm.CaseView
	for attempt := 0; ; attempt++ {
		err = s.write(ctx, func(tx Tx) error {
			x, err := selfReferralFor(ctx, tx, a, id)
			if err != nil {
				return err
			}
			if x.State != nrm.SelfReferralNew {
				return nrm.Conflict("this self-referral was dealt with already")
			}
			cc := c
			var entries []auditlog.Entry
			v, entries, err = s.insertCase(ctx, tx, a, &cc)
			if err != nil {
				return err
			}
			if err := tx.SettleSelfReferral(ctx, x.ID, nrm.SelfReferralConverted, cc.ID); err != nil {
				return err
			}
			if err := s.event(ctx, tx, cc.ID, "self-referral", "", nrm.DateOf(tx.Time()), "case opened from a self-referral", x.ID); err != nil {
				return err
			}
			return s.record(ctx, tx, append(entries, s.entry(ctx, "selfreferral.convert", "selfreferral/"+x.ID, outcomeOK, "case/"+cc.ID))...)
		})
		if !nrm.IsDuplicateReference(err) || attempt == 4 {
			break
		}
	}
	return v, err
}

// CloseSelfReferral closes a new self-referral without a case and shreds
// its content (its data key is destroyed).
func (s *Service) CloseSelfReferral(ctx context.Context, id string) error {
	a, err := s.allow(ctx, nrm.ActSelfReferralConvert)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		x, err := selfReferralFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if x.State != nrm.SelfReferralNew {
			return nrm.Conflict("this self-referral was dealt with already")
		}
		if err := tx.SettleSelfReferral(ctx, x.ID, nrm.SelfReferralClosed, ""); err != nil {
			return err
		}
		if err := tx.DestroyDataKey(ctx, x.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "selfreferral.close", "selfreferral/"+x.ID, outcomeOK, "content shredded"))
	})
}

// The help form's throttle: a token bucket per visitor, keyed by an HMAC
// of the address under a key that lives in this process's memory only,
// and one for the whole instance. A flood is refused before anything is
// written; what was accepted before stays.
const (
	helpPerVisitor   = 3                // messages at once from one address
	helpVisitorEvery = 20 * time.Minute // one more per this
	helpGlobal       = 60               // messages at once from everyone
	helpGlobalEvery  = 30 * time.Second
)

type bucket struct {
	tokens float64
	at     time.Time
}

func (b *bucket) take(now time.Time, capacity float64, every time.Duration) bool {
	if b.at.IsZero() {
		b.tokens, b.at = capacity, now
	}
	if now.After(b.at) {
		b.tokens = min(capacity, b.tokens+float64(now.Sub(b.at))/float64(every))
		b.at = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

type helpThrottle struct {
	mu       sync.Mutex
	key      [32]byte
	visitors map[string]*bucket
	global   bucket
}

func newHelpThrottle() *helpThrottle {
	t := &helpThrottle{visitors: map[string]*bucket{}}
	rand.Read(t.key[:])
	return t
}

func (t *helpThrottle) take(client string, now time.Time) bool {
	m := hmac.New(sha256.New, t.key[:])
	m.Write([]byte(client))
	k := hex.EncodeToString(m.Sum(nil)[:16])
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.visitors) > 100_000 {
		for k, b := range t.visitors {
			if now.Sub(b.at) > helpPerVisitor*helpVisitorEvery {
				delete(t.visitors, k)
			}
		}
	}
	b := t.visitors[k]
	if b == nil {
		b = &bucket{}
		t.visitors[k] = b
	}
	// The visitor's bucket first: one flooding visitor does not drain
	// everyone's.
	if !b.take(now, helpPerVisitor, helpVisitorEvery) {
		return false
	}
	if !t.global.take(now, helpGlobal, helpGlobalEvery) {
		b.tokens++ // not this visitor's fault
		return false
	}
	return true
}

// HelpOrgID is the organisation that takes self-referrals ("" for none).
func (s *Service) HelpOrgID() string { return s.cfg.HelpOrg }
