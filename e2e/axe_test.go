package e2e

// axe-core (Deque, MPL-2.0; testdata/axe.min.js, vendored so that the test
// needs no network) run in headless Chromium over the main pages, as each
// role sees them, the case page with every form open. A violation of impact
// serious or critical fails the test; minor and moderate ones are logged.

import (
	_ "embed"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

//go:embed testdata/axe.min.js
var axeSource string

// axeViolation is one rule axe found broken, with a few of its elements.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeCheck runs axe over the page now open and fails on serious or
// critical violations.
func (b *chromium) axeCheck(t *testing.T, page string) {
	t.Helper()
	if loaded, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof axe !== 'undefined'`)); !loaded {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](axeSource+";\ntrue")); err != nil {
			t.Fatalf("%s: loading axe: %v", page, err)
		}
	}
	vs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe: %v", page, err)
	}
	for _, v := range vs {
		msg := page + ": " + v.Impact + " " + v.ID + " (" + v.Help + ") at " + strings.Join(v.Nodes, "; ")
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

func TestAccessibility(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		wc := mustWorkedCase(t, a)
		admin := a.MustUser(t, wc.NGO, nrm.RoleAdmin)
		auditor := a.MustUser(t, wc.NGO, nrm.RoleAuditor)
		b := newChromium(t, a.URL)
		// check opens a page whatever its status (error pages are pages too).
		check := func(path string) {
			t.Helper()
			if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+path)); err != nil {
				t.Fatalf("open %s: %v", path, err)
			}
			b.axeCheck(t, path)
		}
		as := func(u testapp.User, paths ...string) {
			t.Helper()
			a.Clock.Advance(90 * time.Second)
			b.signInFirstTime(t, a, u)
			b.axeCheck(t, "recovery codes ("+string(u.Role)+")")
			for _, p := range paths {
				check(p)
			}
			b.submit(t, `form[action="/logout"] button`)
			b.axeCheck(t, "signed out")
		}

		check("/login")
		t.Run("case_worker", func(t *testing.T) {
			a.Clock.Advance(90 * time.Second)
			b.signInFirstTime(t, a, wc.Worker)
			for _, p := range []string{"/", "/cases", "/cases/new", "/due", "/cases/" + wc.ID + "/screening",
				"/cases/" + wc.ID + "/support/plan", "/cases/" + nrm.NewID()} {
				check(p)
			}
			b.open(t, "/cases/"+wc.ID)
			b.eval(t, `(() => { document.querySelectorAll('details').forEach(d => d.open = true); return ''; })()`)
			b.axeCheck(t, "case page, every form open")
			b.submit(t, `form[action="/logout"] button`)
		})
		t.Run("decision_maker", func(t *testing.T) { as(wc.DM, "/", "/referrals", "/due") })
		t.Run("admin", func(t *testing.T) { as(admin, "/", "/admin/users", "/admin/org", "/admin/erase") })
		t.Run("auditor", func(t *testing.T) { as(auditor, "/", "/audit", "/audit?user_name=nobody-at-all") })
	})
}
