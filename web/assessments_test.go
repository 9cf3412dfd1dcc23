package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// The pages of country assessments: a team starts an assessment, scores a
// benchmark, writes findings, publishes and recommends through the forms;
// a case worker reads the published summary and the comparison of two
// countries as a heat map and as CSV; the team's deadlines page holds the
// recommendation's clock.
func TestAssessmentPages(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		coord, ngo := a.MustOrg(t, nrm.KindCoordinator), a.MustOrg(t, nrm.KindNGO)
		team := MustSignIn(t, a, a.MustUser(t, coord, nrm.RoleAnalyst), "")
		reader := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		newForm := func(country, from, to string) url.Values {
			return url.Values{"csrf": {team.CSRF}, "framework": {"odihr-nrm"}, "country": {country}, "period.from": {from},
				"period.to": {to}, "team": {"Oriel Vantongeren\nMaelis Kurdova\n"}}
		}

		t.Run("a_reader_is_offered_no_form", func(t *testing.T) {
			p := reader.get(t, "/assessments")
			wantStatus(t, p, http.StatusOK)
			wantAbsent(t, p, `href="/assessments/new"`)
			wantStatus(t, reader.get(t, "/assessments/new"), http.StatusForbidden)
		})
		t.Run("dates_out_of_order_are_shown_at_the_field", func(t *testing.T) {
			p := team.post(t, "/assessments", newForm("MD", "2025-12-31", "2025-01-01"))
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `href="#period.to"`, "before the start of the period")
		})
		ids := map[string]string{}
		for _, c := range []string{"MD", "GB"} {
			p := team.post(t, "/assessments", newForm(c, "2025-01-01", "2025-12-31"))
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/assessments/") {
				t.Fatalf("create: %d %q\n%s", p.Status, p.Location, p.Body)
			}
			ids[c] = strings.TrimSuffix(strings.TrimPrefix(p.Location, "/assessments/"), "?saved=a-created")
		}
		md := "/assessments/" + ids["MD"]

		t.Run("the_team_scores_through_the_form", func(t *testing.T) {
			p := team.get(t, md+"/benchmarks/pa-4")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "CETS 197 Art. 13(1)", "recovery and reflection period", `name="score" value="3"`)
			bad := team.post(t, md+"/benchmarks/pa-4", url.Values{"csrf": {team.CSRF}, "score": {"7"}, "evidence": {"x"}})
			wantStatus(t, bad, http.StatusUnprocessableEntity)
			wantContains(t, bad, "from 0 to 3")
			wantRedirect(t, team.post(t, md+"/benchmarks/pa-4", url.Values{"csrf": {team.CSRF}, "score": {"2"},
				"evidence": {"Given to two of nine presumed victims."}, "sources": {"Interview\nAnnual report"}}), md+"?saved=a-score#b-pa-4")
			wantRedirect(t, team.post(t, "/assessments/"+ids["GB"]+"/benchmarks/pa-4", url.Values{"csrf": {team.CSRF}, "score": {"3"},
				"evidence": {"Granted to every presumed victim."}}), "/assessments/"+ids["GB"]+"?saved=a-score#b-pa-4")
			p = team.get(t, md)
			wantContains(t, p, "Given to two of nine presumed victims.", "Partly in place", "Benchmarks scored")
			wantStatus(t, reader.get(t, md), http.StatusNotFound) // a draft is the team's
		})
		t.Run("findings_publication_and_a_recommendation", func(t *testing.T) {
			wantStatus(t, team.post(t, md+"/publish", url.Values{"csrf": {team.CSRF}}), http.StatusConflict)
			for _, id := range ids {
				path := "/assessments/" + id
				wantRedirect(t, team.post(t, path+"/findings", url.Values{"csrf": {team.CSRF}, "findings": {"Identification rests on the police alone."}}),
					path+"?saved=a-findings#findings")
				wantRedirect(t, team.post(t, path+"/publish", url.Values{"csrf": {team.CSRF}}), path+"?saved=a-published#top")
			}
			bad := team.post(t, md+"/recommendations", url.Values{"csrf": {team.CSRF}, "benchmark_id": {"pa-4"}, "text": {"Grant it."},
				"addressee": {"Ministry of Interior"}, "due": {"2025-06-30"}})
			wantStatus(t, bad, http.StatusUnprocessableEntity)
			wantContains(t, bad, "before the end of the assessed period")
			wantRedirect(t, team.post(t, md+"/recommendations", url.Values{"csrf": {team.CSRF}, "benchmark_id": {"pa-4"},
				"text": {"Grant the recovery period to every presumed victim."}, "addressee": {"Ministry of Interior"}, "due": {"2027-06-30"}}),
				md+"?saved=a-recommendation#recommendations")
		})
		t.Run("the_recommendation_is_a_clock_on_the_teams_deadlines", func(t *testing.T) {
			p := team.get(t, "/due")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Recommendations of your team&#39;s assessments", "Grant the recovery period to every presumed victim.", "2027-06-30", "MD · pa-4")
			wantContains(t, team.get(t, "/"), `href="/due"`, `href="/assessments"`, "Your team&#39;s country assessments", "open and not yet due")
			csv := team.get(t, "/due.csv")
			wantContains(t, csv, "recommendations,2027-06-30,")
			p = reader.get(t, "/due")
			wantAbsent(t, p, "Grant the recovery period", "Recommendations of your team")
		})
		t.Run("a_reader_reads_the_published_summary", func(t *testing.T) {
			p := reader.get(t, md+"/summary")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Identification rests on the police alone.", "Grant the recovery period", "score-2", "Oriel Vantongeren")
			wantAbsent(t, p, `action="`+md+`/findings"`)
		})
		t.Run("the_comparison_of_two_countries_as_a_heat_map_and_as_csv", func(t *testing.T) {
			p := reader.get(t, "/assessments/compare?framework=odihr-nrm&countries=MD,GB")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, `<th scope="col">MD</th><th scope="col">GB</th>`, `<tr id="row-pa-4">`,
				`<td class="score score-2">2<small>Partly in place</small>`, `<td class="score score-3">3<small>In place</small>`,
				`class="legend"`, "not scored", `href="/assessments/compare.csv?framework=odihr-nrm&amp;countries=MD,GB"`)
			csv := reader.get(t, "/assessments/compare.csv?framework=odihr-nrm&countries=MD,GB")
			wantStatus(t, csv, http.StatusOK)
			if !strings.HasPrefix(csv.Body, "area,benchmark,source,MD,GB\n") || !strings.Contains(csv.Body, "protection-assistance,pa-4,CETS 197 Art. 13(1),2,3\n") {
				t.Errorf("csv:\n%s", csv.Body)
			}
			bad := reader.get(t, "/assessments/compare?framework=odihr-nrm&countries=MD")
			wantStatus(t, bad, http.StatusUnprocessableEntity)
			wantContains(t, bad, "two or more countries")
			over := reader.get(t, "/assessments/compare?framework=odihr-nrm&country=MD")
			wantStatus(t, over, http.StatusOK)
			wantContains(t, over, "MD over time", `<th scope="col">2025-01-01–2025-12-31</th>`)
		})
	})
}
