package web_test

// End-to-end tests of the pages: the whole of nrm (real store on every
// engine, real keys, argon2id, TOTP) behind a real HTTP server on loopback,
// driven the way a browser drives it. The session cookie is Secure, so the
// tests carry it by hand over http:// instead of weakening it for a jar.

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

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
