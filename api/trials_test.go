package api_test

import (
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// trialWorld is a monitoring organisation beside the case organisations.
type trialWorld struct {
	*world
	monitors                 nrm.Organisation
	monitor, otherMonitor    string // of two monitoring organisations
	monitorAuditor, analyst  string
	monitorOfNGO, ngoWorker2 string
}

func newTrialWorld(t *testing.T, e sqlstore.Engine) *trialWorld {
	w := &trialWorld{world: newWorld(t, e, service.Config{})}
	a := w.a
	tok := func(o nrm.Organisation, r nrm.Role) string { return a.MustToken(t, a.MustUser(t, o, r)) }
	w.monitors = a.MustOrg(t, nrm.KindTrialMonitor)
	w.monitor, w.monitorAuditor = tok(w.monitors, nrm.RoleTrialMonitor), tok(w.monitors, nrm.RoleAuditor)
	w.otherMonitor = tok(a.MustOrg(t, nrm.KindTrialMonitor), nrm.RoleTrialMonitor)
	w.analyst = tok(w.coord, nrm.RoleAnalyst)
	w.monitorOfNGO = tok(w.ngo, nrm.RoleTrialMonitor)
	return w
}

func trialBody(country, opened string) map[string]any {
	return map[string]any{"court": "Chisinau District Court", "country": country, "case_number": "1-123/2026",
		"charges": []string{"trafficking in human beings (art. 165)"}, "opened_on": opened, "victims": 2, "defendants": 3}
}

func (w *trialWorld) trial(t *testing.T, token string, body map[string]any) string {
	t.Helper()
	return w.must(t, 201, "POST", "/api/v1/trials", token, body)["id"].(string)
}

// trialSnap is a trial as its monitors read it, to show a refusal changed nothing.
func (w *trialWorld) trialSnap(t *testing.T, id string) string {
	t.Helper()
	return mustJSON(w.must(t, 200, "GET", "/api/v1/trials/"+id, w.monitor, nil))
}

func TestTrialMonitoringContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newTrialWorld(t, e)
		today := w.a.Svc.Today()
		opened := today.AddDays(-60)
		var id string
		t.Run("a monitor records a trial: 201 with id, read back decrypted", func(t *testing.T) {
			r := w.a.Do(t, "POST", "/api/v1/trials", w.monitor, trialBody("md", opened.String()))
			if r.Status != 201 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			id, _ = r.JSON(t)["id"].(string)
			if !nrm.ValidID(id) || r.Header.Get("Location") != "/api/v1/trials/"+id {
				t.Fatalf("%s %v", r.Body, r.Header)
			}
			got := w.must(t, 200, "GET", "/api/v1/trials/"+id, w.monitor, nil)
			if got["court"] != "Chisinau District Court" || got["country"] != "MD" || got["case_number"] != "1-123/2026" ||
				got["opened_on"] != opened.String() || got["victims"] != float64(2) || got["defendants"] != float64(3) ||
				len(got["charges"].([]any)) != 1 || len(got["hearings"].([]any)) != 0 || got["outcome"] != nil {
				t.Fatalf("%v", got)
			}
			l := w.must(t, 200, "GET", "/api/v1/trials", w.monitor, nil)
			if items := l["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != id {
				t.Fatalf("%v", l)
			}
		})
		t.Run("the court and charges are sealed in the database", func(t *testing.T) {
			var details []byte
			if err := w.a.RawDB(t).QueryRow("SELECT details FROM trials WHERE id = '" + id + "'").Scan(&details); err != nil {
				t.Fatal(err)
			}
			if len(details) == 0 || strings.Contains(string(details), "Chisinau") || strings.Contains(string(details), "1-123") {
				t.Fatalf("details not sealed: %q", details)
			}
		})
		hearings := "/api/v1/trials/" + id + "/hearings"
		t.Run("a hearing sheet: 201; items left out were not observed", func(t *testing.T) {
			h := w.must(t, 201, "POST", hearings, w.monitor, map[string]any{"date": opened.AddDays(10).String(),
				"sheet": map[string]string{"victim-identified": "yes", "interpreter": "no", "intimidation": "not-applicable"},
				"notes": "The injured party W1 testified behind a screen."})
			sheet := h["sheet"].(map[string]any)
			if !nrm.ValidID(h["id"].(string)) || len(sheet) != len(nrm.TrialSheetItems) || sheet["victim-identified"] != "yes" ||
				sheet["interpreter"] != "no" || sheet["intimidation"] != "not-applicable" || sheet["rights-informed"] != "not-observed" {
				t.Fatalf("%v", h)
			}
			got := w.must(t, 200, "GET", "/api/v1/trials/"+id, w.monitor, nil)
			if hs := got["hearings"].([]any); len(hs) != 1 || hs[0].(map[string]any)["notes"] != "The injured party W1 testified behind a screen." {
				t.Fatalf("%v", got)
			}
		})
		t.Run("bad trials, sheets and outcomes name the field and change nothing", func(t *testing.T) {
			list := mustJSON(w.must(t, 200, "GET", "/api/v1/trials", w.monitor, nil))
			before := w.trialSnap(t, id)
			with := func(b map[string]any, k string, v any) map[string]any {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
				return b
			}
			for _, tc := range []struct {
				field string
				body  map[string]any
			}{
				{"court", with(trialBody("MD", opened.String()), "court", " ")},
				{"country", with(trialBody("MD", opened.String()), "country", "MDA")},
				{"opened_on", with(trialBody("MD", opened.String()), "opened_on", today.AddDays(1).String())},
				{"opened_on", with(trialBody("MD", opened.String()), "opened_on", "2026-02-30")},
				{"victims", with(trialBody("MD", opened.String()), "victims", nil)},
				{"victims", with(trialBody("MD", opened.String()), "victims", -1)},
				{"defendants", with(trialBody("MD", opened.String()), "defendants", 0)},
				{"charges", with(trialBody("MD", opened.String()), "charges", []string{strings.Repeat("x", 201)})},
			} {
				w.wantError(t, 422, tc.field, "POST", "/api/v1/trials", w.monitor, tc.body)
			}
			w.wantError(t, 400, "", "POST", "/api/v1/trials", w.monitor, with(trialBody("MD", opened.String()), "victim_name", "x"))
			good := opened.AddDays(12).String()
			for _, tc := range []struct {
				field string
				body  map[string]any
			}{
				{"sheet.victim-named", map[string]any{"date": good, "sheet": map[string]string{"victim-named": "yes"}}},
				{"sheet.interpreter", map[string]any{"date": good, "sheet": map[string]string{"interpreter": "maybe"}}},
				{"sheet.interpreter", map[string]any{"date": good, "sheet": map[string]string{"interpreter": "YES!"}}},
				{"date", map[string]any{"date": opened.AddDays(-1).String()}},
				{"date", map[string]any{"date": today.AddDays(1).String()}},
				{"date", map[string]any{}},
				{"notes", map[string]any{"date": good, "notes": strings.Repeat("x", 5001)}},
			} {
				w.wantError(t, 422, tc.field, "POST", hearings, w.monitor, tc.body)
			}
			outcome := "/api/v1/trials/" + id + "/outcome"
			for _, tc := range []struct {
				field string
				body  map[string]any
			}{
				{"verdict", map[string]any{"date": good, "verdict": "guilty"}},
				{"date", map[string]any{"date": opened.AddDays(5).String(), "verdict": "acquitted"}}, // before the last hearing
				{"date", map[string]any{"date": today.AddDays(2).String(), "verdict": "acquitted"}},
				{"sentence_months", map[string]any{"date": good, "verdict": "acquitted", "sentence_months": 12}},
				{"suspended", map[string]any{"date": good, "verdict": "dismissed", "suspended": true}},
				{"sentence_months", map[string]any{"date": good, "verdict": "convicted-trafficking"}},
				{"sentence_months", map[string]any{"date": good, "verdict": "convicted-other", "sentence_months": -3}},
				{"compensation_awarded.amount", map[string]any{"date": good, "verdict": "acquitted", "compensation_awarded": money("12,50", "EUR")}},
				{"compensation_awarded.currency", map[string]any{"date": good, "verdict": "acquitted", "compensation_awarded": money("12.50", "euro")}},
			} {
				w.wantError(t, 422, tc.field, "POST", outcome, w.monitor, tc.body)
			}
			if after := w.trialSnap(t, id); after != before {
				t.Fatalf("changed:\n%s\n%s", before, after)
			}
			if after := mustJSON(w.must(t, 200, "GET", "/api/v1/trials", w.monitor, nil)); after != list {
				t.Fatal("a refused trial was written")
			}
		})
		t.Run("the outcome: 201 once, then 409; no hearing after it", func(t *testing.T) {
			outcome := "/api/v1/trials/" + id + "/outcome"
			o := w.must(t, 201, "POST", outcome, w.monitor, map[string]any{"date": opened.AddDays(30).String(),
				"verdict": "convicted-trafficking", "sentence_months": 60, "suspended": true, "compensation_awarded": money("2500.00", "MDL")})
			if !nrm.ValidID(o["id"].(string)) || o["verdict"] != "convicted-trafficking" || o["sentence_months"] != float64(60) ||
				o["suspended"] != true || mustJSON(o["compensation_awarded"]) != `{"amount":"2500.00","currency":"MDL"}` {
				t.Fatalf("%v", o)
			}
			w.wantError(t, 409, "", "POST", outcome, w.monitor, map[string]any{"date": opened.AddDays(31).String(), "verdict": "acquitted"})
			w.wantError(t, 422, "date", "POST", hearings, w.monitor, map[string]any{"date": opened.AddDays(31).String()})
			// A sheet written up late, of a hearing before the outcome, is taken.
			w.must(t, 201, "POST", hearings, w.monitor, map[string]any{"date": opened.AddDays(20).String()})
			got := w.must(t, 200, "GET", "/api/v1/trials/"+id, w.monitor, nil)
			if got["outcome"].(map[string]any)["id"] != o["id"] || len(got["hearings"].([]any)) != 2 {
				t.Fatalf("%v", got)
			}
		})
		t.Run("another organisation's monitor does not find the trial", func(t *testing.T) {
			hearing := map[string]any{"date": opened.AddDays(20).String()}
			outcome := map[string]any{"date": opened.AddDays(20).String(), "verdict": "acquitted"}
			for _, tc := range []struct {
				method, path string
				body         any
			}{{"GET", "/api/v1/trials/" + id, nil}, {"POST", hearings, hearing}, {"POST", "/api/v1/trials/" + id + "/outcome", outcome},
				{"GET", "/api/v1/trials/" + nrm.NewID(), nil}, {"GET", "/api/v1/trials/not-an-id", nil},
				{"POST", "/api/v1/trials/" + nrm.NewID() + "/hearings", hearing}} {
				r := w.a.Do(t, tc.method, tc.path, w.otherMonitor, tc.body)
				if r.Status != 404 || strings.Contains(string(r.Body), "Chisinau") {
					t.Fatalf("%s %s: %d %s", tc.method, tc.path, r.Status, r.Body)
				}
			}
			if l := w.must(t, 200, "GET", "/api/v1/trials", w.otherMonitor, nil); len(l["items"].([]any)) != 0 {
				t.Fatalf("%v", l)
			}
		})
		t.Run("only monitors of a monitoring organisation write and read trials", func(t *testing.T) {
			for name, token := range map[string]string{"a case worker": w.ngoWorker, "a coordinator": w.coordinator,
				"an analyst": w.analyst, "a trial-monitor of an NGO": w.monitorOfNGO, "the monitors' auditor": w.monitorAuditor} {
				w.wantError(t, 403, "", "POST", "/api/v1/trials", token, trialBody("MD", opened.String()))
				w.wantError(t, 403, "", "GET", "/api/v1/trials", token, nil)
				r := w.a.Do(t, "GET", "/api/v1/trials/"+id, token, nil)
				if r.Status != 403 && r.Status != 404 {
					t.Errorf("%s reads the trial: %d", name, r.Status)
				}
			}
		})
		t.Run("every signed-in user reads the findings", func(t *testing.T) {
			q := "/api/v1/trials/findings?country=MD&from=" + opened.String() + "&to=" + today.String()
			for _, token := range []string{w.monitor, w.ngoWorker, w.analyst, w.monitorOfNGO, w.monitorAuditor, w.officer} {
				f := w.must(t, 200, "GET", q, token, nil)
				if f["trials"] != float64(1) || f["hearings"] != float64(2) {
					t.Fatalf("%v", f)
				}
			}
			if r := w.a.Do(t, "GET", q, "", nil); r.Status != 401 {
				t.Fatalf("anonymous: %d", r.Status)
			}
			for field, q := range map[string]string{
				"country": "?country=Moldova&from=2026-01-01&to=2026-12-31", "from": "?to=2026-12-31",
				"to": "?from=2026-06-01&to=2026-01-01",
			} {
				w.wantError(t, 422, field, "GET", "/api/v1/trials/findings"+q, w.analyst, nil)
			}
		})
	})
}
