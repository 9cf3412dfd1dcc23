package service_test

import (
	"encoding/base64"
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

// The protection track (needs, support plan, services, residence) on the
// real stack: written and read in the support compartment only, in any
// state but closed, sealed at rest, with its clocks on the case.

// Distinctive free text of the support track: it must come back opened to
// a support reader and never reach the database, a police officer or a
// partner without support in plaintext.
const (
	secretNeedsNote  = "sleeps in the van behind Quayside Fisheries"
	secretObjectives = "regain custody of her daughter Milena"
	secretActionPlan = "appointment with Dr Okonkwo about the untreated fracture"
	secretProvider   = "Linden House refuge, Cotham Hill"
	secretSvcNote    = "keycode 4471 for the back entrance"
)

var supportSecrets = []string{secretNeedsNote, secretObjectives, secretActionPlan, secretProvider, secretSvcNote}

func needsBody() map[string]any {
	return map[string]any{"assessed_on": "2026-11-24", "needs": []string{"accommodation", "medical", "safety", "medical"},
		"notes": secretNeedsNote}
}

func planBody() map[string]any {
	return map[string]any{"type": "SocialCare", "objectives": secretObjectives, "action_plan": secretActionPlan,
		"starts_on": "2026-11-25", "planned_end": "2027-05-25", "review_on": "2026-12-23"}
}

func serviceBody() map[string]any {
	return map[string]any{"type": "accommodation", "provider": secretProvider, "started_on": "2026-11-21",
		"ended_on": "2027-02-21", "notes": secretSvcNote}
}

func residenceBody() map[string]any {
	return map[string]any{"basis": "victim-of-trafficking", "applied_on": "2026-11-22", "granted_on": "2026-11-26",
		"expires_on": "2027-05-26"}
}

// mustStatus fails unless r has the status.
func mustStatus(t *testing.T, what string, r testapp.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: %d, want %d: %s", what, r.Status, want, r.Body)
	}
}

// errorField is the field an error answer names.
func errorField(t *testing.T, r testapp.Response) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Field string }
	}
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("error answer not JSON: %s", r.Body)
	}
	return e.Error.Field
}

// writeAll writes one record of each kind and returns the permit's id.
func writeAll(t *testing.T, a *testapp.App, caseID, token string) (permitID string) {
	t.Helper()
	mustStatus(t, "needs", a.Do(t, "POST", "/api/v1/cases/"+caseID+"/needs", token, needsBody()), http.StatusCreated)
	mustStatus(t, "plan", a.Do(t, "POST", "/api/v1/cases/"+caseID+"/plans", token, planBody()), http.StatusCreated)
	mustStatus(t, "service", a.Do(t, "POST", "/api/v1/cases/"+caseID+"/services", token, serviceBody()), http.StatusCreated)
	r := a.Do(t, "POST", "/api/v1/cases/"+caseID+"/residence", token, residenceBody())
	mustStatus(t, "residence", r, http.StatusCreated)
	return r.JSON(t)["id"].(string)
}

type protectionAnswer struct {
	Needs []struct {
		ID, Notes  string
		CaseID     string `json:"case_id"`
		AssessedOn string `json:"assessed_on"`
		Needs      []string
	}
	Plans []struct {
		ID, Type, Objectives string
		StartsOn             string `json:"starts_on"`
		ActionPlan           string `json:"action_plan"`
		PlannedEnd           string `json:"planned_end"`
		ReviewOn             string `json:"review_on"`
	}
	Services []struct {
		ID, Type, Provider, Notes string
		StartedOn                 string `json:"started_on"`
		EndedOn                   string `json:"ended_on"`
	}
	Residence []residenceAnswer
}

type residenceAnswer struct {
	ID, Basis, Status string
	AppliedOn         string `json:"applied_on"`
	GrantedOn         string `json:"granted_on"`
	ExpiresOn         string `json:"expires_on"`
	RenewedOn         string `json:"renewed_on"`
	Version           int64
}

func getProtection(t *testing.T, a *testapp.App, caseID, token string) protectionAnswer {
	t.Helper()
	r := a.Do(t, "GET", "/api/v1/cases/"+caseID+"/protection", token, nil)
	mustStatus(t, "protection", r, http.StatusOK)
	var p protectionAnswer
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// deadlinesOf returns the clocks GET /api/v1/cases/{id} shows, kind → dues.
func deadlinesOf(t *testing.T, a *testapp.App, caseID, token string) map[string][]string {
	t.Helper()
	r := a.Do(t, "GET", "/api/v1/cases/"+caseID, token, nil)
	mustStatus(t, "case", r, http.StatusOK)
	var c struct{ Deadlines []struct{ Kind, Due string } }
	if err := json.Unmarshal(r.Body, &c); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range c.Deadlines {
		out[d.Kind] = append(out[d.Kind], d.Due)
	}
	return out
}

type eventAnswer struct{ Kind, Compartment, Summary, On string }

func timelineOf(t *testing.T, a *testapp.App, caseID, token string) ([]eventAnswer, []byte) {
	t.Helper()
	r := a.Do(t, "GET", "/api/v1/cases/"+caseID+"/timeline", token, nil)
	mustStatus(t, "timeline", r, http.StatusOK)
	var tl struct{ Items []eventAnswer }
	if err := json.Unmarshal(r.Body, &tl); err != nil {
		t.Fatal(err)
	}
	return tl.Items, r.Body
}

// countRows counts a case's rows in a table, behind the service's back.
func countRows(t *testing.T, a *testapp.App, table, caseID string) int {
	t.Helper()
	var n int
	if err := a.RawDB(t).QueryRow(rebindFor(a.Engine, "SELECT COUNT(*) FROM "+table+" WHERE case_id = ?"), caseID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func auditActions(t *testing.T, a *testapp.App, caseID string) []string {
	t.Helper()
	rows, err := a.RawDB(t).Query(rebindFor(a.Engine, "SELECT action, outcome, detail FROM audit_entries WHERE object = ? ORDER BY seq"), "case/"+caseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var action, outcome, detail string
		if err := rows.Scan(&action, &outcome, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, action+" "+outcome+" "+detail)
	}
	return out
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func TestProtectionRoundTripClocksAndAudit(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		token := a.MustToken(t, worker)
		id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))

		created := map[string]map[string]any{}
		for _, w := range []struct {
			kind string
			body map[string]any
		}{{"needs", needsBody()}, {"plans", planBody()}, {"services", serviceBody()}, {"residence", residenceBody()}} {
			r := a.Do(t, "POST", "/api/v1/cases/"+id+"/"+w.kind, token, w.body)
			mustStatus(t, w.kind, r, http.StatusCreated)
			created[w.kind] = r.JSON(t)
		}
		permit := created["residence"]["id"].(string)

		t.Run("each answer of a write is the record, opened", func(t *testing.T) {
			if n := created["needs"]; n["notes"] != secretNeedsNote || n["assessed_on"] != "2026-11-24" || n["case_id"] != id {
				t.Errorf("needs: %v", n)
			}
			if p := created["plans"]; p["objectives"] != secretObjectives || p["action_plan"] != secretActionPlan || p["review_on"] != "2026-12-23" {
				t.Errorf("plan: %v", p)
			}
			if s := created["services"]; s["provider"] != secretProvider || s["notes"] != secretSvcNote || s["ended_on"] != "2027-02-21" {
				t.Errorf("service: %v", s)
			}
			if r := created["residence"]; r["status"] != "granted" || r["version"] != float64(1) || r["expires_on"] != "2027-05-26" {
				t.Errorf("residence: %v", r)
			}
		})

		t.Run("every record reads back opened", func(t *testing.T) {
			p := getProtection(t, a, id, token)
			if len(p.Needs) != 1 || len(p.Plans) != 1 || len(p.Services) != 1 || len(p.Residence) != 1 {
				t.Fatalf("%+v", p)
			}
			n := p.Needs[0]
			if n.Notes != secretNeedsNote || n.AssessedOn != "2026-11-24" || !slices.Equal(n.Needs, []string{"accommodation", "medical", "safety"}) {
				t.Errorf("needs: %+v", n)
			}
			pl := p.Plans[0]
			if pl.Type != "SocialCare" || pl.Objectives != secretObjectives || pl.ActionPlan != secretActionPlan ||
				pl.StartsOn != "2026-11-25" || pl.PlannedEnd != "2027-05-25" || pl.ReviewOn != "2026-12-23" {
				t.Errorf("plan: %+v", pl)
			}
			s := p.Services[0]
			if s.Type != "accommodation" || s.Provider != secretProvider || s.Notes != secretSvcNote || s.StartedOn != "2026-11-21" || s.EndedOn != "2027-02-21" {
				t.Errorf("service: %+v", s)
			}
			r := p.Residence[0]
			if r.ID != permit || r.Basis != "victim-of-trafficking" || r.AppliedOn != "2026-11-22" || r.GrantedOn != "2026-11-26" ||
				r.ExpiresOn != "2027-05-26" || r.RenewedOn != "" || r.Status != "granted" || r.Version != 1 {
				t.Errorf("residence: %+v", r)
			}
		})

		t.Run("the service API returns the same, for the web pages", func(t *testing.T) {
			p, err := a.Svc.Protection(testapp.As(worker.Actor), id)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Needs) != 1 || p.Needs[0].Notes != secretNeedsNote || len(p.Plans) != 1 || p.Plans[0].ActionPlan != secretActionPlan ||
				len(p.Services) != 1 || p.Services[0].Provider != secretProvider || len(p.Residence) != 1 || p.Residence[0].Version != 1 {
				t.Fatalf("%+v", p)
			}
		})

		t.Run("the plan review and the permit expiry are clocks on the case", func(t *testing.T) {
			d := deadlinesOf(t, a, id, token)
			if !slices.Equal(d[nrm.DeadlinePlanReview], []string{"2026-12-23"}) || !slices.Equal(d[nrm.DeadlinePermitExpiry], []string{"2027-05-26"}) {
				t.Fatalf("%v", d)
			}
		})

		t.Run("the timeline says what happened in the support compartment, nothing personal", func(t *testing.T) {
			events, body := timelineOf(t, a, id, token)
			var support []string
			for _, ev := range events {
				if ev.Compartment == "support" {
					support = append(support, ev.Summary)
				}
			}
			want := []string{"needs assessed: accommodation, medical, safety", "support plan: SocialCare",
				"service given: accommodation", "residence permit granted (victim-of-trafficking)"}
			// The test clock stands still: events of one instant come in any order.
			slices.Sort(support)
			slices.Sort(want)
			if !slices.Equal(support, want) {
				t.Fatalf("support events %q, want %q", support, want)
			}
			mustNotContain(t, "the timeline", body, supportSecrets...)
		})

		t.Run("renewal moves the expiry clock", func(t *testing.T) {
			r := a.Do(t, "POST", "/api/v1/residence/"+permit+"/renew", token,
				map[string]any{"renewed_on": "2026-11-27", "expires_on": "2027-11-26", "version": 1})
			mustStatus(t, "renew", r, http.StatusOK)
			m := r.JSON(t)
			if m["renewed_on"] != "2026-11-27" || m["expires_on"] != "2027-11-26" || m["version"] != float64(2) || m["granted_on"] != "2026-11-26" {
				t.Fatalf("%s", r.Body)
			}
			if d := deadlinesOf(t, a, id, token); !slices.Equal(d[nrm.DeadlinePermitExpiry], []string{"2027-11-26"}) ||
				!slices.Equal(d[nrm.DeadlinePlanReview], []string{"2026-12-23"}) {
				t.Fatalf("after renewal: %v", d)
			}
			p := getProtection(t, a, id, token)
			if got := p.Residence[0]; got.RenewedOn != "2026-11-27" || got.ExpiresOn != "2027-11-26" || got.Version != 2 {
				t.Fatalf("%+v", got)
			}
			events, _ := timelineOf(t, a, id, token)
			var renewed []eventAnswer
			for _, ev := range events {
				if ev.Summary == "residence permit renewed (victim-of-trafficking)" {
					renewed = append(renewed, ev)
				}
			}
			if len(renewed) != 1 || renewed[0].On != "2026-11-27" || renewed[0].Compartment != "support" {
				t.Fatalf("renewal events %+v", renewed)
			}
		})

		t.Run("a renewal at a stale version is a conflict and changes nothing", func(t *testing.T) {
			r := a.Do(t, "POST", "/api/v1/residence/"+permit+"/renew", token,
				map[string]any{"renewed_on": "2026-11-27", "expires_on": "2028-11-26", "version": 1})
			mustStatus(t, "stale renew", r, http.StatusConflict)
			if d := deadlinesOf(t, a, id, token); !slices.Equal(d[nrm.DeadlinePermitExpiry], []string{"2027-11-26"}) {
				t.Fatalf("%v", d)
			}
			if got := getProtection(t, a, id, token).Residence[0]; got.ExpiresOn != "2027-11-26" || got.Version != 2 {
				t.Fatalf("%+v", got)
			}
		})

		t.Run("a second permit has a clock of its own", func(t *testing.T) {
			body := map[string]any{"basis": "humanitarian", "applied_on": "2026-11-27"}
			r := a.Do(t, "POST", "/api/v1/cases/"+id+"/residence", token, body)
			mustStatus(t, "applied only", r, http.StatusCreated)
			if m := r.JSON(t); m["status"] != "applied" || m["granted_on"] != nil {
				t.Fatalf("%s", r.Body)
			}
			// Not granted: no clock, and no renewal.
			if d := deadlinesOf(t, a, id, token); len(d[nrm.DeadlinePermitExpiry]) != 1 {
				t.Fatalf("%v", d)
			}
			rn := a.Do(t, "POST", "/api/v1/residence/"+r.JSON(t)["id"].(string)+"/renew", token,
				map[string]any{"renewed_on": "2026-11-27", "expires_on": "2027-11-26", "version": 1})
			mustStatus(t, "renewing a permit not granted", rn, http.StatusConflict)
		})

		t.Run("every write and every read is in the audit log, without the text", func(t *testing.T) {
			acts := auditActions(t, a, id)
			for prefix, want := range map[string]int{
				"support.needs ok": 1, "support.plan ok": 1, "support.service ok": 1, "support.residence ok": 2,
				"support.residence.renew ok": 1, "case.read ok protection": 4,
			} {
				if got := countPrefix(acts, prefix); got != want {
					t.Errorf("%q: %d entries, want %d; log: %q", prefix, got, want, acts)
				}
			}
			mustNotContain(t, "the audit log", []byte(strings.Join(acts, "\n")), supportSecrets...)
		})
	})
}

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

// Every bad value is refused with the field it is in, and nothing is
// written: no record, no event, no clock, no audit entry of a write.
func TestProtectionBadInputNamesTheField(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		ngo := a.MustOrg(t, nrm.KindNGO)
		token := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02")) // encountered 2026-11-20; today 2026-11-27
		r := a.Do(t, "POST", "/api/v1/cases/"+id+"/residence", token, residenceBody())
		mustStatus(t, "permit", r, http.StatusCreated)
		permit := r.JSON(t)["id"].(string)
		eventsBefore, _ := timelineOf(t, a, id, token)
		auditBefore := len(auditActions(t, a, id))

		with := func(base map[string]any, kv ...any) map[string]any {
			out := map[string]any{}
			for k, v := range base {
				out[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				if kv[i+1] == nil {
					delete(out, kv[i].(string))
				} else {
					out[kv[i].(string)] = kv[i+1]
				}
			}
			return out
		}
		long := strings.Repeat("x", 20001)
		renew := map[string]any{"renewed_on": "2026-11-27", "expires_on": "2027-11-26", "version": 1}
		needs, plans, services, residence := "/api/v1/cases/"+id+"/needs", "/api/v1/cases/"+id+"/plans",
			"/api/v1/cases/"+id+"/services", "/api/v1/cases/"+id+"/residence"
		renewPath := "/api/v1/residence/" + permit + "/renew"

		for _, tc := range []struct {
			name, path, field string
			body              map[string]any
		}{
			{"needs: assessed in the future", needs, "assessed_on", with(needsBody(), "assessed_on", "2026-11-28")},
			{"needs: not a date", needs, "assessed_on", with(needsBody(), "assessed_on", "24/11/2026")},
			{"needs: before the encounter", needs, "assessed_on", with(needsBody(), "assessed_on", "2026-11-19")},
			{"needs: none", needs, "needs", with(needsBody(), "needs", []string{})},
			{"needs: missing", needs, "needs", with(needsBody(), "needs", nil)},
			{"needs: unknown need", needs, "needs", with(needsBody(), "needs", []string{"medical", "pony"})},
			{"needs: notes too long", needs, "notes", with(needsBody(), "notes", long)},
			{"needs: control characters in notes", needs, "notes", with(needsBody(), "notes", "a\x00b")},

			{"plan: unknown type", plans, "type", with(planBody(), "type", "Housing")},
			{"plan: type not as HTCDS spells it", plans, "type", with(planBody(), "type", "social-care")},
			{"plan: no objectives", plans, "objectives", with(planBody(), "objectives", "  ")},
			{"plan: action plan too long", plans, "action_plan", with(planBody(), "action_plan", long)},
			{"plan: start not a date", plans, "starts_on", with(planBody(), "starts_on", "2026-13-01")},
			{"plan: starts before the encounter", plans, "starts_on", with(planBody(), "starts_on", "2026-11-01", "planned_end", nil, "review_on", nil)},
			{"plan: ends before it starts", plans, "planned_end", with(planBody(), "planned_end", "2026-11-24")},
			{"plan: review before it starts", plans, "review_on", with(planBody(), "review_on", "2026-11-24")},
			{"plan: review not a date", plans, "review_on", with(planBody(), "review_on", "soon")},

			{"service: unknown type", services, "type", with(serviceBody(), "type", "haircut")},
			{"service: no type", services, "type", with(serviceBody(), "type", nil)},
			{"service: no provider", services, "provider", with(serviceBody(), "provider", "")},
			{"service: provider too long", services, "provider", with(serviceBody(), "provider", strings.Repeat("p", 201))},
			{"service: no start", services, "started_on", with(serviceBody(), "started_on", nil)},
			{"service: starts in the future", services, "started_on", with(serviceBody(), "started_on", "2026-12-01", "ended_on", nil)},
			{"service: ends before it starts", services, "ended_on", with(serviceBody(), "ended_on", "2026-11-20")},
			{"service: end not a date", services, "ended_on", with(serviceBody(), "ended_on", "2027-02-30")},
			{"service: notes too long", services, "notes", with(serviceBody(), "notes", long)},

			{"residence: unknown basis", residence, "basis", with(residenceBody(), "basis", "tourism")},
			{"residence: no application date", residence, "applied_on", with(residenceBody(), "applied_on", nil)},
			{"residence: applied in the future", residence, "applied_on", with(residenceBody(), "applied_on", "2026-11-30", "granted_on", nil, "expires_on", nil)},
			{"residence: granted in the future", residence, "granted_on", with(residenceBody(), "granted_on", "2026-11-30")},
			{"residence: granted before the application", residence, "granted_on", with(residenceBody(), "granted_on", "2026-11-21")},
			{"residence: expiry without a grant", residence, "expires_on", with(residenceBody(), "granted_on", nil)},
			{"residence: expires before the grant", residence, "expires_on", with(residenceBody(), "expires_on", "2026-11-25")},
			{"residence: expires on the day of the grant", residence, "expires_on", with(residenceBody(), "expires_on", "2026-11-26")},
			{"residence: expiry not a date", residence, "expires_on", with(residenceBody(), "expires_on", "next year")},

			{"renewal: no date", renewPath, "renewed_on", with(renew, "renewed_on", nil)},
			{"renewal: in the future", renewPath, "renewed_on", with(renew, "renewed_on", "2026-11-28")},
			{"renewal: before the grant", renewPath, "renewed_on", with(renew, "renewed_on", "2026-11-25")},
			{"renewal: no new expiry", renewPath, "expires_on", with(renew, "expires_on", nil)},
			{"renewal: expiry before the renewal", renewPath, "expires_on", with(renew, "expires_on", "2026-11-26")},
			{"renewal: expiry not after the current one", renewPath, "expires_on", with(renew, "expires_on", "2027-05-26")},
			{"renewal: no version", renewPath, "version", with(renew, "version", nil)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := a.Do(t, "POST", tc.path, token, tc.body)
				mustStatus(t, tc.name, r, http.StatusUnprocessableEntity)
				if f := errorField(t, r); f != tc.field {
					t.Fatalf("names %q, want %q: %s", f, tc.field, r.Body)
				}
			})
		}
		t.Run("a value of the wrong JSON type is a 400 naming the field", func(t *testing.T) {
			r := a.Do(t, "POST", needs, token, map[string]any{"needs": "medical"})
			mustStatus(t, "needs as a string", r, http.StatusBadRequest)
			if f := errorField(t, r); f != "needs" {
				t.Fatalf("names %q", f)
			}
			r = a.Do(t, "POST", renewPath, token, with(renew, "version", "1"))
			mustStatus(t, "version as a string", r, http.StatusBadRequest)
			if f := errorField(t, r); f != "version" {
				t.Fatalf("names %q", f)
			}
		})
		t.Run("a permit that does not exist is not found", func(t *testing.T) {
			mustStatus(t, "unknown permit", a.Do(t, "POST", "/api/v1/residence/"+nrm.NewID()+"/renew", token, renew), http.StatusNotFound)
			mustStatus(t, "not an id", a.Do(t, "POST", "/api/v1/residence/x/renew", token, renew), http.StatusNotFound)
		})

		t.Run("nothing was written", func(t *testing.T) {
			for table, want := range map[string]int{"needs_assessments": 0, "support_plans": 0, "services": 0, "residence_permits": 1} {
				if got := countRows(t, a, table, id); got != want {
					t.Errorf("%s: %d rows, want %d", table, got, want)
				}
			}
			p := getProtection(t, a, id, token)
			if got := p.Residence[0]; got.Version != 1 || got.ExpiresOn != "2027-05-26" || got.RenewedOn != "" {
				t.Errorf("the permit changed: %+v", got)
			}
			if d := deadlinesOf(t, a, id, token); len(d) != 1 || !slices.Equal(d[nrm.DeadlinePermitExpiry], []string{"2027-05-26"}) {
				t.Errorf("clocks: %v", d)
			}
			if events, _ := timelineOf(t, a, id, token); len(events) != len(eventsBefore) {
				t.Errorf("%d events, were %d", len(events), len(eventsBefore))
			}
			acts := auditActions(t, a, id)
			if n := countPrefix(acts[auditBefore:], "support."); n != 0 {
				t.Errorf("%d support writes audited after the permit: %q", n, acts[auditBefore:])
			}
		})
	})
}

// The free text of the support track is sealed under the person's key:
// none of it is in the database in plaintext, and once the person is
// erased the records remain (for statistics) without it.
func TestProtectionSealedAtRest(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		ngo := a.MustOrg(t, nrm.KindNGO)
		token := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		id := a.MustCase(t, token, secretCase())
		writeAll(t, a, id, token)
		r := a.Do(t, "GET", "/api/v1/cases/"+id+"/protection", token, nil)
		mustStatus(t, "protection", r, http.StatusOK)
		for _, s := range supportSecrets {
			if !strings.Contains(string(r.Body), s) {
				t.Fatalf("%q does not read back: %s", s, r.Body)
			}
		}
		mustNotContain(t, string(e)+" database", databaseBytes(t, a), supportSecrets...)
		t.Run("the provider column holds a ciphertext, not an encoding of the text", func(t *testing.T) {
			var stored string
			if err := a.RawDB(t).QueryRow(rebindFor(e, "SELECT provider FROM services WHERE case_id = ?"), id).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			raw, err := base64.StdEncoding.DecodeString(stored)
			if err != nil || len(raw) <= len(secretProvider) {
				t.Fatalf("not a sealed value: %q (%v)", stored, err)
			}
			mustNotContain(t, "the decoded provider column", raw, secretProvider)
		})

		if err := a.Svc.Erase(testapp.System(), id, "data subject request"); err != nil {
			t.Fatal(err)
		}
		t.Run("after erasure the records read without their text", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/cases/"+id+"/protection", token, nil)
			mustStatus(t, "protection after erasure", r, http.StatusOK)
			mustNotContain(t, "the answer", r.Body, supportSecrets...)
			p := getProtection(t, a, id, token)
			if len(p.Needs) != 1 || p.Needs[0].Notes != "" || len(p.Services) != 1 || p.Services[0].Type != "accommodation" ||
				p.Services[0].Provider != "" || len(p.Plans) != 1 || p.Plans[0].Objectives != "" {
				t.Fatalf("%+v", p)
			}
			mustStatus(t, "no new support for an erased person", a.Do(t, "POST", "/api/v1/cases/"+id+"/needs", token, needsBody()), http.StatusConflict)
			mustNotContain(t, string(e)+" database after erasure", databaseBytes(t, a), supportSecrets...)
		})
	})
}

// The clocks of the protection track say something about the person's
// support and residence: GET /api/v1/cases/{id} must show them only to
// those who may read support.
func TestProtectionClocksHiddenFromPolice(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		officer := a.MustToken(t, a.MustUser(t, police, nrm.RoleLawEnforcement))
		worker := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		id := a.MustCase(t, officer, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		a.MustShare(t, id, officer, ngo, "referral", []string{"identity", "support"}, worker)
		writeAll(t, a, id, worker)

		if d := deadlinesOf(t, a, id, worker); len(d[nrm.DeadlinePlanReview]) != 1 || len(d[nrm.DeadlinePermitExpiry]) != 1 {
			t.Fatalf("the support reader does not see the clocks: %v", d)
		}
		for kind := range deadlinesOf(t, a, id, officer) {
			if nrm.DeadlineCompartment(kind) == nrm.Support {
				t.Errorf("the police see the clock %s of the support track", kind)
			}
		}
		// Nor on their dashboard, where the NGO sees them.
		dash := func(token string) string {
			r := a.Do(t, "GET", "/api/v1/deadlines?within=366", token, nil)
			mustStatus(t, "dashboard", r, http.StatusOK)
			return string(r.Body)
		}
		if d := dash(officer); strings.Contains(d, nrm.DeadlinePlanReview) || strings.Contains(d, nrm.DeadlinePermitExpiry) {
			t.Errorf("the police dashboard shows support clocks: %s", d)
		}
		if d := dash(worker); !strings.Contains(d, nrm.DeadlinePlanReview) || !strings.Contains(d, nrm.DeadlinePermitExpiry) {
			t.Errorf("the NGO dashboard lacks the support clocks: %s", d)
		}
	})
}
