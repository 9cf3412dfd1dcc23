package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// TestStatisticsInTheBrowser: the statistics page and the yearly report
// in Chromium, as an analyst: no serious or critical axe violation, and on
// a 390 px phone neither scrolls sideways (the charts scale, wide tables
// scroll in their own box).
func TestStatisticsInTheBrowser(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		officer := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindPolice), nrm.RoleFirstResponder))
		for i := range 14 {
			body := testapp.CaseBody("Chart", fmt.Sprintf("Person%c", 'a'+i), "1995-05-05")
			if i%3 == 0 {
				body["person"].(map[string]any)["sex"] = "male"
			}
			a.MustCase(t, officer, body)
		}
		analyst := a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAnalyst)
		b := newChromium(t, a.URL)
		b.signInFirstTime(t, a, analyst)
		pages := []string{"/statistics", "/statistics?dataset=cases&by=sex&by=majority&privacy=suppress",
			"/statistics?dataset=cases&by=age_band&privacy=none", "/statistics?dataset=cases&by=nope&privacy=suppress",
			"/report?year=2026"}
		// go opens a page whatever its status (a form with its errors is a 422).
		goTo := func(p string) {
			t.Helper()
			if _, err := chromedp.Run(b.ctx, chromedp.Navigate(b.base+p)); err != nil {
				t.Fatalf("open %s: %v", p, err)
			}
		}
		for _, p := range pages {
			goTo(p)
			b.axeCheck(t, p)
		}
		goTo("/statistics?dataset=cases&by=sex&by=majority&privacy=suppress&k=5")
		b.saveScreenshot(t, engine, "statistics-page")
		b.viewport(t, phoneWidth, phoneHeight, true)
		for _, p := range pages {
			goTo(p)
			b.wantNoSidewaysScroll(t)
		}
		b.open(t, "/report?year=2026")
		b.saveScreenshot(t, engine, "report-page-phone")
	})
}
