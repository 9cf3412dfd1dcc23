package service

import (
	"context"
	"slices"
	"strings"

	"github.com/nrmproject/nrm"
)

// Dashboard is the "due soon / overdue" view of the clocks.
type Dashboard struct {
	Today, Until     nrm.Date
	Overdue, DueSoon int
	Items            []nrm.DueItem
	All              bool // every case (the coordinator's overview)
	// Gaps (overview only): countries where open children's cases have no
	// child-protection organisation in nrm to be notified, with how many.
	Gaps []ChildProtectionGap
	// HeldBy (overview only): every organisation involved in each listed
	// case, not only the one that recorded it.
	HeldBy map[string][]string
}

// ChildProtectionGap is a country whose children nobody in nrm protects.
type ChildProtectionGap struct {
	Country string // "" for cases without an encounter country
	Cases   int
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
	return s.dashboard(ctx, a, all, s.Today().AddDays(days))
}

// OpenClocks is Deadlines without a window: every clock still running,
// soonest first (a recovery period of 30 days or a permit's expiry a year
// away shows as well as what is due this week).
func (s *Service) OpenClocks(ctx context.Context, all bool) (Dashboard, error) {
	act := nrm.ActDeadlines
	if all {
		act = nrm.ActDeadlinesAll
	}
	a, err := s.allow(ctx, act)
	if err != nil {
		return Dashboard{}, err
	}
	return s.dashboard(ctx, a, all, nrm.Date{})
}

// dashboard reads the clocks due by until (zero: every clock).
func (s *Service) dashboard(ctx context.Context, a nrm.Actor, all bool, until nrm.Date) (Dashboard, error) {
	var err error
	d := Dashboard{Today: s.Today(), All: all, Until: until}
	if until.IsZero() {
		until = nrm.NewDate(9999, 12, 31)
	}
	f := nrm.DueFilter{OrgID: a.OrgID, Until: until, Limit: 500}
	if all {
		f.OrgID = ""
	}
	// Clocks of the support track are part of the support compartment, a
	// hearing's of the justice compartment: whoever may not read the
	// compartment does not see its clocks either.
	own := nrm.Readable(a, nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope})
	for _, c := range []nrm.Compartment{nrm.Support, nrm.Justice} {
		if !own.Has(c) {
			f.ExcludeKinds = append(f.ExcludeKinds, nrm.DeadlineKindsIn(c)...)
		}
	}
	err = s.read(ctx, func(tx Tx) error {
		if all {
			if d.Gaps, err = childProtectionGaps(ctx, tx); err != nil {
				return err
			}
			if d.Items, err = tx.DueDeadlines(ctx, f); err != nil {
				return err
			}
			ids := make([]string, len(d.Items))
			for i, it := range d.Items {
				ids[i] = it.CaseID
			}
			if d.HeldBy, err = tx.InvolvedOrgs(ctx, ids); err != nil {
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
					acc, err := s.accessByID(ctx, tx, it.CaseID, a.OrgID)
					if err != nil {
						return err
					}
					sc = nrm.Readable(a, acc)
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

// childProtectionGaps lists the countries of open children's cases that no
// child-protection organisation serves: the mechanism would notify nobody.
func childProtectionGaps(ctx context.Context, tx Tx) ([]ChildProtectionGap, error) {
	counts, err := tx.OpenChildCaseCountries(ctx)
	if err != nil || len(counts) == 0 {
		return nil, err
	}
	orgs, err := tx.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	var out []ChildProtectionGap
	for country, n := range counts {
		if len(childProtectionFor(orgs, country)) == 0 {
			out = append(out, ChildProtectionGap{Country: country, Cases: n})
		}
	}
	slices.SortFunc(out, func(a, b ChildProtectionGap) int { return strings.Compare(a.Country, b.Country) })
	return out, nil
}
