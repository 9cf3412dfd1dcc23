package web_test

import (
	"encoding/json"
	"github.com/nrmproject/nrm/exchange"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func returnAnswers(set map[string]string) url.Values {
	v := url.Values{"destination_country": {"MD"}}
	for k, x := range map[string]string{"informed-consent": "yes", "alternatives-explained": "yes", "protection-claim": "none",
		"risk-from-traffickers": "low", "risk-to-family": "low", "stigma": "low", "prosecution-at-origin": "low", "debts": "low",
		"family-involved": "no", "health-care-at-origin": "available", "documents": "ready", "pending-proceedings": "none",
		"receiving-organisation": "La Strada Moldova", "follow-up-plan": "Calls at 3, 6 and 12 months"} {
		if y, ok := set[k]; ok {
			x = y
		}
		if x != "" {
			v.Set("answers."+k, x)
		}
	}
	return v
}

func apiAnswers(set map[string]string) map[string]any {
	v := returnAnswers(set)
	a := map[string]string{}
	for k := range v {
		if name, ok := strings.CutPrefix(k, "answers."); ok {
			a[name] = v.Get(k)
		}
	}
	return map[string]any{"destination_country": "MD", "answers": a}
}

// TestReturnGateThroughThePage: the Return tab says why a return is
// refused, links to the assessment, and a return posted anyway is refused
// with nothing changed; from every side of the gate.
func TestReturnGateThroughThePage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, ca := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
		workerU := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		coordU := a.MustUser(t, ngo, nrm.RoleCoordinator)
		worker, coord := MustSignIn(t, a, workerU, ""), MustSignIn(t, a, coordU, "")
		token, coordToken := a.MustToken(t, workerU), a.MustToken(t, coordU)
		decider := a.MustToken(t, a.MustUser(t, ca, nrm.RoleDecisionMaker))
		today := a.Svc.Today().String()
		newCase := func() string { return a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02")) }
		assess := func(caseID, tok string, set map[string]string) string {
			return apiMust(t, a, 201, "POST", "/api/v1/cases/"+caseID+"/return-assessments", tok, apiAnswers(set))["id"].(string)
		}
		approve := func(id string) {
			apiMust(t, a, 200, "POST", "/api/v1/return-assessments/"+id+"/approve", coordToken, map[string]any{"reasons": "Checked with La Strada."})
		}
		// refused posts the Return form and wants the refusal on the page,
		// a link to the assessment, and nothing changed.
		refused := func(t *testing.T, caseID string, form url.Values, status int, says ...string) {
			t.Helper()
			path := "/cases/" + caseID + "/return"
			before := mustRecord(t, a, workerU.Actor, caseID)
			g := worker.get(t, path)
			wantStatus(t, g, http.StatusOK)
			wantContains(t, g, `id="return-gate"`, "See the assessment")
			form.Set("csrf", worker.CSRF)
			p := worker.post(t, path+"/returns", form)
			wantStatus(t, p, status)
			wantContains(t, p, says...)
			wantContains(t, p, `id="return-gate"`)
			wantUnchanged(t, a, workerU.Actor, caseID, before)
			if c, _ := a.Svc.Case(testapp.As(workerU.Actor), caseID); c.State == nrm.StateClosed {
				t.Fatal("the refused return closed the case")
			}
		}
		form := func(assessment string) url.Values {
			return url.Values{"assessment_id": {assessment}, "date": {today}, "voluntary": {"true"}, "receiving_org": {ngo.ID}}
		}

		t.Run("no assessment", func(t *testing.T) {
			id := newCase()
			wantContains(t, worker.get(t, "/cases/"+id+"/return"), "No return risk assessment of this case yet", `href="#assess"`)
			refused(t, id, form(""), http.StatusConflict, "no return risk assessment with this id on this case")
		})
		t.Run("a barred assessment", func(t *testing.T) {
			id := newCase()
			as := assess(id, token, map[string]string{"risk-from-traffickers": "high"})
			wantContains(t, worker.get(t, "/cases/"+id+"/return"), "bars a return", `href="#assessment-`+as+`"`)
			refused(t, id, form(as), http.StatusConflict, "the assessment bars a return", "risk-from-traffickers is high")
		})
		t.Run("approved by its author: four eyes", func(t *testing.T) {
			id := newCase()
			p := coord.post(t, "/cases/"+id+"/return/assessments", func() url.Values { v := returnAnswers(nil); v.Set("csrf", coord.CSRF); return v }())
			wantStatus(t, p, http.StatusSeeOther)
			tr, err := a.Svc.Returns(testapp.As(coordU.Actor), id)
			if err != nil || len(tr.Assessments) != 1 {
				t.Fatalf("%v %v", tr, err)
			}
			as := tr.Assessments[0].ID
			p = coord.post(t, "/cases/"+id+"/return/assessments/"+as+"/review", url.Values{"csrf": {coord.CSRF}, "decision": {"approve"}, "reasons": {"I checked it myself."}})
			wantStatus(t, p, http.StatusForbidden)
			wantContains(t, p, "a second person reviews it")
			refused(t, id, form(as), http.StatusConflict, "not approved yet")
		})
		t.Run("another case's assessment", func(t *testing.T) {
			id, other := newCase(), newCase()
			as := assess(other, token, nil)
			approve(as)
			refused(t, id, form(as), http.StatusConflict, "no return risk assessment with this id on this case")
		})
		t.Run("an involuntary return", func(t *testing.T) {
			id := newCase()
			as := assess(id, token, nil)
			approve(as)
			f := form(as)
			f.Set("voluntary", "false")
			before := mustRecord(t, a, workerU.Actor, id)
			p := worker.post(t, "/cases/"+id+"/return/returns", func() url.Values { f.Set("csrf", worker.CSRF); return f }())
			wantStatus(t, p, http.StatusConflict)
			wantContains(t, p, "nrm records voluntary returns only", "detained-or-removed")
			wantUnchanged(t, a, workerU.Actor, id, before)
		})
		t.Run("a removal closure during the recovery period", func(t *testing.T) {
			id := newCase()
			as := assess(id, token, nil)
			approve(as)
			a.MustShare(t, id, token, ca, nrm.PurposeReferral, []string{"identity"}, decider)
			apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/decisions", decider, map[string]any{"kind": "reasonable-grounds",
				"outcome": "positive", "decided_on": today, "reasons": "Credible and consistent account."})
			before := mustRecord(t, a, workerU.Actor, id)
			p := worker.post(t, "/cases/"+id+"/close", url.Values{"csrf": {worker.CSRF}, "reason": {"detained-or-removed"}})
			wantStatus(t, p, http.StatusConflict)
			wantUnchanged(t, a, workerU.Actor, id, before)
			refused(t, id, form(as), http.StatusConflict, "recovery-period", "nobody is returned or removed")
		})
		t.Run("a child without a best-interests determination", func(t *testing.T) {
			id := a.MustCase(t, token, testapp.CaseBody("Ion", "Rusu", "2012-03-01"))
			before := mustRecord(t, a, workerU.Actor, id)
			p := worker.post(t, "/cases/"+id+"/return/assessments", func() url.Values { v := returnAnswers(nil); v.Set("csrf", worker.CSRF); return v }())
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, "a best-interests determination is required", `id="assess.best_interests_determination"`)
			wantUnchanged(t, a, workerU.Actor, id, before)
			refused(t, id, form(""), http.StatusConflict, "no return risk assessment with this id on this case")
		})
		t.Run("an approved, current assessment: the return is recorded", func(t *testing.T) {
			id := newCase()
			as := assess(id, token, nil)
			approve(as)
			g := worker.get(t, "/cases/"+id+"/return")
			wantAbsent(t, g, `id="return-gate"`)
			wantContains(t, g, `value="`+as+`"`)
			p := worker.post(t, "/cases/"+id+"/return/returns", func() url.Values { f := form(as); f.Set("csrf", worker.CSRF); return f }())
			wantStatus(t, p, http.StatusSeeOther)
			wantContains(t, worker.get(t, "/cases/"+id+"/return"), "Returned voluntarily on", "Add a follow-up")
			wantContains(t, worker.get(t, "/cases/"+id), "Returned to the country of origin")
		})
		t.Run("a return to a partner instance abroad, chosen on the page", func(t *testing.T) {
			keys, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
			if err != nil {
				t.Fatal(err)
			}
			ident, _ := json.Marshal(keys.Identity("nrm Moldova", "MD", "https://nrm.md.example"))
			partner, err := a.Svc.AddPartner(testapp.System(), ident)
			if err != nil {
				t.Fatal(err)
			}
			id := newCase()
			as := assess(id, token, nil)
			approve(as)
			g := worker.get(t, "/cases/"+id+"/return")
			wantContains(t, g, `name="partner_id"`, `value="`+partner.ID+`"`, "nrm Moldova, MD")
			both := form(as)
			both.Set("partner_id", partner.ID)
			refused := worker.post(t, "/cases/"+id+"/return/returns", func() url.Values { both.Set("csrf", worker.CSRF); return both }())
			wantStatus(t, refused, http.StatusUnprocessableEntity)
			wantContains(t, refused, "not both")
			f := form(as)
			f.Del("receiving_org")
			f.Set("partner_id", partner.ID)
			p := worker.post(t, "/cases/"+id+"/return/returns", func() url.Values { f.Set("csrf", worker.CSRF); return f }())
			wantStatus(t, p, http.StatusSeeOther)
			tr, err := a.Svc.Returns(testapp.As(workerU.Actor), id)
			if err != nil || len(tr.Returns) != 1 || tr.Returns[0].PartnerID != partner.ID {
				t.Fatalf("%v %v", tr.Returns, err)
			}
			wantContains(t, worker.get(t, "/cases/"+id+"/return"), "received by nrm Moldova (partner instance abroad)")
		})
		// Last: it moves the clock on by 91 days.
		t.Run("a stale assessment", func(t *testing.T) {
			id := newCase()
			as := assess(id, token, nil)
			approve(as)
			a.Clock.Advance(91 * 24 * time.Hour)
			worker = MustSignIn(t, a, workerU, worker.Secret) // the sessions ended meanwhile
			f := form(as)
			f.Set("date", a.Svc.Today().String())
			refused(t, id, f, http.StatusConflict, "older than 90 days")
		})
	})
}

// TestJusticePage: the tab's forms record a proceeding, a non-punishment
// claim (flagged on the case) and a claim; bad input stands at its field.
func TestJusticePage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, police := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindPolice)
		workerU := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		worker := MustSignIn(t, a, workerU, "")
		token := a.MustToken(t, workerU)
		id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		path := "/cases/" + id + "/justice"
		today := a.Svc.Today().String()
		wantContains(t, worker.get(t, "/cases/"+id), `href="/cases/`+id+`/justice"`, `href="/cases/`+id+`/return"`)

		p := worker.post(t, path+"/proceedings", url.Values{"csrf": {worker.CSRF}, "kind": {"criminal"}, "stage": {"trial"},
			"authority": {"Bristol Crown Court"}, "person_role": {"judge"}})
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantContains(t, p, `id="proceeding.person_role"`, `aria-invalid="true"`)
		p = worker.post(t, path+"/proceedings", url.Values{"csrf": {worker.CSRF}, "kind": {"criminal"}, "stage": {"trial"},
			"authority": {"Bristol Crown Court"}, "person_role": {"injured-party"}, "charges": {"trafficking, forced labour"},
			"rights_information.given_on": {today}, "rights_information.language": {"ro"}})
		wantStatus(t, p, http.StatusSeeOther)
		p = worker.post(t, path+"/non-punishment", url.Values{"csrf": {worker.CSRF}, "offence": {"Cannabis cultivation"},
			"compelled": {"true"}, "status": {"raised"}, "authority": {"CPS"}})
		wantStatus(t, p, http.StatusSeeOther)
		wantContains(t, worker.get(t, "/cases/"+id), `id="non-punishment-flag"`)
		wantContains(t, worker.get(t, "/cases"), "non-punishment raised")
		p = worker.post(t, path+"/claims", url.Values{"csrf": {worker.CSRF}, "route": {"criminal"}, "filed_on": {today},
			"claimed.amount": {"12,5"}, "claimed.currency": {"EUR"}})
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantContains(t, p, `id="claim.claimed.amount"`)
		p = worker.post(t, path+"/claims", url.Values{"csrf": {worker.CSRF}, "route": {"criminal"}, "filed_on": {today},
			"claimed.amount": {"1200.50"}, "claimed.currency": {"EUR"}})
		wantStatus(t, p, http.StatusSeeOther)
		j := worker.get(t, path)
		wantStatus(t, j, http.StatusOK)
		wantContains(t, j, "Bristol Crown Court", "Cannabis cultivation", "1200.50 EUR", "Non-punishment raised")

		// Police not involved see nothing.
		officer := MustSignIn(t, a, a.MustUser(t, police, nrm.RoleLawEnforcement), "")
		wantDenied(t, officer.get(t, path), "Bristol Crown Court", "Cannabis")
		wantDenied(t, officer.get(t, "/cases/"+id+"/return"), "Popescu")
	})
}

func TestCompensationReportPage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, coordOrg := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCoordinator)
		workerU := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		token := a.MustToken(t, workerU)
		id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		today := a.Svc.Today().String()
		c := apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/compensation-claims", token,
			map[string]any{"route": "civil", "filed_on": today, "claimed": map[string]any{"amount": "300.00", "currency": "EUR"}})
		apiMust(t, a, 201, "POST", "/api/v1/compensation-claims/"+c["id"].(string)+"/awards", token,
			map[string]any{"decided_on": today, "awarded": map[string]any{"amount": "250.00", "currency": "EUR"}})
		analyst := MustSignIn(t, a, a.MustUser(t, coordOrg, nrm.RoleAnalyst), "")
		p := analyst.get(t, "/reports/compensation?from="+today+"&to="+today)
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, `id="cur-EUR"`, "<td>300.00</td><td>250.00</td><td>0.00</td><td>250.00</td>")
		wantAbsent(t, p, id, "Popescu")
		wantStatus(t, analyst.get(t, "/reports/compensation?from=soon&to="+today), http.StatusUnprocessableEntity)
		worker := MustSignIn(t, a, workerU, "")
		wantDenied(t, worker.get(t, "/reports/compensation?from="+today+"&to="+today), "300.00")
	})
}
