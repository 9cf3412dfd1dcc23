package e2e

// A case worker's day in the browser: the first sign-in leads to the home
// page of the role (not to a refusal), the home page shows what needs the
// worker and fits a phone, and the case list's filters narrow the list and
// keep to the width of a phone. With NRM_SCREENSHOTS naming a folder, the
// home page and the case list are saved there (home.png, case-list.png).

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestDayBrowser(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, ca := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
		worker, dm := a.MustUser(t, ngo, nrm.RoleCaseWorker), a.MustUser(t, ca, nrm.RoleDecisionMaker)
		wt, dt := a.MustToken(t, worker), a.MustToken(t, dm)

		// Three cases: one in its recovery period, a child's, an adult's.
		decided := a.MustCase(t, wt, testapp.CaseBody("Mirela", "Stanciu", "1994-03-03"))
		a.MustShare(t, decided, wt, ca, "referral", []string{"identity", "support"}, dt)
		if r := a.Do(t, "POST", "/api/v1/cases/"+decided+"/decisions", dt, map[string]any{"kind": "reasonable-grounds", "outcome": "positive",
			"decided_on": a.Clock.Now().Format("2006-01-02"), "reasons": "credible account"}); r.Status != 201 {
			t.Fatalf("decision: %d %s", r.Status, r.Body)
		}
		child := a.MustCase(t, wt, testapp.CaseBody("Sorina", "Lungu", "2013-05-05"))
		adult := a.MustCase(t, wt, testapp.CaseBody("Petra", "Albu", "1980-01-01"))
		ref := func(id string) string {
			r := a.Do(t, "GET", "/api/v1/cases/"+id, wt, nil)
			return r.JSON(t)["reference"].(string)
		}
		decidedRef, childRef, adultRef := ref(decided), ref(child), ref(adult)

		b := newChromium(t, a.URL)
		a.Clock.Advance(90 * time.Second)
		t.Run("first_sign_in_leads_home", func(t *testing.T) {
			b.signInFirstTime(t, a, worker)
			b.submit(t, `main a.button`)
			if loc := b.location(t); loc != a.URL+"/" {
				t.Fatalf("after the recovery codes the browser is at %s", loc)
			}
			b.wantText(t, "main", "What needs you", "cases by state", "Recovery period")
			if strings.Contains(b.text(t, "main"), "Not allowed") {
				t.Fatal("the first page after sign-in is a refusal")
			}
			b.saveScreenshot(t, engine, "home")
		})
		t.Run("home_fits_a_phone", func(t *testing.T) {
			b.viewport(t, phoneWidth, phoneHeight, true)
			defer b.viewport(t, viewportWidth, viewportHeight, false)
			b.open(t, "/")
			b.wantNoSidewaysScroll(t)
		})
		listed := func(t *testing.T) map[string]bool {
			t.Helper()
			got, main := map[string]bool{}, b.text(t, "main")
			for _, r := range []string{decidedRef, childRef, adultRef} {
				got[r] = strings.Contains(main, r)
			}
			return got
		}
		t.Run("case_list_filters_narrow_the_list", func(t *testing.T) {
			b.open(t, "/cases")
			b.wantText(t, "main", "3 cases", "Recovery and reflection period ends")
			b.saveScreenshot(t, engine, "case-list")
			b.click(t, `details.filters > summary`)
			b.setValue(t, "f-state", string(nrm.StateRecoveryPeriod))
			b.submit(t, `form.filters button[type="submit"]`)
			loc, err := url.Parse(b.location(t))
			if err != nil || loc.Query().Get("state") != string(nrm.StateRecoveryPeriod) {
				t.Fatalf("after filtering by state the browser is at %s", b.location(t))
			}
			if got := listed(t); !got[decidedRef] || got[childRef] || got[adultRef] {
				t.Errorf("filtered by state, the list holds %v", got)
			}
			// The filters stay open and chosen; another filter replaces the state.
			b.setValue(t, "f-state", "")
			b.setValue(t, "f-child", nrm.ChildOnly)
			b.submit(t, `form.filters button[type="submit"]`)
			if got := listed(t); got[decidedRef] || !got[childRef] || got[adultRef] {
				t.Errorf("filtered to children, the list holds %v", got)
			}
			// A count per state is a link that filters.
			b.open(t, "/cases")
			b.submit(t, `nav.state-counts a[href*="state=recovery-period"]`)
			if got := listed(t); !got[decidedRef] || got[childRef] {
				t.Errorf("after the count's link, the list holds %v", got)
			}
		})
		t.Run("case_list_fits_a_phone", func(t *testing.T) {
			b.viewport(t, phoneWidth, phoneHeight, true)
			defer b.viewport(t, viewportWidth, viewportHeight, false)
			b.open(t, "/cases")
			b.eval(t, `document.querySelectorAll('details').forEach(d => d.open = true), ''`)
			b.wantNoSidewaysScroll(t)
		})
	})
}
