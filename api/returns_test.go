package api_test

import (
	"encoding/json"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/internal/testapp"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// answers is a complete assessment of a low-risk, consented return; set
// overrides items.
func answers(set map[string]string) map[string]string {
	a := map[string]string{"informed-consent": "yes", "alternatives-explained": "yes", "protection-claim": "none",
		"risk-from-traffickers": "low", "risk-to-family": "low", "stigma": "low", "prosecution-at-origin": "low", "debts": "low",
		"family-involved": "no", "health-care-at-origin": "available", "documents": "ready",
		"pending-proceedings": "remote-participation-arranged", "receiving-organisation": "La Strada Moldova",
		"follow-up-plan": "Calls at 3, 6 and 12 months"}
	for k, v := range set {
		if v == "" {
			delete(a, k)
		} else {
			a[k] = v
		}
	}
	return a
}

// returnWorld adds an NGO co-ordinator (the second person) to the world.
type returnWorld struct {
	*world
	ngoCoord string
}

func (w returnWorld) assess(t *testing.T, caseID, token string, body map[string]any) map[string]any {
	t.Helper()
	if body == nil {
		body = map[string]any{"destination_country": "MD", "answers": answers(nil), "summary": "Wishes to go home."}
	}
	return w.must(t, 201, "POST", "/api/v1/cases/"+caseID+"/return-assessments", token, body)
}

func (w returnWorld) approved(t *testing.T, caseID string) string {
	t.Helper()
	id := w.assess(t, caseID, w.ngoWorker, nil)["id"].(string)
	if a := w.must(t, 200, "POST", "/api/v1/return-assessments/"+id+"/approve", w.ngoCoord, map[string]any{"reasons": "Checked with La Strada."}); a["status"] != "approved" {
		t.Fatalf("%v", a)
	}
	return id
}

func (w returnWorld) returnBody(assessment string) map[string]any {
	return map[string]any{"assessment_id": assessment, "date": w.a.Svc.Today().String(), "voluntary": true, "receiving_org": w.ngo.ID}
}

// returnSnap is the case and its return part as the owner reads them.
func (w returnWorld) returnSnap(t *testing.T, id string) string {
	t.Helper()
	r := w.must(t, 200, "GET", "/api/v1/cases/"+id+"/return", w.ngoWorker, nil)
	for _, a := range r["assessments"].([]any) {
		delete(a.(map[string]any), "version")
	}
	return mustJSON(w.snap(t, id, w.ngoWorker)) + mustJSON(r["returns"])
}

func newReturnWorld(t *testing.T, e sqlstore.Engine) returnWorld {
	w := newWorld(t, e, service.Config{})
	return returnWorld{world: w, ngoCoord: w.a.MustToken(t, w.a.MustUser(t, w.ngo, nrm.RoleCoordinator))}
}

// TestReturnGate tries the return from every side: each refusal is a 409
// (422 for bad input), through the API, and changes nothing.
func TestReturnGate(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newReturnWorld(t, e)
		id := w.adultCase(t, w.ngoWorker)
		ret := "/api/v1/cases/" + id + "/returns"
		refused := func(t *testing.T, status int, field string, body map[string]any) string {
			t.Helper()
			before := w.returnSnap(t, id)
			msg := w.wantError(t, status, field, "POST", ret, w.ngoWorker, body)
			if after := w.returnSnap(t, id); after != before {
				t.Fatalf("a refused return changed the case:\n%s\n%s", before, after)
			}
			return msg
		}
		t.Run("refused without an assessment", func(t *testing.T) {
			refused(t, 409, "assessment_id", w.returnBody(""))
			refused(t, 409, "assessment_id", w.returnBody(nrm.NewID()))
		})
		t.Run("refused on a submitted, not approved, assessment", func(t *testing.T) {
			refused(t, 409, "assessment_id", w.returnBody(w.assess(t, id, w.ngoWorker, nil)["id"].(string)))
		})
		t.Run("refused on a barred assessment, which is never approved", func(t *testing.T) {
			for item, value := range map[string]string{"informed-consent": "no", "protection-claim": "pending", "risk-from-traffickers": "high", "debts": "high"} {
				a := w.assess(t, id, w.ngoWorker, map[string]any{"destination_country": "MD", "answers": answers(map[string]string{item: value})})
				if a["barred"] != true || (strings.HasPrefix(item, "risk") || item == "debts") && a["risk"] != "high" {
					t.Fatalf("%s %s: %v", item, value, a)
				}
				w.wantError(t, 409, "", "POST", "/api/v1/return-assessments/"+a["id"].(string)+"/approve", w.ngoCoord, map[string]any{"reasons": "Seems fine to me."})
				refused(t, 409, "assessment_id", w.returnBody(a["id"].(string)))
			}
		})
		t.Run("refused when approved by its author: four eyes", func(t *testing.T) {
			a := w.assess(t, id, w.ngoCoord, nil)["id"].(string)
			w.wantError(t, 403, "", "POST", "/api/v1/return-assessments/"+a+"/approve", w.ngoCoord, map[string]any{"reasons": "I checked it myself."})
			refused(t, 409, "assessment_id", w.returnBody(a))
		})
		t.Run("refused on a rejected assessment", func(t *testing.T) {
			a := w.assess(t, id, w.ngoWorker, nil)["id"].(string)
			w.must(t, 200, "POST", "/api/v1/return-assessments/"+a+"/reject", w.ngoCoord, map[string]any{"reasons": "Family contact unclear."})
			refused(t, 409, "assessment_id", w.returnBody(a))
		})
		t.Run("refused on another case's assessment", func(t *testing.T) {
			other := w.adultCase(t, w.ngoWorker)
			refused(t, 409, "assessment_id", w.returnBody(w.approved(t, other)))
		})
		t.Run("refused when not voluntary: a removal is a closure", func(t *testing.T) {
			b := w.returnBody(w.approved(t, id))
			b["voluntary"] = false
			if msg := refused(t, 409, "voluntary", b); !strings.Contains(msg, "detained-or-removed") {
				t.Fatalf("%s", msg)
			}
			delete(b, "voluntary")
			refused(t, 422, "voluntary", b)
		})
		t.Run("bad input names the field", func(t *testing.T) {
			b := w.returnBody(w.approved(t, id))
			b["date"] = w.a.Svc.Today().AddDays(1).String()
			refused(t, 422, "date", b)
			b = w.returnBody(w.approved(t, id))
			b["receiving_org"] = nrm.NewID()
			refused(t, 422, "receiving_org", b)
			delete(b, "receiving_org")
			refused(t, 422, "receiving_org", b)
		})
		t.Run("a return to a transnational partner: trusted, and in the country of return", func(t *testing.T) {
			partner := func(country string, removed bool) string {
				keys, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
				if err != nil {
					t.Fatal(err)
				}
				id, _ := json.Marshal(keys.Identity("nrm "+country, country, "https://nrm."+strings.ToLower(country)+".example"))
				p, err := w.a.Svc.AddPartner(testapp.System(), id)
				if err != nil {
					t.Fatal(err)
				}
				if removed {
					if err := w.a.Svc.RemovePartner(testapp.System(), p.ID); err != nil {
						t.Fatal(err)
					}
				}
				return p.ID
			}
			b := w.returnBody(w.approved(t, id))
			delete(b, "receiving_org")
			for name, p := range map[string]string{"unknown": nrm.NewID(), "removed": partner("MD", true), "in_another_country": partner("UA", false)} {
				b["partner_id"] = p
				if msg := refused(t, 422, "partner_id", b); name == "in_another_country" && !strings.Contains(msg, "UA") {
					t.Errorf("%s: %s", name, msg)
				}
			}
			b["receiving_org"] = w.ngo.ID
			refused(t, 422, "partner_id", b) // not both
		})
		t.Run("a bare closure as returned is refused", func(t *testing.T) {
			before := w.returnSnap(t, id)
			w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/close", w.ngoWorker, map[string]any{"reason": "returned"})
			if after := w.returnSnap(t, id); after != before {
				t.Fatal("changed")
			}
		})
		t.Run("the police never read or write the assessment", func(t *testing.T) {
			w.must(t, 200, "POST", "/api/v1/referrals/"+w.refer(t, w.ngoWorker, id, w.police.ID,
				w.consent(t, w.ngoWorker, id, w.police.ID, []string{"identity", "support", "justice"}, ""))+"/accept", w.detective, nil)
			w.wantError(t, 403, "", "GET", "/api/v1/cases/"+id+"/return", w.detective, nil)
			w.wantError(t, 403, "", "POST", "/api/v1/cases/"+id+"/return-assessments", w.policeDM,
				map[string]any{"destination_country": "MD", "answers": answers(nil)})
			w.wantError(t, 403, "", "POST", ret, w.detective, w.returnBody(w.approved(t, id)))
		})
		t.Run("an approved, current assessment of this case: the return closes the case and sets the follow-ups", func(t *testing.T) {
			a := w.approved(t, id)
			r := w.must(t, 201, "POST", ret, w.ngoWorker, w.returnBody(a))
			if r["id"] == nil || r["voluntary"] != true || r["destination_country"] != "MD" {
				t.Fatalf("%v", r)
			}
			c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.ngoWorker, nil)
			d := mustJSON(c["deadlines"])
			if c["state"] != "closed" || c["closed_reason"] != "returned" || strings.Count(d, "return-follow-up") != 3 ||
				!strings.Contains(d, "2027-02-27") || !strings.Contains(d, "2027-05-27") || !strings.Contains(d, "2027-11-27") {
				t.Fatalf("%v %s", c["state"], d)
			}
			w.wantError(t, 409, "", "POST", ret, w.ngoWorker, w.returnBody(a))
		})
	})
}

// TestReturnToAPartner records a return whose receiver is a trusted
// partner instance in the country of return.
func TestReturnToAPartner(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newReturnWorld(t, e)
		id := w.adultCase(t, w.ngoWorker)
		keys, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		ident, _ := json.Marshal(keys.Identity("nrm Moldova", "MD", "https://nrm.md.example"))
		p, err := w.a.Svc.AddPartner(testapp.System(), ident)
		if err != nil {
			t.Fatal(err)
		}
		r := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/returns", w.ngoWorker, map[string]any{
			"assessment_id": w.approved(t, id), "date": w.a.Svc.Today().String(), "voluntary": true, "partner_id": p.ID})
		if r["partner_id"] != p.ID || r["receiving_org"] != nil && r["receiving_org"] != "" {
			t.Fatalf("%v", r)
		}
		got := w.must(t, 200, "GET", "/api/v1/cases/"+id+"/return", w.ngoWorker, nil)
		if rs := got["returns"].([]any); len(rs) != 1 || rs[0].(map[string]any)["partner_id"] != p.ID {
			t.Fatalf("%v", got["returns"])
		}
	})
}

func TestReturnGateStaleChildAndRecoveryPeriod(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newReturnWorld(t, e)
		t.Run("refused on a stale assessment", func(t *testing.T) {
			id := w.adultCase(t, w.ngoWorker)
			a := w.approved(t, id)
			w.a.Clock.Advance(91 * 24 * time.Hour)
			before := w.returnSnap(t, id)
			if msg := w.wantError(t, 409, "assessment_id", "POST", "/api/v1/cases/"+id+"/returns", w.ngoWorker, w.returnBody(a)); !strings.Contains(msg, "90 days") {
				t.Fatalf("%s", msg)
			}
			if w.returnSnap(t, id) != before {
				t.Fatal("changed")
			}
		})
		t.Run("a child needs a best-interests determination", func(t *testing.T) {
			id := w.a.MustCase(t, w.ngoWorker, map[string]any{
				"person":    map[string]any{"given_name": "Ion", "family_name": "Rusu", "date_of_birth": "2012-03-01", "sex": "male"},
				"encounter": map[string]any{"date": "2026-11-20", "country": "GB"}})
			before := w.returnSnap(t, id)
			w.wantError(t, 422, "best_interests_determination", "POST", "/api/v1/cases/"+id+"/return-assessments", w.ngoWorker,
				map[string]any{"destination_country": "MD", "answers": answers(nil)})
			if w.returnSnap(t, id) != before {
				t.Fatal("changed")
			}
			bid := func(outcome string) map[string]any {
				return map[string]any{"destination_country": "MD", "answers": answers(nil), "best_interests_determination": map[string]any{
					"done_on": w.a.Svc.Today().String(), "guardian": "M. Guardian", "outcome": outcome}}
			}
			no := w.assess(t, id, w.ngoWorker, bid("return-not-in-best-interests"))
			if no["barred"] != true {
				t.Fatalf("%v", no)
			}
			yes := w.assess(t, id, w.ngoWorker, bid("return-in-best-interests"))
			w.must(t, 200, "POST", "/api/v1/return-assessments/"+yes["id"].(string)+"/approve", w.ngoCoord, map[string]any{"reasons": "Guardian agrees."})
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/returns", w.ngoWorker, w.returnBody(yes["id"].(string)))
		})
		t.Run("no return and no removal while the recovery period runs", func(t *testing.T) {
			id := w.adultCase(t, w.ngoWorker)
			a := w.approved(t, id)
			ref := w.refer(t, w.ngoWorker, id, w.ca.ID, w.consent(t, w.ngoWorker, id, w.ca.ID, []string{"identity"}, ""))
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{"kind": "reasonable-grounds",
				"outcome": "positive", "decided_on": w.a.Svc.Today().String(), "reasons": "Credible account."})
			before := w.returnSnap(t, id)
			w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/close", w.ngoWorker, map[string]any{"reason": "detained-or-removed"})
			w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/returns", w.ngoWorker, w.returnBody(a))
			if after := w.returnSnap(t, id); after != before {
				t.Fatalf("changed:\n%s\n%s", before, after)
			}
		})
		t.Run("bad assessments name the item and change nothing", func(t *testing.T) {
			id := w.adultCase(t, w.ngoWorker)
			before := w.returnSnap(t, id)
			for field, body := range map[string]map[string]any{
				"answers.stigma":         {"destination_country": "MD", "answers": answers(map[string]string{"stigma": ""})},
				"answers.debts":          {"destination_country": "MD", "answers": answers(map[string]string{"debts": "huge"})},
				"answers.weather":        {"destination_country": "MD", "answers": answers(map[string]string{"weather": "fine"})},
				"answers.follow-up-plan": {"destination_country": "MD", "answers": answers(map[string]string{"follow-up-plan": ""})},
				"destination_country":    {"destination_country": "Moldova", "answers": answers(nil)},
			} {
				w.wantError(t, 422, field, "POST", "/api/v1/cases/"+id+"/return-assessments", w.ngoWorker, body)
			}
			a := w.assess(t, id, w.ngoWorker, nil)["id"].(string)
			w.wantError(t, 422, "reasons", "POST", "/api/v1/return-assessments/"+a+"/approve", w.ngoCoord, map[string]any{})
			w.wantError(t, 403, "", "POST", "/api/v1/return-assessments/"+a+"/approve", w.ngoWorker, map[string]any{"reasons": "A case worker may not."})
			w.wantError(t, 404, "", "POST", "/api/v1/return-assessments/"+nrm.NewID()+"/approve", w.ngoCoord, map[string]any{"reasons": "No such thing."})
			_ = before
		})
	})
}

// TestRetraffickingAfterReturn: a follow-up finding the person
// re-trafficked opens a new linked episode and flags the person to the
// organisations involved.
func TestRetraffickingAfterReturn(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newReturnWorld(t, e)
		id := w.adultCase(t, w.ngoWorker)
		// The police hold the case too (identity and justice).
		w.must(t, 200, "POST", "/api/v1/referrals/"+w.refer(t, w.ngoWorker, id, w.police.ID,
			w.consent(t, w.ngoWorker, id, w.police.ID, []string{"identity", "justice"}, ""))+"/accept", w.detective, nil)
		r := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/returns", w.ngoWorker, w.returnBody(w.approved(t, id)))
		fu := "/api/v1/returns/" + r["id"].(string) + "/follow-ups"

		w.a.Clock.Advance(92 * 24 * time.Hour)
		// The follow-up clock shows on the dashboard, overdue now, to support
		// readers only.
		if d := mustJSON(w.must(t, 200, "GET", "/api/v1/deadlines?within=30", w.ngoWorker, nil)); !strings.Contains(d, "return-follow-up") {
			t.Fatalf("the follow-up is not on the dashboard: %s", d)
		}
		if d := mustJSON(w.must(t, 200, "GET", "/api/v1/deadlines?within=30", w.detective, nil)); strings.Contains(d, "return-follow-up") {
			t.Fatalf("the police see the follow-up clock: %s", d)
		}
		w.wantError(t, 422, "situation", "POST", fu, w.ngoWorker, map[string]any{"date": w.a.Svc.Today().String(), "situation": "fine"})
		w.wantError(t, 422, "date", "POST", fu, w.ngoWorker, map[string]any{"date": w.a.Svc.Today().AddDays(1).String(), "situation": "safe"})
		w.must(t, 201, "POST", fu, w.ngoWorker, map[string]any{"date": w.a.Svc.Today().String(), "reached": true, "situation": "safe"})
		if d := mustJSON(w.must(t, 200, "GET", "/api/v1/cases/"+id, w.ngoWorker, nil)["deadlines"]); strings.Count(d, "return-follow-up") != 2 {
			t.Fatalf("the first follow-up clock still runs: %s", d)
		}
		w.a.Clock.Advance(40 * 24 * time.Hour)
		f := w.must(t, 201, "POST", fu, w.ngoWorker, map[string]any{"date": w.a.Svc.Today().String(), "reached": true,
			"situation": "re-trafficked", "notes": "Recruited again for farm work."})
		newCase, _ := f["new_case"].(string)
		if newCase == "" {
			t.Fatalf("no new episode: %v", f)
		}
		n := w.must(t, 200, "GET", "/api/v1/cases/"+newCase, w.ngoWorker, nil)
		if n["episode"] != float64(2) || n["previous_case"] != id || n["state"] != "encountered" {
			t.Fatalf("%v", n)
		}
		for _, token := range []string{w.ngoWorker, w.detective} {
			c := w.must(t, 200, "GET", "/api/v1/cases/"+id, token, nil)
			if !strings.Contains(mustJSON(c["flags"]), `"kind":"re-trafficked"`) {
				t.Fatalf("the returned case is not flagged for this organisation: %v", c["flags"])
			}
		}
		ret := w.must(t, 200, "GET", "/api/v1/cases/"+id+"/return", w.ngoWorker, nil)
		if fus := ret["returns"].([]any)[0].(map[string]any)["follow_ups"].([]any); len(fus) != 2 ||
			fus[1].(map[string]any)["notes"] != "Recruited again for farm work." {
			t.Fatalf("%v", fus)
		}
		// A second re-trafficking report links to the open episode, not a third.
		f2 := w.must(t, 201, "POST", fu, w.ngoWorker, map[string]any{"date": w.a.Svc.Today().String(), "situation": "re-trafficked"})
		if f2["new_case"] != newCase {
			t.Fatalf("%v", f2)
		}
	})
}

// Erasing the person leaves the justice and return records readable
// without their sealed detail: never a 5xx, nothing of the person.
func TestErasureShredsJusticeAndReturn(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newReturnWorld(t, e)
		admin := w.a.MustToken(t, w.a.MustUser(t, w.ngo, nrm.RoleAdmin))
		id := w.adultCase(t, w.ngoWorker)
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/proceedings", w.ngoWorker, map[string]any{"kind": "criminal", "stage": "trial",
			"authority": "Eastbrook Crown Court", "person_role": "witness", "lawyer": map[string]any{"name": "Q. Counsel"}})
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/non-punishment", w.ngoWorker, map[string]any{"offence": "Cannabis cultivation",
			"compelled": true, "status": "raised", "authority": "CPS"})
		w.assess(t, id, w.ngoWorker, map[string]any{"destination_country": "MD", "answers": answers(nil), "summary": "Wants to see her mother in Balti."})
		w.must(t, 200, "POST", "/api/v1/cases/"+id+"/erase", admin, map[string]any{"reason": "The person asked to be forgotten."})
		j := w.a.Do(t, "GET", "/api/v1/cases/"+id+"/justice", w.ngoWorker, nil)
		r := w.a.Do(t, "GET", "/api/v1/cases/"+id+"/return", w.ngoWorker, nil)
		for _, res := range []struct {
			status int
			body   string
		}{{j.Status, string(j.Body)}, {r.Status, string(r.Body)}} {
			if res.status != 200 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			for _, secret := range []string{"Eastbrook", "Counsel", "Cannabis", "Balti", "La Strada"} {
				if strings.Contains(res.body, secret) {
					t.Fatalf("the erased person's %q is still readable: %s", secret, res.body)
				}
			}
		}
		w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/proceedings", w.ngoWorker, map[string]any{"kind": "criminal", "stage": "trial",
			"authority": "Court", "person_role": "witness"})
	})
}
