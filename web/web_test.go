package web_test

// End-to-end tests of the pages: the whole of nrm (real store on every
// engine, real keys, argon2id, TOTP) behind a real HTTP server on loopback,
// driven the way a browser drives it. The session cookie is Secure, so the
// tests carry it by hand over http:// instead of weakening it for a jar.

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"html"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// ---------------------------------------------------------------------------
// A small browser.

// page is one HTTP answer, redirects not followed.
type page struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
	Cookies  []*http.Cookie // the session cookies the answer set
}

// browser keeps one session cookie and sends it itself.
type browser struct {
	base   string
	hc     *http.Client
	cookie string
}

func newBrowser(tb testing.TB, a *testapp.App) *browser {
	hc := *a.Server.Client()
	hc.Timeout = 10 * time.Second // every page answers in well under a second
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{base: a.URL, hc: &hc}
}

// withCookie is another browser holding the given cookie value (a stolen or
// remembered cookie).
func (b *browser) withCookie(value string) *browser {
	c := *b
	c.cookie = value
	return &c
}

func (b *browser) do(tb testing.TB, method, path string, form url.Values, header http.Header) page {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if b.cookie != "" {
		req.Header.Set("Cookie", web.CookieName+"="+b.cookie)
	}
	res, err := b.hc.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			tb.Fatalf("BUG: %s %s got no answer within %s: the server hangs (%v)", method, path, b.hc.Timeout, err)
		}
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	p := page{Status: res.StatusCode, Header: res.Header, Body: string(raw), Location: res.Header.Get("Location")}
	for _, c := range res.Cookies() {
		if c.Name != web.CookieName {
			continue
		}
		p.Cookies = append(p.Cookies, c)
		if c.MaxAge < 0 || c.Value == "" {
			b.cookie = ""
		} else {
			b.cookie = c.Value
		}
	}
	return p
}

func (b *browser) get(tb testing.TB, path string) page {
	tb.Helper()
	return b.do(tb, "GET", path, nil, nil)
}

func (b *browser) post(tb testing.TB, path string, form url.Values) page {
	tb.Helper()
	return b.do(tb, "POST", path, form, nil)
}

// ---------------------------------------------------------------------------
// Scraping and assertions.

var (
	reQR       = regexp.MustCompile(`<img class="qr" src="data:image/png;base64,([^"]+)"`)
	reSecret   = regexp.MustCompile(`<code>([A-Z2-7]{16,})</code>`)
	reRecovery = regexp.MustCompile(`<li>([a-z0-9]{5}-[a-z0-9]{5})</li>`)
	reCode     = regexp.MustCompile(`<code>([^<]+)</code>`)
)

// hidden returns the value of the hidden input called name.
func hidden(tb testing.TB, p page, name string) string {
	tb.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(p.Body)
	if m == nil || m[1] == "" {
		tb.Fatalf("no %q field on the page (status %d):\n%s", name, p.Status, p.Body)
	}
	return m[1]
}

func wantStatus(tb testing.TB, p page, want int) {
	tb.Helper()
	if p.Status != want {
		tb.Fatalf("status %d, want %d; Location %q\n%s", p.Status, want, p.Location, p.Body)
	}
}

func wantRedirect(tb testing.TB, p page, to string) {
	tb.Helper()
	if p.Status != http.StatusSeeOther || p.Location != to {
		tb.Fatalf("got %d to %q, want 303 to %q\n%s", p.Status, p.Location, to, p.Body)
	}
}

// wantDenied checks a 403 or 404 that gives nothing away.
func wantDenied(tb testing.TB, p page, secrets ...string) {
	tb.Helper()
	if p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
		tb.Fatalf("status %d, want 403 or 404\n%s", p.Status, p.Body)
	}
	wantAbsent(tb, p, secrets...)
}

func wantAbsent(tb testing.TB, p page, secrets ...string) {
	tb.Helper()
	for _, s := range secrets {
		if strings.Contains(p.Body, s) {
			tb.Errorf("the page (status %d) shows %q", p.Status, s)
		}
	}
}

var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// codeAt is what an authenticator app shows for secret at t.
func codeAt(tb testing.TB, secret string, t time.Time) string {
	tb.Helper()
	c, err := totp.GenerateCodeCustom(secret, t, totpOpts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// wrongCode is a six-digit code that matches none of the steps the server accepts at t.
func wrongCode(tb testing.TB, secret string, t time.Time) string {
	tb.Helper()
	near := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		near[codeAt(tb, secret, t.Add(d))] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !near[c] {
			return c
		}
	}
	tb.Fatal("no wrong code found")
	return ""
}

// ---------------------------------------------------------------------------
// Fixtures.

// signedIn is a browser with a full session, and the user's TOTP secret.
type signedIn struct {
	*browser
	User   testapp.User
	Secret string
	CSRF   string
}

// MustSignIn signs u in through the pages, setting up the second factor on
// the way when u has none yet (secret ""), and returns the browser.
func MustSignIn(tb testing.TB, a *testapp.App, u testapp.User, secret string) signedIn {
	tb.Helper()
	b := newBrowser(tb, a)
	p := b.post(tb, "/login", url.Values{"email": {u.Email}, "password": {u.Password}})
	if secret == "" {
		wantRedirect(tb, p, "/login/enrol")
		p = b.get(tb, "/login/enrol")
		wantStatus(tb, p, http.StatusOK)
		m := reSecret.FindStringSubmatch(p.Body)
		if m == nil {
			tb.Fatalf("no secret on the enrol page:\n%s", p.Body)
		}
		secret = m[1]
		p = b.post(tb, "/login/enrol", url.Values{"csrf": {hidden(tb, p, "csrf")}, "code": {codeAt(tb, secret, a.Clock.Now())}})
		wantStatus(tb, p, http.StatusOK)
	} else {
		wantRedirect(tb, p, "/login/code")
		p = b.get(tb, "/login/code")
		wantStatus(tb, p, http.StatusOK)
		p = b.post(tb, "/login/code", url.Values{"csrf": {hidden(tb, p, "csrf")}, "code": {codeAt(tb, secret, a.Clock.Now())}})
		wantRedirect(tb, p, "/")
	}
	s := signedIn{browser: b, User: u, Secret: secret}
	s.CSRF = s.csrfFrom(tb, "/cases/new", "/admin/users", "/")
	return s
}

// csrfFrom reads the session's CSRF token from the first page that has one.
func (s *signedIn) csrfFrom(tb testing.TB, paths ...string) string {
	tb.Helper()
	for _, path := range paths {
		p := s.get(tb, path)
		if m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(p.Body); p.Status == 200 && m != nil {
			return m[1]
		}
	}
	tb.Fatal("no page with a CSRF token")
	return ""
}

// MustCount counts the cases the organisation of actor holds, as actor sees them.
func MustCount(tb testing.TB, a *testapp.App, actor nrm.Actor) int {
	tb.Helper()
	items, err := a.Svc.Cases(testapp.As(actor), service.CaseQuery{Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	return len(items)
}

func MustUserRecord(tb testing.TB, a *testapp.App, id string) sqlstore.UserRecord {
	tb.Helper()
	var u sqlstore.UserRecord
	err := a.Store.Read(context.Background(), func(tx *sqlstore.Tx) error {
		var err error
		u, err = tx.User(context.Background(), id)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// caseForm is a valid new case as the form posts it.
func caseForm(csrf string) url.Values {
	return url.Values{
		"csrf":                 {csrf},
		"person.given_name":    {"Zyxandra"},
		"person.family_name":   {"Quellwood"},
		"person.date_of_birth": {"1999-04-02"},
		"person.sex":           {"female"},
		"person.citizenship":   {"MD"},
		"encounter.date":       {"2026-11-20"},
		"encounter.place":      {"Eastbrook Quay"},
		"encounter.country":    {"GB"},
		"exploitation_types":   {"forced-labour"},
	}
}

// personal is everything of caseForm that identifies the person.
var personal = []string{"Zyxandra", "Quellwood", "1999-04-02", "Eastbrook Quay"}

// ---------------------------------------------------------------------------
// The tests.

func TestLoginPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		p := newBrowser(t, a).get(t, "/login")
		t.Run("is_an_HTML_form", func(t *testing.T) {
			wantStatus(t, p, http.StatusOK)
			if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q", ct)
			}
			for _, s := range []string{`action="/login"`, `name="email"`, `name="password"`} {
				if !strings.Contains(p.Body, s) {
					t.Errorf("no %s on the sign-in page", s)
				}
			}
		})
		t.Run("title_names_the_page", func(t *testing.T) {
			if !strings.Contains(p.Body, "<title>Sign in · nrm</title>") {
				m := regexp.MustCompile(`<title>.*</title>`).FindString(p.Body)
				t.Errorf("BUG: page title %s, want <title>Sign in · nrm</title> (the layout's default title block replaces the page's)", m)
			}
		})
		t.Run("carries_the_security_headers", func(t *testing.T) {
			if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("Content-Security-Policy %q lacks frame-ancestors 'none'", csp)
			}
			if h := p.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
				t.Errorf("Strict-Transport-Security %q", h)
			}
			for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
				if got := p.Header.Get(name); got != want {
					t.Errorf("%s %q, want %q", name, got, want)
				}
			}
		})
		t.Run("sets_no_cookie", func(t *testing.T) {
			if len(p.Cookies) != 0 {
				t.Errorf("GET /login set %v", p.Cookies)
			}
		})
	})
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		org := a.MustOrg(t, nrm.KindNGO)
		u := a.MustUser(t, org, nrm.RoleCaseWorker)
		b := newBrowser(t, a)

		wantSessionCookie := func(t *testing.T, p page) *http.Cookie {
			t.Helper()
			if len(p.Cookies) != 1 {
				t.Fatalf("want one %s cookie, got %v", web.CookieName, p.Cookies)
			}
			c := p.Cookies[0]
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %q: Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q; want Secure, HttpOnly, Lax, Path=/, no Domain",
					c.Raw, c.Secure, c.HttpOnly, c.SameSite, c.Path, c.Domain)
			}
			if n := len(c.Value); n < 22 { // 128 bits in base64
				t.Errorf("session secret of %d characters is too short", n)
			}
			return c
		}

		var enrolCookie, fullCookie, secret string
		var recovery []string
		t.Run("password_leads_a_new_user_to_enrolment", func(t *testing.T) {
			p := b.post(t, "/login", url.Values{"email": {u.Email}, "password": {u.Password}})
			wantRedirect(t, p, "/login/enrol")
			enrolCookie = wantSessionCookie(t, p).Value
		})
		t.Run("password_alone_opens_no_page", func(t *testing.T) {
			wantRedirect(t, b.get(t, "/cases"), "/login")
			wantRedirect(t, b.get(t, "/admin/users"), "/login")
		})
		var enrolPage page
		t.Run("enrol_page_shows_QR_and_secret", func(t *testing.T) {
			enrolPage = b.get(t, "/login/enrol")
			wantStatus(t, enrolPage, http.StatusOK)
			m := reQR.FindStringSubmatch(enrolPage.Body)
			if m == nil {
				t.Fatalf("no data:image/png QR code:\n%s", enrolPage.Body)
			}
			raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatalf("QR code: %v", err)
			}
			if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
				t.Fatalf("the QR code is not a PNG: %v", err)
			}
			s := reSecret.FindStringSubmatch(enrolPage.Body)
			if s == nil {
				t.Fatalf("no base32 secret:\n%s", enrolPage.Body)
			}
			secret = s[1]
			key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
			if err != nil || len(key) < 16 {
				t.Fatalf("secret %q: %d bytes, %v; want at least 128 bits of base32", secret, len(key), err)
			}
		})
		if secret == "" {
			t.FailNow()
		}
		t.Run("enrol_page_reloaded_offers_the_same_secret", func(t *testing.T) {
			// What the user scanned must stay valid when the page is reloaded.
			p := b.get(t, "/login/enrol")
			wantStatus(t, p, http.StatusOK)
			if m := reSecret.FindStringSubmatch(p.Body); m == nil || m[1] != secret {
				t.Fatalf("the reloaded enrol page offers %v, not the secret shown first", m)
			}
		})
		t.Run("wrong_enrolment_code_is_refused", func(t *testing.T) {
			p := b.post(t, "/login/enrol", url.Values{"csrf": {hidden(t, enrolPage, "csrf")}, "code": {wrongCode(t, secret, a.Clock.Now())}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			if len(p.Cookies) != 0 || b.cookie != enrolCookie {
				t.Errorf("a wrong code changed the session cookie: %v", p.Cookies)
			}
			if r := MustUserRecord(t, a, u.ID); r.TOTPEnabled {
				t.Error("a wrong code enabled the second factor")
			}
		})
		t.Run("right_enrolment_code_shows_recovery_codes_and_rotates_the_session", func(t *testing.T) {
			p := b.post(t, "/login/enrol", url.Values{"csrf": {hidden(t, enrolPage, "csrf")}, "code": {codeAt(t, secret, a.Clock.Now())}})
			wantStatus(t, p, http.StatusOK)
			for _, m := range reRecovery.FindAllStringSubmatch(p.Body, -1) {
				recovery = append(recovery, m[1])
			}
			if len(recovery) < 5 {
				t.Fatalf("%d recovery codes on the page:\n%s", len(recovery), p.Body)
			}
			fullCookie = wantSessionCookie(t, p).Value
			if fullCookie == enrolCookie {
				t.Fatal("the session was not rotated: same cookie value after the second factor")
			}
			if r := MustUserRecord(t, a, u.ID); !r.TOTPEnabled {
				t.Error("the second factor is not enabled")
			}
		})
		t.Run("full_session_opens_the_cases", func(t *testing.T) {
			p := b.get(t, "/cases")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, u.Name) {
				t.Errorf("the page does not name the signed-in user %q", u.Name)
			}
		})
		t.Run("half_session_cookie_is_dead_after_rotation", func(t *testing.T) {
			old := b.withCookie(enrolCookie)
			wantRedirect(t, old.get(t, "/cases"), "/login")
			wantRedirect(t, old.get(t, "/login/enrol"), "/login")
		})
		t.Run("recovery_codes_are_not_shown_again", func(t *testing.T) {
			for _, path := range []string{"/cases", "/login/enrol", "/"} {
				wantAbsent(t, b.get(t, path), recovery...)
			}
		})

		// The enrolment used the code of this step; the next sign-in happens
		// in the next step.
		a.Clock.Advance(30 * time.Second)
		var used string
		t.Run("second_sign_in_asks_for_a_code", func(t *testing.T) {
			b2 := newBrowser(t, a)
			p := b2.post(t, "/login", url.Values{"email": {u.Email}, "password": {u.Password}})
			wantRedirect(t, p, "/login/code")
			half := wantSessionCookie(t, p).Value
			wantRedirect(t, b2.get(t, "/cases"), "/login")
			form := b2.get(t, "/login/code")
			wantStatus(t, form, http.StatusOK)
			csrf := hidden(t, form, "csrf")

			t.Run("wrong_code_fails", func(t *testing.T) {
				p := b2.post(t, "/login/code", url.Values{"csrf": {csrf}, "code": {wrongCode(t, secret, a.Clock.Now())}})
				wantStatus(t, p, http.StatusUnprocessableEntity)
				wantRedirect(t, b2.get(t, "/cases"), "/login")
			})
			t.Run("right_code_works_and_rotates_the_session", func(t *testing.T) {
				used = codeAt(t, secret, a.Clock.Now())
				p := b2.post(t, "/login/code", url.Values{"csrf": {csrf}, "code": {used}})
				wantRedirect(t, p, "/")
				if c := wantSessionCookie(t, p).Value; c == half {
					t.Error("the session was not rotated at the code step")
				}
				wantStatus(t, b2.get(t, "/cases"), http.StatusOK)
				wantRedirect(t, b2.withCookie(half).get(t, "/cases"), "/login")
			})
		})
		signInForCode := func(t *testing.T) (*browser, string) {
			t.Helper()
			b := newBrowser(t, a)
			wantRedirect(t, b.post(t, "/login", url.Values{"email": {u.Email}, "password": {u.Password}}), "/login/code")
			return b, hidden(t, b.get(t, "/login/code"), "csrf")
		}
		t.Run("same_code_is_refused_the_second_time", func(t *testing.T) {
			if used == "" {
				t.Skip("no code was used")
			}
			b3, csrf := signInForCode(t)
			p := b3.post(t, "/login/code", url.Values{"csrf": {csrf}, "code": {used}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantRedirect(t, b3.get(t, "/cases"), "/login")
		})
		t.Run("recovery_code_works_once", func(t *testing.T) {
			if len(recovery) == 0 {
				t.Skip("no recovery codes")
			}
			b4, csrf := signInForCode(t)
			p := b4.post(t, "/login/code", url.Values{"csrf": {csrf}, "code": {recovery[0]}})
			wantRedirect(t, p, "/")
			wantStatus(t, b4.get(t, "/cases"), http.StatusOK)

			b5, csrf := signInForCode(t)
			p = b5.post(t, "/login/code", url.Values{"csrf": {csrf}, "code": {recovery[0]}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantRedirect(t, b5.get(t, "/cases"), "/login")
		})
		t.Run("first_session_still_works", func(t *testing.T) {
			wantStatus(t, b.withCookie(fullCookie).get(t, "/cases"), http.StatusOK)
		})
	})
}

func TestSignInFailures(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		org := a.MustOrg(t, nrm.KindNGO)
		u := a.MustUser(t, org, nrm.RoleCaseWorker)
		off := a.MustUser(t, org, nrm.RoleCaseWorker)
		admin := a.MustUser(t, org, nrm.RoleAdmin)
		if _, err := a.Svc.UpdateUser(testapp.As(admin.Actor), off.ID, service.UserUpdate{Name: off.Name, Role: string(off.Role), Disabled: true, Version: off.Version}); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, a)
		login := func(t *testing.T, email, password string) page {
			t.Helper()
			return b.post(t, "/login", url.Values{"email": {email}, "password": {password}})
		}
		// The form echoes the address typed; apart from that, every
		// failure must read the same.
		same := func(t *testing.T, what string, p, ref page, email, refEmail string) {
			t.Helper()
			if p.Status != ref.Status {
				t.Errorf("%s: status %d, but %d for a wrong password", what, p.Status, ref.Status)
			}
			if len(p.Cookies) != 0 {
				t.Errorf("%s set a cookie", what)
			}
			if strings.ReplaceAll(p.Body, email, "EMAIL") != strings.ReplaceAll(ref.Body, refEmail, "EMAIL") {
				t.Errorf("%s reads differently from a wrong password:\n%s\n---\n%s", what, p.Body, ref.Body)
			}
		}

		wrongPassword := login(t, u.Email, "not the password at all")
		t.Run("wrong_password_is_refused", func(t *testing.T) {
			if wrongPassword.Status < 400 || wrongPassword.Status >= 500 {
				t.Fatalf("status %d", wrongPassword.Status)
			}
			if !strings.Contains(wrongPassword.Body, "Sign-in failed") {
				t.Errorf("no failure message:\n%s", wrongPassword.Body)
			}
			if len(wrongPassword.Cookies) != 0 {
				t.Error("a wrong password set a cookie")
			}
		})
		t.Run("unknown_email_reads_like_a_wrong_password", func(t *testing.T) {
			ghost := "ghost" + nrm.NewID()[:12] + "@example.org"
			same(t, "an unknown address", login(t, ghost, u.Password), wrongPassword, ghost, u.Email)
		})
		t.Run("disabled_user_reads_like_a_wrong_password", func(t *testing.T) {
			same(t, "a disabled user", login(t, off.Email, off.Password), wrongPassword, off.Email, u.Email)
		})
		// One wrong password so far; four more lock the account.
		for range 4 {
			if p := login(t, u.Email, "still not the password"); p.Status != wrongPassword.Status {
				t.Fatalf("a wrong password: %d", p.Status)
			}
		}
		t.Run("locked_account_refuses_the_right_password", func(t *testing.T) {
			same(t, "a locked account", login(t, u.Email, u.Password), wrongPassword, u.Email, u.Email)
		})
		t.Run("lock_holds_only_that_account", func(t *testing.T) {
			wantRedirect(t, login(t, admin.Email, admin.Password), "/login/enrol")
		})
		t.Run("lock_ends_when_the_clock_moves_past_it", func(t *testing.T) {
			a.Clock.Advance(16 * time.Minute)
			wantRedirect(t, login(t, u.Email, u.Password), "/login/enrol")
		})
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		org := a.MustOrg(t, nrm.KindNGO)
		u := MustSignIn(t, a, a.MustUser(t, org, nrm.RoleCaseWorker), "")
		other := MustSignIn(t, a, a.MustUser(t, org, nrm.RoleCaseWorker), "")
		if other.CSRF == u.CSRF {
			t.Fatal("two sessions share a CSRF token")
		}
		refused := func(t *testing.T, form url.Values, header http.Header) {
			t.Helper()
			p := u.do(t, "POST", "/cases", form, header)
			wantStatus(t, p, http.StatusForbidden)
			if n := MustCount(t, a, u.User.Actor); n != 0 {
				t.Fatalf("%d cases exist after a refused POST", n)
			}
			wantAbsent(t, p, personal...)
		}
		t.Run("missing_token_is_refused", func(t *testing.T) {
			form := caseForm("")
			form.Del("csrf")
			refused(t, form, nil)
		})
		t.Run("empty_token_is_refused", func(t *testing.T) { refused(t, caseForm(""), nil) })
		t.Run("wrong_token_is_refused", func(t *testing.T) { refused(t, caseForm(u.CSRF[:len(u.CSRF)-2]+"xx"), nil) })
		t.Run("token_of_another_session_is_refused", func(t *testing.T) { refused(t, caseForm(other.CSRF), nil) })
		t.Run("token_in_the_query_string_only_is_refused", func(t *testing.T) {
			form := caseForm("")
			form.Del("csrf")
			p := u.do(t, "POST", "/cases?csrf="+url.QueryEscape(u.CSRF), form, nil)
			wantStatus(t, p, http.StatusForbidden)
			if n := MustCount(t, a, u.User.Actor); n != 0 {
				t.Fatalf("%d cases exist after a refused POST", n)
			}
		})
		t.Run("cross_site_request_is_refused_even_with_the_token", func(t *testing.T) {
			refused(t, caseForm(u.CSRF), http.Header{"Sec-Fetch-Site": {"cross-site"}})
		})
		t.Run("cross_origin_request_is_refused_even_with_the_token", func(t *testing.T) {
			refused(t, caseForm(u.CSRF), http.Header{"Origin": {"https://evil.example"}})
		})
		t.Run("cross_site_sign_in_is_refused", func(t *testing.T) {
			x := newBrowser(t, a)
			p := x.do(t, "POST", "/login", url.Values{"email": {u.User.Email}, "password": {u.User.Password}},
				http.Header{"Sec-Fetch-Site": {"cross-site"}})
			wantStatus(t, p, http.StatusForbidden)
			if len(p.Cookies) != 0 {
				t.Error("a cross-site sign-in set a session cookie")
			}
		})
		t.Run("sign_out_without_token_is_refused", func(t *testing.T) {
			wantStatus(t, u.post(t, "/logout", url.Values{}), http.StatusForbidden)
			wantStatus(t, u.get(t, "/cases"), http.StatusOK)
		})
		t.Run("same_origin_request_with_the_token_is_accepted", func(t *testing.T) {
			// Proves that the refusals above were about the token, not the form.
			p := u.do(t, "POST", "/cases", caseForm(u.CSRF), http.Header{"Sec-Fetch-Site": {"same-origin"}})
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/cases/") {
				t.Fatalf("status %d to %q\n%s", p.Status, p.Location, p.Body)
			}
			if n := MustCount(t, a, u.User.Actor); n != 1 {
				t.Fatalf("%d cases, want 1", n)
			}
		})
	})
}

func TestCasePages(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		police := a.MustOrg(t, nrm.KindPolice)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		outsider := MustSignIn(t, a, a.MustUser(t, police, nrm.RoleFirstResponder), "")
		admin := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleAdmin), "")

		var id string
		t.Run("form_creates_a_case", func(t *testing.T) {
			form := worker.get(t, "/cases/new")
			wantStatus(t, form, http.StatusOK)
			p := worker.post(t, "/cases", caseForm(hidden(t, form, "csrf")))
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/cases/") {
				t.Fatalf("status %d to %q\n%s", p.Status, p.Location, p.Body)
			}
			id = strings.TrimPrefix(p.Location, "/cases/")
			if !nrm.ValidID(id) {
				t.Fatalf("redirected to %q", p.Location)
			}
			if n := MustCount(t, a, worker.User.Actor); n != 1 {
				t.Fatalf("%d cases, want 1", n)
			}
		})
		if id == "" {
			t.FailNow()
		}
		t.Run("bad_date_rerenders_the_form_naming_the_field", func(t *testing.T) {
			form := caseForm(worker.CSRF)
			form.Set("person.given_name", "Orlaith")
			form.Set("person.date_of_birth", "2001-13-45")
			p := worker.post(t, "/cases", form)
			wantStatus(t, p, http.StatusUnprocessableEntity)
			if !regexp.MustCompile(`id="person.date_of_birth" name="person.date_of_birth" value="2001-13-45" aria-invalid="true"`).MatchString(p.Body) {
				t.Errorf("the date of birth field is not marked invalid:\n%s", p.Body)
			}
			if !strings.Contains(p.Body, `href="#person.date_of_birth"`) || !strings.Contains(p.Body, "YYYY-MM-DD") {
				t.Errorf("the error summary does not name the date of birth:\n%s", p.Body)
			}
			if !strings.Contains(p.Body, `value="Orlaith"`) {
				t.Error("the form lost what was typed")
			}
			if n := MustCount(t, a, worker.User.Actor); n != 1 {
				t.Errorf("%d cases after a bad date, want 1", n)
			}
		})
		t.Run("case_page_shows_the_person_to_the_owner", func(t *testing.T) {
			p := worker.get(t, "/cases/"+id)
			wantStatus(t, p, http.StatusOK)
			for _, s := range personal {
				if !strings.Contains(p.Body, s) {
					t.Errorf("the case page lacks %q", s)
				}
			}
			if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q on a page with personal data", cc)
			}
		})
		t.Run("case_list_shows_the_person_to_the_owner", func(t *testing.T) {
			p := worker.get(t, "/cases")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, "/cases/"+id) || !strings.Contains(p.Body, "Zyxandra Quellwood") {
				t.Errorf("the list lacks the case:\n%s", p.Body)
			}
		})
		t.Run("other_organisation_gets_404_and_no_data", func(t *testing.T) {
			p := outsider.get(t, "/cases/"+id)
			wantStatus(t, p, http.StatusNotFound)
			wantAbsent(t, p, personal...)
			missing := outsider.get(t, "/cases/"+nrm.NewID())
			if missing.Status != p.Status || missing.Body != p.Body {
				t.Errorf("a case of another organisation reads differently from a missing one:\n%s\n---\n%s", p.Body, missing.Body)
			}
			list := outsider.get(t, "/cases")
			wantStatus(t, list, http.StatusOK)
			wantAbsent(t, list, append([]string{id}, personal...)...)
		})
		t.Run("admin_of_the_owner_gets_no_data", func(t *testing.T) {
			wantDenied(t, admin.get(t, "/cases/"+id), personal...)
			wantDenied(t, admin.get(t, "/cases"), personal...)
		})
		t.Run("visitor_without_session_gets_no_data", func(t *testing.T) {
			p := newBrowser(t, a).get(t, "/cases/"+id)
			wantAbsent(t, p, personal...)
			if p.Status != http.StatusSeeOther || p.Location != "/login" {
				t.Errorf("BUG: GET /cases/{id} without a cookie: %d to %q, want 303 to /login", p.Status, p.Location)
			}
		})
	})
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		org := a.MustOrg(t, nrm.KindNGO)
		elsewhere := a.MustOrg(t, nrm.KindShelter)
		admin := MustSignIn(t, a, a.MustUser(t, org, nrm.RoleAdmin), "")
		worker := MustSignIn(t, a, a.MustUser(t, org, nrm.RoleCaseWorker), "")
		colleague := a.MustUser(t, org, nrm.RoleCaseWorker)
		stranger := a.MustUser(t, elsewhere, nrm.RoleCaseWorker)

		t.Run("non_admin_gets_403", func(t *testing.T) {
			wantStatus(t, worker.get(t, "/admin/users"), http.StatusForbidden)
			wantStatus(t, worker.get(t, "/admin/users/"+admin.User.ID), http.StatusForbidden)
			p := worker.post(t, "/admin/users", url.Values{"csrf": {worker.CSRF}, "email": {"sneaky@example.org"}, "name": {"Sneaky"}, "role": {"admin"}})
			wantStatus(t, p, http.StatusForbidden)
			users, err := a.Svc.Users(testapp.As(admin.User.Actor))
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range users {
				if u.Email == "sneaky@example.org" {
					t.Fatal("a non-admin added a user")
				}
			}
			p = worker.post(t, "/admin/users/"+worker.User.ID, url.Values{"csrf": {worker.CSRF}, "name": {worker.User.Name}, "role": {"admin"}, "version": {"1"}})
			wantStatus(t, p, http.StatusForbidden)
			if r := MustUserRecord(t, a, worker.User.ID); r.Role != nrm.RoleCaseWorker {
				t.Fatalf("a case worker made themselves %s", r.Role)
			}
		})
		t.Run("admin_lists_only_own_organisation", func(t *testing.T) {
			p := admin.get(t, "/admin/users")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, worker.User.Email) {
				t.Error("the list lacks a user of the organisation")
			}
			wantAbsent(t, p, stranger.Email)
		})

		var newID, onceOnly string
		newEmail := "new" + nrm.NewID()[:10] + "@example.org"
		t.Run("admin_adds_a_user_with_a_one_time_password", func(t *testing.T) {
			p := admin.post(t, "/admin/users", url.Values{"csrf": {admin.CSRF}, "email": {newEmail}, "name": {"Newly Added"}, "role": {"case-worker"}})
			wantStatus(t, p, http.StatusOK)
			m := reCode.FindStringSubmatch(p.Body)
			if m == nil || len(m[1]) < nrm.MinPasswordLength {
				t.Fatalf("no one-time password on the page:\n%s", p.Body)
			}
			onceOnly = m[1]
			users, err := a.Svc.Users(testapp.As(admin.User.Actor))
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range users {
				if u.Email == newEmail {
					newID = u.ID
					if u.OrgID != org.ID || u.Role != nrm.RoleCaseWorker {
						t.Errorf("new user in %s as %s", u.OrgID, u.Role)
					}
				}
			}
			if newID == "" {
				t.Fatal("the user was not added")
			}
		})
		t.Run("one_time_password_is_shown_once_and_works", func(t *testing.T) {
			if onceOnly == "" {
				t.Skip("no password")
			}
			wantAbsent(t, admin.get(t, "/admin/users"), onceOnly)
			wantAbsent(t, admin.get(t, "/admin/users/"+newID), onceOnly)
			p := newBrowser(t, a).post(t, "/login", url.Values{"email": {newEmail}, "password": {onceOnly}})
			wantRedirect(t, p, "/login/enrol")
		})

		t.Run("user_page_shows_the_edit_form", func(t *testing.T) {
			p := admin.get(t, "/admin/users/"+worker.User.ID)
			wantStatus(t, p, http.StatusOK)
			if !regexp.MustCompile(`name="version" value="[1-9][0-9]*"`).MatchString(p.Body) {
				t.Errorf("the edit form carries no version")
			}
			for _, want := range []string{`action="/admin/users/` + worker.User.ID + `"`, worker.User.Email} {
				if !strings.Contains(p.Body, want) {
					t.Errorf("BUG: GET /admin/users/{id} does not show the user's edit form (no %s); it shows %s",
						want, regexp.MustCompile(`<h1>.*</h1>`).FindString(p.Body))
					break
				}
			}
		})
		// The version the edit form carries. Read from the store, not the
		// page, so that the POSTs below are tested even while the form is broken.
		version := func(t *testing.T, id string) string {
			t.Helper()
			return strconv.FormatInt(MustUserRecord(t, a, id).Version, 10)
		}
		var staleVersion string
		t.Run("admin_changes_a_role", func(t *testing.T) {
			staleVersion = version(t, worker.User.ID)
			p := admin.post(t, "/admin/users/"+worker.User.ID, url.Values{"csrf": {admin.CSRF}, "version": {staleVersion},
				"name": {worker.User.Name}, "role": {"decision-maker"}})
			wantRedirect(t, p, "/admin/users")
			if r := MustUserRecord(t, a, worker.User.ID); r.Role != nrm.RoleDecisionMaker {
				t.Fatalf("role %s, want decision-maker", r.Role)
			}
		})
		t.Run("stale_version_is_409_and_changes_nothing", func(t *testing.T) {
			if staleVersion == "" {
				t.Skip("no version")
			}
			before := MustUserRecord(t, a, worker.User.ID)
			p := admin.post(t, "/admin/users/"+worker.User.ID, url.Values{"csrf": {admin.CSRF}, "version": {staleVersion},
				"name": {"Renamed Meanwhile"}, "role": {"coordinator"}, "disabled": {"true"}})
			wantStatus(t, p, http.StatusConflict)
			after := MustUserRecord(t, a, worker.User.ID)
			if after.Role != before.Role || after.Name != before.Name || after.Disabled || after.Version != before.Version {
				t.Fatalf("a stale form changed the user: %+v -> %+v", before.User, after.User)
			}
			wantStatus(t, worker.get(t, "/cases"), http.StatusOK)
		})
		t.Run("disabling_a_user_ends_their_session_at_once", func(t *testing.T) {
			wantStatus(t, worker.get(t, "/cases"), http.StatusOK)
			p := admin.post(t, "/admin/users/"+worker.User.ID, url.Values{"csrf": {admin.CSRF}, "version": {version(t, worker.User.ID)},
				"name": {worker.User.Name}, "role": {"decision-maker"}, "disabled": {"true"}})
			wantRedirect(t, p, "/admin/users")
			if r := MustUserRecord(t, a, worker.User.ID); !r.Disabled {
				t.Fatal("the user is not disabled")
			}
			wantRedirect(t, worker.get(t, "/cases"), "/login")
			wantStatus(t, worker.do(t, "POST", "/cases", caseForm(worker.CSRF), nil), http.StatusUnauthorized)
			if n := MustCount(t, a, colleague.Actor); n != 0 {
				t.Fatalf("the disabled user created a case (%d)", n)
			}
			p = newBrowser(t, a).post(t, "/login", url.Values{"email": {worker.User.Email}, "password": {worker.User.Password}})
			if p.Status == http.StatusSeeOther || len(p.Cookies) != 0 {
				t.Fatalf("a disabled user signed in: %d to %q", p.Status, p.Location)
			}
		})
		t.Run("admin_cannot_see_or_edit_another_organisations_user", func(t *testing.T) {
			p := admin.get(t, "/admin/users/"+stranger.ID)
			wantDenied(t, p, stranger.Email, stranger.Name)
			p = admin.post(t, "/admin/users/"+stranger.ID, url.Values{"csrf": {admin.CSRF}, "version": {"1"},
				"name": {"Taken Over"}, "role": {"admin"}, "disabled": {"true"}})
			wantDenied(t, p, stranger.Email)
			r := MustUserRecord(t, a, stranger.ID)
			if r.Role != nrm.RoleCaseWorker || r.Disabled || r.Name != stranger.Name || r.Version != stranger.Version {
				t.Fatalf("another organisation's user was changed: %+v", r.User)
			}
		})
		t.Run("admin_adds_users_only_to_own_organisation", func(t *testing.T) {
			email := "planted" + nrm.NewID()[:8] + "@example.org"
			p := admin.post(t, "/admin/users", url.Values{"csrf": {admin.CSRF}, "email": {email}, "name": {"Planted"}, "role": {"admin"}, "org": {elsewhere.ID}})
			wantStatus(t, p, http.StatusOK)
			var rec sqlstore.UserRecord
			if err := a.Store.Read(context.Background(), func(tx *sqlstore.Tx) error {
				var err error
				rec, err = tx.UserByEmail(context.Background(), email)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if rec.OrgID != org.ID {
				t.Fatalf("the user landed in %s, not the admin's %s", rec.OrgID, org.ID)
			}
		})
	})
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		u := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker), "")
		cookie := u.cookie
		t.Run("sign_out_clears_the_cookie", func(t *testing.T) {
			p := u.post(t, "/logout", url.Values{"csrf": {u.CSRF}})
			wantRedirect(t, p, "/login")
			if len(p.Cookies) != 1 || p.Cookies[0].MaxAge >= 0 || p.Cookies[0].Value != "" {
				t.Errorf("the cookie was not cleared: %v", p.Cookies)
			}
		})
		t.Run("old_cookie_no_longer_works", func(t *testing.T) {
			old := u.withCookie(cookie)
			wantRedirect(t, old.get(t, "/cases"), "/login")
			wantStatus(t, old.do(t, "POST", "/cases", caseForm(u.CSRF), nil), http.StatusUnauthorized)
			if n := MustCount(t, a, u.User.Actor); n != 0 {
				t.Fatalf("a signed-out cookie created a case (%d)", n)
			}
		})
	})
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		org := a.MustOrg(t, nrm.KindNGO)
		u := a.MustUser(t, org, nrm.RoleCaseWorker)
		s := MustSignIn(t, a, u, "")
		t.Run("activity_keeps_the_session", func(t *testing.T) {
			for range 3 {
				a.Clock.Advance(20 * time.Minute)
				wantStatus(t, s.get(t, "/cases"), http.StatusOK)
			}
		})
		t.Run("idle_session_ends_after_30_minutes", func(t *testing.T) {
			cookie := s.cookie
			a.Clock.Advance(31 * time.Minute)
			wantRedirect(t, s.get(t, "/cases"), "/login")
			// Gone on the server, not merely refused: turning the clock back
			// does not bring it back.
			a.Clock.Advance(-31 * time.Minute)
			wantRedirect(t, s.withCookie(cookie).get(t, "/cases"), "/login")
			a.Clock.Advance(31 * time.Minute)
		})
		t.Run("busy_session_ends_after_12_hours", func(t *testing.T) {
			a.Clock.Advance(time.Minute) // a fresh TOTP step
			s := MustSignIn(t, a, u, s.Secret)
			start := a.Clock.Now()
			for a.Clock.Now().Sub(start)+25*time.Minute < 12*time.Hour {
				a.Clock.Advance(25 * time.Minute)
				wantStatus(t, s.get(t, "/cases"), http.StatusOK)
			}
			a.Clock.Set(start.Add(12*time.Hour + time.Minute))
			wantRedirect(t, s.get(t, "/cases"), "/login")
		})
		t.Run("half_finished_sign_in_expires", func(t *testing.T) {
			b := newBrowser(t, a)
			wantRedirect(t, b.post(t, "/login", url.Values{"email": {u.Email}, "password": {u.Password}}), "/login/code")
			csrf := hidden(t, b.get(t, "/login/code"), "csrf")
			a.Clock.Advance(11 * time.Minute)
			p := b.post(t, "/login/code", url.Values{"csrf": {csrf}, "code": {codeAt(t, s.Secret, a.Clock.Now())}})
			if p.Status == http.StatusSeeOther && p.Location == "/" {
				t.Fatal("a code completed a sign-in begun 11 minutes earlier")
			}
			wantRedirect(t, b.get(t, "/cases"), "/login")
		})
	})
}

func TestNoSession(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		u := a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker)
		for _, c := range []struct{ name, cookie string }{{"no_cookie", ""}, {"unknown_cookie", "bm90IGEgc2Vzc2lvbiBhdCBhbGwsIHNvcnJ5IQ"}} {
			t.Run(c.name+"_GET_is_sent_to_sign_in", func(t *testing.T) {
				b := newBrowser(t, a).withCookie(c.cookie)
				for _, path := range []string{"/", "/cases", "/cases/new", "/cases/" + nrm.NewID(), "/admin/users", "/login/code", "/login/enrol"} {
					if p := b.get(t, path); p.Status != http.StatusSeeOther || p.Location != "/login" {
						t.Errorf("BUG: GET %s without a valid session: %d to %q, want 303 to /login", path, p.Status, p.Location)
					}
				}
			})
			t.Run(c.name+"_POST_is_401_and_changes_nothing", func(t *testing.T) {
				b := newBrowser(t, a).withCookie(c.cookie)
				for _, path := range []string{"/cases", "/admin/users", "/login/code", "/logout"} {
					if p := b.post(t, path, caseForm("")); p.Status != http.StatusUnauthorized {
						t.Errorf("BUG: POST %s without a valid session: %d, want 401", path, p.Status)
					}
				}
				if n := MustCount(t, a, u.Actor); n != 0 {
					t.Fatalf("%d cases created without a session", n)
				}
			})
		}
	})
}
