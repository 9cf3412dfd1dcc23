package service

import (
	"context"
	"sort"

	"github.com/nrmproject/nrm"
)

// Compensation (CETS 197 Art. 15(3), (4)): claims, the award on each and
// the payments received, as exact amounts in the claim's currency. A
// payment never goes beyond the award. The report gives sums only.

// AddClaim records a compensation claim.
func (s *Service) AddClaim(ctx context.Context, caseID string, in nrm.ClaimInput) (nrm.Claim, error) {
	c, err := in.Validate(s.Today())
	if err != nil {
		return c, err
	}
	err = s.justiceWrite(ctx, caseID, func(f *caseFile, _ sealer) error {
		if c.FiledOn.Before(f.rec.Encounter.Date) {
			return nrm.Invalid("filed_on", "before the encounter (%s)", f.rec.Encounter.Date)
		}
		c.ID, c.CaseID, c.CreatedBy, c.CreatedOrg, c.CreatedAt, c.Version = nrm.NewID(), caseID, f.actor.UserID, f.actor.OrgID, f.tx.Time(), 1
		if err := f.tx.InsertClaim(f.ctx, c); err != nil {
			return err
		}
		if err := f.event("compensation", nrm.Justice, c.FiledOn, "compensation claimed ("+c.Route+")", c.ID); err != nil {
			return err
		}
		return f.audit("justice.compensation.claim", "claim "+c.ID)
	})
	return c, err
}

// claimWrite loads a claim and opens its case for a justice write; a claim
// of a case the actor may not write justice on is not found.
func (s *Service) claimWrite(ctx context.Context, claimID string, fn func(f *caseFile, c nrm.Claim) error) error {
	if !nrm.ValidID(claimID) {
		return nrm.NotFound("compensation claim")
	}
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		c, err := tx.Claim(ctx, claimID)
		if err != nil {
			return err
		}
		f, err := s.openFile(ctx, tx, a, c.CaseID, nrm.ActJusticeWrite)
		if err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("compensation claim")
			}
			return err
		}
		return fn(f, c)
	})
}

// AddAward records the decision on a claim; an award of 0 refuses it.
func (s *Service) AddAward(ctx context.Context, claimID string, in nrm.AwardInput) (nrm.Claim, error) {
	var out nrm.Claim
	err := s.claimWrite(ctx, claimID, func(f *caseFile, c nrm.Claim) error {
		aw, err := c.CheckAward(in, f.today())
		if err != nil {
			return err
		}
		aw.ID, aw.ClaimID, aw.CreatedBy, aw.CreatedAt = nrm.NewID(), c.ID, f.actor.UserID, f.tx.Time()
		if err := f.tx.InsertAward(f.ctx, aw, c.Version); err != nil {
			return err
		}
		c.Award, c.Version = &aw, c.Version+1
		out = c
		if err := f.event("compensation", nrm.Justice, aw.DecidedOn, "compensation "+c.Status()+" ("+c.Route+")", c.ID); err != nil {
			return err
		}
		return f.audit("justice.compensation.award", "claim "+c.ID)
	})
	return out, err
}

// AddPayment records a payment on an awarded claim.
func (s *Service) AddPayment(ctx context.Context, claimID string, in nrm.PaymentInput) (nrm.Claim, error) {
	var out nrm.Claim
	err := s.claimWrite(ctx, claimID, func(f *caseFile, c nrm.Claim) error {
		p, err := c.CheckPayment(in, f.today())
		if err != nil {
			return err
		}
		p.ID, p.ClaimID, p.CreatedBy, p.CreatedAt = nrm.NewID(), c.ID, f.actor.UserID, f.tx.Time()
		if err := f.tx.InsertPayment(f.ctx, p, c.Version); err != nil {
			return err
		}
		c.Payments, c.Version = append(c.Payments, p), c.Version+1
		out = c
		if err := f.event("compensation", nrm.Justice, p.PaidOn, "compensation "+c.Status()+" ("+c.Route+")", c.ID); err != nil {
			return err
		}
		return f.audit("justice.compensation.payment", "claim "+c.ID)
	})
	return out, err
}

// CompensationReport is the sums of the claims filed in a period, per
// currency: no case, no person, no free text.
type CompensationReport struct {
	From, To   nrm.Date
	Claims     int
	ByCurrency map[string]nrm.CurrencyTotals
	Currencies []string // sorted
}

// MaxReportDays bounds a report's period.
const MaxReportDays = 366 * 20

// CompensationReport sums the claims filed from from to to (inclusive):
// claimed, awarded, paid and awarded-but-unpaid, with the awards and
// payments made on them to date. For co-ordinators and analysts.
func (s *Service) CompensationReport(ctx context.Context, from, to string) (CompensationReport, error) {
	a, err := s.allow(ctx, nrm.ActCompensationReport)
	if err != nil {
		return CompensationReport{}, err
	}
	var r CompensationReport
	if r.From, err = nrm.ParseDate("from", from); err != nil {
		return r, err
	}
	if r.To, err = nrm.ParseDate("to", to); err != nil {
		return r, err
	}
	if r.To.Before(r.From) {
		return r, nrm.Invalid("to", "before from (%s)", r.From)
	}
	if r.From.AddDays(MaxReportDays).Before(r.To) {
		return r, nrm.Invalid("to", "a period of at most 20 years")
	}
	var figs []nrm.ClaimFigures
	err = s.read(ctx, func(tx Tx) error {
		figs, err = tx.ClaimFigures(ctx, r.From, r.To)
		return err
	})
	if err != nil {
		return r, err
	}
	if r.ByCurrency, err = nrm.CompensationTotals(figs); err != nil {
		return r, err
	}
	r.Claims = len(figs)
	for c := range r.ByCurrency {
		r.Currencies = append(r.Currencies, c)
	}
	sort.Strings(r.Currencies)
	entry := s.entry(nrm.WithActor(ctx, a), "compensation.report", "report/compensation", outcomeOK, r.From.String()+".."+r.To.String())
	return r, s.recordRead(ctx, entry)
}
