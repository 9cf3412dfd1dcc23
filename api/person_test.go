package api_test

// Corrections of the person of a case, on every engine: history, who may,
// the child rules re-decided, the child-protection warning, the guardian,
// bad input and search after a correction.

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func personPath(id string) string { return "/api/v1/cases/" + id + "/person" }

// timeline returns the summaries of a case's timeline as token sees it.
func (w *world) timeline(t *testing.T, id, token string) []string {
	t.Helper()
	var out []string
	for _, e := range w.must(t, 200, "GET", "/api/v1/cases/"+id+"/timeline", token, nil)["items"].([]any) {
		out = append(out, e.(map[string]any)["summary"].(string))
	}
	return out
}

func hasLine(lines []string, sub string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, sub) })
}

// history returns the corrections of a case's person.
func (w *world) history(t *testing.T, id, token string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range w.must(t, 200, "GET", personPath(id)+"/history", token, nil)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func (w *world) childProtectionInbox(t *testing.T) []any {
	t.Helper()
	return w.must(t, 200, "GET", "/api/v1/referrals", w.cpWorker, nil)["items"].([]any)
}

func TestCorrectionKeepsTheOldValuesInTheHistory(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.a.MustCase(t, w.officer, testapp.CaseBody("Ana", "Popesku", "1999-04-02"))
		c := w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{
			"family_name": "Popescu", "date_of_birth": "1998-04-02", "sex": "female", "contact": "+40 712 345 678", "safe_to_contact": true})
		p := c["person"].(map[string]any)
		if p["family_name"] != "Popescu" || p["date_of_birth"] != "1998-04-02" || p["given_name"] != "Ana" || p["safe_to_contact"] != true {
			t.Fatalf("corrected person: %v", p)
		}
		h := w.history(t, id, w.officer)
		if len(h) != 1 {
			t.Fatalf("history: %v", h)
		}
		fields, _ := json.Marshal(h[0]["fields"])
		if string(fields) != `["contact","date_of_birth","family_name","safe_to_contact"]` {
			t.Errorf("fields corrected: %s (sex was not changed)", fields)
		}
		old := h[0]["old"].(map[string]any)
		if old["family_name"] != "Popesku" || old["date_of_birth"] != "1999-04-02" || old["contact"] != "" || old["safe_to_contact"] != false || old["given_name"] != nil {
			t.Errorf("old values: %v", old)
		}
		if h[0]["case_id"] != id || h[0]["corrected_by"] == "" {
			t.Errorf("who and where: %v", h[0])
		}

		t.Run("the timeline names the fields, never the values", func(t *testing.T) {
			lines := w.timeline(t, id, w.officer)
			if !hasLine(lines, "person corrected: contact, date_of_birth, family_name, safe_to_contact") {
				t.Fatalf("timeline: %v", lines)
			}
			if hasLine(lines, "Popes") || hasLine(lines, "1998") {
				t.Fatalf("the timeline holds personal data: %v", lines)
			}
		})
		t.Run("old values are sealed at rest and the audit log holds no personal data", func(t *testing.T) {
			db := w.a.RawDB(t)
			var sealed []byte
			if err := db.QueryRow("SELECT old_values FROM person_history").Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if len(sealed) == 0 || strings.Contains(string(sealed), "Popesku") {
				t.Fatalf("old values stored as %q", sealed)
			}
			var detail string
			if err := db.QueryRow("SELECT detail FROM audit_entries WHERE action = 'person.correct'").Scan(&detail); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(detail, "Popes") || strings.Contains(detail, "1998") || !strings.Contains(detail, "family_name") {
				t.Fatalf("audit detail %q", detail)
			}
			var reads int
			if err := db.QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'case.read' AND detail = 'person corrections 1'").Scan(&reads); err != nil {
				t.Fatal(err)
			}
			if reads != 1 {
				t.Fatalf("%d audited reads of the history, want 1", reads)
			}
		})
		t.Run("a correction that changes nothing writes nothing", func(t *testing.T) {
			w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"family_name": "Popescu"})
			if h := w.history(t, id, w.officer); len(h) != 1 {
				t.Fatalf("history: %v", h)
			}
		})
	})
}

func TestPartnerWithoutIdentityScopeCannotCorrectNorReadHistory(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		w.a.MustShare(t, id, w.officer, w.ngo, "referral", []string{"support"}, w.ngoWorker)
		before := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
		fix := map[string]any{"family_name": "Changed"}
		w.wantError(t, 403, "", "PATCH", personPath(id), w.ngoWorker, fix)
		w.wantError(t, 403, "", "GET", personPath(id)+"/history", w.ngoWorker, nil)
		w.wantError(t, 403, "", "PUT", "/api/v1/cases/"+id+"/guardian", w.ngoWorker, map[string]any{"name": "G"})
		// Not involved: the case does not exist for them.
		w.wantError(t, 404, "", "PATCH", personPath(id), w.decider, fix)
		w.wantError(t, 404, "", "GET", personPath(id)+"/history", w.decider, nil)
		// Reads identity, but a coordinator's role does not write to cases.
		w.a.MustShare(t, id, w.officer, w.coord, "referral", []string{"identity"}, w.coordinator)
		w.wantError(t, 403, "", "PATCH", personPath(id), w.coordinator, fix)
		after := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
		if after["version"] != before["version"] || after["person"].(map[string]any)["family_name"] != "Popescu" {
			t.Fatalf("a refused correction changed the case: %v", after)
		}
		if h := w.history(t, id, w.officer); len(h) != 0 {
			t.Fatalf("history after refusals: %v", h)
		}
	})
}

func TestAdultCorrectedToFifteenBecomesAChildAndChildProtectionIsNotified(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
		if n := len(w.childProtectionInbox(t)); n != 0 {
			t.Fatalf("child protection has %d referrals of an adult", n)
		}
		// 15 on the encounter date (2026-11-20).
		c := w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"date_of_birth": "2011-06-01"})
		if c["child"] != true {
			t.Fatalf("not a child after the correction: %v", c)
		}
		inbox := w.childProtectionInbox(t)
		if len(inbox) != 1 || inbox[0].(map[string]any)["child_protection"] != true {
			t.Fatalf("child protection inbox: %v", inbox)
		}
		lines := w.timeline(t, id, w.officer)
		if !hasLine(lines, "now presumed a child") || !hasLine(lines, "child protection notified") {
			t.Fatalf("timeline: %v", lines)
		}

		t.Run("corrected back to an adult, the referrals stay", func(t *testing.T) {
			c := w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"date_of_birth": "1999-04-02"})
			if c["child"] != false {
				t.Fatalf("still a child: %v", c)
			}
			if !hasLine(w.timeline(t, id, w.officer), "no longer presumed a child") {
				t.Fatal("the timeline does not say so")
			}
			if n := len(w.childProtectionInbox(t)); n != 1 {
				t.Fatalf("child protection referrals: %d", n)
			}
		})
		t.Run("a case not referred is notified when it is", func(t *testing.T) {
			id := w.adultCase(t, w.officer)
			w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"date_of_birth": "2011-06-01"})
			if n := len(w.childProtectionInbox(t)); n != 1 {
				t.Fatalf("child protection referrals: %d, want the first case's only", n)
			}
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.officer, map[string]any{"to_org": w.ca.ID, "reason": "A child."})
			if n := len(w.childProtectionInbox(t)); n != 2 {
				t.Fatalf("child protection referrals: %d after referring the child", n)
			}
		})
	})
}

func TestAgeUncertainMakesAChild(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		c := w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"age_uncertain": true})
		if c["child"] != true || c["person"].(map[string]any)["age_uncertain"] != true {
			t.Fatalf("%v", c)
		}
		if !hasLine(w.timeline(t, id, w.officer), "now presumed a child") {
			t.Fatal("the timeline does not say so")
		}
		// A child is referred without consent from now on.
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.officer, map[string]any{"to_org": w.ca.ID, "reason": "A child, presumed so."})
	})
}

func TestChildCaseWarnsWhenNoChildProtectionServesTheCountry(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{}) // its child protection is in GB
		body := testapp.CaseBody("Ion", "Rusu", "2012-01-01")
		body["encounter"].(map[string]any)["country"] = "FR"
		id := w.a.MustCase(t, w.officer, body)
		c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
		ws, _ := c["warnings"].([]any)
		if len(ws) != 1 || ws[0].(map[string]any)["code"] != "no-child-protection" || ws[0].(map[string]any)["message"] == "" {
			t.Fatalf("warnings: %v", c["warnings"])
		}
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.officer, map[string]any{"to_org": w.ca.ID, "reason": "A child."})
		if !hasLine(w.timeline(t, id, w.officer), "no child-protection organisation is registered for FR") {
			t.Fatalf("timeline: %v", w.timeline(t, id, w.officer))
		}
		if n := len(w.childProtectionInbox(t)); n != 0 {
			t.Fatalf("the GB child protection was notified of a child met in FR: %d", n)
		}
		t.Run("a child in GB, and an adult, answer no warning", func(t *testing.T) {
			for _, id := range []string{w.a.MustCase(t, w.officer, testapp.CaseBody("Ion", "Rusu", "2012-01-01")), w.adultCase(t, w.officer)} {
				if c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil); c["warnings"] != nil {
					t.Fatalf("warnings: %v", c["warnings"])
				}
			}
		})
	})
}

func TestGuardianIsRefusedOnAnAdultsCaseAndShownOnAChilds(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		g := map[string]any{"name": "Maria Ionescu", "organisation": "Children's Services", "appointed_on": "2026-11-25", "contact": "+44 117 000 0000"}
		adult := w.adultCase(t, w.officer)
		w.wantError(t, 409, "", "PUT", "/api/v1/cases/"+adult+"/guardian", w.officer, g)
		if c := w.must(t, 200, "GET", "/api/v1/cases/"+adult, w.officer, nil); c["guardian"] != nil {
			t.Fatalf("an adult's case has a guardian: %v", c["guardian"])
		}
		child := w.a.MustCase(t, w.officer, testapp.CaseBody("Ion", "Rusu", "2012-01-01"))
		w.wantError(t, 422, "name", "PUT", "/api/v1/cases/"+child+"/guardian", w.officer, map[string]any{"name": " "})
		w.wantError(t, 422, "appointed_on", "PUT", "/api/v1/cases/"+child+"/guardian", w.officer, map[string]any{"name": "M", "appointed_on": "2027-01-01"})
		if m := w.must(t, 200, "PUT", "/api/v1/cases/"+child+"/guardian", w.officer, g); m["name"] != "Maria Ionescu" {
			t.Fatalf("%v", m)
		}
		c := w.must(t, 200, "GET", "/api/v1/cases/"+child, w.officer, nil)
		if gd, _ := c["guardian"].(map[string]any); gd["name"] != "Maria Ionescu" || gd["appointed_on"] != "2026-11-25" {
			t.Fatalf("guardian: %v", c["guardian"])
		}
		if !hasLine(w.timeline(t, child, w.officer), "guardian recorded") {
			t.Fatal("no timeline line")
		}
	})
}

func TestBadCorrectionIs422NamingTheFieldAndChangesNothing(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		before := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
		for _, c := range []struct {
			name, field string
			body        any
		}{
			{"date of birth in the future", "person.date_of_birth", map[string]any{"date_of_birth": "2027-01-01"}},
			{"date of birth before 1900", "person.date_of_birth", map[string]any{"date_of_birth": "1899-12-31"}},
			{"date of birth not a date", "person.date_of_birth", map[string]any{"date_of_birth": "02/04/1999"}},
			{"date of birth after the encounter", "person.date_of_birth", map[string]any{"date_of_birth": "2026-11-25"}},
			{"no name left", "person.given_name", map[string]any{"given_name": "", "family_name": ""}},
			{"unknown sex", "person.sex", map[string]any{"sex": "robot"}},
			{"bad citizenship", "person.citizenship", map[string]any{"citizenship": []string{"Moldova"}}},
			{"unknown field", "person.nickname", map[string]any{"nickname": "Ani"}},
			{"wrong type", "person.age_uncertain", map[string]any{"age_uncertain": "yes"}},
			{"empty object", "person", map[string]any{}},
			{"only nulls", "person", map[string]any{"given_name": nil}},
			{"empty body", "person", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				w.wantError(t, 422, c.field, "PATCH", personPath(id), w.officer, c.body)
			})
		}
		w.wantError(t, 400, "", "PATCH", personPath(id), w.officer, "{not json")
		after := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
		if after["version"] != before["version"] || after["person"].(map[string]any)["date_of_birth"] != "1999-04-02" {
			t.Fatalf("a refused correction changed the case: %v", after)
		}
		if h := w.history(t, id, w.officer); len(h) != 0 {
			t.Fatalf("history: %v", h)
		}
	})
}

func TestSearchFindsTheCorrectedName(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		search := func(name string) int {
			t.Helper()
			return len(w.must(t, 200, "GET", "/api/v1/cases?name="+url.QueryEscape(name), w.officer, nil)["items"].([]any))
		}
		// The NGO holds the same person, spelt right.
		held := w.a.MustCase(t, w.ngoWorker, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		id := w.a.MustCase(t, w.officer, testapp.CaseBody("Ana", "Popesku", "1999-04-02"))
		if search("Popescu") != 0 || search("Popesku") != 1 {
			t.Fatal("search before the correction")
		}
		if c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil); c["flags"] != nil {
			t.Fatalf("flagged before the correction: %v", c["flags"])
		}
		w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"family_name": "Popescu", "aliases": []string{"Anuța"}})
		if n := search("ana popescu"); n != 1 {
			t.Fatalf("search for the corrected name: %d", n)
		}
		if n := search("Anuta"); n != 1 {
			t.Fatalf("search for the new alias: %d", n)
		}
		if n := search("Popesku"); n != 0 {
			t.Fatalf("search for the old spelling: %d (the indexes were not rebuilt)", n)
		}
		t.Run("duplicate detection follows the corrected name", func(t *testing.T) {
			// The organisation that holds the person is told, never the
			// one whose correction found the match.
			flagsOf := func() []any {
				c := w.must(t, 200, "GET", "/api/v1/cases/"+held, w.ngoWorker, nil)
				flags, _ := c["flags"].([]any)
				return flags
			}
			if flags := flagsOf(); len(flags) != 1 || flags[0].(map[string]any)["kind"] != nrm.FlagPossibleDuplicate {
				t.Fatalf("flags on the holder's case: %v", flags)
			}
			if c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil); c["flags"] != nil {
				t.Fatalf("the correcting organisation learns of the holder: %v", c["flags"])
			}
			// A second correction does not flag the same match twice.
			w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"given_name": "Ana"})
			w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"aliases": []string{}})
			if flags := flagsOf(); len(flags) != 1 {
				t.Fatalf("flags after another correction: %v", flags)
			}
		})
	})
}

func TestErasureShredsTheHistoryAndTheGuardian(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		admin := w.a.MustToken(t, w.a.MustUser(t, w.police, nrm.RoleAdmin))
		id := w.a.MustCase(t, w.officer, testapp.CaseBody("Ion", "Rusu", "2012-01-01"))
		w.must(t, 200, "PATCH", personPath(id), w.officer, map[string]any{"family_name": "Russu"})
		w.must(t, 200, "PUT", "/api/v1/cases/"+id+"/guardian", w.officer, map[string]any{"name": "Maria Ionescu"})
		w.must(t, 200, "POST", "/api/v1/cases/"+id+"/erase", admin, map[string]any{"reason": "Erasure request of 2026-11-27"})
		h := w.history(t, id, w.officer)
		if len(h) != 1 || len(h[0]["old"].(map[string]any)) != 0 || h[0]["fields"] == nil {
			t.Fatalf("history after erasure: %v", h)
		}
		if c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil); c["guardian"] != nil || c["erased"] != true {
			t.Fatalf("case after erasure: %v", c)
		}
		var sealed int
		if err := w.a.RawDB(t).QueryRow(`SELECT (SELECT COUNT(*) FROM person_history WHERE old_values IS NOT NULL) +
			(SELECT COUNT(*) FROM case_guardians WHERE details IS NOT NULL)`).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if sealed != 0 {
			t.Fatalf("%d sealed rows survive the erasure", sealed)
		}
		w.wantError(t, 409, "", "PATCH", personPath(id), w.officer, map[string]any{"family_name": "Rusu"})
		w.wantError(t, 409, "", "PUT", "/api/v1/cases/"+id+"/guardian", w.officer, map[string]any{"name": "M"})
	})
}
