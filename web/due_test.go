package web_test

// End-to-end tests of the case lifecycle pages, on every engine: each form
// works, each bad input re-renders its form with 422 naming the field and
// writes nothing, a step out of order is a 409 that says why, and nobody
// sees more than their organisation and role may.

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestDuePage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		other := a.MustOrg(t, nrm.KindShelter)
		coordOrg := a.MustOrg(t, nrm.KindCoordinator)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		stranger := MustSignIn(t, a, a.MustUser(t, other, nrm.RoleCaseWorker), "")
		coordinator := signInAs(t, a, a.MustUser(t, coordOrg, nrm.RoleCoordinator), "")
		admin := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleAdmin), "")

		// A consent that expires in five days is a clock.
		consentExpiring := func(s signedIn, to string) string {
			id := mustCreateCaseThroughForm(t, s, caseForm(s.CSRF))
			wantRedirect(t, s.post(t, "/cases/"+id+"/consents", url.Values{"csrf": {s.CSRF}, "purpose": {"referral"},
				"recipient_org": {to}, "scope": {"support"}, "expires": {"2026-12-02"}}), "/cases/"+id+"?saved=consent#consent")
			return id
		}
		mine := consentExpiring(worker, other.ID)
		theirs := consentExpiring(stranger, ngo.ID)
		ref := func(id string) string {
			c, err := a.Svc.Case(testapp.As(worker.User.Actor), id)
			if err != nil {
				c, err = a.Svc.Case(testapp.As(stranger.User.Actor), id)
			}
			if err != nil {
				t.Fatal(err)
			}
			return c.Reference
		}
		mineRef, theirsRef := ref(mine), ref(theirs)

		t.Run("case_worker_sees_own_clocks_only", func(t *testing.T) {
			p := worker.get(t, "/due")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, `href="/cases/`+mine+`"`, mineRef, "Consent expires", "in 5 days", "2026-12-02")
			wantAbsent(t, p, theirsRef, theirs)
			wantAbsent(t, p, personal...)
			if strings.Contains(p.Body, "Every case (co-ordinator&#39;s overview)") {
				t.Error("a case worker sees the co-ordinator's overview")
			}
		})
		t.Run("window_is_chosen_by_days", func(t *testing.T) {
			wantAbsent(t, worker.get(t, "/due?within=3"), mineRef)
			wantStatus(t, worker.get(t, "/due?within=0"), http.StatusUnprocessableEntity)
		})
		t.Run("coordinator_overview_links_no_case_it_cannot_open", func(t *testing.T) {
			p := coordinator.get(t, "/due")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Every case (co-ordinator&#39;s overview)", mineRef, theirsRef, ngo.Name, other.Name)
			wantAbsent(t, p, `href="/cases/`+mine+`"`, `href="/cases/`+theirs+`"`)
			wantAbsent(t, p, personal...)
		})
		t.Run("nav_shows_the_dashboard_to_case_roles_only", func(t *testing.T) {
			wantContains(t, worker.get(t, "/cases"), `href="/due"`)
			wantAbsent(t, admin.get(t, "/admin/users"), `href="/due"`)
			wantStatus(t, admin.get(t, "/due"), http.StatusForbidden)
		})
	})
}

func TestNotifyPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police := a.MustOrg(t, nrm.KindPolice)
		ca := a.MustOrg(t, nrm.KindCompetentAuthority)
		officer := MustSignIn(t, a, a.MustUser(t, police, nrm.RoleFirstResponder), "")
		dm := signInAs(t, a, a.MustUser(t, ca, nrm.RoleDecisionMaker), "")
		count := func(t *testing.T) int {
			t.Helper()
			var n []nrm.Notification
			if err := a.Store.Read(context.Background(), func(tx *sqlstore.Tx) error {
				var err error
				n, err = tx.Notifications(context.Background(), police.ID, 100)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return len(n)
		}
		form := func() url.Values {
			return url.Values{"csrf": {officer.CSRF}, "notified_on": {"2026-11-26"}, "sex": {"male"}, "age_band": {"25-34"},
				"nationality": {"VN"}, "exploitation_type": {"forced-labour"}, "country": {"GB"}, "region": {"South West"}}
		}
		t.Run("form_explains_it_records_no_personal_data", func(t *testing.T) {
			p := officer.get(t, "/notify")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "This records no personal data.", `action="/notify"`, `name="age_band"`)
			for _, f := range []string{"given_name", "family_name", "date_of_birth", "contact"} {
				if strings.Contains(p.Body, `name="`+f) {
					t.Errorf("the anonymous form asks for %s", f)
				}
			}
		})
		for _, c := range []struct{ name, field, value string }{
			{"nationality", "nationality", "Vietnam"},
			{"country", "country", ""},
			{"age_band", "age_band", "about thirty"},
			{"notified_on", "notified_on", "2027-01-01"},
			{"exploitation_type", "exploitation_type", "smuggling"},
		} {
			t.Run("bad_"+c.name+"_is_422_and_writes_nothing", func(t *testing.T) {
				f := form()
				f.Set(c.field, c.value)
				wantFieldError(t, officer.post(t, "/notify", f), c.field)
				if n := count(t); n != 0 {
					t.Fatalf("%d notifications after a bad form", n)
				}
			})
		}
		t.Run("form_records_the_notification", func(t *testing.T) {
			wantRedirect(t, officer.post(t, "/notify", form()), "/notify?saved=notified")
			wantContains(t, officer.get(t, "/notify?saved=notified"), "The anonymous notification was recorded.")
			if n := count(t); n != 1 {
				t.Fatalf("%d notifications, want 1", n)
			}
		})
		t.Run("decision_maker_does_not_notify", func(t *testing.T) {
			wantStatus(t, dm.get(t, "/notify"), http.StatusForbidden)
			wantStatus(t, dm.post(t, "/notify", url.Values{"csrf": {dm.CSRF}, "country": {"GB"}}), http.StatusForbidden)
			wantAbsent(t, dm.get(t, "/due"), `href="/notify"`)
		})
	})
}

func TestOverviewWarnsOfChildrenNobodyProtects(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, coordOrg := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCoordinator)
		worker := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		coordinator := signInAs(t, a, a.MustUser(t, coordOrg, nrm.RoleCoordinator), "")
		child := testapp.CaseBody("Ion", "Rusu", "2012-01-01")
		a.MustCase(t, worker, child)
		want := "No child-protection organisation is registered for GB: 1 open case of a child there notifies nobody."
		if p := coordinator.get(t, "/due"); !strings.Contains(p.Body, want) {
			t.Fatalf("the overview does not warn:\n%s", section(p, ""))
		}
		a.MustOrg(t, nrm.KindChildProtection) // of GB
		if p := coordinator.get(t, "/due"); strings.Contains(p.Body, "No child-protection organisation") {
			t.Fatal("the warning stays once child protection exists")
		}
	})
}
