package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
)

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
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActConsentRecord)
		if err != nil {
			return err
		}
		rec := f.rec
		// A partner records a consent for someone else only within what it
		// may read itself: it cannot pass on more than it holds.
		if err := nrm.CheckOnwardScope(f.acc, c.Scope); err != nil {
			return err
		}
		if c.RecipientOrg == a.OrgID {
			return nrm.Invalid("recipient_org", "your own organisation: a consent is to share the file with someone else")
		}
		if !c.GivenOn.IsZero() && c.GivenOn.Before(rec.Encounter.Date) {
			return nrm.Invalid("given_on", "before the encounter (%s)", rec.Encounter.Date)
		}
		org, err := s.consentRecipient(ctx, tx, c)
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
		return s.record(ctx, tx, s.entry(ctx, "consent.record", "case/"+caseID, outcomeOK, "consent "+c.ID+" to "+recipientObject(c)))
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
		f, err := s.openFile(ctx, tx, a, c.CaseID, nrm.ActConsentRecord)
		if err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("consent")
			}
			return err
		}
		// The person withdraws through the organisation that recorded the
		// consent, or the one that holds their file: a partner cannot end
		// another's consent (and with it the owner's NRM referral).
		if a.OrgID != c.RecordedOrg && f.acc.Relation != nrm.RelOwner {
			return s.deny(ctx, a, nrm.ActConsentRecord, "case/"+c.CaseID,
				nrm.Forbidden("the organisation that recorded this consent, or the one that holds the file, records its withdrawal"))
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
		if err := f.event("consent", "", f.today(), "consent withdrawn: access resting on it ended", c.ID); err != nil {
			return err
		}
		if err := s.withdrawFromNRM(f, c); err != nil {
			return err
		}
		if err := s.withdrawTransnational(f, c); err != nil {
			return err
		}
		return f.audit("consent.withdraw", "consent "+c.ID)
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

// withdrawFromNRM ends the identification track when the consent withdrawn
// was the one an accepted NRM referral rests on: the person has withdrawn
// from the NRM. Its clocks stop and the case closes as withdrew-from-nrm;
// the competent authority keeps the record of its own decisions
// (nrm.AccessOf: Decided), never the rest of the file.
func (s *Service) withdrawFromNRM(f *caseFile, c nrm.Consent) error {
	if f.rec.Child || f.rec.State == nrm.StateClosed {
		return nil // a child's referral rests on no consent
	}
	refs, err := f.tx.Referrals(f.ctx, f.rec.ID)
	if err != nil {
		return err
	}
	nrmReferral := false
	for _, r := range refs {
		if r.NRM && r.ConsentID == c.ID && r.Status == nrm.ReferralAccepted {
			nrmReferral = true
		}
	}
	if !nrmReferral {
		return nil
	}
	cs := f.rec.Case
	if err := nrm.Guard(cs, nrm.StepClose, nrm.CloseWithdrewFromNRM); err != nil {
		return err
	}
	cs.ClosedReason, cs.ClosedOn, cs.Outcome = nrm.CloseWithdrewFromNRM, f.today(), nrm.OutcomeWithdrewNRM
	if err := f.tx.ClearDeadlines(f.ctx, cs.ID); err != nil {
		return err
	}
	if err := s.changeState(f.ctx, f.tx, &cs, nrm.StateClosed, f.today(), "the person withdrew from the NRM"); err != nil {
		return err
	}
	f.rec.Case = cs
	return f.audit("case.close", nrm.CloseWithdrewFromNRM)
}

// consentRecipient is the organisation a consent names, or for a
// transnational referral's consent the partner instance (its name in the
// Organisation's Name, for the timeline).
func (s *Service) consentRecipient(ctx context.Context, tx Tx, c nrm.Consent) (nrm.Organisation, error) {
	if c.Purpose == nrm.PurposeTransnational {
		p, err := tx.Partner(ctx, c.RecipientPartner)
		if nrm.ErrorCode(err) == nrm.CodeNotFound || (err == nil && !p.Active()) {
			return nrm.Organisation{}, nrm.Invalid("recipient_partner", "no registered partner instance with this id")
		}
		if err != nil {
			return nrm.Organisation{}, err
		}
		return nrm.Organisation{ID: p.ID, Name: p.Instance + " (" + p.Country + ")"}, nil
	}
	org, err := tx.Org(ctx, c.RecipientOrg)
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return org, nrm.Invalid("recipient_org", "no organisation with this id")
	}
	return org, err
}

// recipientObject names a consent's recipient in the audit log.
func recipientObject(c nrm.Consent) string {
	if c.Purpose == nrm.PurposeTransnational {
		return "partner/" + c.RecipientPartner
	}
	return "org/" + c.RecipientOrg
}
