package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func statTable(t *testing.T, a *testapp.App, token, query string) nrm.StatTable {
	t.Helper()
	r := a.Do(t, "GET", "/api/v1/statistics?"+query, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("statistics?%s: %d %s", query, r.Status, r.Body)
	}
	var tab nrm.StatTable
	if err := json.Unmarshal(r.Body, &tab); err != nil {
		t.Fatal(err)
	}
	return tab
}

func countsOf(tab nrm.StatTable, col string) map[string]int64 {
	out := map[string]int64{}
	for _, c := range tab.Cells {
		k := "<null>"
		if v := c.Values[col]; v != nil {
			k = *v
		}
		if c.Count != nil {
			out[k] = *c.Count
		}
	}
	return out
}

// TestCasesDataset: the projection follows every write in its transaction,
// holds no personal data, and survives erasure; only analysts and
// co-ordinators read it; a dp release that would overspend is a 409.
func TestCasesDataset(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police := a.MustOrg(t, nrm.KindPolice)
		officer := a.MustToken(t, a.MustUser(t, police, nrm.RoleFirstResponder))
		admin := a.MustToken(t, a.MustUser(t, police, nrm.RoleAdmin))
		analyst := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAnalyst))

		dobs := []string{"2000-01-02", "2000-03-04", "1980-05-06", "2010-07-08"} // 26, 26, 46, 16 at the encounter
		var ids []string
		for i, dob := range dobs {
			body := testapp.CaseBody("Ana", "Popescu"+strings.Repeat("x", i), dob)
			ids = append(ids, a.MustCase(t, officer, body))
		}
		if r := a.Do(t, "POST", "/api/v1/notifications", officer, map[string]any{"sex": "male", "age_band": "35-44",
			"nationality": "AL", "exploitation_type": "sexual-exploitation", "country": "GB"}); r.Status != 201 {
			t.Fatalf("notify: %d %s", r.Status, r.Body)
		}

		t.Run("counts_follow_the_writes", func(t *testing.T) {
			tab := statTable(t, a, analyst, "dataset=cases&by=record,age_band")
			if *tab.Total != 5 {
				t.Fatalf("total %d, want 5 (4 cases, 1 notification): %+v", *tab.Total, tab)
			}
			bands := countsOf(statTable(t, a, analyst, "dataset=cases&by=age_band"), "age_band")
			if bands["25-34"] != 2 || bands["45-54"] != 1 || bands["12-17"] != 1 || bands["35-44"] != 1 {
				t.Errorf("age bands %v", bands)
			}
			maj := countsOf(statTable(t, a, analyst, "dataset=cases&by=majority"), "majority")
			if maj["adult"] != 4 || maj["minor"] != 1 {
				t.Errorf("majority %v", maj)
			}
			if r := a.Do(t, "POST", "/api/v1/cases/"+ids[0]+"/close", officer, map[string]any{"reason": "lost-contact"}); r.Status != 200 {
				t.Fatalf("close: %d %s", r.Status, r.Body)
			}
			st := countsOf(statTable(t, a, analyst, "dataset=cases&by=state,closure_reason"), "closure_reason")
			if st["lost-contact"] != 1 {
				t.Errorf("closure reasons %v", st)
			}
		})
		t.Run("no_personal_data_in_the_answer", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/statistics?dataset=cases&by="+strings.Join(nrm.CaseStatColumns, ",")[:0]+"year,sex,citizenship,exploitation_type", analyst, nil)
			for _, id := range ids {
				if strings.Contains(string(r.Body), id) || strings.Contains(string(r.Body), "Popescu") {
					t.Fatalf("the answer names a case or a person: %s", r.Body)
				}
			}
		})
		t.Run("erased_person_stays_an_anonymous_count", func(t *testing.T) {
			if r := a.Do(t, "POST", "/api/v1/cases/"+ids[2]+"/erase", admin, map[string]any{"reason": "request of the person"}); r.Status != 200 {
				t.Fatalf("erase: %d %s", r.Status, r.Body)
			}
			bands := countsOf(statTable(t, a, analyst, "dataset=cases&by=age_band"), "age_band")
			if bands["45-54"] != 1 {
				t.Errorf("after erasure the age bands are %v; the erased person should still count", bands)
			}
		})
		t.Run("split_exploitation_types", func(t *testing.T) {
			body := testapp.CaseBody("Ion", "Rusu", "1990-01-01")
			body["exploitation_types"] = []string{"forced-labour", "sexual-exploitation"}
			a.MustCase(t, officer, body)
			types := countsOf(statTable(t, a, analyst, "dataset=cases&by=exploitation_type&split=exploitation_type"), "exploitation_type")
			if types["forced-labour"] != 5 || types["sexual-exploitation"] != 2 {
				t.Errorf("split types %v", types)
			}
		})
		t.Run("refused", func(t *testing.T) {
			worker := a.MustToken(t, a.MustUser(t, police, nrm.RoleCaseWorker))
			if r := a.Do(t, "GET", "/api/v1/statistics?dataset=cases&by=sex", worker, nil); r.Status != 403 {
				t.Errorf("a case worker: %d, want 403", r.Status)
			}
			for q, field := range map[string]string{
				"dataset=nope&by=sex":                          "dataset",
				"dataset=cases&by=name":                        "by",
				"dataset=cases&by=sex&split=colour":            "split",
				"dataset=cases&by=sex&privacy=fuzzy":           "privacy",
				"dataset=cases&by=sex&privacy=suppress&k=4":    "k",
				"dataset=cases&by=sex&privacy=dp&epsilon=0":    "epsilon",
				"dataset=cases&by=sex&privacy=dp&epsilon=-0.5": "epsilon",
				"dataset=cases&by=sex&privacy=dp&epsilon=lots": "epsilon",
				"dataset=cases&by=sex&privacy=dp":              "epsilon",
			} {
				r := a.Do(t, "GET", "/api/v1/statistics?"+q, analyst, nil)
				if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
					t.Errorf("%s: %d %s, want 422 naming %s", q, r.Status, r.Body, field)
				}
			}
		})
		t.Run("ledger_refuses_overspend", func(t *testing.T) {
			tab := statTable(t, a, analyst, "dataset=cases&by=sex&privacy=dp&epsilon=6")
			if tab.Privacy != "dp" || tab.Epsilon != "6" {
				t.Errorf("release %+v", tab)
			}
			r := a.Do(t, "GET", "/api/v1/statistics?dataset=cases&by=sex&privacy=dp&epsilon=4.5", analyst, nil)
			if r.Status != 409 {
				t.Fatalf("overspend: %d %s, want 409", r.Status, r.Body)
			}
			statTable(t, a, analyst, "dataset=cases&by=sex&privacy=dp&epsilon=4") // exactly what is left
			var led struct {
				Items   []nrm.StatRelease `json:"items"`
				Budgets []nrm.StatBudget  `json:"budgets"`
			}
			lr := a.Do(t, "GET", "/api/v1/statistics/ledger", analyst, nil)
			if err := json.Unmarshal(lr.Body, &led); err != nil || lr.Status != 200 {
				t.Fatalf("ledger: %d %s", lr.Status, lr.Body)
			}
			if len(led.Items) != 2 || led.Budgets[0].Dataset != "cases" || led.Budgets[0].Spent != "10" || led.Budgets[0].Remaining != "0" {
				t.Errorf("ledger %+v", led)
			}
		})
		t.Run("datasets", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/statistics/datasets", analyst, nil)
			var ds struct{ Items []nrm.StatDataset }
			if err := json.Unmarshal(r.Body, &ds); err != nil || len(ds.Items) != 1 || ds.Items[0].Name != "cases" || ds.Items[0].Rows != 6 {
				t.Errorf("datasets %d %s", r.Status, r.Body)
			}
		})
	})
}
