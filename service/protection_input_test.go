package service_test

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

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
