package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
)

// The protection track (DESIGN.md, "Beside the track"): needs assessment,
// support plan, services given and residence. Everything here is in the
// support compartment: written by those allowed nrm.ActSupportWrite, read
// by those allowed nrm.ActReadSupport, so staff of police-type bodies
// neither write nor read it. It works in every state of the case but
// closed, and never asks for a referral to the police or any justice step:
// support never waits on the identification or the justice track.

// Protection is everything of a case's protection track, opened.
type Protection struct {
	Needs     []nrm.Needs
	Plans     []nrm.Plan
	Services  []nrm.Service
	Residence []nrm.Residence
}

// supportCase loads a case for a write of the protection track and opens
// its person's key. A closed case takes no more support: re-open it.
func (s *Service) supportCase(ctx context.Context, tx Tx, a nrm.Actor, caseID string) (nrm.CaseRecord, sealer, error) {
	rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActSupportWrite)
	if err != nil {
		return rec, sealer{}, err
	}
	if err := nrm.Guard(rec.Case, nrm.StepSupportRecord, ""); err != nil {
		return rec, sealer{}, err
	}
	z, err := s.personSealer(rec)
	return rec, z, err
}

// AddNeeds records a needs assessment.
func (s *Service) AddNeeds(ctx context.Context, caseID string, in nrm.NeedsInput) (nrm.Needs, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Needs{}, err
	}
	n, err := in.Validate(s.Today())
	if err != nil {
		return nrm.Needs{}, err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, z, err := s.supportCase(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		if n.AssessedOn.Before(rec.Encounter.Date) {
			return nrm.Invalid("assessed_on", "before the encounter (%s)", rec.Encounter.Date)
		}
		n.ID, n.CaseID, n.CreatedBy, n.CreatedOrg, n.CreatedAt = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time()
		if err := tx.InsertNeeds(ctx, nrm.NeedsRecord{Needs: n,
			SealedNotes: z.seal("needs_assessments", "notes", n.ID, n.Notes)}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "needs", nrm.Support, n.AssessedOn,
			"needs assessed: "+strings.Join(n.Needs, ", "), n.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "support.needs", "case/"+caseID, outcomeOK, "needs assessment "+n.ID))
	})
	if err != nil {
		return nrm.Needs{}, err
	}
	return n, nil
}

// AddPlan records a support plan; its review date starts the plan-review clock.
func (s *Service) AddPlan(ctx context.Context, caseID string, in nrm.PlanInput) (nrm.Plan, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Plan{}, err
	}
	p, err := in.Validate(s.Today())
	if err != nil {
		return nrm.Plan{}, err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, z, err := s.supportCase(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		if p.StartsOn.Before(rec.Encounter.Date) {
			return nrm.Invalid("starts_on", "before the encounter (%s)", rec.Encounter.Date)
		}
		p.ID, p.CaseID, p.CreatedBy, p.CreatedOrg, p.CreatedAt = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time()
		if err := tx.InsertPlan(ctx, nrm.PlanRecord{Plan: p,
			SealedObjectives: z.seal("support_plans", "objectives", p.ID, p.Objectives),
			SealedActionPlan: z.seal("support_plans", "action_plan", p.ID, p.ActionPlan)}); err != nil {
			return err
		}
		if !p.ReviewOn.IsZero() {
			if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlinePlanReview, Due: p.ReviewOn, RefID: p.ID}); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, caseID, "support-plan", nrm.Support, p.StartsOn, "support plan: "+p.Type, p.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "support.plan", "case/"+caseID, outcomeOK, "support plan "+p.ID))
	})
	if err != nil {
		return nrm.Plan{}, err
	}
	return p, nil
}

// AddService records a service given to the person.
func (s *Service) AddService(ctx context.Context, caseID string, in nrm.ServiceInput) (nrm.Service, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Service{}, err
	}
	v, err := in.Validate(s.Today())
	if err != nil {
		return nrm.Service{}, err
	}
	err = s.write(ctx, func(tx Tx) error {
		_, z, err := s.supportCase(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		v.ID, v.CaseID, v.CreatedBy, v.CreatedOrg, v.CreatedAt = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time()
		if err := tx.InsertService(ctx, nrm.ServiceRecord{Service: v,
			SealedProvider: z.seal("services", "provider", v.ID, v.Provider),
			SealedNotes:    z.seal("services", "notes", v.ID, v.Notes)}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "service", nrm.Support, v.StartedOn, "service given: "+v.Type, v.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "support.service", "case/"+caseID, outcomeOK, "service "+v.ID))
	})
	if err != nil {
		return nrm.Service{}, err
	}
	return v, nil
}

// AddResidence records a residence permit (applied for, or granted); its
// expiry date starts the permit-expiry clock.
func (s *Service) AddResidence(ctx context.Context, caseID string, in nrm.ResidenceInput) (nrm.Residence, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Residence{}, err
	}
	r, err := in.Validate(s.Today())
	if err != nil {
		return nrm.Residence{}, err
	}
	err = s.write(ctx, func(tx Tx) error {
		if _, _, err := s.supportCase(ctx, tx, a, caseID); err != nil {
			return err
		}
		r.ID, r.CaseID, r.CreatedBy, r.CreatedOrg, r.CreatedAt, r.Version = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time(), 1
		if err := tx.InsertResidence(ctx, r); err != nil {
			return err
		}
		if !r.ExpiresOn.IsZero() {
			if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlinePermitExpiry, Due: r.ExpiresOn, RefID: r.ID}); err != nil {
				return err
			}
		}
		summary, on := "residence permit applied for ("+r.Basis+")", r.AppliedOn
		if !r.GrantedOn.IsZero() {
			summary, on = "residence permit granted ("+r.Basis+")", r.GrantedOn
		}
		if err := s.event(ctx, tx, caseID, "residence", nrm.Support, on, summary, r.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "support.residence", "case/"+caseID, outcomeOK, "residence permit "+r.ID))
	})
	if err != nil {
		return nrm.Residence{}, err
	}
	return r, nil
}

// RenewResidence renews a granted permit at the version the caller read:
// the renewal date and the new expiry are recorded and the expiry clock
// moves. A permit of a case the caller may not write support on is not found.
func (s *Service) RenewResidence(ctx context.Context, permitID string, in nrm.RenewalInput) (nrm.Residence, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Residence{}, err
	}
	if !nrm.ValidID(permitID) {
		return nrm.Residence{}, nrm.NotFound("residence permit")
	}
	rn, err := in.Validate(s.Today())
	if err != nil {
		return nrm.Residence{}, err
	}
	var out nrm.Residence
	err = s.write(ctx, func(tx Tx) error {
		cur, err := tx.ResidencePermit(ctx, permitID)
		if err != nil {
			return err
		}
		if _, _, err := s.supportCase(ctx, tx, a, cur.CaseID); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("residence permit")
			}
			return err
		}
		next, err := cur.Renew(rn)
		if err != nil {
			return err
		}
		if err := tx.RenewResidence(ctx, next); err != nil {
			return err
		}
		next.Version++
		if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: next.CaseID, Kind: nrm.DeadlinePermitExpiry, Due: next.ExpiresOn, RefID: next.ID}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, next.CaseID, "residence", nrm.Support, next.RenewedOn,
			"residence permit renewed ("+next.Basis+")", next.ID); err != nil {
			return err
		}
		out = next
		return s.record(ctx, tx, s.entry(ctx, "support.residence.renew", "case/"+next.CaseID, outcomeOK, "residence permit "+next.ID))
	})
	if err != nil {
		return nrm.Residence{}, err
	}
	return out, nil
}

// Protection returns the whole protection track of a case, opened, for a
// support reader. The read is audited. The free text of an erased person
// is gone: their records come back without it.
func (s *Service) Protection(ctx context.Context, caseID string) (Protection, error) {
	a, err := actor(ctx)
	if err != nil {
		return Protection{}, err
	}
	var out Protection
	err = s.read(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActReadSupport)
		if err != nil {
			return err
		}
		needs, err := tx.NeedsAssessments(ctx, caseID)
		if err != nil {
			return err
		}
		plans, err := tx.Plans(ctx, caseID)
		if err != nil {
			return err
		}
		services, err := tx.Services(ctx, caseID)
		if err != nil {
			return err
		}
		if out.Residence, err = tx.ResidencePermits(ctx, caseID); err != nil {
			return err
		}
		open := rec.PersonKey != nil
		var z sealer
		if open && len(needs)+len(plans)+len(services) > 0 {
			if z, err = s.personSealer(rec); err != nil {
				return err
			}
		}
		for _, n := range needs {
			if open {
				if n.Notes, err = z.open("needs_assessments", "notes", n.ID, n.SealedNotes); err != nil {
					return err
				}
			}
			out.Needs = append(out.Needs, n.Needs)
		}
		for _, p := range plans {
			if open {
				if p.Objectives, err = z.open("support_plans", "objectives", p.ID, p.SealedObjectives); err != nil {
					return err
				}
				if p.ActionPlan, err = z.open("support_plans", "action_plan", p.ID, p.SealedActionPlan); err != nil {
					return err
				}
			}
			out.Plans = append(out.Plans, p.Plan)
		}
		for _, v := range services {
			if open {
				if v.Provider, err = z.open("services", "provider", v.ID, v.SealedProvider); err != nil {
					return err
				}
				if v.Notes, err = z.open("services", "notes", v.ID, v.SealedNotes); err != nil {
					return err
				}
			}
			out.Services = append(out.Services, v.Service)
		}
		return nil
	})
	if err != nil {
		return Protection{}, err
	}
	n := len(out.Needs) + len(out.Plans) + len(out.Services) + len(out.Residence)
	if err := s.readRecord(ctx, caseID, fmt.Sprintf("protection (needs %d, plans %d, services %d, residence %d):",
		len(out.Needs), len(out.Plans), len(out.Services), len(out.Residence)), n); err != nil {
		return Protection{}, err
	}
	return out, nil
}
