package service

import (
	"context"
	"fmt"

	"github.com/nrmproject/nrm"
)

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
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActRefer)
		if err != nil {
			return err
		}
		rec := f.rec
		c := rec.Case
		own := f.shareable()
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
		acc, err := s.accessTo(ctx, tx, c, to.ID)
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
		// A partner refers onwards only within what it may read itself.
		if err := nrm.CheckOnwardScope(f.acc, r.Scope); err != nil {
			return err
		}
		if c.Child && r.ConsentID == "" {
			if r.Scope == 0 {
				r.Scope = childProtectionScope & own
			}
		} else {
			// An adult's referral rests on consent; a child's may, and a
			// consent given is then checked the same way.
			if r.ConsentID == "" {
				return nrm.Invalid("consent_id", "an adult is referred only with their informed consent: record it first")
			}
			k, err := tx.Consent(ctx, r.ConsentID)
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("consent_id", "no consent with this id on this case")
			}
			if err != nil {
				return err
			}
			if err := nrm.CheckConsentFor(k, caseID, nrm.PurposeReferral, r.ToOrg, nrm.DateOf(tx.Time())); err != nil {
				return err
			}
			if r.Scope != 0 && r.Scope&^k.Scope != 0 {
				return nrm.Invalid("scope", "wider than the consent (%s)", scopeNames(k.Scope))
			}
			if r.Scope == 0 {
				r.Scope = k.Scope & own
			}
		}
		if r.Scope == 0 {
			return nrm.Invalid("scope", "nothing to share: your organisation holds none of what the consent covers")
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
			if err := s.notifyChildProtection(ctx, tx, rec, z, to.ID, own); err != nil {
				return err
			}
		}
		// The recipient's inbox readers are told by mail (service/mail.go).
		if err := s.queueMail(ctx, tx, to.ID, nrm.MailReferral, "/referrals", func(a nrm.Actor) bool {
			return nrm.Can(a, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient})
		}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "referral.create", "case/"+caseID, outcomeOK, "referral "+r.ID+" to org/"+to.ID))
	})
	return r, err
}

// notifyChildProtection gives every child-protection body not yet involved
// a referral of a child's case (CETS 197 Art. 10(4)): no consent is needed.
// The notification is made on the actor's organisation's behalf, so it
// shares at most what that organisation holds (own): a partner passes on
// no more than it may read itself (CONTRACT.md, "Rules every path enforces").
func (s *Service) notifyChildProtection(ctx context.Context, tx Tx, rec nrm.CaseRecord, z sealer, except string, own nrm.Scope) error {
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
		acc, err := s.accessTo(ctx, tx, rec.Case, o.ID)
		if err != nil {
			return err
		}
		if acc.Relation != nrm.RelNone {
			continue
		}
		r := nrm.Referral{ID: nrm.NewID(), CaseID: rec.ID, FromOrg: a.OrgID, ToOrg: o.ID, Scope: childProtectionScope & own,
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
				c.Outcome = ""
				if err := s.nrmAccepted(ctx, tx, &c, today); err != nil {
					return err
				}
			} else {
				// A decline is recorded as what it is, with its reason (sealed
				// on the referral); the referring side may ask for it to be
				// reconsidered.
				c.Outcome = nrm.OutcomeDeclined
				if err := s.changeState(ctx, tx, &c, nrm.StateEncountered, today, "NRM referral declined by the competent authority"); err != nil {
					return err
				}
			}
		}
		out = r.Referral
		return s.record(ctx, tx, s.entry(ctx, "referral."+status, "case/"+r.CaseID, outcomeOK, "referral "+r.ID))
	})
	return out, err
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
	entries, err := s.InboxEntries(ctx)
	out := make([]nrm.Referral, len(entries))
	for i, e := range entries {
		out[i] = e.Referral
	}
	return out, err
}
