package service

// Transnational referral, the sending side: a case referred to a partner
// instance in another country, resting on the person's consent to that
// partner (purpose transnational-referral), packed within the consent's
// scope, sealed to the partner and queued in the outbox (outbox.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
)

// TransnationalStore is what the transnational flow asks of a transaction
// (sqlstore/transnational.go, sqlstore/outbox.go).
type TransnationalStore interface {
	InsertTransnational(ctx context.Context, t nrm.TransnationalRecord) error
	Transnational(ctx context.Context, id string) (nrm.TransnationalRecord, error)
	TransnationalByPacket(ctx context.Context, partnerID, packetID string) (nrm.TransnationalRecord, error)
	TransnationalsOf(ctx context.Context, caseID string) ([]nrm.TransnationalRecord, error)
	SetTransnationalStatus(ctx context.Context, id, from, to string, at time.Time, sealedResponse []byte) error

	InsertOutbox(ctx context.Context, o nrm.OutboxItem) error
	OutboxItem(ctx context.Context, id string) (nrm.OutboxItem, error)
	OutboxOf(ctx context.Context, referralID string) ([]nrm.OutboxItem, error)
	PendingOutboxFor(ctx context.Context, partnerID string) ([]nrm.OutboxItem, error)
	ClaimOutbox(ctx context.Context, now, lease time.Time, limit int, only string) ([]nrm.OutboxItem, error)
	SettleOutbox(ctx context.Context, id, status string, next time.Time, lastError string) error
	StopOutbox(ctx context.Context, referralID string) (int, error)

	InsertReceived(ctx context.Context, p nrm.ReceivedPacket) error
	Received(ctx context.Context, id string) (nrm.ReceivedPacket, error)
	ReceivedReferral(ctx context.Context, partnerID, packetID string) (nrm.ReceivedPacket, error)
	ReceivedBefore(ctx context.Context, sender, packetID string) (bool, error)
	ReceivedOf(ctx context.Context, kind, status string, limit int) ([]nrm.ReceivedPacket, error)
	ReceivedForCase(ctx context.Context, caseID, kind string) ([]nrm.ReceivedPacket, error)
	RespondReceived(ctx context.Context, id, status, caseID, by string) error
}

// TransnationalInput is a transnational referral as asked for.
type TransnationalInput struct {
	PartnerID string `json:"partner_id"`
	ConsentID string `json:"consent_id"`
	Reason    string `json:"reason"`
}

// TransnationalView is a sent referral as its sender sees it, with the
// follow-up reports the partner sent back.
type TransnationalView struct {
	nrm.TransnationalReferral
	Partner   string // the partner instance's name
	FollowUps []FollowUpReport
}

// FollowUpReport is a follow-up report received from the partner.
type FollowUpReport struct {
	ID          string
	ReceivedAt  time.Time
	Date        string
	Report      string // support readers only
	ContentHash string
}

// JusticeHook and ReturnHook let the justice and safe-return tracks add
// their part to a referral packet: each returns its part of the case, or
// nil when it has none. They are called only when the consent's scope
// allows (justice: the justice compartment; return: support). Nil until
// those tracks register them.
var (
	JusticeHook func(ctx context.Context, tx Tx, rec nrm.CaseRecord, z sealer) (json.RawMessage, error)
	ReturnHook  func(ctx context.Context, tx Tx, rec nrm.CaseRecord, z sealer) (json.RawMessage, error)
)

// ReferAbroad refers a case to a partner instance. An adult's referral
// rests on their consent of purpose transnational-referral to that partner;
// a child's needs none (as within the country). What is packed is the
// consent's scope, cut to what the actor's organisation may pass on.
func (s *Service) ReferAbroad(ctx context.Context, caseID string, in TransnationalInput) (TransnationalView, error) {
	a, err := actor(ctx)
	if err != nil {
		return TransnationalView{}, err
	}
	if !nrm.ValidID(in.PartnerID) {
		return TransnationalView{}, nrm.Invalid("partner_id", "a partner instance id is required")
	}
	if in.ConsentID != "" && !nrm.ValidID(in.ConsentID) {
		return TransnationalView{}, nrm.Invalid("consent_id", "not a consent id")
	}
	reason, err := nrm.Text("reason", in.Reason, 5000)
	if err != nil {
		return TransnationalView{}, err
	}
	if reason == "" {
		return TransnationalView{}, nrm.Invalid("reason", "say why you refer the case")
	}
	if s.cfg.Exchange.Keys == nil {
		return TransnationalView{}, errNoExchangeKeys
	}
	var out TransnationalView
	var outboxID string
	err = s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActRefer)
		if err != nil {
			return err
		}
		c := f.rec.Case
		if c.State == nrm.StateClosed {
			return nrm.Conflict("the case is closed: re-open it as a new episode to refer the person again")
		}
		p, err := tx.Partner(ctx, in.PartnerID)
		if nrm.ErrorCode(err) == nrm.CodeNotFound || (err == nil && !p.Active()) {
			return nrm.Invalid("partner_id", "no registered partner instance with this id")
		}
		if err != nil {
			return err
		}
		own := f.shareable()
		var scope nrm.Scope
		if c.Child && in.ConsentID == "" {
			scope = childProtectionScope & own
		} else {
			if in.ConsentID == "" {
				return nrm.Invalid("consent_id", "an adult is referred abroad only with their informed consent to that partner: record it first")
			}
			k, err := tx.Consent(ctx, in.ConsentID)
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("consent_id", "no consent with this id on this case")
			}
			if err != nil {
				return err
			}
			if err := nrm.CheckConsentFor(k, caseID, nrm.PurposeTransnational, p.ID, f.today()); err != nil {
				return err
			}
			scope = k.Scope & own
		}
		if err := nrm.CheckOnwardScope(f.acc, scope); err != nil {
			return err
		}
		if scope == 0 {
			return nrm.Invalid("scope", "nothing to share: your organisation holds none of what the consent covers")
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		org, err := tx.Org(ctx, a.OrgID)
		if err != nil {
			return err
		}
		payload, err := s.packReferral(f, z, scope, reason, org.Name)
		if err != nil {
			return err
		}
		t := nrm.TransnationalRecord{TransnationalReferral: nrm.TransnationalReferral{
			ID: nrm.NewID(), CaseID: caseID, PartnerID: p.ID, ConsentID: in.ConsentID, PacketID: newPacketID(),
			Scope: scope, Reason: reason, Status: nrm.TransQueued, CreatedBy: a.UserID, CreatedOrg: a.OrgID, CreatedAt: tx.Time()}}
		item, err := s.queuePacket(ctx, tx, p, exchange.Header{Kind: exchange.KindReferral, ID: t.PacketID}, payload, t.ID)
		if err != nil {
			return err
		}
		outboxID, t.ContentHash = item.ID, item.ContentHash
		t.SealedReason = z.seal("exchange_referrals", "reason", t.ID, reason)
		if err := tx.InsertTransnational(ctx, t); err != nil {
			return err
		}
		if err := f.event("referral", "", f.today(), fmt.Sprintf("referred abroad to %s (%s): %s", p.Instance, p.Country, scopeNames(scope)), t.ID); err != nil {
			return err
		}
		out = TransnationalView{TransnationalReferral: t.TransnationalReferral, Partner: p.Instance}
		return f.audit("exchange.referral.create", "transnational referral "+t.ID+" to partner/"+p.ID+"; content hash "+item.ContentHash)
	})
	if err != nil {
		return TransnationalView{}, err
	}
	// Try to deliver at once; the worker retries what does not go now.
	if delivered, _ := s.deliverOne(ctx, outboxID); delivered {
		out.Status = nrm.TransSent
	}
	return out, nil
}

// newPacketID is a new packet id (a random id fits the format's pattern).
func newPacketID() string { return nrm.NewID() }

// packReferral packs the consented part of the case file: identity and
// support only when in scope, the identification outcome always, and the
// justice and return tracks' parts through their hooks.
func (s *Service) packReferral(f *caseFile, z sealer, scope nrm.Scope, reason, fromOrg string) ([]byte, error) {
	ctx, tx, rec := f.ctx, f.tx, f.rec
	c := rec.Case
	r := exchange.Referral{Version: exchange.PayloadVersion, Reference: c.Reference, Reason: reason, FromOrg: fromOrg,
		Case: exchange.Case{Child: c.Child, EncounterDate: c.Encounter.Date.String(), EncounterCountry: c.Encounter.Country,
			ExploitationTypes: c.ExploitationTypes},
		Identification: exchange.Identification{State: string(c.IdentificationState), Outcome: c.Outcome}}
	for _, sc := range scope.Compartments() {
		r.Scope = append(r.Scope, string(sc))
	}
	if r.Identification.State == "" {
		r.Identification.State = string(c.State)
	}
	ds, err := tx.Decisions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		r.Identification.Decisions = append(r.Identification.Decisions,
			exchange.Decision{Kind: d.Kind, Outcome: d.Outcome, DecidedOn: d.DecidedOn.String()})
	}
	if scope.Has(nrm.Identity) {
		v, err := openCase(z.dk, nrm.CaseView{Case: c}, rec)
		if err != nil {
			return nil, err
		}
		p := v.Person
		r.Identity = &nrm.CaseInput{
			Person: nrm.PersonInput{GivenName: p.GivenName, FamilyName: p.FamilyName, Aliases: p.Aliases,
				DateOfBirth: p.DateOfBirth.String(), AgeUncertain: p.AgeUncertain, Sex: p.Sex, Citizenship: p.Citizenship,
				Contact: p.Contact, SafeToContact: p.SafeToContact},
			Encounter:         nrm.EncounterInput{Date: c.Encounter.Date.String(), Place: v.Encounter.Place, Country: c.Encounter.Country},
			ExploitationTypes: c.ExploitationTypes,
		}
	}
	if scope.Has(nrm.Support) {
		sup := &exchange.Support{Needs: []exchange.Needs{}, Services: []exchange.Service{}}
		needs, err := tx.NeedsAssessments(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, n := range needs {
			notes, err := z.open("needs_assessments", "notes", n.ID, n.SealedNotes)
			if err != nil {
				return nil, err
			}
			sup.Needs = append(sup.Needs, exchange.Needs{AssessedOn: n.AssessedOn.String(), Needs: n.Needs.Needs, Notes: notes})
		}
		services, err := tx.Services(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range services {
			provider, err := z.open("services", "provider", v.ID, v.SealedProvider)
			if err != nil {
				return nil, err
			}
			notes, err := z.open("services", "notes", v.ID, v.SealedNotes)
			if err != nil {
				return nil, err
			}
			sup.Services = append(sup.Services, exchange.Service{Type: v.Type, Provider: provider,
				StartedOn: v.StartedOn.String(), EndedOn: v.EndedOn.String(), Notes: notes})
		}
		r.Support = sup
		if ReturnHook != nil {
			if r.Return, err = ReturnHook(ctx, tx, rec, z); err != nil {
				return nil, err
			}
		}
	}
	if scope.Has(nrm.Justice) && JusticeHook != nil {
		if r.Justice, err = JusticeHook(ctx, tx, rec, z); err != nil {
			return nil, err
		}
	}
	return exchange.EncodePayload(r)
}

// TransnationalReferral returns a sent referral to anyone who may view its
// case; its reason and the partner's answer to identity readers, the
// follow-up reports to support readers.
func (s *Service) TransnationalReferral(ctx context.Context, id string) (TransnationalView, error) {
	a, err := actor(ctx)
	if err != nil {
		return TransnationalView{}, err
	}
	if !nrm.ValidID(id) {
		return TransnationalView{}, nrm.NotFound("transnational referral")
	}
	var out TransnationalView
	err = s.read(ctx, func(tx Tx) error {
		t, err := tx.Transnational(ctx, id)
		if err != nil {
			return err
		}
		f, err := s.openFile(ctx, tx, a, t.CaseID, nrm.ActCaseView)
		if nrm.ErrorCode(err) == nrm.CodeNotFound {
			return nrm.NotFound("transnational referral")
		}
		if err != nil {
			return err
		}
		p, err := tx.Partner(ctx, t.PartnerID)
		if err != nil {
			return err
		}
		out = TransnationalView{TransnationalReferral: t.TransnationalReferral, Partner: p.Instance}
		out.Reason = ""
		if f.read == 0 || f.rec.PersonKey == nil {
			return nil
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		if f.read.Has(nrm.Identity) {
			if out.Reason, err = z.open("exchange_referrals", "reason", t.ID, t.SealedReason); err != nil {
				return err
			}
			if out.Response, err = z.open("exchange_referrals", "response", t.ID, t.SealedResponse); err != nil {
				return err
			}
		}
		ups, err := tx.ReceivedForCase(ctx, t.CaseID, exchange.KindFollowUp)
		if err != nil {
			return err
		}
		for _, u := range ups {
			if u.Ref != t.PacketID {
				continue
			}
			r := FollowUpReport{ID: u.ID, ReceivedAt: u.ReceivedAt, ContentHash: u.ContentHash}
			if f.read.Has(nrm.Support) {
				v, err := s.openReceived(ctx, tx, u)
				if err != nil {
					return err
				}
				fu := v.(*exchange.FollowUp)
				r.Date, r.Report = fu.Date, fu.Report
			}
			out.FollowUps = append(out.FollowUps, r)
		}
		return nil
	})
	if err != nil {
		return TransnationalView{}, err
	}
	return out, s.readRecord(ctx, out.CaseID, "transnational referral "+id+":", 1)
}

// withdrawTransnational applies a consent's withdrawal to the referrals
// abroad resting on it: one not yet delivered is stopped in the outbox and
// never leaves; one delivered is followed by a withdrawal packet to the
// partner.
func (s *Service) withdrawTransnational(f *caseFile, c nrm.Consent) error {
	if c.Purpose != nrm.PurposeTransnational {
		return nil
	}
	ts, err := f.tx.TransnationalsOf(f.ctx, f.rec.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.ConsentID != c.ID {
			continue
		}
		switch t.Status {
		case nrm.TransQueued:
			if _, err := f.tx.StopOutbox(f.ctx, t.ID); err != nil {
				return err
			}
			if err := f.tx.SetTransnationalStatus(f.ctx, t.ID, nrm.TransQueued, nrm.TransWithdrawn, f.tx.Time(), nil); err != nil {
				return err
			}
			if err := f.event("referral", "", f.today(), "referral abroad stopped before delivery: consent withdrawn", t.ID); err != nil {
				return err
			}
			if err := f.audit("exchange.referral.stop", "transnational referral "+t.ID+"; content hash "+t.ContentHash); err != nil {
				return err
			}
		case nrm.TransSent, nrm.TransAccepted:
			p, err := f.tx.Partner(f.ctx, t.PartnerID)
			if err != nil {
				return err
			}
			if !p.Active() {
				continue
			}
			payload, _ := exchange.EncodePayload(exchange.Withdrawal{Version: exchange.PayloadVersion, WithdrawnOn: f.today().String()})
			item, err := s.queuePacket(f.ctx, f.tx, p, exchange.Header{Kind: exchange.KindWithdrawal, ID: newPacketID(), Ref: t.PacketID}, payload, t.ID)
			if err != nil {
				return err
			}
			if err := f.event("referral", "", f.today(), "withdrawal notice queued for "+p.Instance, t.ID); err != nil {
				return err
			}
			if err := f.audit("exchange.withdrawal.create", "transnational referral "+t.ID+"; content hash "+item.ContentHash); err != nil {
				return err
			}
		}
	}
	return nil
}
