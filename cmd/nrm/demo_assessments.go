package main

import (
	"context"

	"github.com/nrmproject/nrm"
)

// demoAssessments are two published country assessments of 2025 with
// made-up scores (the demo's countries are real codes, the scores are not
// anyone's findings), so that the comparison has something to show.
var demoAssessments = []struct {
	country  string
	scores   map[string]int
	findings string
}{
	{"MD", map[string]int{"id-1": 1, "id-3": 1, "pa-1": 2, "pa-2": 3, "pa-4": 1, "aj-1": 1, "aj-3": 0, "aj-4": 0, "sr-1": 2, "co-1": 3,
		"dp-1": 2, "me-1": 1, "lf-1": 3}, "Demo findings (fictitious): identification rests on the police; compensation is never paid."},
	{"GB", map[string]int{"id-1": 2, "id-3": 1, "pa-1": 3, "pa-2": 2, "pa-4": 3, "aj-1": 2, "aj-3": 1, "aj-4": 1, "sr-1": 1, "co-1": 2,
		"dp-1": 3, "me-1": 2, "lf-1": 3}, "Demo findings (fictitious): labour exploitation is rarely identified."},
}

// seedDemoAssessments records and publishes the demo assessments, with a
// recommendation whose clock shows on the analyst's deadlines.
func seedDemoAssessments(ctx context.Context, a *app) error {
	for _, d := range demoAssessments {
		x, err := a.svc.CreateAssessment(ctx, nrm.CountryAssessmentInput{Framework: "odihr-nrm", Country: d.country,
			Period: nrm.PeriodInput{From: "2025-01-01", To: "2025-12-31"}, Team: []string{"Demo Analyst", "Demo Researcher"}})
		if err != nil {
			return err
		}
		for b, n := range d.scores {
			if _, err := a.svc.ScoreBenchmark(ctx, x.ID, b, nrm.BenchmarkScoreInput{Score: &n, Evidence: "Demo evidence (fictitious)."}); err != nil {
				return err
			}
		}
		if _, err := a.svc.SetFindings(ctx, x.ID, nrm.FindingsInput{Findings: d.findings}); err != nil {
			return err
		}
		if _, err := a.svc.PublishAssessment(ctx, x.ID); err != nil {
			return err
		}
		if _, err := a.svc.AddRecommendation(ctx, x.ID, nrm.RecommendationInput{BenchmarkID: "aj-3",
			Text: "Set up a state fund that pays compensation when the offender does not.", Addressee: "Ministry of Justice",
			Due: a.svc.Today().AddDays(180).String()}); err != nil {
			return err
		}
	}
	return nil
}
