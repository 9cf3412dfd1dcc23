package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/screening"
)

// event appends a line to a case's timeline. summary must hold no personal
// data: it names what happened, the sealed record holds the rest.
func (s *Service) event(ctx context.Context, tx Tx, caseID, kind string, comp nrm.Compartment, on nrm.Date, summary, ref string) error {
	a, _ := nrm.ActorFrom(ctx)
	return tx.InsertEvent(ctx, nrm.Event{ID: nrm.NewID(), CaseID: caseID, At: tx.Time(), On: on, Kind: kind, Compartment: comp,
		Actor: a.UserID, ActorOrg: a.OrgID, Summary: summary, RefID: ref})
}

// sealer seals free text of a case under its person's key.
type sealer struct{ dk keyring.DataKey }

func (z sealer) seal(table, column, id, text string) []byte {
	if text == "" {
		return nil
	}
	return z.dk.Seal([]byte(text), keyring.AD(table, column, id))
}

func (z sealer) open(table, column, id string, sealed []byte) (string, error) {
	if sealed == nil {
		return "", nil
	}
	b, err := z.dk.Open(sealed, keyring.AD(table, column, id))
	if err != nil {
		return "", nrm.Internal(fmt.Errorf("%s.%s of %s: %w", table, column, id, err))
	}
	return string(b), nil
}

// personSealer opens the person's key of a case; an erased person has none.
func (s *Service) personSealer(rec nrm.CaseRecord) (sealer, error) {
	if rec.PersonKey == nil {
		return sealer{}, nrm.Conflict("the person of this case was erased")
	}
	dk, err := s.unwrap(rec.Person.ID, rec.PersonKey)
	return sealer{dk}, err
}

// viewerSealer checks that the actor may view a case and returns the
// sealer to open its free text, or nil when the actor does not read
// identity or the person was erased.
func (s *Service) viewerSealer(ctx context.Context, tx Tx, a nrm.Actor, caseID string) (*sealer, error) {
	rec, acc, err := s.caseFor(ctx, tx, a, caseID, nrm.ActCaseView)
	if err != nil || !readable(a, acc).Has(nrm.Identity) || rec.PersonKey == nil {
		return nil, err
	}
	z, err := s.personSealer(rec)
	return &z, err
}

// changeState moves a case and records the move on its timeline.
func (s *Service) changeState(ctx context.Context, tx Tx, c *nrm.Case, to nrm.State, on nrm.Date, why string) error {
	from := c.State
	c.State = to
	if err := tx.UpdateCaseState(ctx, *c); err != nil {
		return err
	}
	c.Version++
	summary := fmt.Sprintf("state %s → %s", from, to)
	if why != "" {
		summary += " (" + why + ")"
	}
	return s.event(ctx, tx, c.ID, "state", "", on, summary, "")
}

// ScreeningInput is a screening with the ILO/EC indicators.
type ScreeningInput struct {
	IndicatorSet string            `json:"indicator_set"`
	Indicators   []string          `json:"indicators"`
	Evidence     map[string]string `json:"evidence"` // indicator id → what shows it
	ScreenedOn   string            `json:"screened_on"`
}

// Screening is one kept screening: indicators ticked, the result per
// dimension, and the evidence for each (sealed at rest). The outcome is
// "indicated", never a legal finding.
type Screening struct {
	ID         string
	CaseID     string
	Result     screening.Result
	Evidence   map[string]string
	ScreenedOn nrm.Date
	By         string
	OrgID      string
	CreatedAt  time.Time
}

// Screen records a screening of a case. A case may be screened again: each
// screening is kept.
func (s *Service) Screen(ctx context.Context, caseID string, in ScreeningInput) (Screening, error) {
	a, err := actor(ctx)
	if err != nil {
		return Screening{}, err
	}
	set, ok := s.cfg.Indicators.Set(strings.TrimSpace(in.IndicatorSet))
	if !ok {
		var names []string
		for _, st := range s.cfg.Indicators.Sets() {
			names = append(names, st.Name)
		}
		return Screening{}, nrm.Invalid("indicator_set", "unknown indicator set %q; one of: %s", in.IndicatorSet, strings.Join(names, ", "))
	}
	if len(in.Indicators) > 200 {
		return Screening{}, nrm.Invalid("indicators", "too many indicators")
	}
	res, err := set.Assess(in.Indicators)
	if err != nil {
		if u, ok := err.(*screening.UnknownIndicatorError); ok {
			return Screening{}, nrm.Invalid("indicators", "unknown indicator %q in set %s", u.ID, set.Name)
		}
		return Screening{}, nrm.Invalid("indicators", "%v", err)
	}
	evidence := map[string]string{}
	for id, text := range in.Evidence {
		if !slices.Contains(in.Indicators, id) {
			return Screening{}, nrm.Invalid("evidence", "evidence for %q, which is not among the indicators ticked", id)
		}
		if evidence[id], err = nrm.Text("evidence", text, 2000); err != nil {
			return Screening{}, err
		}
	}
	today := s.Today()
	on, err := nrm.PastDate("screened_on", in.ScreenedOn, today, false)
	if err != nil {
		return Screening{}, err
	}
	if on.IsZero() {
		on = today
	}
	sc := Screening{ID: nrm.NewID(), CaseID: caseID, Result: res, Evidence: evidence, ScreenedOn: on, By: a.UserID, OrgID: a.OrgID}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActScreen)
		if err != nil {
			return err
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		var met []string
		for _, d := range res.Dimensions {
			if d.Met {
				met = append(met, d.Dimension)
			}
		}
		var sealed []byte
		if len(evidence) > 0 {
			b, _ := json.Marshal(evidence)
			sealed = z.seal("screenings", "evidence", sc.ID, string(b))
		}
		sc.CreatedAt = tx.Time()
		if err := tx.InsertScreening(ctx, nrm.ScreeningRecord{ID: sc.ID, CaseID: caseID, Set: set.Name,
			Indicators: uniq(in.Indicators), Met: met, Outcome: res.Outcome, Evidence: sealed, ScreenedOn: on,
			CreatedBy: a.UserID, CreatedOrg: a.OrgID, CreatedAt: tx.Time()}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "screening", nrm.Identity, on,
			fmt.Sprintf("screened with %s: %s (%d of %d dimensions met)", set.Name, res.Outcome, len(met), len(res.Dimensions)), sc.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "case.screen", "case/"+caseID, outcomeOK, "screening "+sc.ID+"; "+res.Outcome))
	})
	return sc, err
}

func uniq(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Screenings returns every screening of a case, oldest first.
func (s *Service) Screenings(ctx context.Context, caseID string) ([]Screening, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []Screening
	err = s.read(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActReadIdentity)
		if err != nil {
			return err
		}
		recs, err := tx.Screenings(ctx, caseID)
		if err != nil || len(recs) == 0 {
			return err
		}
		var z sealer
		if rec.PersonKey != nil {
			if z, err = s.personSealer(rec); err != nil {
				return err
			}
		}
		for _, r := range recs {
			set, ok := s.cfg.Indicators.Set(r.Set)
			sc := Screening{ID: r.ID, CaseID: r.CaseID, ScreenedOn: r.ScreenedOn, By: r.CreatedBy, OrgID: r.CreatedOrg,
				CreatedAt: r.CreatedAt, Evidence: map[string]string{}}
			if ok {
				sc.Result, _ = set.Assess(r.Indicators)
			}
			sc.Result.Set, sc.Result.Outcome = r.Set, r.Outcome
			if r.Evidence != nil && rec.PersonKey != nil {
				text, err := z.open("screenings", "evidence", r.ID, r.Evidence)
				if err != nil {
					return err
				}
				json.Unmarshal([]byte(text), &sc.Evidence)
			}
			out = append(out, sc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.readRecord(ctx, caseID, "screenings", len(out))
}

// readRecord audits a read of part of a case file.
func (s *Service) readRecord(ctx context.Context, caseID, what string, n int) error {
	if n == 0 {
		return nil
	}
	return s.recordRead(ctx, s.entry(ctx, "case.read", "case/"+caseID, outcomeOK, fmt.Sprintf("%s %d", what, n)))
}

// RecordConsent records a person's informed consent to share their file
// with one organisation.
func (s *Service) RecordConsent(ctx context.Context, caseID string, in nrm.ConsentInput) (nrm.Consent, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Consent{}, err
	}
	c, err := in.Validate(s.Today())
	if err != nil {
		return c, err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActConsentRecord)
		if err != nil {
			return err
		}
		if !c.GivenOn.IsZero() && c.GivenOn.Before(rec.Encounter.Date) {
			return nrm.Invalid("given_on", "before the encounter (%s)", rec.Encounter.Date)
		}
		org, err := tx.Org(ctx, c.RecipientOrg)
		if nrm.ErrorCode(err) == nrm.CodeNotFound {
			return nrm.Invalid("recipient_org", "no organisation with this id")
		}
		if err != nil {
			return err
		}
		c.ID, c.CaseID, c.RecordedBy, c.RecordedOrg, c.Status, c.CreatedAt, c.Version = nrm.NewID(), caseID, a.UserID, a.OrgID, nrm.ConsentGiven, tx.Time(), 1
		if err := tx.InsertConsent(ctx, c); err != nil {
			return err
		}
		if !c.Expires.IsZero() {
			if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineConsentExpiry, Due: c.Expires, RefID: c.ID}); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, caseID, "consent", "", c.GivenOn,
			fmt.Sprintf("consent given for %s to %s (%s)", c.Purpose, org.Name, scopeNames(c.Scope)), c.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "consent.record", "case/"+caseID, outcomeOK, "consent "+c.ID+" to org/"+org.ID))
	})
	return c, err
}

func scopeNames(sc nrm.Scope) string {
	var n []string
	for _, c := range sc.Compartments() {
		n = append(n, string(c))
	}
	return strings.Join(n, ", ")
}

// WithdrawConsent ends a consent. The access of every referral that rested
// on it ends at once: access is decided from the consent at every read.
func (s *Service) WithdrawConsent(ctx context.Context, consentID string) (nrm.Consent, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Consent{}, err
	}
	if !nrm.ValidID(consentID) {
		return nrm.Consent{}, nrm.NotFound("consent")
	}
	var c nrm.Consent
	err = s.write(ctx, func(tx Tx) error {
		c, err = tx.Consent(ctx, consentID)
		if err != nil {
			return err
		}
		if _, _, err := s.caseFor(ctx, tx, a, c.CaseID, nrm.ActConsentRecord); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("consent")
			}
			return err
		}
		if c.Status != nrm.ConsentGiven {
			return nrm.Conflict("the consent was withdrawn already")
		}
		if err := tx.WithdrawConsent(ctx, c.ID, c.Version, a.UserID); err != nil {
			return err
		}
		c.Status, c.WithdrawnAt = nrm.ConsentWithdrawn, tx.Time()
		if err := tx.ClearDeadline(ctx, c.CaseID, nrm.DeadlineConsentExpiry, c.ID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, c.CaseID, "consent", "", nrm.DateOf(tx.Time()), "consent withdrawn: access resting on it ended", c.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "consent.withdraw", "case/"+c.CaseID, outcomeOK, "consent "+c.ID))
	})
	return c, err
}

// Consents lists the consents of a case.
func (s *Service) Consents(ctx context.Context, caseID string) ([]nrm.Consent, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.Consent
	err = s.read(ctx, func(tx Tx) error {
		if _, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActCaseView); err != nil {
			return err
		}
		out, err = tx.Consents(ctx, caseID)
		return err
	})
	return out, err
}

// childProtectionScope is what child protection reads of a child's case.
var childProtectionScope = nrm.ScopeOf(nrm.Identity, nrm.Support)

// Refer passes a case to another organisation. An adult's referral rests on
// their consent to that recipient; a child's needs none, and child
// protection is notified (given a referral of its own). A referral to a
// competent authority is the NRM referral and moves the case on the track.
func (s *Service) Refer(ctx context.Context, caseID string, in nrm.ReferralInput) (nrm.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Referral{}, err
	}
	r, err := in.Validate()
	if err != nil {
		return r, err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActRefer)
		if err != nil {
			return err
		}
		c := rec.Case
		if r.ToOrg == a.OrgID {
			return nrm.Invalid("to_org", "a referral to your own organisation: it holds the case already")
		}
		to, err := tx.Org(ctx, r.ToOrg)
		if nrm.ErrorCode(err) == nrm.CodeNotFound {
			return nrm.Invalid("to_org", "no organisation with this id")
		}
		if err != nil {
			return err
		}
		acc, err := tx.AccessTo(ctx, caseID, c.OrgID, to.ID, c.Child)
		if err != nil {
			return err
		}
		switch acc.Relation {
		case nrm.RelOwner, nrm.RelPartner:
			return nrm.Invalid("to_org", "%s holds the case already", to.Name)
		case nrm.RelRecipient:
			return nrm.Conflict("a referral of this case to %s is pending already", to.Name)
		}
		if c.State == nrm.StateClosed {
			return nrm.Conflict("the case is closed: re-open it as a new episode to refer the person again")
		}
		r.NRM = to.Kind == nrm.KindCompetentAuthority
		if r.NRM && c.State != nrm.StateEncountered {
			return nrm.ErrTransition(c.State, nrm.StepRefer)
		}
		if c.Child && r.ConsentID == "" {
			if r.Scope == 0 {
				r.Scope = childProtectionScope
			}
		} else {
			// An adult's referral rests on consent; a child's may, and a
			// consent given is then checked the same way.
			if r.ConsentID == "" {
				return nrm.Invalid("consent_id", "an adult is referred only with their informed consent: record it first")
			}
			k, err := tx.Consent(ctx, r.ConsentID)
			switch {
			case nrm.ErrorCode(err) == nrm.CodeNotFound || err == nil && k.CaseID != caseID:
				return nrm.Invalid("consent_id", "no consent with this id on this case")
			case err != nil:
				return err
			case k.Status == nrm.ConsentWithdrawn:
				return nrm.Invalid("consent_id", "the consent was withdrawn")
			case k.StatusOn(nrm.DateOf(tx.Time())) == nrm.ConsentExpired:
				return nrm.Invalid("consent_id", "the consent expired on %s", k.Expires)
			case k.RecipientOrg != r.ToOrg:
				return nrm.Invalid("consent_id", "the consent is for another recipient")
			}
			if r.Scope != 0 && r.Scope&^k.Scope != 0 {
				return nrm.Invalid("scope", "wider than the consent (%s)", scopeNames(k.Scope))
			}
			if r.Scope == 0 {
				r.Scope = k.Scope
			}
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		r.ID, r.CaseID, r.Reference, r.FromOrg, r.Status, r.CreatedBy, r.CreatedAt, r.Version =
			nrm.NewID(), caseID, c.Reference, a.OrgID, nrm.ReferralPending, a.UserID, tx.Time(), 1
		if err := tx.InsertReferral(ctx, nrm.ReferralRecord{Referral: r, SealedReason: z.seal("referrals", "reason", r.ID, r.Reason)}); err != nil {
			return err
		}
		today := nrm.DateOf(tx.Time())
		if err := s.event(ctx, tx, caseID, "referral", "", today, fmt.Sprintf("referred to %s (%s)", to.Name, scopeNames(r.Scope)), r.ID); err != nil {
			return err
		}
		if r.NRM {
			if err := s.changeState(ctx, tx, &c, nrm.StateReferred, today, "NRM referral to "+to.Name); err != nil {
				return err
			}
		}
		if c.Child {
			if err := s.notifyChildProtection(ctx, tx, rec, z, to.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, s.entry(ctx, "referral.create", "case/"+caseID, outcomeOK, "referral "+r.ID+" to org/"+to.ID))
	})
	return r, err
}

// notifyChildProtection gives every child-protection body not yet involved
// a referral of a child's case (CETS 197 Art. 10(4)): no consent is needed.
func (s *Service) notifyChildProtection(ctx context.Context, tx Tx, rec nrm.CaseRecord, z sealer, except string) error {
	orgs, err := tx.Orgs(ctx)
	if err != nil {
		return err
	}
	a, _ := nrm.ActorFrom(ctx)
	serving := childProtectionFor(orgs, rec.Encounter.Country)
	if len(serving) == 0 {
		// Say so on the case rather than notify nobody in silence; the
		// case answers a warning as well (caseExtras).
		return s.event(ctx, tx, rec.ID, "referral", "", nrm.DateOf(tx.Time()), noChildProtection(rec.Encounter.Country), "")
	}
	for _, o := range serving {
		if o.ID == except {
			continue
		}
		acc, err := tx.AccessTo(ctx, rec.ID, rec.OrgID, o.ID, true)
		if err != nil {
			return err
		}
		if acc.Relation != nrm.RelNone {
			continue
		}
		r := nrm.Referral{ID: nrm.NewID(), CaseID: rec.ID, FromOrg: a.OrgID, ToOrg: o.ID, Scope: childProtectionScope,
			Status: nrm.ReferralPending, ChildProtection: true, CreatedBy: a.UserID, CreatedAt: tx.Time(), Version: 1}
		reason := "Notification of a child (or a person presumed a child) in the National Referral Mechanism."
		if err := tx.InsertReferral(ctx, nrm.ReferralRecord{Referral: r, SealedReason: z.seal("referrals", "reason", r.ID, reason)}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, rec.ID, "referral", "", nrm.DateOf(tx.Time()), "child protection notified: "+o.Name, r.ID); err != nil {
			return err
		}
	}
	return nil
}

// referralFor loads a referral and the case it refers, for one of its two ends.
func (s *Service) referralFor(ctx context.Context, tx Tx, id string) (nrm.ReferralRecord, nrm.CaseRecord, error) {
	if !nrm.ValidID(id) {
		return nrm.ReferralRecord{}, nrm.CaseRecord{}, nrm.NotFound("referral")
	}
	r, err := tx.Referral(ctx, id)
	if err != nil {
		return r, nrm.CaseRecord{}, err
	}
	c, err := tx.Case(ctx, r.CaseID)
	return r, c, err
}

// AcceptReferral accepts a pending referral for the receiving organisation.
// Its staff may then read the case within the consent's scope.
func (s *Service) AcceptReferral(ctx context.Context, id string) (nrm.Referral, error) {
	return s.respond(ctx, id, nrm.ReferralAccepted, "")
}

// DeclineReferral declines a pending referral, with a reason.
func (s *Service) DeclineReferral(ctx context.Context, id, reason string) (nrm.Referral, error) {
	return s.respond(ctx, id, nrm.ReferralDeclined, reason)
}

func (s *Service) respond(ctx context.Context, id, status, reason string) (nrm.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Referral{}, err
	}
	if reason, err = nrm.Text("reason", reason, 5000); err != nil {
		return nrm.Referral{}, err
	}
	if status == nrm.ReferralDeclined && reason == "" {
		return nrm.Referral{}, nrm.Invalid("reason", "say why the referral is declined")
	}
	var out nrm.Referral
	err = s.write(ctx, func(tx Tx) error {
		r, rec, err := s.referralFor(ctx, tx, id)
		if err != nil {
			return err
		}
		// Only the receiving organisation answers; to anyone else the
		// referral does not exist.
		if r.ToOrg != a.OrgID {
			return s.deny(ctx, a, nrm.ActReferralRespond, "referral/"+id, nrm.NotFound("referral"))
		}
		if !nrm.Can(a, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient}) {
			return s.deny(ctx, a, nrm.ActReferralRespond, "referral/"+id, nrm.Forbidden("your role may not answer referrals"))
		}
		if r.Status != nrm.ReferralPending {
			return nrm.Conflict("the referral is %s already", r.Status)
		}
		today := nrm.DateOf(tx.Time())
		if status == nrm.ReferralAccepted && !rec.Child && r.ConsentID != "" {
			k, err := tx.Consent(ctx, r.ConsentID)
			if err != nil {
				return err
			}
			if st := k.StatusOn(today); st != nrm.ConsentGiven {
				return nrm.Conflict("the consent this referral rests on is %s: it cannot be accepted", st)
			}
		}
		z, err := s.personSealer(rec)
		if err != nil && status == nrm.ReferralDeclined {
			z = sealer{} // an erased person's referral may still be declined
		} else if err != nil {
			return err
		}
		var sealed []byte
		if reason != "" && !z.dk.IsZero() {
			sealed = z.seal("referrals", "response_reason", r.ID, reason)
		}
		if err := tx.RespondReferral(ctx, r.ID, r.Version, status, sealed, a.UserID); err != nil {
			return err
		}
		r.Status, r.RespondedBy, r.RespondedAt, r.ResponseReason = status, a.UserID, tx.Time(), reason
		org, err := tx.Org(ctx, a.OrgID)
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, r.CaseID, "referral", "", today, fmt.Sprintf("referral %s by %s", status, org.Name), r.ID); err != nil {
			return err
		}
		c := rec.Case
		if r.NRM && c.State == nrm.StateReferred {
			if status == nrm.ReferralAccepted {
				if err := s.nrmAccepted(ctx, tx, &c, today); err != nil {
					return err
				}
			} else if err := s.changeState(ctx, tx, &c, nrm.StateEncountered, today, "NRM referral declined"); err != nil {
				return err
			}
		}
		out = r.Referral
		return s.record(ctx, tx, s.entry(ctx, "referral."+status, "case/"+r.CaseID, outcomeOK, "referral "+r.ID))
	})
	return out, err
}

// nrmAccepted starts the identification clocks of the case's profile.
func (s *Service) nrmAccepted(ctx context.Context, tx Tx, c *nrm.Case, today nrm.Date) error {
	p := s.profileOf(*c)
	c.NRMAcceptedOn = today
	if due, ok := p.ReasonableGroundsDue(today.Time()); ok {
		if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: c.ID, Kind: nrm.DeadlineRG, Due: nrm.DateOf(due)}); err != nil {
			return err
		}
		return s.changeState(ctx, tx, c, nrm.StateAwaitingReasonableGrounds, today, "the competent authority has the referral")
	}
	// A one-step profile: the formal identification is the only decision.
	return s.changeState(ctx, tx, c, nrm.StateAwaitingConclusiveGrounds, today, "the competent authority has the referral")
}

// WithdrawReferral withdraws a pending or accepted referral, by the
// organisation that made it. An accepted one ends the recipient's access.
func (s *Service) WithdrawReferral(ctx context.Context, id, reason string) (nrm.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Referral{}, err
	}
	if reason, err = nrm.Text("reason", reason, 5000); err != nil {
		return nrm.Referral{}, err
	}
	if reason == "" {
		return nrm.Referral{}, nrm.Invalid("reason", "say why the referral is withdrawn")
	}
	var out nrm.Referral
	err = s.write(ctx, func(tx Tx) error {
		r, rec, err := s.referralFor(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, _, err := s.caseFor(ctx, tx, a, r.CaseID, nrm.ActRefer); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("referral")
			}
			return err
		}
		if r.FromOrg != a.OrgID {
			return nrm.Forbidden("only the organisation that made a referral withdraws it")
		}
		if r.Status != nrm.ReferralPending && r.Status != nrm.ReferralAccepted {
			return nrm.Conflict("the referral is %s already", r.Status)
		}
		c := rec.Case
		// The NRM referral can be withdrawn until the authority decides;
		// after that the case is the authority's to decide or close.
		back := r.NRM && (c.State == nrm.StateReferred || c.State == nrm.StateAwaitingReasonableGrounds ||
			c.State == nrm.StateAwaitingConclusiveGrounds)
		if r.NRM && r.Status == nrm.ReferralAccepted {
			ds, err := tx.Decisions(ctx, r.CaseID)
			if err != nil {
				return err
			}
			if len(ds) > 0 || !back {
				return nrm.Conflict("the competent authority has decided on this case: the NRM referral can no longer be withdrawn")
			}
		}
		var sealed []byte
		if rec.PersonKey != nil {
			z, err := s.personSealer(rec)
			if err != nil {
				return err
			}
			sealed = z.seal("referrals", "response_reason", r.ID, "Withdrawn: "+reason)
		}
		if err := tx.WithdrawReferral(ctx, r.ID, r.Version, a.UserID, sealed); err != nil {
			return err
		}
		today := nrm.DateOf(tx.Time())
		if err := s.event(ctx, tx, r.CaseID, "referral", "", today, "referral withdrawn", r.ID); err != nil {
			return err
		}
		if back && c.State != nrm.StateEncountered {
			for _, k := range []string{nrm.DeadlineRG, nrm.DeadlineCG} {
				if err := tx.ClearDeadline(ctx, r.CaseID, k, ""); err != nil {
					return err
				}
			}
			c.NRMAcceptedOn = nrm.Date{}
			if err := s.changeState(ctx, tx, &c, nrm.StateEncountered, today, "NRM referral withdrawn"); err != nil {
				return err
			}
		}
		r.Status, r.ResponseReason = nrm.ReferralWithdrawn, "Withdrawn: "+reason
		out = r.Referral
		return s.record(ctx, tx, s.entry(ctx, "referral.withdraw", "case/"+r.CaseID, outcomeOK, "referral "+r.ID))
	})
	return out, err
}

// Referrals lists the referrals of a case, with their reasons when the
// actor may read identity.
func (s *Service) Referrals(ctx context.Context, caseID string) ([]nrm.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.Referral
	err = s.read(ctx, func(tx Tx) error {
		z, err := s.viewerSealer(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		recs, err := tx.Referrals(ctx, caseID)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if z != nil {
				if r.Reason, err = z.open("referrals", "reason", r.ID, r.SealedReason); err != nil {
					return err
				}
				if r.ResponseReason, err = z.open("referrals", "response_reason", r.ID, r.SealedResponse); err != nil {
					return err
				}
			}
			out = append(out, r.Referral)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.readRecord(ctx, caseID, "referrals", len(out))
}

// Inbox lists the referrals waiting for the actor's organisation: the
// reference, who refers and why, never the person until accepted.
func (s *Service) Inbox(ctx context.Context) ([]nrm.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !nrm.Can(a, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient}) {
		return nil, nil
	}
	var out []nrm.Referral
	err = s.read(ctx, func(tx Tx) error {
		recs, err := tx.ReferralsTo(ctx, a.OrgID, nrm.ReferralPending, 200)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.PersonKey != nil && r.SealedReason != nil {
				dk, err := s.unwrap(r.PersonID, r.PersonKey)
				if err != nil {
					return err
				}
				if r.Reason, err = (sealer{dk}).open("referrals", "reason", r.ID, r.SealedReason); err != nil {
					return err
				}
			}
			out = append(out, r.Referral)
		}
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "referral.inbox", "org/"+a.OrgID, outcomeOK, fmt.Sprintf("referrals %d", len(out))))
}

// Decide records a reasonable-grounds or conclusive-grounds decision. Only a
// decision-maker of a competent authority that accepted a referral of the
// case decides; a decision out of order is a conflict naming the state and
// what may come next.
func (s *Service) Decide(ctx context.Context, caseID string, in nrm.DecisionInput) (nrm.Decision, nrm.State, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Decision{}, "", err
	}
	d, err := in.Validate(s.Today())
	if err != nil {
		return d, "", err
	}
	var state nrm.State
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActDecide)
		if err != nil {
			return err
		}
		c := rec.Case
		p := s.profileOf(c)
		if !p.HasStep(d.Kind) {
			return nrm.Invalid("kind", "the %s profile has no %s decision", p.ID, d.Kind)
		}
		if !c.NRMAcceptedOn.IsZero() && d.DecidedOn.Before(c.NRMAcceptedOn) {
			return nrm.Invalid("decided_on", "before the competent authority had the referral (%s)", c.NRMAcceptedOn)
		}
		prior, err := tx.Decisions(ctx, caseID)
		if err != nil {
			return err
		}
		today := nrm.DateOf(tx.Time())
		switch d.Kind {
		case nrm.ReasonableGrounds:
			if c.State != nrm.StateAwaitingReasonableGrounds {
				return nrm.ErrTransition(c.State, nrm.StepRGDecision)
			}
			if err := tx.ClearDeadline(ctx, caseID, nrm.DeadlineRG, ""); err != nil {
				return err
			}
			if d.Outcome == nrm.Positive {
				end := nrm.DateOf(p.RecoveryEnd(d.DecidedOn.Time()))
				if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineRecoveryEnd, Due: end}); err != nil {
					return err
				}
				if due, ok := p.ConclusiveTargetDate(d.DecidedOn.Time()); ok {
					if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineCG, Due: nrm.DateOf(due)}); err != nil {
						return err
					}
				}
				state = nrm.StateRecoveryPeriod
			} else {
				state = nrm.StateNotIdentified
			}
		case nrm.ConclusiveGrounds:
			if c.State != nrm.StateRecoveryPeriod && c.State != nrm.StateAwaitingConclusiveGrounds {
				return nrm.ErrTransition(c.State, nrm.StepCGDecision)
			}
			if rg, ok := lastDecision(prior, nrm.ReasonableGrounds, nrm.Positive); ok {
				if earliest, ok := p.ConclusiveEarliestDate(rg.DecidedOn.Time()); ok && d.DecidedOn.Before(nrm.DateOf(earliest)) {
					return nrm.Conflict("under the %s profile the conclusive-grounds decision comes on %s at the earliest",
						p.ID, nrm.DateOf(earliest))
				}
				if d.DecidedOn.Before(rg.DecidedOn) {
					return nrm.Invalid("decided_on", "before the reasonable-grounds decision (%s)", rg.DecidedOn)
				}
			}
			for _, k := range []string{nrm.DeadlineCG, nrm.DeadlineRecoveryEnd} {
				if err := tx.ClearDeadline(ctx, caseID, k, ""); err != nil {
					return err
				}
			}
			state = nrm.StateNotIdentified
			if d.Outcome == nrm.Positive {
				state = nrm.StateIdentified
			}
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		d.ID, d.CaseID, d.By, d.OrgID, d.CreatedAt = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time()
		if err := tx.InsertDecision(ctx, nrm.DecisionRecord{Decision: d, SealedReasons: z.seal("decisions", "reasons", d.ID, d.Reasons)}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "decision", "", d.DecidedOn, fmt.Sprintf("%s decision: %s", d.Kind, d.Outcome), d.ID); err != nil {
			return err
		}
		if err := s.changeState(ctx, tx, &c, state, today, ""); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "decision.create", "case/"+caseID, outcomeOK, d.Kind+" "+d.Outcome+"; decision "+d.ID))
	})
	return d, state, err
}

func lastDecision(ds []nrm.DecisionRecord, kind, outcome string) (nrm.Decision, bool) {
	for i := len(ds) - 1; i >= 0; i-- {
		if (kind == "" || ds[i].Kind == kind) && (outcome == "" || ds[i].Outcome == outcome) {
			return ds[i].Decision, true
		}
	}
	return nrm.Decision{}, false
}

// Decisions lists a case's decisions, with reasons for identity readers.
func (s *Service) Decisions(ctx context.Context, caseID string) ([]nrm.Decision, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.Decision
	err = s.read(ctx, func(tx Tx) error {
		z, err := s.viewerSealer(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		recs, err := tx.Decisions(ctx, caseID)
		if err != nil {
			return err
		}
		for _, d := range recs {
			if z != nil {
				if d.Reasons, err = z.open("decisions", "reasons", d.ID, d.SealedReasons); err != nil {
					return err
				}
			}
			out = append(out, d.Decision)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.readRecord(ctx, caseID, "decisions", len(out))
}

// AwaitConclusive marks the evidence gathered: from the recovery period the
// case awaits its conclusive-grounds decision.
func (s *Service) AwaitConclusive(ctx context.Context, caseID string) (nrm.State, error) {
	return s.move(ctx, caseID, nrm.ActDecide, nrm.StepAwaitCG, func(c nrm.Case, _ []nrm.DecisionRecord) (nrm.State, error) {
		if c.State != nrm.StateRecoveryPeriod {
			return "", nrm.ErrTransition(c.State, nrm.StepAwaitCG)
		}
		return nrm.StateAwaitingConclusiveGrounds, nil
	}, "")
}

// Reconsider re-opens a negative decision: the case awaits that decision again.
func (s *Service) Reconsider(ctx context.Context, caseID, reason string) (nrm.State, error) {
	reason, err := nrm.Text("reason", reason, 5000)
	if err != nil {
		return "", err
	}
	if reason == "" {
		return "", nrm.Invalid("reason", "say why the decision is reconsidered")
	}
	return s.move(ctx, caseID, nrm.ActDecide, nrm.StepReconsider, func(c nrm.Case, ds []nrm.DecisionRecord) (nrm.State, error) {
		if c.State != nrm.StateNotIdentified {
			return "", nrm.ErrTransition(c.State, nrm.StepReconsider)
		}
		last, _ := lastDecision(ds, "", "")
		if last.Kind == nrm.ReasonableGrounds {
			return nrm.StateAwaitingReasonableGrounds, nil
		}
		return nrm.StateAwaitingConclusiveGrounds, nil
	}, reason)
}

// move applies a transition chosen by next, for actors allowed act.
func (s *Service) move(ctx context.Context, caseID string, act nrm.Action, step nrm.Step,
	next func(nrm.Case, []nrm.DecisionRecord) (nrm.State, error), reason string) (nrm.State, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", err
	}
	var state nrm.State
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, act)
		if err != nil {
			return err
		}
		ds, err := tx.Decisions(ctx, caseID)
		if err != nil {
			return err
		}
		c := rec.Case
		if state, err = next(c, ds); err != nil {
			return err
		}
		today := nrm.DateOf(tx.Time())
		if state == nrm.StateAwaitingReasonableGrounds {
			if due, ok := s.profileOf(c).ReasonableGroundsDue(today.Time()); ok {
				if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineRG, Due: nrm.DateOf(due)}); err != nil {
					return err
				}
			}
		}
		why := string(step)
		if reason != "" {
			z, err := s.personSealer(rec)
			if err != nil {
				return err
			}
			note := nrm.Note{ID: nrm.NewID(), CaseID: caseID, Compartment: nrm.Identity, Text: string(step) + ": " + reason,
				AuthorID: a.UserID, AuthorOrg: a.OrgID, CreatedAt: tx.Time()}
			if err := tx.InsertNote(ctx, nrm.NoteRecord{Note: note, PersonID: rec.Person.ID,
				Body: z.seal("case_notes", "body", note.ID, note.Text)}); err != nil {
				return err
			}
		}
		if err := s.changeState(ctx, tx, &c, state, today, why); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "case.state", "case/"+caseID, outcomeOK, string(state)))
	})
	return state, err
}

// CloseCase closes a case with a structured reason; its clocks stop.
func (s *Service) CloseCase(ctx context.Context, caseID string, in nrm.CloseInput) (nrm.State, error) {
	reason := strings.TrimSpace(in.Reason)
	if !slices.Contains(nrm.CloseReasons, reason) {
		return "", nrm.Invalid("reason", "one of: %s", strings.Join(nrm.CloseReasons, ", "))
	}
	note, err := nrm.Text("note", in.Note, 5000)
	if err != nil {
		return "", err
	}
	on, err := nrm.PastDate("closed_on", in.ClosedOn, s.Today(), false)
	if err != nil {
		return "", err
	}
	a, err := actor(ctx)
	if err != nil {
		return "", err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActClose)
		if err != nil {
			return err
		}
		c := rec.Case
		if c.State == nrm.StateClosed {
			return nrm.ErrTransition(c.State, nrm.StepClose)
		}
		if on.IsZero() {
			on = nrm.DateOf(tx.Time())
		}
		if on.Before(c.Encounter.Date) {
			return nrm.Invalid("closed_on", "before the encounter (%s)", c.Encounter.Date)
		}
		if err := tx.ClearDeadlines(ctx, caseID); err != nil {
			return err
		}
		if note != "" {
			z, err := s.personSealer(rec)
			if err == nil {
				n := nrm.Note{ID: nrm.NewID(), CaseID: caseID, Compartment: nrm.Support, Text: "Closure: " + note,
					AuthorID: a.UserID, AuthorOrg: a.OrgID, CreatedAt: tx.Time()}
				if err := tx.InsertNote(ctx, nrm.NoteRecord{Note: n, PersonID: rec.Person.ID, Body: z.seal("case_notes", "body", n.ID, n.Text)}); err != nil {
					return err
				}
			}
		}
		c.ClosedReason, c.ClosedOn = reason, on
		if err := s.changeState(ctx, tx, &c, nrm.StateClosed, on, "reason: "+reason); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "case.close", "case/"+caseID, outcomeOK, reason))
	})
	return nrm.StateClosed, err
}

// ReopenCase opens a new episode for the person of a closed case, linked to
// the earlier ones, so that re-trafficking shows. The new episode starts
// at the encounter, under today's profile.
func (s *Service) ReopenCase(ctx context.Context, caseID string, in nrm.ReopenInput) (nrm.CaseView, error) {
	reason, err := nrm.Text("reason", in.Reason, 5000)
	if err != nil {
		return nrm.CaseView{}, err
	}
	if reason == "" {
		return nrm.CaseView{}, nrm.Invalid("reason", "say why the case is re-opened")
	}
	a, err := actor(ctx)
	if err != nil {
		return nrm.CaseView{}, err
	}
	var newID string
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActClose)
		if err != nil {
			return err
		}
		if rec.State != nrm.StateClosed {
			return nrm.ErrTransition(rec.State, nrm.StepReopen)
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		episodes, err := tx.Episodes(ctx, rec.Person.ID)
		if err != nil {
			return err
		}
		for _, e := range episodes {
			if e.State != nrm.StateClosed {
				return nrm.Conflict("episode %d (%s) of this person is still open", e.Episode, e.Reference)
			}
		}
		today := nrm.DateOf(tx.Time())
		n := rec.Case
		n.ID, n.Reference = nrm.NewID(), nrm.NewReference(tx.Time().Year())
		n.State, n.Episode, n.PreviousCase, n.Profile = nrm.StateEncountered, episodes[len(episodes)-1].Episode+1, caseID, s.cfg.Profile.ID
		n.ClosedReason, n.ClosedOn, n.NRMAcceptedOn = "", nrm.Date{}, nrm.Date{}
		n.Encounter = nrm.Encounter{Date: today, Country: rec.Encounter.Country}
		n.CreatedBy, n.CreatedAt, n.UpdatedAt, n.Version = a.UserID, tx.Time(), tx.Time(), 1
		// The person's age is known only sealed: reopening keeps the child
		// presumption of the earlier episode unless the date of birth says otherwise.
		if dob, err := z.open("persons", "date_of_birth", rec.Person.ID, rec.Person.DateOfBirth); err == nil && dob != "" {
			d, _ := nrm.ParseDate("", dob)
			n.Child = nrm.PresumedChild(nrm.Person{DateOfBirth: d, AgeUncertain: rec.Person.AgeUncertain}, today)
		}
		if err := tx.InsertCase(ctx, nrm.CaseRecord{Case: n, Person: rec.Person}); err != nil {
			return err
		}
		newID = n.ID
		if err := s.event(ctx, tx, n.ID, "episode", "", today, fmt.Sprintf("episode %d, re-opened from %s", n.Episode, rec.Reference), caseID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "episode", "", today, fmt.Sprintf("re-opened as episode %d: %s", n.Episode, n.Reference), n.ID); err != nil {
			return err
		}
		note := nrm.Note{ID: nrm.NewID(), CaseID: n.ID, Compartment: nrm.Support, Text: "Re-opened: " + reason,
			AuthorID: a.UserID, AuthorOrg: a.OrgID, CreatedAt: tx.Time()}
		if err := tx.InsertNote(ctx, nrm.NoteRecord{Note: note, PersonID: rec.Person.ID, Body: z.seal("case_notes", "body", note.ID, note.Text)}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "case.reopen", "case/"+n.ID, outcomeOK, "episode of case/"+caseID))
	})
	if err != nil {
		return nrm.CaseView{}, err
	}
	return s.Case(ctx, newID)
}

// Notify records an anonymous notification: an adult who does not consent
// to a referral is still counted, with no personal data at all.
func (s *Service) Notify(ctx context.Context, in nrm.NotificationInput) (nrm.Notification, error) {
	a, err := s.allow(ctx, nrm.ActNotify)
	if err != nil {
		return nrm.Notification{}, err
	}
	n, err := in.Validate(s.Today())
	if err != nil {
		return n, err
	}
	err = s.write(ctx, func(tx Tx) error {
		n.ID, n.OrgID, n.CreatedAt = nrm.NewID(), a.OrgID, tx.Time()
		if err := tx.InsertNotification(ctx, n); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "notification.create", "notification/"+n.ID, outcomeOK, ""))
	})
	return n, err
}

// Timeline returns the events of a case the actor may see.
func (s *Service) Timeline(ctx context.Context, caseID string) ([]nrm.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.Event
	err = s.read(ctx, func(tx Tx) error {
		_, acc, err := s.caseFor(ctx, tx, a, caseID, nrm.ActCaseView)
		if err != nil {
			return err
		}
		out, err = tx.Events(ctx, caseID, readable(a, acc))
		return err
	})
	return out, err
}

// Dashboard is the "due soon / overdue" view of the clocks.
type Dashboard struct {
	Today, Until     nrm.Date
	Overdue, DueSoon int
	Items            []nrm.DueItem
	All              bool // every case (the coordinator's overview)
}

// Deadlines returns the clocks due within days (and every overdue one) of
// the cases the actor's organisation is involved in; with all, a
// coordinator's overview of every case (references and organisations only).
func (s *Service) Deadlines(ctx context.Context, all bool, days int) (Dashboard, error) {
	act := nrm.ActDeadlines
	if all {
		act = nrm.ActDeadlinesAll
	}
	a, err := s.allow(ctx, act)
	if err != nil {
		return Dashboard{}, err
	}
	if days <= 0 || days > 366 {
		return Dashboard{}, nrm.Invalid("within", "a number of days from 1 to 366")
	}
	d := Dashboard{Today: s.Today(), All: all}
	d.Until = d.Today.AddDays(days)
	f := nrm.DueFilter{OrgID: a.OrgID, Until: d.Until, Limit: 500}
	if all {
		f.OrgID = ""
	}
	// Clocks of the support track are part of the support compartment:
	// whoever may not read support does not see them either.
	if !nrm.Can(a, nrm.ActReadSupport, nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope}) {
		f.ExcludeKinds = nrm.DeadlineKindsIn(nrm.Support)
	}
	err = s.read(ctx, func(tx Tx) error {
		if all {
			if d.Items, err = tx.DueDeadlines(ctx, f); err != nil {
				return err
			}
			d.Overdue, d.DueSoon, err = tx.CountDue(ctx, f, d.Today)
			return err
		}
		// An organisation's own view: a partner sees a case's support clocks
		// only when its access to that case covers support, decided per case.
		f.Limit = maxDue
		items, err := tx.DueDeadlines(ctx, f)
		if err != nil {
			return err
		}
		scopes := map[string]nrm.Scope{}
		for _, it := range items {
			if c := nrm.DeadlineCompartment(it.Kind); c != "" && it.OrgID != a.OrgID {
				sc, ok := scopes[it.CaseID]
				if !ok {
					acc, err := tx.CaseAccess(ctx, it.CaseID, a.OrgID)
					if err != nil {
						return err
					}
					sc = readable(a, acc)
					scopes[it.CaseID] = sc
				}
				if !sc.Has(c) {
					continue
				}
			}
			if it.Due.Before(d.Today) {
				d.Overdue++
			} else {
				d.DueSoon++
			}
			if len(d.Items) < 500 {
				d.Items = append(d.Items, it)
			}
		}
		return nil
	})
	return d, err
}

// maxDue bounds the clocks one organisation's dashboard weighs.
const maxDue = 10000
