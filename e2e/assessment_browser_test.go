package e2e

// NRM country assessments in the browser: an analyst of the national
// co-ordinator's team scores a benchmark through its form, and the
// comparison of two countries renders as a heat map that axe finds
// accessible. With NRM_SCREENSHOTS naming a folder, the comparison is
// saved there (assessment.png).

import (
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// mustPublishedAssessment records and publishes an assessment with scores.
func mustPublishedAssessment(t *testing.T, a *testapp.App, team testapp.User, country string, scores map[string]int) string {
	t.Helper()
	ctx := testapp.As(team.Actor)
	x, err := a.Svc.CreateAssessment(ctx, nrm.CountryAssessmentInput{Framework: "odihr-nrm", Country: country,
		Period: nrm.PeriodInput{From: "2025-01-01", To: "2025-12-31"}, Team: []string{"Oriel Vantongeren", "Maelis Kurdova"}})
	if err != nil {
		t.Fatal(err)
	}
	for b, n := range scores {
		if _, err := a.Svc.ScoreBenchmark(ctx, x.ID, b, nrm.BenchmarkScoreInput{Score: &n, Evidence: "Interviews and the annual report."}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Svc.SetFindings(ctx, x.ID, nrm.FindingsInput{Findings: "Findings of " + country + "."}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Svc.PublishAssessment(ctx, x.ID); err != nil {
		t.Fatal(err)
	}
	return x.ID
}

func TestAssessmentBrowser(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		coord := a.MustOrg(t, nrm.KindCoordinator)
		analyst := a.MustUser(t, coord, nrm.RoleAnalyst)
		// Two countries assessed for 2025 (fictitious scores).
		mustPublishedAssessment(t, a, analyst, "MD", map[string]int{"id-1": 1, "id-2": 0, "id-3": 1, "id-5": 2, "pa-1": 2, "pa-2": 3, "pa-4": 1,
			"pa-5": 0, "aj-1": 1, "aj-2": 1, "aj-3": 0, "aj-4": 0, "aj-5": 1, "sr-1": 2, "sr-3": 1, "co-1": 3, "co-3": 2, "dp-1": 2,
			"me-1": 1, "me-3": 2, "lf-1": 3, "lf-3": 2})
		mustPublishedAssessment(t, a, analyst, "GB", map[string]int{"id-1": 2, "id-2": 2, "id-3": 1, "id-4": 2, "pa-1": 3, "pa-2": 2,
			"pa-3": 3, "pa-4": 3, "pa-5": 1, "aj-1": 2, "aj-2": 3, "aj-3": 1, "aj-4": 1, "aj-6": 3, "sr-1": 1, "sr-2": 2, "co-1": 2,
			"co-2": 3, "dp-1": 3, "dp-2": 3, "me-1": 2, "lf-1": 3, "lf-2": 3, "lf-4": 2})
		draft, err := a.Svc.CreateAssessment(testapp.As(analyst.Actor), nrm.CountryAssessmentInput{Framework: "odihr-nrm", Country: "MD",
			Period: nrm.PeriodInput{From: "2026-01-01", To: "2026-06-30"}, Team: []string{"Oriel Vantongeren"}})
		if err != nil {
			t.Fatal(err)
		}

		b := newChromium(t, a.URL)
		step := func(name string, f func(t *testing.T)) bool {
			a.Clock.Advance(90 * time.Second)
			return t.Run(name, f)
		}
		step("analyst_signs_in", func(t *testing.T) { b.signInFirstTime(t, a, analyst) })
		step("analyst_scores_a_benchmark_through_its_form", func(t *testing.T) {
			b.open(t, "/assessments/"+draft.ID)
			b.wantText(t, "#area-protection-assistance", "recovery and reflection period", "not scored")
			b.eval(t, `document.querySelectorAll('details').forEach(d => d.open = true), ''`)
			b.axeCheck(t, "assessment page")
			// The benchmark's link leads to its form (opened as the link says: a click does not wait for the page).
			if n := b.count(t, `#b-pa-4 a[href="/assessments/`+draft.ID+`/benchmarks/pa-4"]`); n != 1 {
				t.Fatalf("%d links to the form of pa-4", n)
			}
			b.open(t, "/assessments/"+draft.ID+"/benchmarks/pa-4")
			b.wantText(t, "main", "CETS 197 Art. 13(1)", "How long is the period in law and in practice")
			b.axeCheck(t, "score form")
			b.click(t, byID("score-2"))
			b.typeInto(t, "evidence", "30 days in law; given to two of nine presumed victims in the first half of 2026.")
			b.typeInto(t, "sources", "Interview with the national co-ordinator")
			b.submit(t, `form[action$="/benchmarks/pa-4"] button[type="submit"]`)
			b.wantText(t, "main", "The score was saved.")
			b.wantText(t, "#b-pa-4", "2", "Partly in place", "Change the score")
			b.saveScreenshot(t, engine, "assessment-page")
		})
		step("the_comparison_of_two_countries_renders_as_a_heat_map", func(t *testing.T) {
			b.open(t, "/assessments/compare?framework=odihr-nrm&countries=MD,GB")
			b.wantText(t, "h1", "MD, GB")
			b.wantText(t, "#heatmap thead", "MD", "GB")
			b.wantText(t, "#row-id-1", "1", "On paper", "2", "Partly in place")
			b.wantText(t, "#row-lf-1", "3", "In place")
			if n := b.count(t, "#heatmap td.score"); n != 2*35 {
				t.Errorf("%d score cells, want 70", n)
			}
			// The draft of 2026 is the team's own: its score is MD's latest for the team.
			b.wantText(t, "#row-pa-4", "2026-01-01–2026-06-30", "Partly in place")
			b.axeCheck(t, "comparison")
			b.saveScreenshot(t, engine, "assessment")
		})
	})
}
