package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/jurisdiction"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// world is a small NRM: a police force that meets people, an NGO, a
// competent authority, child protection and a coordinator.
type world struct {
	a                               *testapp.App
	police, ngo, ca, cp, coord      nrm.Organisation
	officer, detective, ngoWorker   string
	ngoLawyer, decider, caWorker    string
	cpWorker, coordinator, policeDM string
}

func newWorld(t *testing.T, e sqlstore.Engine, cfg service.Config) *world {
	a := testapp.NewWith(t, e, cfg)
	w := &world{a: a}
	w.police, w.ngo, w.ca = a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
	w.cp, w.coord = a.MustOrg(t, nrm.KindChildProtection), a.MustOrg(t, nrm.KindCoordinator)
	tok := func(o nrm.Organisation, r nrm.Role) string { return a.MustToken(t, a.MustUser(t, o, r)) }
	w.officer, w.detective, w.policeDM = tok(w.police, nrm.RoleFirstResponder), tok(w.police, nrm.RoleLawEnforcement), tok(w.police, nrm.RoleDecisionMaker)
	w.ngoWorker, w.ngoLawyer = tok(w.ngo, nrm.RoleCaseWorker), tok(w.ngo, nrm.RoleLegalAdvisor)
	w.decider, w.caWorker = tok(w.ca, nrm.RoleDecisionMaker), tok(w.ca, nrm.RoleCaseWorker)
	w.cpWorker, w.coordinator = tok(w.cp, nrm.RoleCaseWorker), tok(w.coord, nrm.RoleCoordinator)
	return w
}

// must sends a request and insists on the status; it returns the JSON body.
func (w *world) must(t *testing.T, status int, method, path, token string, body any) map[string]any {
	t.Helper()
	r := w.a.Do(t, method, path, token, body)
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Body)
	}
	var m map[string]any
	json.Unmarshal(r.Body, &m)
	return m
}

// wantError insists on an error status and, for input errors, the field named.
func (w *world) wantError(t *testing.T, status int, field, method, path, token string, body any) string {
	t.Helper()
	r := w.a.Do(t, method, path, token, body)
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	json.Unmarshal(r.Body, &e)
	if r.Status != status || (field != "" && e.Error.Field != field) {
		t.Fatalf("%s %s: %d %s, want %d naming %q", method, path, r.Status, r.Body, status, field)
	}
	return e.Error.Message
}

func (w *world) adultCase(t *testing.T, token string) string {
	return w.a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
}

func (w *world) consent(t *testing.T, token, caseID, to string, scope []string, expires string) string {
	body := map[string]any{"purpose": "referral", "recipient_org": to, "scope": scope, "language": "ro", "interpreter": true}
	if expires != "" {
		body["expires"] = expires
	}
	m := w.must(t, 201, "POST", "/api/v1/cases/"+caseID+"/consents", token, body)
	if m["status"] != "given" {
		t.Fatalf("consent: %v", m)
	}
	return m["id"].(string)
}

func (w *world) refer(t *testing.T, token, caseID, to, consentID string) string {
	m := w.must(t, 201, "POST", "/api/v1/cases/"+caseID+"/referrals", token,
		map[string]any{"to_org": to, "reason": "Needs identification and shelter.", "consent_id": consentID})
	if m["status"] != "pending" {
		t.Fatalf("referral: %v", m)
	}
	return m["id"].(string)
}

func (w *world) state(t *testing.T, caseID, token string) (string, map[string]string) {
	m := w.must(t, 200, "GET", "/api/v1/cases/"+caseID, token, nil)
	deadlines := map[string]string{}
	for _, d := range m["deadlines"].([]any) {
		dm := d.(map[string]any)
		deadlines[dm["kind"].(string)] = dm["due"].(string)
	}
	return m["state"].(string), deadlines
}

func TestIdentificationTrack(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)

		s := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/screenings", w.officer, map[string]any{
			"indicator_set": "adult-labour", "indicators": []string{"AL01", "AL02", "AL18", "AL19"},
			"evidence": map[string]string{"AL01": "promised a job in a bakery"}})
		if s["outcome"] == nil || s["dimensions"].(map[string]any)["deceptive-recruitment"] != true {
			t.Fatalf("screening: %v", s)
		}
		consent := w.consent(t, w.officer, id, w.ca.ID, []string{"identity", "support"}, "")
		t.Run("before the referral the authority cannot see the case", func(t *testing.T) {
			w.wantError(t, 404, "", "GET", "/api/v1/cases/"+id, w.decider, nil)
		})
		ref := w.refer(t, w.officer, id, w.ca.ID, consent)
		if st, _ := w.state(t, id, w.officer); st != "referred" {
			t.Fatalf("after the NRM referral: %s", st)
		}
		t.Run("pending, the recipient still sees nothing of the person", func(t *testing.T) {
			// It knows of the referral (403), never the case's data.
			w.wantError(t, 403, "", "GET", "/api/v1/cases/"+id, w.decider, nil)
			inbox := w.a.Do(t, "GET", "/api/v1/referrals", w.decider, nil)
			if !strings.Contains(string(inbox.Body), ref) || strings.Contains(string(inbox.Body), "Popescu") {
				t.Fatalf("inbox: %s", inbox.Body)
			}
		})
		t.Run("only the receiving organisation accepts", func(t *testing.T) {
			w.wantError(t, 404, "", "POST", "/api/v1/referrals/"+ref+"/accept", w.ngoWorker, map[string]any{})
			w.wantError(t, 404, "", "POST", "/api/v1/referrals/"+ref+"/accept", w.officer, map[string]any{})
		})
		acc := w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, map[string]any{})
		if acc["status"] != "accepted" {
			t.Fatalf("accept: %v", acc)
		}
		st, dl := w.state(t, id, w.decider)
		// Accepted on Friday 2026-11-27; coe-minimum: 10 calendar days.
		if st != "awaiting-reasonable-grounds" || dl[nrm.DeadlineRG] != "2026-12-07" {
			t.Fatalf("after acceptance: %s %v", st, dl)
		}
		t.Run("a conclusive decision before a positive reasonable-grounds one is a conflict", func(t *testing.T) {
			msg := w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "conclusive-grounds", "outcome": "positive", "decided_on": "2026-11-27", "reasons": "All indicators are met."})
			if !strings.Contains(msg, "awaiting-reasonable-grounds") || !strings.Contains(msg, "reasonable-grounds decision") {
				t.Fatalf("the conflict does not name the state and the next step: %s", msg)
			}
		})
		t.Run("only a decision-maker of the competent authority decides", func(t *testing.T) {
			body := map[string]any{"kind": "reasonable-grounds", "outcome": "positive", "decided_on": "2026-11-27", "reasons": "Credible account."}
			w.wantError(t, 403, "", "POST", "/api/v1/cases/"+id+"/decisions", w.caWorker, body)
			w.wantError(t, 403, "", "POST", "/api/v1/cases/"+id+"/decisions", w.policeDM, body)
		})
		t.Run("a decision without reasons, or in the future, names the field", func(t *testing.T) {
			w.wantError(t, 422, "reasons", "POST", "/api/v1/cases/"+id+"/decisions", w.decider,
				map[string]any{"kind": "reasonable-grounds", "outcome": "positive", "decided_on": "2026-11-27"})
			w.wantError(t, 422, "decided_on", "POST", "/api/v1/cases/"+id+"/decisions", w.decider,
				map[string]any{"kind": "reasonable-grounds", "outcome": "positive", "decided_on": "2026-12-01", "reasons": "Credible account."})
			w.wantError(t, 422, "kind", "POST", "/api/v1/cases/"+id+"/decisions", w.decider,
				map[string]any{"kind": "final", "outcome": "positive", "decided_on": "2026-11-27", "reasons": "Credible account."})
		})
		d := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
			"kind": "reasonable-grounds", "outcome": "positive", "decided_on": "2026-11-27", "reasons": "Credible account, indicators met."})
		if d["state"] != "recovery-period" {
			t.Fatalf("decision: %v", d)
		}
		st, dl = w.state(t, id, w.officer)
		if st != "recovery-period" || dl[nrm.DeadlineRecoveryEnd] != "2026-12-27" || dl[nrm.DeadlineRG] != "" {
			t.Fatalf("after the positive reasonable-grounds decision: %s %v", st, dl)
		}
		t.Run("a second reasonable-grounds decision is a conflict", func(t *testing.T) {
			w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "reasonable-grounds", "outcome": "negative", "decided_on": "2026-11-27", "reasons": "Second thoughts."})
		})
		t.Run("the conclusive decision waits for the earliest date, then identifies", func(t *testing.T) {
			w.must(t, 200, "POST", "/api/v1/cases/"+id+"/await-conclusive", w.decider, map[string]any{})
			w.a.Clock.Advance(10 * 24 * time.Hour)
			msg := w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "conclusive-grounds", "outcome": "positive", "decided_on": "2026-12-07", "reasons": "Identified as a victim."})
			if !strings.Contains(msg, "2026-12-27") {
				t.Fatalf("%s", msg)
			}
			w.a.Clock.Advance(25 * 24 * time.Hour)
			c := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "conclusive-grounds", "outcome": "positive", "decided_on": "2026-12-30", "reasons": "Identified as a victim."})
			if c["state"] != "identified" {
				t.Fatalf("%v", c)
			}
		})
		t.Run("the timeline holds every step, without personal data", func(t *testing.T) {
			tl := w.a.Do(t, "GET", "/api/v1/cases/"+id+"/timeline", w.officer, nil)
			// In the order they happened, though the clock stood still for most.
			last := -1
			for _, want := range []string{"screened with adult-labour", "consent given", "referred to", "referral accepted",
				"reasonable-grounds decision: positive", "recovery-period", "identified"} {
				i := strings.Index(string(tl.Body), want)
				if i < 0 {
					t.Errorf("timeline lacks %q", want)
				} else if i < last {
					t.Errorf("timeline has %q out of order", want)
				}
				last = max(last, i)
			}
			if strings.Contains(string(tl.Body), "Popescu") || strings.Contains(string(tl.Body), "bakery") {
				t.Fatalf("timeline holds personal data: %s", tl.Body)
			}
		})
	})
}

func TestNegativeDecisionAndReconsideration(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		ref := w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
		d := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
			"kind": "reasonable-grounds", "outcome": "negative", "decided_on": "2026-11-27", "reasons": "No indicators were found."})
		if d["state"] != "not-identified" {
			t.Fatalf("%v", d)
		}
		w.wantError(t, 422, "reason", "POST", "/api/v1/cases/"+id+"/reconsider", w.decider, map[string]any{})
		r := w.must(t, 200, "POST", "/api/v1/cases/"+id+"/reconsider", w.decider, map[string]any{"reason": "New evidence from the NGO."})
		if st, dl := w.state(t, id, w.decider); r["state"] != "awaiting-reasonable-grounds" || st != r["state"] || dl[nrm.DeadlineRG] == "" {
			t.Fatalf("after reconsideration: %v %s %v", r, st, dl)
		}
	})
}

func TestAdultReferralRestsOnConsent(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		path := "/api/v1/cases/" + id + "/referrals"
		refer := func(consent string) map[string]any {
			return map[string]any{"to_org": w.ngo.ID, "reason": "Shelter needed.", "consent_id": consent}
		}
		t.Run("no consent", func(t *testing.T) { w.wantError(t, 422, "consent_id", "POST", path, w.officer, refer("")) })
		t.Run("an unknown consent", func(t *testing.T) { w.wantError(t, 422, "consent_id", "POST", path, w.officer, refer(nrm.NewID())) })
		t.Run("a consent for another recipient", func(t *testing.T) {
			w.wantError(t, 422, "consent_id", "POST", path, w.officer, refer(w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, "")))
		})
		t.Run("a withdrawn consent", func(t *testing.T) {
			c := w.consent(t, w.officer, id, w.ngo.ID, []string{"identity"}, "")
			if m := w.must(t, 200, "POST", "/api/v1/consents/"+c+"/withdraw", w.officer, map[string]any{}); m["status"] != "withdrawn" {
				t.Fatalf("%v", m)
			}
			w.wantError(t, 422, "consent_id", "POST", path, w.officer, refer(c))
		})
		t.Run("an expired consent", func(t *testing.T) {
			c := w.consent(t, w.officer, id, w.ngo.ID, []string{"identity"}, "2026-11-28")
			w.a.Clock.Advance(2 * 24 * time.Hour)
			w.wantError(t, 422, "consent_id", "POST", path, w.officer, refer(c))
		})
		t.Run("a referral to one's own organisation", func(t *testing.T) {
			w.wantError(t, 422, "to_org", "POST", path, w.officer, map[string]any{"to_org": w.police.ID, "reason": "x", "consent_id": ""})
		})
		t.Run("a referral to an unknown organisation", func(t *testing.T) {
			w.wantError(t, 422, "to_org", "POST", path, w.officer, map[string]any{"to_org": nrm.NewID(), "reason": "x"})
		})
		t.Run("consent to an unknown organisation, in the past or with an unknown compartment", func(t *testing.T) {
			cp := "/api/v1/cases/" + id + "/consents"
			w.wantError(t, 422, "recipient_org", "POST", cp, w.officer, map[string]any{"purpose": "referral", "recipient_org": nrm.NewID(), "scope": []string{"identity"}})
			w.wantError(t, 422, "scope", "POST", cp, w.officer, map[string]any{"purpose": "referral", "recipient_org": w.ngo.ID, "scope": []string{"health"}})
			w.wantError(t, 422, "expires", "POST", cp, w.officer, map[string]any{"purpose": "referral", "recipient_org": w.ngo.ID, "scope": []string{"identity"}, "expires": "2020-01-01"})
			w.wantError(t, 422, "given_on", "POST", cp, w.officer, map[string]any{"purpose": "referral", "recipient_org": w.ngo.ID, "scope": []string{"identity"}, "given_on": "2027-01-01"})
			w.wantError(t, 422, "purpose", "POST", cp, w.officer, map[string]any{"purpose": "marketing", "recipient_org": w.ngo.ID, "scope": []string{"identity"}})
		})
		var n int
		w.a.RawDB(t).QueryRow("SELECT COUNT(*) FROM referrals").Scan(&n)
		if n != 0 {
			t.Fatalf("%d referrals written by refused requests", n)
		}
	})
}

func TestWithdrawalAndExpiryEndAccessAtOnce(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		for _, tc := range []struct {
			name string
			end  func(t *testing.T, consent string)
		}{
			{"withdrawal", func(t *testing.T, consent string) {
				w.must(t, 200, "POST", "/api/v1/consents/"+consent+"/withdraw", w.officer, nil)
			}},
			{"expiry", func(t *testing.T, consent string) { w.a.Clock.Advance(3 * 24 * time.Hour) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				id := w.adultCase(t, w.officer)
				expires := ""
				if tc.name == "expiry" {
					expires = w.a.Svc.Today().AddDays(1).String()
				}
				consent := w.consent(t, w.officer, id, w.ngo.ID, []string{"identity", "support"}, expires)
				ref := w.refer(t, w.officer, id, w.ngo.ID, consent)
				w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.ngoWorker, nil)
				c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.ngoWorker, nil)
				if c["person"].(map[string]any)["family_name"] != "Popescu" || c["relation"] != "partner" {
					t.Fatalf("the accepted partner does not read the person: %v", c)
				}
				tc.end(t, consent)
				r := w.a.Do(t, "GET", "/api/v1/cases/"+id, w.ngoWorker, nil)
				if (r.Status != 403 && r.Status != 404) || strings.Contains(string(r.Body), "Popescu") {
					t.Fatalf("after the %s: %d %s", tc.name, r.Status, r.Body)
				}
				l := w.a.Do(t, "GET", "/api/v1/cases", w.ngoWorker, nil)
				if strings.Contains(string(l.Body), id) {
					t.Fatalf("after the %s the case is still listed", tc.name)
				}
			})
		}
	})
}

func TestCompartments(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.detective)
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/notes", w.detective, map[string]any{"compartment": "justice", "text": "Statement taken on 20 November."})
		consent := w.consent(t, w.detective, id, w.ngo.ID, []string{"identity", "support", "justice"}, "")
		ref := w.refer(t, w.detective, id, w.ngo.ID, consent)
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.ngoWorker, nil)
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/notes", w.ngoWorker, map[string]any{"compartment": "support", "text": "Needs trauma counselling."})

		read := func(token string) string {
			r := w.a.Do(t, "GET", "/api/v1/cases/"+id+"/notes", token, nil)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			return string(r.Body)
		}
		t.Run("police never read support notes", func(t *testing.T) {
			for _, token := range []string{w.detective, w.officer} {
				if s := read(token); strings.Contains(s, "counselling") {
					t.Fatalf("police read a support note: %s", s)
				}
			}
			w.wantError(t, 403, "", "POST", "/api/v1/cases/"+id+"/notes", w.detective, map[string]any{"compartment": "support", "text": "x"})
		})
		// CONTRACT.md, "Access to justice": case workers read justice
		// material where the consent's scope holds justice, and only there.
		t.Run("an NGO case worker reads justice material only when the consent's scope holds justice", func(t *testing.T) {
			if s := read(w.ngoWorker); !strings.Contains(s, "Statement taken") || !strings.Contains(s, "counselling") {
				t.Fatalf("%s", s)
			}
			other := w.adultCase(t, w.detective)
			w.must(t, 201, "POST", "/api/v1/cases/"+other+"/notes", w.detective, map[string]any{"compartment": "justice", "text": "Statement taken on 21 November."})
			ref := w.refer(t, w.detective, other, w.ngo.ID, w.consent(t, w.detective, other, w.ngo.ID, []string{"identity", "support"}, ""))
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.ngoWorker, nil)
			r := w.a.Do(t, "GET", "/api/v1/cases/"+other+"/notes", w.ngoWorker, nil)
			if r.Status != 200 || strings.Contains(string(r.Body), "Statement taken") {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			w.wantError(t, 403, "", "POST", "/api/v1/cases/"+other+"/notes", w.ngoWorker, map[string]any{"compartment": "justice", "text": "x"})
		})
		t.Run("an NGO legal advisor reads justice material when the consent allows it", func(t *testing.T) {
			if s := read(w.ngoLawyer); !strings.Contains(s, "Statement taken") || strings.Contains(s, "counselling") {
				t.Fatalf("%s", s)
			}
		})
		t.Run("without justice in the consent, not even the legal advisor reads it", func(t *testing.T) {
			id2 := w.adultCase(t, w.detective)
			w.must(t, 201, "POST", "/api/v1/cases/"+id2+"/notes", w.detective, map[string]any{"compartment": "justice", "text": "Second statement."})
			ref2 := w.refer(t, w.detective, id2, w.ngo.ID, w.consent(t, w.detective, id2, w.ngo.ID, []string{"identity", "support"}, ""))
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref2+"/accept", w.ngoLawyer, nil)
			r := w.a.Do(t, "GET", "/api/v1/cases/"+id2+"/notes", w.ngoLawyer, nil)
			if strings.Contains(string(r.Body), "Second statement") {
				t.Fatalf("%s", r.Body)
			}
		})
	})
}

func TestChildNeedsNoConsentAndChildProtectionIsNotified(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		body := testapp.CaseBody("Ion", "Rusu", "")
		body["person"].(map[string]any)["age_uncertain"] = true
		id := w.a.MustCase(t, w.officer, body)
		ref := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.officer, map[string]any{"to_org": w.ca.ID, "reason": "A child, presumed so."})
		inbox := w.must(t, 200, "GET", "/api/v1/referrals", w.cpWorker, nil)["items"].([]any)
		if len(inbox) != 1 || inbox[0].(map[string]any)["child_protection"] != true {
			t.Fatalf("child protection was not notified: %v", inbox)
		}
		w.must(t, 200, "POST", "/api/v1/referrals/"+inbox[0].(map[string]any)["id"].(string)+"/accept", w.cpWorker, nil)
		if c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.cpWorker, nil); c["person"].(map[string]any)["family_name"] != "Rusu" {
			t.Fatalf("%v", c)
		}
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref["id"].(string)+"/accept", w.decider, nil)
		if st, _ := w.state(t, id, w.decider); st != "awaiting-reasonable-grounds" {
			t.Fatalf("%s", st)
		}
	})
}

func TestAnonymousNotificationHoldsNoPersonalData(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		m := w.must(t, 201, "POST", "/api/v1/notifications", w.officer, map[string]any{
			"sex": "female", "age_band": "25-34", "nationality": "MD", "exploitation_type": "forced-labour", "country": "GB", "region": "South West"})
		if m["id"] == nil {
			t.Fatalf("%v", m)
		}
		w.wantError(t, 400, "name", "POST", "/api/v1/notifications", w.officer, map[string]any{"name": "Ana", "country": "GB"})
		w.wantError(t, 422, "age_band", "POST", "/api/v1/notifications", w.officer, map[string]any{"age_band": "30", "country": "GB"})
		// A child is referred, never notified anonymously: no consent is needed.
		w.wantError(t, 422, "age_band", "POST", "/api/v1/notifications", w.officer, map[string]any{"age_band": "12-17", "country": "GB"})
		w.wantError(t, 422, "notified_on", "POST", "/api/v1/notifications", w.officer, map[string]any{"notified_on": "2027-01-01", "country": "GB"})
		w.wantError(t, 403, "", "POST", "/api/v1/notifications", w.decider, map[string]any{"country": "GB"})
	})
}

func TestScreeningBadInput(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		p := "/api/v1/cases/" + id + "/screenings"
		msg := w.wantError(t, 422, "indicators", "POST", p, w.officer, map[string]any{"indicator_set": "adult-labour", "indicators": []string{"AL01", "XX99"}})
		if !strings.Contains(msg, "XX99") {
			t.Fatalf("the error does not name the indicator: %s", msg)
		}
		w.wantError(t, 422, "indicators", "POST", p, w.officer, map[string]any{"indicator_set": "adult-labour", "indicators": []string{"CL01"}})
		w.wantError(t, 422, "indicator_set", "POST", p, w.officer, map[string]any{"indicator_set": "adult-sexual", "indicators": []string{"AL01"}})
		w.wantError(t, 422, "screened_on", "POST", p, w.officer, map[string]any{"indicator_set": "adult-labour", "indicators": []string{"AL01"}, "screened_on": "2027-01-01"})
		w.wantError(t, 422, "evidence", "POST", p, w.officer, map[string]any{"indicator_set": "adult-labour", "indicators": []string{"AL01"}, "evidence": map[string]string{"AL02": "x"}})
		if l := w.must(t, 200, "GET", p, w.officer, nil)["items"].([]any); len(l) != 0 {
			t.Fatalf("%d screenings written by refused requests", len(l))
		}
		t.Run("a case may be screened again; each screening is kept", func(t *testing.T) {
			w.must(t, 201, "POST", p, w.officer, map[string]any{"indicator_set": "adult-labour", "indicators": []string{"AL01"}})
			w.must(t, 201, "POST", p, w.officer, map[string]any{"indicator_set": "child-labour", "indicators": []string{"CL01"}})
			if l := w.must(t, 200, "GET", p, w.officer, nil)["items"].([]any); len(l) != 2 {
				t.Fatalf("%d screenings", len(l))
			}
		})
		w.wantError(t, 422, "state", "GET", "/api/v1/cases?state=lost", w.officer, nil)
	})
}

func TestCloseAndReopenAsANewEpisode(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		w.consent(t, w.officer, id, w.ngo.ID, []string{"identity"}, "2027-03-01")
		if _, dl := w.state(t, id, w.officer); dl[nrm.DeadlineConsentExpiry] != "2027-03-01" {
			t.Fatalf("%v", dl)
		}
		w.wantError(t, 422, "reason", "POST", "/api/v1/cases/"+id+"/close", w.officer, map[string]any{"reason": "bored"})
		w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/reopen", w.officer, map[string]any{"reason": "again"})
		w.wantError(t, 403, "", "POST", "/api/v1/cases/"+id+"/close", w.a.MustToken(t, w.a.MustUser(t, w.police, nrm.RoleAnalyst)), map[string]any{"reason": "goals-met"})
		c := w.must(t, 200, "POST", "/api/v1/cases/"+id+"/close", w.officer, map[string]any{"reason": "lost-contact", "note": "Left the shelter."})
		if st, dl := w.state(t, id, w.officer); c["state"] != "closed" || st != "closed" || len(dl) != 0 {
			t.Fatalf("closed: %v %s %v", c, st, dl)
		}
		w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/close", w.officer, map[string]any{"reason": "goals-met"})
		n := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/reopen", w.officer, map[string]any{"reason": "Met again at a car wash."})
		if n["episode"] != float64(2) || n["previous_case"] != id || n["state"] != "encountered" ||
			n["person"].(map[string]any)["family_name"] != "Popescu" {
			t.Fatalf("new episode: %v", n)
		}
		first := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
		eps, _ := first["episodes"].([]any)
		if len(eps) != 1 || eps[0].(map[string]any)["case_id"] != n["id"] {
			t.Fatalf("the first episode does not link the second: %v", first["episodes"])
		}
	})
}

func TestDeadlinesDashboard(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		ref := w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
		other := w.adultCase(t, w.ngoWorker)
		w.consent(t, w.ngoWorker, other, w.police.ID, []string{"identity"}, "2026-12-01")

		d := w.must(t, 200, "GET", "/api/v1/deadlines?within=14", w.officer, nil)
		items := d["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["kind"] != nrm.DeadlineRG || items[0].(map[string]any)["status"] != "due-soon" {
			t.Fatalf("the police dashboard: %v", d)
		}
		all := w.must(t, 200, "GET", "/api/v1/deadlines?within=14&all=true", w.coordinator, nil)
		if all["due_soon"] != float64(2) || strings.Contains(mustJSON(all), "Popescu") {
			t.Fatalf("the coordinator's overview: %v", all)
		}
		w.wantError(t, 403, "", "GET", "/api/v1/deadlines?all=true", w.officer, nil)
		w.wantError(t, 422, "within", "GET", "/api/v1/deadlines?within=x", w.officer, nil)
		w.a.Clock.Advance(11 * 24 * time.Hour)
		d = w.must(t, 200, "GET", "/api/v1/deadlines?within=14", w.decider, nil)
		if d["overdue"] != float64(1) || d["items"].([]any)[0].(map[string]any)["status"] != "overdue" {
			t.Fatalf("after 11 days: %v", d)
		}
	})
}

func TestJurisdictionProfiles(t *testing.T) {
	for _, tc := range []struct {
		profile       string
		rgDue, recEnd string
	}{
		// Accepted on Friday 2026-11-27: 5 working days is Friday 4 December.
		{"uk-england-wales", "2026-12-04", "2026-12-28"},
		{"uk-scotland", "2026-12-04", "2027-02-26"},
		{"coe-minimum", "2026-12-07", "2026-12-28"},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			p, err := jurisdiction.Get(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(t, sqlstore.SQLite, service.Config{Profile: p})
			id := w.adultCase(t, w.officer)
			ref := w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
			if _, dl := w.state(t, id, w.decider); dl[nrm.DeadlineRG] != tc.rgDue {
				t.Fatalf("reasonable-grounds due %s, want %s", dl[nrm.DeadlineRG], tc.rgDue)
			}
			w.a.Clock.Advance(24 * time.Hour)
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "reasonable-grounds", "outcome": "positive", "decided_on": "2026-11-28", "reasons": "Credible account."})
			if _, dl := w.state(t, id, w.decider); dl[nrm.DeadlineRecoveryEnd] != tc.recEnd {
				t.Fatalf("recovery period ends %s, want %s", dl[nrm.DeadlineRecoveryEnd], tc.recEnd)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestWithdrawingReferrals(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		t.Run("an accepted NRM referral withdrawn before any decision returns the case to encountered", func(t *testing.T) {
			id := w.adultCase(t, w.officer)
			ref := w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
			w.wantError(t, 422, "reason", "POST", "/api/v1/referrals/"+ref+"/withdraw", w.officer, map[string]any{})
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/withdraw", w.officer, map[string]any{"reason": "She moved abroad."})
			if st, dl := w.state(t, id, w.officer); st != "encountered" || len(dl) != 0 {
				t.Fatalf("%s %v", st, dl)
			}
			w.wantError(t, 404, "", "GET", "/api/v1/cases/"+id, w.decider, nil)
			l := w.must(t, 200, "GET", "/api/v1/cases/"+id+"/referrals", w.officer, nil)["items"].([]any)
			r := l[0].(map[string]any)
			if r["status"] != "withdrawn" || !strings.Contains(r["response_reason"].(string), "She moved abroad.") || r["responded_at"] == nil {
				t.Fatalf("%v", r)
			}
		})
		t.Run("after a decision it is a conflict", func(t *testing.T) {
			id := w.adultCase(t, w.officer)
			ref := w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "reasonable-grounds", "outcome": "positive", "decided_on": w.a.Svc.Today().String(), "reasons": "Credible account."})
			w.wantError(t, 409, "", "POST", "/api/v1/referrals/"+ref+"/withdraw", w.officer, map[string]any{"reason": "Changed our mind."})
		})
	})
}

func TestDashboardFollowsAccess(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.ngoWorker)
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/plans", w.ngoWorker, map[string]any{"type": "Health", "objectives": "Recover.",
			"action_plan": "See a doctor.", "review_on": w.a.Svc.Today().AddDays(7).String()})
		// A shelter, with consent to identity only, and the police with the same.
		shelter := w.a.MustOrg(t, nrm.KindShelter)
		shelterWorker := w.a.MustToken(t, w.a.MustUser(t, shelter, nrm.RoleCaseWorker))
		consent := w.consent(t, w.ngoWorker, id, shelter.ID, []string{"identity"}, "")
		ref := w.refer(t, w.ngoWorker, id, shelter.ID, consent)
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", shelterWorker, nil)
		dash := func(token string) string {
			return mustJSON(w.must(t, 200, "GET", "/api/v1/deadlines?within=30", token, nil))
		}
		if d := dash(w.ngoWorker); !strings.Contains(d, nrm.DeadlinePlanReview) {
			t.Fatalf("the owner lacks its own clock: %s", d)
		}
		if d := dash(shelterWorker); strings.Contains(d, nrm.DeadlinePlanReview) || !strings.Contains(d, `"due_soon":0`) {
			t.Fatalf("a partner without support in scope sees a support clock: %s", d)
		}
		t.Run("the list shows each case's clocks", func(t *testing.T) {
			l := mustJSON(w.must(t, 200, "GET", "/api/v1/cases", w.ngoWorker, nil))
			if !strings.Contains(l, nrm.DeadlinePlanReview) {
				t.Fatalf("%s", l)
			}
		})
		t.Run("a withdrawn consent takes the case off the partner's dashboard", func(t *testing.T) {
			id2 := w.adultCase(t, w.ngoWorker)
			c2 := w.consent(t, w.ngoWorker, id2, shelter.ID, []string{"identity"}, w.a.Svc.Today().AddDays(20).String())
			r2 := w.refer(t, w.ngoWorker, id2, shelter.ID, c2)
			w.must(t, 200, "POST", "/api/v1/referrals/"+r2+"/accept", shelterWorker, nil)
			if d := dash(shelterWorker); !strings.Contains(d, id2) {
				t.Fatalf("the partner does not see the consent's clock: %s", d)
			}
			w.must(t, 200, "POST", "/api/v1/consents/"+c2+"/withdraw", w.ngoWorker, nil)
			if d := dash(shelterWorker); strings.Contains(d, id2) {
				t.Fatalf("after withdrawal the case is still on the partner's dashboard: %s", d)
			}
		})
	})
}
