package api_test

import (
	"strings"
	"testing"

	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// A monitor never reads a case file, whatever the path to it.
func TestTrialMonitorReadsNoCaseFile(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newTrialWorld(t, e)
		id := w.adultCase(t, w.ngoWorker)
		// Even a case the monitors' own organisation were somehow party to
		// stays closed: a monitor of an NGO that owns a case reads nothing.
		ngoCase := w.adultCase(t, w.ngoWorker)
		for _, token := range []string{w.monitor, w.monitorOfNGO} {
			for _, path := range []string{
				"/api/v1/cases", "/api/v1/cases?name=Ana+Popescu", "/api/v1/cases?name=Popescu",
				"/api/v1/cases/" + id, "/api/v1/cases/" + ngoCase, "/api/v1/cases/" + id + "/justice",
				"/api/v1/cases/" + id + "/timeline", "/api/v1/cases/" + id + "/protection", "/api/v1/cases/" + id + "/notes",
				"/api/v1/cases/" + id + "/screenings", "/api/v1/cases/" + id + "/consents", "/api/v1/cases/" + id + "/referrals",
				"/api/v1/cases/" + id + "/decisions", "/api/v1/cases/" + id + "/person/history", "/api/v1/cases/" + id + "/return",
				"/api/v1/referrals", "/api/v1/deadlines", "/api/v1/flags", "/api/v1/reports/compensation?from=2026-01-01&to=2026-12-31",
				"/api/v1/statistics/datasets",
			} {
				r := w.a.Do(t, "GET", path, token, nil)
				if r.Status != 403 && r.Status != 404 && strings.TrimSpace(string(r.Body)) != `{"items":[]}` {
					t.Errorf("%s: %d %s", path, r.Status, r.Body)
				}
				for _, p := range append(personal, id, ngoCase) {
					if strings.Contains(string(r.Body), p) {
						t.Errorf("%s: the answer holds %q", path, p)
					}
				}
			}
			for _, path := range []string{"/api/v1/cases", "/api/v1/cases/" + id + "/notes", "/api/v1/cases/" + id + "/referrals"} {
				if r := w.a.Do(t, "POST", path, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02")); r.Status != 403 && r.Status != 404 && r.Status != 400 {
					t.Errorf("POST %s: %d", path, r.Status)
				}
			}
		}
	})
}

// A note, court or charge holding the name of a person in the case files
// is refused with a message that says neither who nor where; refusals are
// audited and, too many, throttled.
func TestTrialTextNamingAPersonIsRefused(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newTrialWorld(t, e)
		w.adultCase(t, w.ngoWorker) // Ana Popescu, held by the NGO
		w.a.MustCase(t, w.officer, testapp.CaseBody("Ion", "Rusu", "1990-01-05"))
		opened := w.a.Svc.Today().AddDays(-30)
		id := w.trial(t, w.monitor, trialBody("MD", opened.String()))
		hearings := "/api/v1/trials/" + id + "/hearings"
		note := func(s string) map[string]any { return map[string]any{"date": opened.AddDays(1).String(), "notes": s} }

		t.Run("pseudonyms, roles and names of nobody in the files are taken", func(t *testing.T) {
			for _, text := range []string{"W1 (the injured party) testified.", "Maria Ionescu, the interpreter, arrived late.",
				"Ana spoke; the defendant Popescu did not.", ""} {
				w.must(t, 201, "POST", hearings, w.monitor, note(text))
			}
		})
		before := w.trialSnap(t, id)
		var messages []string
		for _, text := range []string{
			"Ana Popescu testified behind a screen.",
			"popescu, ANA was present",       // order, case and punctuation do not matter
			"The witness Ána Popéscu cried.", // nor do accents
			"Ion Rusu, held by another organisation, was heard.",
		} {
			messages = append(messages, w.wantError(t, 422, "notes", "POST", hearings, w.monitor, note(text)))
		}
		for _, m := range messages {
			if m != messages[0] || !strings.Contains(m, "must not name a person in the case files") {
				t.Fatalf("the refusals differ or say more than they should: %q", messages)
			}
			for _, p := range []string{"Ana", "Popescu", "Ion", "Rusu", "NGO", "police"} {
				if strings.Contains(m, p) {
					t.Fatalf("the refusal %q holds %q", m, p)
				}
			}
		}
		w.wantError(t, 422, "court", "POST", "/api/v1/trials", w.monitor,
			map[string]any{"court": "Court of Ana Popescu", "country": "MD", "opened_on": opened.String(), "victims": 1, "defendants": 1})
		if after := w.trialSnap(t, id); after != before {
			t.Fatalf("a refused note was written:\n%s\n%s", before, after)
		}
		t.Run("every refusal is audited, without the text", func(t *testing.T) {
			l := w.must(t, 200, "GET", "/api/v1/audit/entries?action=trial.text.refused", w.monitorAuditor, nil)
			items := l["items"].([]any)
			if len(items) != 5 {
				t.Fatalf("%d refusals audited: %v", len(items), l)
			}
			for _, p := range []string{"Ana", "Popescu", "Rusu"} {
				if strings.Contains(mustJSON(l), p) {
					t.Fatalf("the audit holds %q", p)
				}
			}
		})
		t.Run("a monitor refused too often writes nothing for a while", func(t *testing.T) {
			// Five refusals so far: the next write, even a clean one, is throttled.
			w.wantError(t, 429, "", "POST", hearings, w.monitor, note("W2 was heard."))
			w.wantError(t, 429, "", "POST", "/api/v1/trials/"+id+"/outcome", w.monitor,
				map[string]any{"date": opened.AddDays(2).String(), "verdict": "acquitted"})
			w.a.Clock.Advance(16 * 60 * 1e9)
			w.must(t, 201, "POST", hearings, w.monitor, note("W2 was heard."))
		})
	})
}
