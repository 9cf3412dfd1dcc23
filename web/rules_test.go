package web_test

// The rules every path enforces (CONTRACT.md, "Rules every path enforces"),
// tried through the pages where a page offers the step: each refusal
// re-renders the page with the contract's status and the message where it
// belongs, and writes nothing.

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// apiMust sends an API request and insists on the status.
func apiMust(t *testing.T, a *testapp.App, status int, method, path, token string, body any) map[string]any {
	t.Helper()
	r := a.Do(t, method, path, token, body)
	if r.Status != status {
		t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
	}
	return r.JSON(t)
}

func TestCloseFormRefusesARemovalDuringTheRecoveryPeriod(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, ca := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		owner, token := worker.User.Actor, a.MustToken(t, worker.User)
		decider := a.MustToken(t, a.MustUser(t, ca, nrm.RoleDecisionMaker))
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		path := "/cases/" + id
		a.MustShare(t, id, token, ca, nrm.PurposeReferral, []string{"identity"}, decider)
		apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/decisions", decider, map[string]any{"kind": "reasonable-grounds",
			"outcome": "positive", "decided_on": a.Svc.Today().String(), "reasons": "Credible and consistent account."})
		p := worker.get(t, path)
		wantContains(t, p, "state-recovery-period", `action="`+path+`/close"`, `value="goals-met"`)
		// The form does not offer a removal the rules forbid now; posted anyway, it is refused.
		if strings.Contains(section(p, "close"), `value="returned"`) {
			t.Error("the close form offers a return during the recovery period")
		}
		for _, reason := range nrm.RemovalReasons {
			t.Run(reason+"_is_409_and_writes_nothing", func(t *testing.T) {
				before := mustRecord(t, a, owner, id)
				p := worker.post(t, path+"/close", url.Values{"csrf": {worker.CSRF}, "reason": {reason}, "note": {"Flight booked."}})
				wantStatus(t, p, http.StatusConflict)
				wantContains(t, p, "recovery-period", "nobody is returned or removed", `id="close"`)
				wantUnchanged(t, a, owner, id, before)
				if p := worker.get(t, path); !strings.Contains(p.Body, "state-recovery-period") || !strings.Contains(p.Body, "Recovery and reflection period ends") {
					t.Error("the refused closure stopped the recovery period")
				}
			})
		}
	})
}

func TestNotifyFormIsForAnAdult(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police := a.MustOrg(t, nrm.KindPolice)
		officer := MustSignIn(t, a, a.MustUser(t, police, nrm.RoleFirstResponder), "")
		count := func(t *testing.T) int {
			t.Helper()
			var n int
			if err := a.RawDB(t).QueryRow("SELECT COUNT(*) FROM notifications").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		t.Run("form_offers_the_adult_bands_only_and_presets_none", func(t *testing.T) {
			p := officer.get(t, "/notify")
			wantStatus(t, p, http.StatusOK)
			sel := regexp.MustCompile(`(?s)<select id="age_band".*?</select>`).FindString(p.Body)
			var offered []string
			for _, m := range regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(sel, -1) {
				offered = append(offered, html.UnescapeString(m[1]))
			}
			if want := append([]string{""}, nrm.AdultAgeBands()...); !slices.Equal(offered, want) {
				t.Errorf("the form offers %q, want %q", offered, want)
			}
			if strings.Contains(sel, "selected") {
				t.Errorf("the form presets an age band: %s", sel)
			}
		})
		for _, band := range []string{"unknown", "", "0-11", "12-17"} {
			name := band
			if name == "" {
				name = "empty"
			}
			t.Run("age_band_"+name+"_is_422_beside_the_field", func(t *testing.T) {
				p := officer.post(t, "/notify", url.Values{"csrf": {officer.CSRF}, "notified_on": {"2026-11-26"}, "sex": {"male"},
					"age_band": {band}, "exploitation_type": {"forced-labour"}, "country": {"GB"}})
				wantFieldError(t, p, "age_band")
				if n := count(t); n != 0 {
					t.Fatalf("%d notifications after a refused form", n)
				}
			})
		}
	})
}

func TestChildScreeningFormRefusesAnAdultSet(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		owner := worker.User.Actor
		under18 := caseForm(worker.CSRF)
		under18.Set("person.date_of_birth", "2012-05-01")
		uncertain := caseForm(worker.CSRF)
		uncertain.Del("person.date_of_birth")
		uncertain.Set("person.age_uncertain", "true")
		for name, form := range map[string]url.Values{"under_18": under18, "age_uncertain": uncertain} {
			t.Run(name, func(t *testing.T) {
				id := mustCreateCaseThroughForm(t, worker, form)
				path := "/cases/" + id
				wantContains(t, worker.get(t, path), `class="tag child"`)
				wantContains(t, worker.get(t, path+"/screening"), `name="indicator_set" value="child-labour"`)
				before := mustRecord(t, a, owner, id)
				p := worker.post(t, path+"/screenings", url.Values{"csrf": {worker.CSRF}, "indicator_set": {"adult-labour"},
					"indicators": {"AL01"}, "screened_on": {"2026-11-26"}})
				wantFieldError(t, p, "screening.indicator_set")
				wantContains(t, p, "child indicator set")
				wantUnchanged(t, a, owner, id, before)
				wantRedirect(t, worker.post(t, path+"/screenings", url.Values{"csrf": {worker.CSRF}, "indicator_set": {"child-labour"},
					"indicators": {"CL01"}, "screened_on": {"2026-11-26"}}), path+"?saved=screening#screening")
			})
		}
	})
}

func TestReferralFormRefusesAConsentForAnotherPurpose(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, ca := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		owner, token := worker.User.Actor, a.MustToken(t, worker.User)
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		path := "/cases/" + id
		k := apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/consents", token,
			map[string]any{"purpose": "assistance", "recipient_org": ca.ID, "scope": []string{"identity", "support"}})
		consent := k["id"].(string)
		t.Run("form_does_not_offer_it", func(t *testing.T) {
			if strings.Contains(section(worker.get(t, path), "referrals"), `<option value="`+consent+`"`) {
				t.Error("the referral form offers a consent of purpose assistance")
			}
		})
		t.Run("posted_anyway_it_is_422_beside_consent_id_and_writes_nothing", func(t *testing.T) {
			before := mustRecord(t, a, owner, id)
			p := worker.post(t, path+"/referrals", url.Values{"csrf": {worker.CSRF}, "to_org": {ca.ID},
				"reason": {"Indicators of forced labour."}, "consent_id": {consent}})
			wantFieldError(t, p, "referral.consent_id")
			wantContains(t, p, "not for a referral")
			wantUnchanged(t, a, owner, id, before)
			if before.State != nrm.StateEncountered {
				t.Fatalf("state %s", before.State)
			}
		})
	})
}
