package service

// The progress report of a period (issue 13), like the yearly report to
// the OSCE Permanent Council: what the partners did (events, activities,
// follow-ups), by country and theme, with the country assessments and
// recommendations of the period, what trial monitors found, and the
// decisions on possible victims. Events and activities are about
// organisations and are listed as recorded; every figure about people
// (decisions, trial findings) goes through the yearly report's disclosure
// control (reportCtx.tables, trialTables: counts under k suppressed, with
// any count that could be worked out from the others), and no figure is
// about one case.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nrmproject/nrm"
)

// ProgressReport is the report of a period.
type ProgressReport struct {
	From, To     nrm.Date
	K            int
	Events       []nrm.CoordEvent
	EventsByKind map[string]int
	Activities   []nrm.Activity
	// Grid: each country and theme with what was done there.
	Grid []ProgressCell
	// Follow-ups of the period's events.
	FollowUpsDone, FollowUpsOpen, FollowUpsOverdue  int
	Assessments                                     []ProgressAssessment
	RecommendationsMade, RecommendationsImplemented int
	// Sections through disclosure control: decisions, trial findings.
	Statistics []ReportSection
	OrgNames   map[string]string
}

// ProgressCell counts a country's events and activities under a theme
// (an event counts under each of its themes; "" for an event without one).
type ProgressCell struct {
	Country, Theme     string
	Events, Activities int
}

// ProgressAssessment is a published assessment of the period, with the
// recommendations made in it.
type ProgressAssessment struct {
	ID, Framework, Country string
	PublishedOn            nrm.Date
	Recommendations        int // made in the period
	Implemented            int // of all its recommendations, implemented by the period's end
}

// ParseProgressPeriod reads the period of the report: both ends required,
// at most ten years.
func ParseProgressPeriod(from, to string) (nrm.Date, nrm.Date, error) {
	_, f, t, err := ParseTrialPeriod("", from, to)
	return f, t, err
}

// ProgressReport builds the report of a period, audited with its format.
func (s *Service) ProgressReport(ctx context.Context, from, to, format string) (ProgressReport, error) {
	if _, err := s.allowOperatorOr(ctx, nrm.ActProgressReport); err != nil {
		return ProgressReport{}, err
	}
	f, t, err := ParseProgressPeriod(from, to)
	if err != nil {
		return ProgressReport{}, err
	}
	q, err := nrm.ParseStatQuery(nrm.StatQueryInput{Dataset: nrm.CasesDataset, By: "year", Privacy: nrm.PrivacySuppress})
	if err != nil {
		return ProgressReport{}, err
	}
	r := ProgressReport{From: f, To: t, K: q.K, EventsByKind: map[string]int{}, OrgNames: map[string]string{}}
	period := nrm.CoordinationFilter{From: f, To: t}
	today := s.Today()
	err = s.read(ctx, func(tx Tx) error {
		var err error
		if r.Events, err = tx.CoordEvents(ctx, period); err != nil {
			return err
		}
		if r.Activities, err = tx.Activities(ctx, period); err != nil {
			return err
		}
		orgs, err := tx.Orgs(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			r.OrgNames[o.ID] = o.Name
		}
		if err := r.assessments(ctx, tx); err != nil {
			return err
		}
		rc := &reportCtx{ctx: ctx, tx: tx, k: q.K, profile: s.cfg.Profile}
		decisions := ReportSection{ID: "decisions", Title: "Decisions on possible victims",
			Intro: "Reasonable-grounds and conclusive decisions taken in the period, by outcome and the country of exploitation."}
		for _, m := range []struct{ measure, id, title string }{
			{nrm.MeasureRG, "rg", "Reasonable-grounds decisions"},
			{nrm.MeasureCG, "cg", "Conclusive decisions"},
		} {
			var facts []nrm.StatFact
			for y := f.Time().Year(); y <= t.Time().Year(); y++ {
				fs, err := tx.YearFacts(ctx, m.measure, y)
				if err != nil {
					return err
				}
				for _, x := range fs {
					if !x.On.Before(f) && !x.On.After(t) {
						facts = append(facts, x)
					}
				}
			}
			if err := rc.tables(&decisions, m.id, m.title, facts, "country_of_exploitation"); err != nil {
				return err
			}
		}
		trials := ReportSection{ID: "trials", Title: "Trial monitoring",
			Intro: "What independent trial monitors observed at the hearings of the period, and the verdicts given in it. No trial or person is named."}
		if err := rc.trialTables(&trials, f, t); err != nil {
			return err
		}
		r.Statistics = []ReportSection{decisions, trials}
		return nil
	})
	if err != nil {
		return ProgressReport{}, err
	}
	r.count(today)
	if err := s.recordRead(ctx, s.entry(ctx, "report.progress", "report/progress", outcomeOK,
		fmt.Sprintf("%s %s..%s k %d", format, f, t, q.K))); err != nil {
		return ProgressReport{}, err
	}
	return r, nil
}

// assessments adds the published assessments of the period and the
// recommendations made in it.
func (r *ProgressReport) assessments(ctx context.Context, tx Tx) error {
	xs, err := tx.CountryAssessments(ctx, nrm.AssessmentFilter{})
	if err != nil {
		return err
	}
	in := func(d nrm.Date) bool { return !d.IsZero() && !d.Before(r.From) && !d.After(r.To) }
	for _, x := range xs {
		if x.Status != nrm.AssessmentPublished {
			continue
		}
		recs, err := tx.Recommendations(ctx, x.ID)
		if err != nil {
			return err
		}
		p := ProgressAssessment{ID: x.ID, Framework: x.Framework, Country: x.Country, PublishedOn: x.PublishedOn}
		for _, rec := range recs {
			if in(rec.MadeOn) {
				p.Recommendations++
			}
			if rec.Status == nrm.RecImplemented && in(rec.StatusOn) {
				p.Implemented++
			}
		}
		if in(x.PublishedOn) || p.Recommendations > 0 || p.Implemented > 0 {
			r.Assessments = append(r.Assessments, p)
			r.RecommendationsMade += p.Recommendations
			r.RecommendationsImplemented += p.Implemented
		}
	}
	return nil
}

// count fills the kinds, the grid and the follow-ups' state.
func (r *ProgressReport) count(today nrm.Date) {
	cells := map[[2]string]*ProgressCell{}
	cell := func(country, theme string) *ProgressCell {
		k := [2]string{country, theme}
		if cells[k] == nil {
			cells[k] = &ProgressCell{Country: country, Theme: theme}
		}
		return cells[k]
	}
	for _, e := range r.Events {
		r.EventsByKind[e.Kind]++
		themes := e.Themes
		if len(themes) == 0 {
			themes = []string{""}
		}
		for _, th := range themes {
			cell(e.Country, th).Events++
		}
		for _, f := range e.FollowUps {
			switch {
			case f.Done():
				r.FollowUpsDone++
			case f.Due.Before(today):
				r.FollowUpsOverdue++
			default:
				r.FollowUpsOpen++
			}
		}
	}
	for _, a := range r.Activities {
		cell(a.Country, a.Theme).Activities++
	}
	for _, c := range cells {
		r.Grid = append(r.Grid, *c)
	}
	slices.SortFunc(r.Grid, func(a, b ProgressCell) int {
		if c := strings.Compare(a.Country, b.Country); c != 0 {
			return c
		}
		return strings.Compare(a.Theme, b.Theme)
	})
}
