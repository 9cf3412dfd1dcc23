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
