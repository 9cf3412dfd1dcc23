package web_test

// End-to-end tests of the case lifecycle pages, on every engine: each form
// works, each bad input re-renders its form with 422 naming the field and
// writes nothing, a step out of order is a 409 that says why, and nobody
// sees more than their organisation and role may.

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestChildReferralPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		ca := a.MustOrg(t, nrm.KindCompetentAuthority)
		cp := a.MustOrg(t, nrm.KindChildProtection)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		protector := MustSignIn(t, a, a.MustUser(t, cp, nrm.RoleCaseWorker), "")
		f := caseForm(worker.CSRF)
		f.Set("person.date_of_birth", "2012-05-01")
		id := mustCreateCaseThroughForm(t, worker, f)
		path := "/cases/" + id

		p := worker.get(t, path)
		t.Run("page_says_no_consent_is_needed", func(t *testing.T) {
			wantContains(t, p, `class="tag child"`, "A child is referred without consent", "child protection is notified")
			if strings.Contains(section(p, "referrals"), `name="consent_id"`) {
				t.Error("the child's referral form asks for a consent")
			}
			// The indicator lists are on the screening page, the child's list first.
			wantContains(t, worker.get(t, path+"/screening"), `name="indicator_set" value="child-labour"`)
		})
		t.Run("referral_without_consent_notifies_child_protection", func(t *testing.T) {
			wantRedirect(t, worker.post(t, path+"/referrals", url.Values{"csrf": {worker.CSRF}, "to_org": {ca.ID}, "reason": {"A child in forced labour."}}),
				path+"?saved=referral#referrals")
			p := worker.get(t, path)
			wantContains(t, p, "state-referred", "child protection notified", cp.Name)
			inbox := protector.get(t, "/referrals")
			wantContains(t, inbox, "Child: notification to child protection")
			wantAbsent(t, inbox, personal...)
		})
	})
}

// supportCount counts the protection track's records as a support reader sees them.
func supportCount(tb testing.TB, a *testapp.App, reader nrm.Actor, caseID string) [5]int {
	tb.Helper()
	p, err := a.Svc.Protection(testapp.As(reader), caseID)
	if err != nil {
		tb.Fatal(err)
	}
	renewed := 0
	for _, r := range p.Residence {
		if !r.RenewedOn.IsZero() {
			renewed++
		}
	}
	return [5]int{len(p.Needs), len(p.Plans), len(p.Services), len(p.Residence), renewed}
}

func TestSupportSection(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police := a.MustOrg(t, nrm.KindPolice)
		ngo := a.MustOrg(t, nrm.KindNGO)
		officer := MustSignIn(t, a, a.MustUser(t, police, nrm.RoleLawEnforcement), "")
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		reader := worker.User.Actor
		mine := mustCreateCaseThroughForm(t, officer, caseForm(officer.CSRF))
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		path := "/cases/" + id

		t.Run("case_worker_sees_the_support_forms", func(t *testing.T) {
			p := worker.get(t, path)
			wantContains(t, p, `id="support"`, `href="#support"`, `href="`+path+`/support/needs"`, `href="`+path+`/support/plan"`,
				`href="`+path+`/support/service"`, `href="`+path+`/support/residence"`, `<option value="support"`)
			// Each form is on a page of its own, so that the case page stays light.
			for form, action := range map[string]string{"needs": "/needs", "plan": "/plans", "service": "/services", "residence": "/residence"} {
				wantContains(t, worker.get(t, path+"/support/"+form), `action="`+path+action+`"`)
			}
		})

		bad := func(t *testing.T, action, field string, f url.Values) {
			t.Helper()
			before := supportCount(t, a, reader, id)
			rec := mustRecord(t, a, reader, id)
			f.Set("csrf", worker.CSRF)
			wantFieldError(t, worker.post(t, path+action, f), field)
			if after := supportCount(t, a, reader, id); after != before {
				t.Errorf("a refused form changed the protection track: %v -> %v", before, after)
			}
			wantUnchanged(t, a, reader, id, rec)
		}
		t.Run("needs", func(t *testing.T) {
			bad(t, "/needs", "needs.needs", url.Values{"notes": {"x"}})
			bad(t, "/needs", "needs.needs", url.Values{"needs": {"yacht"}})
			bad(t, "/needs", "needs.assessed_on", url.Values{"needs": {"medical"}, "assessed_on": {"2027-01-01"}})
			wantRedirect(t, worker.post(t, path+"/needs", url.Values{"csrf": {worker.CSRF}, "needs": {"medical", "accommodation"},
				"notes": {"Tooth ache; sleeps at a friend's."}}), path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "Medical care", "Accommodation", "sleeps at a friend")
		})
		t.Run("plan", func(t *testing.T) {
			ok := func() url.Values {
				return url.Values{"type": {"Health"}, "objectives": {"Dental care and a safe place."}, "starts_on": {"2026-11-27"}, "review_on": {"2026-12-11"}}
			}
			f := ok()
			f.Del("type")
			bad(t, "/plans", "plan.type", f)
			f = ok()
			f.Set("objectives", "")
			bad(t, "/plans", "plan.objectives", f)
			f = ok()
			f.Set("planned_end", "2026-11-01")
			bad(t, "/plans", "plan.planned_end", f)
			f = ok()
			f.Set("csrf", worker.CSRF)
			wantRedirect(t, worker.post(t, path+"/plans", f), path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "Dental care and a safe place.", "review on 2026-12-11", "Support plan review due")
		})
		t.Run("service", func(t *testing.T) {
			bad(t, "/services", "service.provider", url.Values{"type": {"medical"}, "started_on": {"2026-11-27"}})
			bad(t, "/services", "service.started_on", url.Values{"type": {"medical"}, "provider": {"Clinic"}, "started_on": {"2026-12-27"}})
			bad(t, "/services", "service.type", url.Values{"type": {"spa"}, "provider": {"Clinic"}, "started_on": {"2026-11-27"}})
			wantRedirect(t, worker.post(t, path+"/services", url.Values{"csrf": {worker.CSRF}, "type": {"medical"},
				"provider": {"Harbour Street Clinic"}, "started_on": {"2026-11-27"}}), path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "Harbour Street Clinic", "ongoing")
		})
		t.Run("residence", func(t *testing.T) {
			bad(t, "/residence", "residence.expires_on", url.Values{"basis": {"victim-of-trafficking"}, "applied_on": {"2026-11-20"}, "expires_on": {"2027-11-20"}})
			bad(t, "/residence", "residence.basis", url.Values{"basis": {"tourism"}, "applied_on": {"2026-11-20"}})
			wantRedirect(t, worker.post(t, path+"/residence", url.Values{"csrf": {worker.CSRF}, "basis": {"recovery-reflection"},
				"applied_on": {"2026-11-20"}, "granted_on": {"2026-11-26"}, "expires_on": {"2026-12-26"}}), path+"?saved=support#support")
			p := worker.get(t, path)
			wantContains(t, p, "Recovery and reflection period", "status-granted", "Residence permit expires", "Renew this permit")
			m := regexp.MustCompile(`action="` + path + `/residence/([0-9a-f-]{36})/renew"`).FindStringSubmatch(p.Body)
			if m == nil {
				t.Fatal("no renewal form")
			}
			renew := path + "/residence/" + m[1] + "/renew"
			bad(t, "/residence/"+m[1]+"/renew", "renew-"+m[1]+".expires_on", url.Values{"version": {"1"}, "renewed_on": {"2026-11-27"}, "expires_on": {"2026-12-20"}})
			bad(t, "/residence/"+m[1]+"/renew", "renew-"+m[1]+".renewed_on", url.Values{"version": {"1"}, "renewed_on": {"2027-11-27"}, "expires_on": {"2028-12-20"}})
			wantRedirect(t, worker.post(t, renew, url.Values{"csrf": {worker.CSRF}, "version": {"1"}, "renewed_on": {"2026-11-27"}, "expires_on": {"2027-06-26"}}),
				path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "renewed on 2026-11-27", "expires on 2027-06-26")
			before := supportCount(t, a, reader, id)
			p = worker.post(t, renew, url.Values{"csrf": {worker.CSRF}, "version": {"1"}, "renewed_on": {"2026-11-27"}, "expires_on": {"2027-12-26"}})
			wantStatus(t, p, http.StatusConflict)
			wantContains(t, p, "changed by someone else")
			if after := supportCount(t, a, reader, id); after != before {
				t.Errorf("a stale renewal changed the permit: %v -> %v", before, after)
			}
		})

		t.Run("police_never_see_the_support_section", func(t *testing.T) {
			// Their own case, and a case shared with them in full scope.
			wantRedirect(t, worker.post(t, path+"/consents", url.Values{"csrf": {worker.CSRF}, "purpose": {"referral"},
				"recipient_org": {police.ID}, "scope": {"identity", "support", "justice"}}), path+"?saved=consent#consent")
			consent := reConsentOption2.FindStringSubmatch(worker.get(t, path).Body)
			if consent == nil {
				t.Fatal("no consent to refer with")
			}
			wantRedirect(t, worker.post(t, path+"/referrals", url.Values{"csrf": {worker.CSRF}, "to_org": {police.ID},
				"reason": {"She wants to report the employer."}, "consent_id": {consent[1]}}), path+"?saved=referral#referrals")
			inbox := officer.get(t, "/referrals")
			m := regexp.MustCompile(`action="/referrals/([0-9a-f-]{36})/accept"`).FindStringSubmatch(inbox.Body)
			if m == nil {
				t.Fatalf("no referral in the police inbox:\n%s", inbox.Body)
			}
			wantRedirect(t, officer.post(t, "/referrals/"+m[1]+"/accept", url.Values{"csrf": {officer.CSRF}}), path+"?saved=accepted")
			for _, c := range []string{mine, id} {
				p := officer.get(t, "/cases/"+c)
				wantStatus(t, p, http.StatusOK)
				if strings.Contains(p.Body, `id="support"`) || strings.Contains(p.Body, `href="#support"`) {
					t.Errorf("a police officer sees the Support section of %s", c)
				}
				if strings.Contains(p.Body, `<option value="support"`) {
					t.Error("a police officer may add a support note")
				}
				wantAbsent(t, p, "Harbour Street Clinic", "sleeps at a friend", "Dental care", "Support plan review due", "Residence permit expires")
				wantContains(t, p, `<option value="justice"`)
			}
			wantAbsent(t, officer.get(t, "/due"), "Support plan review due", "Residence permit expires")
		})
		t.Run("police_support_writes_are_refused", func(t *testing.T) {
			before := supportCount(t, a, reader, id)
			for action, f := range map[string]url.Values{
				"/needs":     {"needs": {"medical"}},
				"/plans":     {"type": {"Health"}, "objectives": {"planted"}},
				"/services":  {"type": {"medical"}, "provider": {"planted"}, "started_on": {"2026-11-27"}},
				"/residence": {"basis": {"asylum"}, "applied_on": {"2026-11-27"}},
				"/notes":     {"compartment": {"support"}, "text": {"planted"}},
			} {
				f.Set("csrf", officer.CSRF)
				p := officer.post(t, path+action, f)
				if p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
					t.Errorf("POST %s by the police: %d", action, p.Status)
				}
			}
			if after := supportCount(t, a, reader, id); after != before {
				t.Errorf("the police changed the protection track: %v -> %v", before, after)
			}
		})
	})
}

var reConsentOption2 = regexp.MustCompile(`<option value="([0-9a-f-]{36})"[^>]*>Referral →`)
