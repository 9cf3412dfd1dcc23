package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// teamNames are professionals' names that must never reach a log or an audit entry.
var teamNames = []string{"Oriel Vantongeren", "Maelis Kurdova"}

func assessmentBody(country, from, to string) map[string]any {
	return map[string]any{"framework": "odihr-nrm", "country": country,
		"period": map[string]any{"from": from, "to": to}, "team": teamNames}
}

func score(n int, evidence string) map[string]any {
	return map[string]any{"score": n, "evidence": evidence, "sources": []string{"Interview with the national co-ordinator", "Annual report 2025"}}
}

// wantError checks an error answer's status, and its field for a 422.
func wantError(t *testing.T, r testapp.Response, status int, field string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	var body struct {
		Error struct{ Code, Message, Field string }
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error.Message == "" {
		t.Fatalf("not an error body: %s", r.Body)
	}
	if field != "" && body.Error.Field != field {
		t.Fatalf("field %q, want %q: %s", body.Error.Field, field, r.Body)
	}
}

func mustCreated(t *testing.T, r testapp.Response) map[string]any {
	t.Helper()
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	if id, _ := m["id"].(string); !nrm.ValidID(id) {
		t.Fatalf("no id: %s", r.Body)
	}
	return m
}

func TestCountryAssessmentsContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		coord, ombud, ngo, police := a.MustOrg(t, nrm.KindCoordinator), a.MustOrg(t, nrm.KindOmbudsman), a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindPolice)
		analyst := a.MustToken(t, a.MustUser(t, coord, nrm.RoleAnalyst))
		other := a.MustToken(t, a.MustUser(t, ombud, nrm.RoleCoordinator)) // a team of another organisation
		worker := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))   // reads what is published

		t.Run("frameworks_list_odihr_nrm_with_sources", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/assessment-frameworks", worker, nil)
			var l struct {
				Items []nrm.Framework
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &l) != nil || len(l.Items) != 1 || l.Items[0].ID != "odihr-nrm" {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			b, _, ok := l.Items[0].Benchmark("pa-4")
			if !ok || b.Source != "CETS 197 Art. 13(1)" || b.Text == "" || len(l.Items[0].Areas) != 8 {
				t.Fatalf("%+v", l.Items[0].Areas)
			}
			wantError(t, a.Do(t, "GET", "/api/v1/assessment-frameworks", "", nil), 401, "")
		})

		var id string
		t.Run("a_team_creates_an_assessment", func(t *testing.T) {
			r := a.Do(t, "POST", "/api/v1/assessments", analyst, assessmentBody("MD", "2025-01-01", "2025-12-31"))
			m := mustCreated(t, r)
			id = m["id"].(string)
			if m["status"] != "draft" || m["country"] != "MD" || r.Header.Get("Location") != "/api/v1/assessments/"+id {
				t.Fatalf("%s", r.Body)
			}
		})
		if id == "" {
			t.FailNow()
		}
		path := "/api/v1/assessments/" + id

		t.Run("create_refusals", func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				token  string
				body   any
				status int
				field  string
			}{
				{"a case worker of an NGO is not a team", worker, assessmentBody("GB", "2025-01-01", "2025-12-31"), 403, ""},
				{"an analyst of an NGO is not a team", a.MustToken(t, a.MustUser(t, ngo, nrm.RoleAnalyst)), assessmentBody("GB", "2025-01-01", "2025-12-31"), 403, ""},
				{"a co-ordinator of the police is not a team", a.MustToken(t, a.MustUser(t, police, nrm.RoleCoordinator)), assessmentBody("GB", "2025-01-01", "2025-12-31"), 403, ""},
				{"an admin of the co-ordinator is not a team", a.MustToken(t, a.MustUser(t, coord, nrm.RoleAdmin)), assessmentBody("GB", "2025-01-01", "2025-12-31"), 403, ""},
				{"unknown framework", analyst, map[string]any{"framework": "greta", "country": "GB", "period": map[string]any{"from": "2025-01-01", "to": "2025-12-31"}, "team": teamNames}, 422, "framework"},
				{"bad country", analyst, assessmentBody("Moldova", "2025-01-01", "2025-12-31"), 422, "country"},
				{"period ends before it starts", analyst, assessmentBody("GB", "2025-12-31", "2025-01-01"), 422, "period.to"},
				{"bad period start", analyst, assessmentBody("GB", "2025-02-30", "2025-12-31"), 422, "period.from"},
				{"no team", analyst, map[string]any{"framework": "odihr-nrm", "country": "GB", "period": map[string]any{"from": "2025-01-01", "to": "2025-12-31"}, "team": []string{}}, 422, "team"},
				{"unknown field", analyst, `{"framework": "odihr-nrm", "country": "GB", "colour": "red"}`, 400, "colour"},
				{"the same country, framework and period twice", analyst, assessmentBody("MD", "2025-01-01", "2025-12-31"), 409, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantError(t, a.Do(t, "POST", "/api/v1/assessments", tc.token, tc.body), tc.status, tc.field)
				})
			}
			// Nothing was written: the co-ordinator's team still has one assessment of MD.
			r := a.Do(t, "GET", "/api/v1/assessments?country=MD", analyst, nil)
			if n := len(r.JSON(t)["items"].([]any)); n != 1 {
				t.Fatalf("%d assessments after the refusals: %s", n, r.Body)
			}
		})

		t.Run("one_assessment_a_period_also_when_asked_at_once", func(t *testing.T) {
			const n = 6
			codes := make(chan int, n)
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes <- a.Do(t, "POST", "/api/v1/assessments", analyst, assessmentBody("UA", "2024-01-01", "2024-12-31")).Status
				}()
			}
			wg.Wait()
			close(codes)
			got := map[int]int{}
			for c := range codes {
				got[c]++
			}
			if got[201] != 1 || got[409] != n-1 {
				t.Fatalf("answers %v, want one 201 and %d 409", got, n-1)
			}
		})

		t.Run("the_team_scores_a_benchmark", func(t *testing.T) {
			r := a.Do(t, "PUT", path+"/benchmarks/pa-4", analyst, score(2, "30 days in law; two of nine victims given it in 2025"))
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			m := r.JSON(t)
			if m["score"] != 2.0 || m["benchmark_id"] != "pa-4" || len(m["sources"].([]any)) != 2 {
				t.Fatalf("%s", r.Body)
			}
			// Scoring again replaces the score.
			if r := a.Do(t, "PUT", path+"/benchmarks/pa-4", analyst, score(1, "rarely given")); r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if r := a.Do(t, "PUT", path+"/benchmarks/id-3", analyst, score(0, "no presumption of childhood")); r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
		t.Run("score_refusals", func(t *testing.T) {
			for _, tc := range []struct {
				name, token, bench string
				body               any
				status             int
				field              string
			}{
				{"score 4", analyst, "pa-1", score(4, "x"), 422, "score"},
				{"score -1", analyst, "pa-1", score(-1, "x"), 422, "score"},
				{"no score", analyst, "pa-1", map[string]any{"evidence": "x"}, 422, "score"},
				{"a score that is not a number", analyst, "pa-1", map[string]any{"score": "2", "evidence": "x"}, 400, "score"},
				{"unknown benchmark", analyst, "pa-99", score(2, "x"), 422, "benchmark_id"},
				{"no evidence", analyst, "pa-1", score(2, " "), 422, "evidence"},
				{"a team of another organisation does not see the draft", other, "pa-1", score(2, "x"), 404, ""},
				{"a case worker is not a team", worker, "pa-1", score(2, "x"), 403, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantError(t, a.Do(t, "PUT", path+"/benchmarks/"+tc.bench, tc.token, tc.body), tc.status, tc.field)
				})
			}
			wantError(t, a.Do(t, "PUT", "/api/v1/assessments/"+nrm.NewID()+"/benchmarks/pa-1", analyst, score(2, "x")), 404, "")
			r := a.Do(t, "GET", path, analyst, nil)
			if n := len(r.JSON(t)["scores"].([]any)); n != 2 {
				t.Fatalf("%d scores after the refusals: %s", n, r.Body)
			}
		})

		t.Run("a_draft_is_the_teams_own", func(t *testing.T) {
			wantError(t, a.Do(t, "GET", path, worker, nil), 404, "")
			wantError(t, a.Do(t, "GET", path, other, nil), 404, "")
			r := a.Do(t, "GET", "/api/v1/assessments", worker, nil)
			if n := len(r.JSON(t)["items"].([]any)); n != 0 {
				t.Fatalf("a reader lists %d drafts: %s", n, r.Body)
			}
		})

		t.Run("publishing_needs_findings", func(t *testing.T) {
			wantError(t, a.Do(t, "POST", path+"/publish", analyst, map[string]any{}), 409, "")
			wantError(t, a.Do(t, "PUT", path+"/findings", analyst, map[string]any{"findings": "a\x00b"}), 422, "findings")
			r := a.Do(t, "PUT", path+"/findings", analyst, map[string]any{"findings": "Identification rests on the police alone."})
			if r.Status != 200 || r.JSON(t)["findings"] != "Identification rests on the police alone." {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			r = a.Do(t, "POST", path+"/publish", analyst, nil)
			if r.Status != 200 || r.JSON(t)["status"] != "published" || r.JSON(t)["published_on"] != "2026-11-27" {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
		t.Run("published_it_is_every_signed_in_users_and_final", func(t *testing.T) {
			r := a.Do(t, "GET", path, worker, nil)
			if r.Status != 200 || !strings.Contains(string(r.Body), "Identification rests on the police alone.") {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			wantError(t, a.Do(t, "PUT", path+"/benchmarks/pa-1", analyst, score(2, "x")), 409, "")
			wantError(t, a.Do(t, "PUT", path+"/findings", analyst, map[string]any{"findings": "changed"}), 409, "")
			wantError(t, a.Do(t, "PUT", path+"/benchmarks/pa-1", other, score(2, "x")), 403, "")
			wantError(t, a.Do(t, "POST", path+"/publish", analyst, nil), 409, "")
		})

		var recID string
		t.Run("a_recommendation_is_a_clock_of_the_team", func(t *testing.T) {
			m := mustCreated(t, a.Do(t, "POST", path+"/recommendations", analyst, map[string]any{
				"benchmark_id": "pa-4", "text": "Grant the recovery period to every presumed victim.", "addressee": "Ministry of Interior", "due": "2027-06-30"}))
			recID = m["id"].(string)
			if m["status"] != "not-started" || m["due"] != "2027-06-30" || m["made_on"] != "2026-11-27" {
				t.Fatalf("%v", m)
			}
			r := a.Do(t, "GET", "/api/v1/recommendations", a.MustToken(t, a.MustUser(t, coord, nrm.RoleCoordinator)), nil)
			var b struct {
				Overdue int
				DueSoon int `json:"due_soon"`
				Items   []map[string]any
			}
			json.Unmarshal(r.Body, &b)
			if r.Status != 200 || len(b.Items) != 1 || b.Items[0]["id"] != recID || b.Items[0]["country"] != "MD" || b.Items[0]["overdue"] != false {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			// Another team's dashboard and a case worker's hold none of it.
			for _, tok := range []string{other, worker} {
				r := a.Do(t, "GET", "/api/v1/recommendations", tok, nil)
				if r.Status != 200 || len(r.JSON(t)["items"].([]any)) != 0 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
			}
		})
		t.Run("recommendation_refusals", func(t *testing.T) {
			rec := func(change func(m map[string]any)) map[string]any {
				m := map[string]any{"benchmark_id": "pa-4", "text": "Do it.", "addressee": "Parliament", "due": "2027-06-30"}
				change(m)
				return m
			}
			for _, tc := range []struct {
				name   string
				token  string
				body   any
				status int
				field  string
			}{
				{"unknown benchmark", analyst, rec(func(m map[string]any) { m["benchmark_id"] = "zz-1" }), 422, "benchmark_id"},
				{"due before the end of the period", analyst, rec(func(m map[string]any) { m["due"] = "2025-06-30" }), 422, "due"},
				{"no due date", analyst, rec(func(m map[string]any) { delete(m, "due") }), 422, "due"},
				{"no addressee", analyst, rec(func(m map[string]any) { m["addressee"] = "" }), 422, "addressee"},
				{"no text", analyst, rec(func(m map[string]any) { m["text"] = "" }), 422, "text"},
				{"another team", other, rec(func(m map[string]any) {}), 403, ""},
				{"a case worker", worker, rec(func(m map[string]any) {}), 403, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantError(t, a.Do(t, "POST", path+"/recommendations", tc.token, tc.body), tc.status, tc.field)
				})
			}
		})
		t.Run("progress_over_the_years", func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				token  string
				body   any
				status int
				field  string
			}{
				{"before the recommendation", analyst, map[string]any{"date": "2026-11-26", "status": "in-progress"}, 422, "date"},
				{"in the future", analyst, map[string]any{"date": "2026-12-25", "status": "in-progress"}, 422, "date"},
				{"unknown status", analyst, map[string]any{"date": "2026-11-27", "status": "done"}, 422, "status"},
				{"another team", other, map[string]any{"date": "2026-11-27", "status": "in-progress"}, 403, ""},
				{"a case worker", worker, map[string]any{"date": "2026-11-27", "status": "in-progress"}, 403, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantError(t, a.Do(t, "POST", "/api/v1/recommendations/"+recID+"/progress", tc.token, tc.body), tc.status, tc.field)
				})
			}
			wantError(t, a.Do(t, "POST", "/api/v1/recommendations/"+nrm.NewID()+"/progress", analyst, map[string]any{"date": "2026-11-27", "status": "in-progress"}), 404, "")
			m := mustCreated(t, a.Do(t, "POST", "/api/v1/recommendations/"+recID+"/progress", analyst,
				map[string]any{"date": "2026-11-27", "status": "in-progress", "note": "A draft decree is with the government."}))
			if m["recommendation_status"] != "in-progress" {
				t.Fatalf("%v", m)
			}
			// Months on, the recommendation is implemented: its clock stops.
			a.Clock.Advance(170 * 24 * time.Hour)
			m = mustCreated(t, a.Do(t, "POST", "/api/v1/recommendations/"+recID+"/progress", analyst,
				map[string]any{"date": "2027-05-10", "status": "implemented", "note": "Decree 12/2027."}))
			if m["recommendation_status"] != "implemented" {
				t.Fatalf("%v", m)
			}
			r := a.Do(t, "GET", "/api/v1/recommendations", analyst, nil)
			if n := len(r.JSON(t)["items"].([]any)); n != 0 {
				t.Fatalf("an implemented recommendation still has a clock: %s", r.Body)
			}
			r = a.Do(t, "GET", path, worker, nil)
			var x struct {
				Recommendations []struct {
					Status   string
					Progress []map[string]any
				}
			}
			json.Unmarshal(r.Body, &x)
			if len(x.Recommendations) != 1 || x.Recommendations[0].Status != "implemented" || len(x.Recommendations[0].Progress) != 2 {
				t.Fatalf("%s", r.Body)
			}
		})

		t.Run("team_names_never_reach_the_logs_or_the_audit_log", func(t *testing.T) {
			var n int
			db := a.RawDB(t)
			for _, name := range teamNames {
				if strings.Contains(a.Logs(), name) {
					t.Errorf("the logs hold %q", name)
				}
				q := "SELECT count(*) FROM audit_entries WHERE detail LIKE ? OR object LIKE ?"
				if e == sqlstore.Postgres {
					q = "SELECT count(*) FROM audit_entries WHERE detail LIKE $1 OR object LIKE $2"
				}
				if err := db.QueryRow(q, "%"+name+"%", "%"+name+"%").Scan(&n); err != nil || n != 0 {
					t.Errorf("%d audit entries hold %q (%v)", n, name, err)
				}
			}
			if err := db.QueryRow("SELECT count(*) FROM audit_entries WHERE action LIKE 'assessment.%'").Scan(&n); err != nil || n < 10 {
				t.Errorf("%d assessment entries in the audit log (%v)", n, err)
			}
		})
	})
}

// compareFixture: MD assessed for 2024 and 2025, GB for 2025; drafts of
// another team hold scores that must not show to readers.
func TestCompareCountryAssessments(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		coord, intl, ngo := a.MustOrg(t, nrm.KindCoordinator), a.MustOrg(t, nrm.KindInternational), a.MustOrg(t, nrm.KindNGO)
		team := a.MustToken(t, a.MustUser(t, coord, nrm.RoleAnalyst))
		otherTeam := a.MustToken(t, a.MustUser(t, intl, nrm.RoleAnalyst))
		reader := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		mk := func(token, country, from, to string, scores map[string]int, publish bool) {
			t.Helper()
			id := mustCreated(t, a.Do(t, "POST", "/api/v1/assessments", token, assessmentBody(country, from, to)))["id"].(string)
			for b, n := range scores {
				if r := a.Do(t, "PUT", "/api/v1/assessments/"+id+"/benchmarks/"+b, token, score(n, "evidence")); r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
			}
			if publish {
				a.Do(t, "PUT", "/api/v1/assessments/"+id+"/findings", token, map[string]any{"findings": "Findings."})
				if r := a.Do(t, "POST", "/api/v1/assessments/"+id+"/publish", token, nil); r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
			}
		}
		mk(team, "MD", "2024-01-01", "2024-12-31", map[string]int{"id-1": 1, "pa-4": 0, "aj-4": 1}, true)
		mk(team, "MD", "2025-01-01", "2025-12-31", map[string]int{"id-1": 2, "pa-4": 3}, true)
		mk(team, "GB", "2025-01-01", "2025-12-31", map[string]int{"id-1": 3}, true)
		mk(otherTeam, "GB", "2026-01-01", "2026-06-30", map[string]int{"id-1": 0}, false)

		cell := func(t *testing.T, body []byte, bench string) map[string]string {
			t.Helper()
			var c struct {
				Areas []struct {
					Benchmarks []struct {
						ID     string
						Scores []struct {
							Country      string
							Score        *int
							AssessmentID string `json:"assessment_id"`
							Period       *struct{ From, To string }
						}
					}
				}
			}
			if err := json.Unmarshal(body, &c); err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, ar := range c.Areas {
				for _, b := range ar.Benchmarks {
					if b.ID != bench {
						continue
					}
					for i, s := range b.Scores {
						k := s.Country
						if s.Period != nil {
							k += "@" + s.Period.To
						}
						if s.Score == nil {
							out[fmt.Sprint(i)+" "+s.Country] = "-"
						} else {
							out[fmt.Sprint(i)+" "+k] = fmt.Sprint(*s.Score)
						}
					}
				}
			}
			return out
		}
		t.Run("two_countries_side_by_side_each_latest_score", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/assessments/compare?framework=odihr-nrm&countries=MD,GB", reader, nil)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			m := r.JSON(t)
			if cs := m["countries"].([]any); len(cs) != 2 || cs[0] != "MD" || len(m["columns"].([]any)) != 2 || len(m["areas"].([]any)) != 8 {
				t.Fatalf("%s", r.Body)
			}
			for bench, want := range map[string]map[string]string{
				"id-1": {"0 MD@2025-12-31": "2", "1 GB@2025-12-31": "3"}, // the other team's draft (0) is not weighed
				"pa-4": {"0 MD@2025-12-31": "3", "1 GB": "-"},
				"aj-4": {"0 MD@2024-12-31": "1", "1 GB": "-"}, // the latest score of this benchmark is 2024's
				"lf-1": {"0 MD": "-", "1 GB": "-"},
			} {
				if got := cell(t, r.Body, bench); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s: %v, want %v", bench, got, want)
				}
			}
		})
		t.Run("one_country_over_time", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/assessments/compare?framework=odihr-nrm&country=MD", reader, nil)
			if r.Status != 200 || r.JSON(t)["country"] != "MD" || len(r.JSON(t)["columns"].([]any)) != 2 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if got := cell(t, r.Body, "pa-4"); fmt.Sprint(got) != fmt.Sprint(map[string]string{"0 MD@2024-12-31": "0", "1 MD@2025-12-31": "3"}) {
				t.Errorf("pa-4 over time: %v", got)
			}
		})
		t.Run("the_team_that_drafts_sees_its_draft_in_the_comparison", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/assessments/compare?framework=odihr-nrm&countries=MD,GB", otherTeam, nil)
			if got := cell(t, r.Body, "id-1"); got["1 GB@2026-06-30"] != "0" {
				t.Errorf("id-1 for the drafting team: %v", got)
			}
		})
		t.Run("refusals", func(t *testing.T) {
			for _, tc := range []struct{ name, query, field string }{
				{"no framework", "countries=MD,GB", "framework"},
				{"unknown framework", "framework=greta&countries=MD,GB", "framework"},
				{"one country side by side", "framework=odihr-nrm&countries=MD", "countries"},
				{"a bad country", "framework=odihr-nrm&countries=MD,Britain", "countries"},
				{"both at once", "framework=odihr-nrm&countries=MD,GB&country=MD", "country"},
				{"a bad country over time", "framework=odihr-nrm&country=MDA", "country"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantError(t, a.Do(t, "GET", "/api/v1/assessments/compare?"+tc.query, reader, nil), 422, tc.field)
				})
			}
			wantError(t, a.Do(t, "GET", "/api/v1/assessments/compare?framework=odihr-nrm&countries=MD,GB", "", nil), 401, "")
		})
		t.Run("the_list_filters_by_country", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/assessments?framework=odihr-nrm&country=MD", reader, nil)
			if r.Status != 200 || len(r.JSON(t)["items"].([]any)) != 2 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			wantError(t, a.Do(t, "GET", "/api/v1/assessments?framework=nope", reader, nil), 422, "framework")
		})
	})
}
