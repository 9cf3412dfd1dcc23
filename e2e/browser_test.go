package e2e

// The browser test: Debian's Chromium, headless, drives nrm served on
// loopback through the NRM referral of one adult, the way a case worker and
// a decision-maker would: sign in with a password and a second factor, record
// a case, screen it, record the person's consent, refer the case to the
// competent authority; then, as the authority's decision-maker, accept the
// referral and record a positive reasonable-grounds decision. The case page
// must then show the recovery period and its clock.
//
// With NRM_SCREENSHOTS naming a folder, the case page is saved there as a
// full-page PNG (case-page.png) at 1200 pixels wide.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

const chromiumPath = "/usr/bin/chromium"

// The sizes the pages are checked and photographed at: a laptop and a phone.
const (
	viewportWidth, viewportHeight = 1200, 900
	phoneWidth, phoneHeight       = 390, 844
	minTap                        = "32" // pixels: the least height of a control (a tick box's label counts)
)

func TestBrowser(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		started := time.Now()
		defer func() { t.Logf("%s: the browser test took %s", engine, time.Since(started).Round(time.Millisecond)) }()

		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		ca := a.MustOrg(t, nrm.KindCompetentAuthority)
		worker := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		dm := a.MustUser(t, ca, nrm.RoleDecisionMaker)

		b := newChromium(t, a.URL)
		caseID := ""
		// A person takes a moment between two steps; the app's clock
		// moves with them (sessions and second-factor codes follow it).
		step := func(name string, f func(t *testing.T)) bool {
			a.Clock.Advance(90 * time.Second)
			return t.Run(name, f)
		}

		step("case_worker_signs_in_with_a_second_factor", func(t *testing.T) {
			b.signInFirstTime(t, a, worker)
		})
		step("case_worker_records_a_case", func(t *testing.T) {
			b.open(t, "/cases/new")
			b.typeInto(t, "person.given_name", "Zyxandra")
			b.typeInto(t, "person.family_name", "Quellwood")
			b.setValue(t, "person.date_of_birth", "1999-04-02")
			b.setValue(t, "person.sex", "female")
			b.typeInto(t, "person.citizenship", "MD")
			b.setValue(t, "encounter.date", "2026-11-20")
			b.typeInto(t, "encounter.place", "Eastbrook Quay")
			b.typeInto(t, "encounter.country", "GB")
			b.click(t, `input[name="exploitation_types"][value="forced-labour"]`)
			b.submit(t, `form[action="/cases"] button[type="submit"]`)
			loc := b.location(t)
			caseID = strings.TrimPrefix(strings.TrimPrefix(loc, a.URL), "/cases/")
			if !nrm.ValidID(caseID) {
				t.Fatalf("after saving the case the browser is at %s", loc)
			}
			b.wantText(t, ".case-head", "Not yet referred for identification", "A possible victim was met.")
		})
		if caseID == "" {
			t.FailNow()
		}
		casePath := "/cases/" + caseID

		step("case_worker_screens_the_case", func(t *testing.T) {
			b.click(t, `#screening a[href$="/screening"]`)
			for _, id := range []string{"AL01", "AL02", "AL37"} {
				b.click(t, byID("screening.tick."+id))
			}
			b.click(t, `.indicator:has([id="screening.tick.AL01"]) details.evidence > summary`)
			b.typeInto(t, "screening.evidence.AL01", "promised hotel work, put on a farm")
			b.submit(t, `form[action$="/screenings"] button[type="submit"]`)
			b.wantText(t, "#screening", "Deceptive recruitment", "indicated", "promised hotel work, put on a farm")
		})
		step("case_worker_records_consent_to_the_competent_authority", func(t *testing.T) {
			b.click(t, `#consent details.form > summary`)
			b.setValue(t, "consent.purpose", "referral")
			b.setValue(t, "consent.recipient_org", ca.ID)
			b.click(t, `#consent input[name="scope"][value="identity"]`)
			b.click(t, `#consent input[name="scope"][value="support"]`)
			b.typeInto(t, "consent.language", "ro")
			b.click(t, `#consent input[name="interpreter"]`)
			b.submit(t, `form[action$="/consents"] button[type="submit"]`)
			b.wantText(t, "#consent", "Referral", ca.Name, "Given", "with an interpreter")
		})
		step("case_worker_refers_the_case", func(t *testing.T) {
			b.click(t, `#referrals details.form > summary`)
			b.setValue(t, "referral.to_org", ca.ID)
			b.typeInto(t, "referral.reason", "Indicators of forced labour; she asks for help.")
			consent := b.eval(t, `document.querySelector('[id="referral.consent_id"] option:not([value=""])').value`)
			b.setValue(t, "referral.consent_id", consent)
			b.submit(t, `form[action$="/referrals"] button[type="submit"]`)
			b.wantText(t, ".case-head", "Referred")
			b.wantText(t, "#referrals", ca.Name, "Pending", "NRM referral")
		})
		step("case_worker_signs_out", func(t *testing.T) {
			b.submit(t, `form[action="/logout"] button`)
			if loc := b.location(t); loc != a.URL+"/signed-out" {
				t.Fatalf("after signing out the browser is at %s", loc)
			}
			if c := b.sessionCookie(t); c != nil {
				t.Fatalf("the session cookie stayed after signing out: %+v", c)
			}
		})
		step("decision_maker_accepts_the_referral", func(t *testing.T) {
			b.signInFirstTime(t, a, dm)
			b.open(t, "/referrals")
			b.wantText(t, "main", "Indicators of forced labour")
			if body := b.text(t, "main"); strings.Contains(body, "Zyxandra") || strings.Contains(body, "Quellwood") {
				t.Fatal("the inbox shows the person before the referral is accepted")
			}
			b.submit(t, `form[action$="/accept"] button[type="submit"]`)
			if loc := b.location(t); !strings.HasPrefix(loc, a.URL+casePath) {
				t.Fatalf("after accepting the browser is at %s", loc)
			}
			b.wantText(t, ".case-head", "Awaiting reasonable-grounds decision")
			b.wantText(t, "#person", "Zyxandra Quellwood")
		})
		step("decision_maker_records_a_positive_reasonable_grounds_decision", func(t *testing.T) {
			b.click(t, `#decisions details.form > summary`)
			b.setValue(t, "decision.kind", nrm.ReasonableGrounds)
			b.click(t, `#decisions input[name="outcome"][value="positive"]`)
			b.setValue(t, "decision.decided_on", a.Clock.Now().Format("2006-01-02"))
			b.typeInto(t, "decision.reasons", "Credible and consistent account; indicators of deception and coercion.")
			b.submit(t, `form[action$="/decisions"] button[type="submit"]`)
		})
		t.Run("case_page_shows_the_recovery_period_and_its_clock", func(t *testing.T) {
			b.open(t, casePath)
			if n := b.count(t, `.case-head .tag.state-recovery-period`); n != 1 {
				t.Errorf("%d recovery-period state tags in the header", n)
			}
			b.wantText(t, ".case-head", "Recovery period", "recovery and reflection period runs")
			end := a.Clock.Now().AddDate(0, 0, 30).Format("2006-01-02")
			b.wantText(t, "#clocks", "Recovery and reflection period ends", end, "in 30 days")
			b.wantText(t, "#timeline", "reasonable-grounds decision: positive", "awaiting-reasonable-grounds → recovery-period")
			b.wantNoSidewaysScroll(t)
			b.saveScreenshot(t, engine, "case-page")
		})
		t.Run("case_page_works_on_a_phone", func(t *testing.T) {
			b.viewport(t, phoneWidth, phoneHeight, true)
			defer b.viewport(t, viewportWidth, viewportHeight, false)
			b.open(t, casePath)
			b.saveScreenshot(t, engine, "case-page-phone")
			// Every form open: nothing may be wider than the phone, and
			// every control is big enough to tap.
			b.eval(t, `document.querySelectorAll('details').forEach(d => d.open = true), ''`)
			b.wantNoSidewaysScroll(t)
			small := b.eval(t, `Array.from(document.querySelectorAll('main button, main summary, main input:not([type=checkbox]):not([type=radio]):not([type=hidden]), main select, main textarea, main label.check'))
				.filter(e => e.getBoundingClientRect().height < `+minTap+`)
				.map(e => e.tagName + ' ' + (e.id || e.name || e.textContent.trim().slice(0, 40)) + ' ' + Math.round(e.getBoundingClientRect().height) + 'px')
				.filter((x, i, all) => all.indexOf(x) === i).join('; ')`)
			if small != "" {
				t.Errorf("controls smaller than %s pixels on a phone: %s", minTap, small)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// A small driver over chromedp.

type chromium struct {
	ctx  context.Context
	base string
}

// newChromium starts a headless Chromium with a fresh profile; it ends with the test.
func newChromium(t *testing.T, base string) *chromium {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(viewportWidth, viewportHeight),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	b := &chromium{ctx: ctx, base: base}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	b.viewport(t, viewportWidth, viewportHeight, false)
	return b
}

// viewport sets the size of the page, as a laptop's window or a phone.
func (b *chromium) viewport(t *testing.T, width, height int64, phone bool) {
	t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1, Mobile: phone}); err != nil {
		t.Fatalf("viewport %dx%d: %v", width, height, err)
	}
	// Overlay scrollbars, as on a phone or a Mac: the page gets the whole width.
	if _, err := chromedp.Call(b.ctx, emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: true}); err != nil {
		t.Fatalf("hide the scrollbars: %v", err)
	}
}

// wantNoSidewaysScroll checks that the page fits the width of the window.
func (b *chromium) wantNoSidewaysScroll(t *testing.T) {
	t.Helper()
	if over := b.eval(t, `(() => { const w = document.documentElement.clientWidth;
		const wide = Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1);
		return wide.length ? document.documentElement.scrollWidth + 'px wide at ' + w + 'px: ' + wide.slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).join(', ') : ''; })()`); over != "" {
		t.Errorf("the page scrolls sideways: %s", over)
	}
}

// saveScreenshot saves a full-page PNG in the folder NRM_SCREENSHOTS names, if any.
func (b *chromium) saveScreenshot(t *testing.T, engine sqlstore.Engine, name string) {
	t.Helper()
	dir := os.Getenv("NRM_SCREENSHOTS")
	if dir == "" {
		return
	}
	if engine != sqlstore.SQLite {
		name += "-" + string(engine)
	}
	b.screenshot(t, filepath.Join(dir, name+".png"))
}

// cssID selects by id: the pages' ids hold dots ("consent.purpose").
func cssID(id string) chromedp.CSS { return chromedp.CSS(byID(id)) }

func byID(id string) string { return `[id="` + id + `"]` }

func (b *chromium) open(t *testing.T, path string) {
	t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != 200 {
		t.Fatalf("open %s: status %d\n%s", path, resp.Status, b.text(t, "main"))
	}
}

// submit clicks a submit button and waits for the page it leads to, which
// must not be an error.
func (b *chromium) submit(t *testing.T, sel string) {
	t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("submit %s: %v", sel, err)
	}
	if resp.Status >= 400 {
		t.Fatalf("submit %s: status %d\n%s", sel, resp.Status, b.text(t, "main"))
	}
}

func (b *chromium) click(t *testing.T, sel string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// typeInto types text into the input with that id, as a person would.
func (b *chromium) typeInto(t *testing.T, id, text string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(cssID(id), text)); err != nil {
		t.Fatalf("type into %s: %v", id, err)
	}
}

// setValue chooses an option of a select, or sets a date.
func (b *chromium) setValue(t *testing.T, id, value string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(cssID(id)), chromedp.SetValue(cssID(id), value)); err != nil {
		t.Fatalf("set %s: %v", id, err)
	}
	if got, err := chromedp.Run(b.ctx, chromedp.Value(cssID(id))); err != nil || got != value {
		t.Fatalf("set %s to %q: it holds %q (%v)", id, value, got, err)
	}
}

func (b *chromium) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func (b *chromium) wantText(t *testing.T, sel string, subs ...string) {
	t.Helper()
	s := b.text(t, sel)
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not say %q; it says:\n%s", sel, sub, s)
		}
	}
}

func (b *chromium) count(t *testing.T, sel string) int {
	t.Helper()
	return b.evalInt(t, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

func (b *chromium) eval(t *testing.T, js string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

func (b *chromium) evalInt(t *testing.T, js string) int {
	t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return n
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func (b *chromium) location(t *testing.T) string {
	t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// sessionCookie is nrm's session cookie as Chromium holds it for the server, or nil.
func (b *chromium) sessionCookie(t *testing.T) *network.Cookie {
	t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base + "/"}})
	if err != nil {
		t.Fatalf("reading the cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == web.CookieName {
			return c
		}
	}
	return nil
}

// signInFirstTime signs a user in with their password and sets up the
// second factor: the secret is read from the page, the code computed at the
// app's clock, as an authenticator app would.
func (b *chromium) signInFirstTime(t *testing.T, a *testapp.App, u testapp.User) {
	t.Helper()
	b.open(t, "/login")
	b.typeInto(t, "email", u.Email)
	b.typeInto(t, "password", u.Password)
	b.submit(t, `form[action="/login"] button[type="submit"]`)
	c := b.sessionCookie(t)
	if c == nil {
		t.Fatalf("Chromium did not keep the %s cookie (Secure) set over %s: the pages cannot be used over plain HTTP on loopback", web.CookieName, b.base)
	}
	if !c.Secure || !c.HTTPOnly || c.Path != "/" {
		t.Errorf("session cookie as Chromium holds it: Secure=%v HttpOnly=%v Path=%q", c.Secure, c.HTTPOnly, c.Path)
	}
	if loc := b.location(t); loc != b.base+"/login/enrol" {
		t.Fatalf("after the password the browser is at %s, not the enrolment page:\n%s", loc, b.text(t, "main"))
	}
	secret := strings.TrimSpace(b.text(t, "main p code"))
	code, err := totp.GenerateCodeCustom(secret, a.Clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatalf("secret %q from the page: %v", secret, err)
	}
	b.typeInto(t, "code", code)
	b.submit(t, `form[action="/login/enrol"] button[type="submit"]`)
	b.wantText(t, "main", "recovery")
}

func (b *chromium) screenshot(t *testing.T, path string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", path)
}

// needChromium skips a browser test, saying why, where Chromium is missing
// or with -short.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Skipf("Chromium is not installed at %s (Debian: apt-get install chromium); the browser test needs it: %v", chromiumPath, err)
	}
	if testing.Short() {
		t.Skip("the browser test starts Chromium; skipped with -short")
	}
}
