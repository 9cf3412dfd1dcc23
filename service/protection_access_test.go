package service_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// A police organisation creates the case and refers it, with consent, to an
// NGO for support. Its staff in any role neither write nor read the
// protection track, and see nothing of it through the case or its timeline.
func TestProtectionClosedToPolice(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		responder := a.MustToken(t, a.MustUser(t, police, nrm.RoleFirstResponder))
		officers := map[string]string{
			"first-responder": responder,
			"case-worker":     a.MustToken(t, a.MustUser(t, police, nrm.RoleCaseWorker)),
			"law-enforcement": a.MustToken(t, a.MustUser(t, police, nrm.RoleLawEnforcement)),
		}
		worker := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		id := a.MustCase(t, responder, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))

		// Before any referral the police own the case and still may not write support.
		for role, token := range officers {
			r := a.Do(t, "POST", "/api/v1/cases/"+id+"/needs", token, needsBody())
			mustStatus(t, role+" writing needs on its own case", r, http.StatusForbidden)
		}

		a.MustShare(t, id, responder, ngo, "referral", []string{"identity", "support"}, worker)

		permit := writeAll(t, a, id, worker)
		if p := getProtection(t, a, id, worker); len(p.Needs) != 1 || p.Services[0].Provider != secretProvider {
			t.Fatalf("the NGO partner does not read its own records: %+v", p)
		}
		before := map[string]int{}
		for _, table := range []string{"needs_assessments", "support_plans", "services", "residence_permits"} {
			before[table] = countRows(t, a, table, id)
		}

		for role, token := range officers {
			t.Run(role+" gets 403 on every write and read", func(t *testing.T) {
				for _, w := range []struct {
					path string
					body map[string]any
				}{
					{"/api/v1/cases/" + id + "/needs", needsBody()},
					{"/api/v1/cases/" + id + "/plans", planBody()},
					{"/api/v1/cases/" + id + "/services", serviceBody()},
					{"/api/v1/cases/" + id + "/residence", residenceBody()},
					{"/api/v1/residence/" + permit + "/renew", map[string]any{"renewed_on": "2026-11-27", "expires_on": "2027-11-26", "version": 1}},
				} {
					r := a.Do(t, "POST", w.path, token, w.body)
					mustStatus(t, w.path, r, http.StatusForbidden)
					mustNotContain(t, w.path, r.Body, supportSecrets...)
				}
				r := a.Do(t, "GET", "/api/v1/cases/"+id+"/protection", token, nil)
				mustStatus(t, "protection", r, http.StatusForbidden)
				mustNotContain(t, "the refusal", r.Body, supportSecrets...)
				if _, err := a.Svc.Protection(testapp.As(actorOf(t, a, token)), id); nrm.ErrorCode(err) != nrm.CodeForbidden {
					t.Fatalf("service: %v", err)
				}
			})
			t.Run(role+" sees nothing of the protection track on the case", func(t *testing.T) {
				r := a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
				mustStatus(t, "case", r, http.StatusOK)
				mustNotContain(t, "the case", r.Body, supportSecrets...)
				events, body := timelineOf(t, a, id, token)
				for _, ev := range events {
					if ev.Compartment == "support" || strings.Contains(ev.Summary, "service given") || strings.Contains(ev.Summary, "residence") {
						t.Errorf("the police timeline shows %+v", ev)
					}
				}
				mustNotContain(t, "the timeline", body, supportSecrets...)
			})
		}
		t.Run("nothing was written by the refused calls", func(t *testing.T) {
			for table, n := range before {
				if got := countRows(t, a, table, id); got != n {
					t.Errorf("%s: %d rows, was %d", table, got, n)
				}
			}
			if got := getProtection(t, a, id, worker).Residence[0]; got.Version != 1 || got.ExpiresOn != "2027-05-26" {
				t.Errorf("the permit changed: %+v", got)
			}
		})
		t.Run("every refusal is in the audit log", func(t *testing.T) {
			// 3 early needs, then per officer 4 writes, 1 renewal and 1 read.
			if got := countPrefix(auditActions(t, a, id), "support.write denied"); got != 3+3*5 {
				t.Errorf("%d support.write denials", got)
			}
			if got := countPrefix(auditActions(t, a, id), "case.read.support denied"); got != 3*2 {
				t.Errorf("%d case.read.support denials", got)
			}
		})
	})
}

// actorOf finds the user behind an API token.
func actorOf(t *testing.T, a *testapp.App, token string) nrm.Actor {
	t.Helper()
	act, err := a.Svc.TokenActor(ctxBG, token)
	if err != nil {
		t.Fatal(err)
	}
	return act
}

// A partner whose consent does not reach the support compartment, and an
// organisation with no part in the case, are refused; neither sees the data.
func TestProtectionPartnersNeedSupportInScope(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		ngo, lawyers, stranger := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindLegalAid), a.MustOrg(t, nrm.KindShelter)
		worker := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		partner := a.MustToken(t, a.MustUser(t, lawyers, nrm.RoleCaseWorker))
		outsider := a.MustToken(t, a.MustUser(t, stranger, nrm.RoleCaseWorker))
		id := a.MustCase(t, worker, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))

		a.MustShare(t, id, worker, lawyers, "referral", []string{"identity", "justice"}, partner)
		permit := writeAll(t, a, id, worker)

		for _, who := range []struct {
			name, token string
			status      int
		}{{"a partner without support in scope", partner, http.StatusForbidden}, {"an organisation with no part in the case", outsider, http.StatusNotFound}} {
			t.Run(who.name+" is refused", func(t *testing.T) {
				for _, w := range []struct {
					path string
					body map[string]any
				}{
					{"/api/v1/cases/" + id + "/needs", needsBody()},
					{"/api/v1/cases/" + id + "/plans", planBody()},
					{"/api/v1/cases/" + id + "/services", serviceBody()},
					{"/api/v1/cases/" + id + "/residence", residenceBody()},
				} {
					r := a.Do(t, "POST", w.path, who.token, w.body)
					mustStatus(t, w.path, r, who.status)
				}
				r := a.Do(t, "POST", "/api/v1/residence/"+permit+"/renew", who.token,
					map[string]any{"renewed_on": "2026-11-27", "expires_on": "2027-11-26", "version": 1})
				if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
					t.Fatalf("renew: %d %s", r.Status, r.Body)
				}
				r = a.Do(t, "GET", "/api/v1/cases/"+id+"/protection", who.token, nil)
				mustStatus(t, "protection", r, who.status)
				mustNotContain(t, "the refusal", r.Body, supportSecrets...)
			})
		}
		t.Run("the partner reads the case but nothing of the support track", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/cases/"+id, partner, nil)
			mustStatus(t, "case", r, http.StatusOK)
			mustNotContain(t, "the case", r.Body, supportSecrets...)
			events, body := timelineOf(t, a, id, partner)
			for _, ev := range events {
				if ev.Compartment == "support" {
					t.Errorf("the partner's timeline shows %+v", ev)
				}
			}
			mustNotContain(t, "the timeline", body, supportSecrets...)
		})
		t.Run("nothing was written and the permit is unchanged", func(t *testing.T) {
			for _, table := range []string{"needs_assessments", "support_plans", "services", "residence_permits"} {
				if got := countRows(t, a, table, id); got != 1 {
					t.Errorf("%s: %d rows", table, got)
				}
			}
			if got := getProtection(t, a, id, worker).Residence[0]; got.Version != 1 {
				t.Errorf("%+v", got)
			}
		})
	})
}

// Support never waits on the identification track and needs no justice
// step: it is recorded in state encountered, while the competent authority
// decides, and after a negative decision. Only a closed case takes no more.
func TestProtectionInAnyStateButClosed(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		ngo, authority := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
		worker := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		decider := a.MustToken(t, a.MustUser(t, authority, nrm.RoleDecisionMaker))
		id := a.MustCase(t, worker, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))

		state := func(t *testing.T) string {
			t.Helper()
			r := a.Do(t, "GET", "/api/v1/cases/"+id, worker, nil)
			mustStatus(t, "case", r, http.StatusOK)
			return r.JSON(t)["state"].(string)
		}
		addNeed := func(t *testing.T, need string) {
			t.Helper()
			r := a.Do(t, "POST", "/api/v1/cases/"+id+"/needs", worker, map[string]any{"needs": []string{need}})
			mustStatus(t, "needs in state "+state(t), r, http.StatusCreated)
		}

		t.Run("encountered: no referral, no decision, no police", func(t *testing.T) {
			if s := state(t); s != string(nrm.StateEncountered) {
				t.Fatalf("state %s", s)
			}
			writeAll(t, a, id, worker)
		})

		c := a.Do(t, "POST", "/api/v1/cases/"+id+"/consents", worker,
			map[string]any{"purpose": "referral", "recipient_org": authority.ID, "scope": []string{"identity"}})
		mustStatus(t, "consent", c, http.StatusCreated)
		ref := a.Do(t, "POST", "/api/v1/cases/"+id+"/referrals", worker,
			map[string]any{"to_org": authority.ID, "reason": "NRM referral", "consent_id": c.JSON(t)["id"]})
		mustStatus(t, "referral", ref, http.StatusCreated)
		t.Run("referred", func(t *testing.T) { addNeed(t, "documents") })

		mustStatus(t, "accept", a.Do(t, "POST", "/api/v1/referrals/"+ref.JSON(t)["id"].(string)+"/accept", decider, map[string]any{}), http.StatusOK)
		t.Run("awaiting reasonable grounds", func(t *testing.T) {
			if s := state(t); s != string(nrm.StateAwaitingReasonableGrounds) {
				t.Fatalf("state %s", s)
			}
			addNeed(t, "financial")
		})

		d := a.Do(t, "POST", "/api/v1/cases/"+id+"/decisions", decider, map[string]any{"kind": "reasonable-grounds",
			"outcome": "negative", "decided_on": "2026-11-27", "reasons": "The account does not meet the threshold on the evidence so far."})
		mustStatus(t, "negative decision", d, http.StatusCreated)
		t.Run("after a negative decision", func(t *testing.T) {
			if s := state(t); s != string(nrm.StateNotIdentified) {
				t.Fatalf("state %s", s)
			}
			addNeed(t, "family-contact")
			mustStatus(t, "service", a.Do(t, "POST", "/api/v1/cases/"+id+"/services", worker,
				map[string]any{"type": "legal", "provider": "Law Centre", "started_on": "2026-11-27"}), http.StatusCreated)
			mustStatus(t, "plan", a.Do(t, "POST", "/api/v1/cases/"+id+"/plans", worker,
				map[string]any{"type": "Legal", "objectives": "challenge the decision"}), http.StatusCreated)
			mustStatus(t, "residence", a.Do(t, "POST", "/api/v1/cases/"+id+"/residence", worker,
				map[string]any{"basis": "asylum", "applied_on": "2026-11-27"}), http.StatusCreated)
			p := getProtection(t, a, id, worker)
			if len(p.Needs) != 4 || len(p.Plans) != 2 || len(p.Services) != 2 || len(p.Residence) != 2 {
				t.Fatalf("needs %d plans %d services %d residence %d", len(p.Needs), len(p.Plans), len(p.Services), len(p.Residence))
			}
		})

		mustStatus(t, "close", a.Do(t, "POST", "/api/v1/cases/"+id+"/close", worker, map[string]any{"reason": "goals-met"}), http.StatusOK)
		t.Run("closed: no more support is recorded, what there is still reads", func(t *testing.T) {
			for _, w := range []struct {
				path string
				body map[string]any
			}{
				{"/api/v1/cases/" + id + "/needs", needsBody()},
				{"/api/v1/cases/" + id + "/plans", planBody()},
				{"/api/v1/cases/" + id + "/services", serviceBody()},
				{"/api/v1/cases/" + id + "/residence", residenceBody()},
			} {
				mustStatus(t, w.path, a.Do(t, "POST", w.path, worker, w.body), http.StatusConflict)
			}
			p := getProtection(t, a, id, worker)
			if len(p.Needs) != 4 || len(p.Plans) != 2 || len(p.Services) != 2 || len(p.Residence) != 2 {
				t.Fatalf("needs %d plans %d services %d residence %d", len(p.Needs), len(p.Plans), len(p.Services), len(p.Residence))
			}
			if d := deadlinesOf(t, a, id, worker); len(d) != 0 {
				t.Fatalf("clocks still running on a closed case: %v", d)
			}
		})
	})
}
