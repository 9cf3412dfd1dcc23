package service_test

import (
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
