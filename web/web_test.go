package web_test

// End-to-end tests of the pages: the whole of nrm (real store on every
// engine, real keys, argon2id, TOTP) behind a real HTTP server on loopback,
// driven the way a browser drives it. The session cookie is Secure, so the
// tests carry it by hand over http:// instead of weakening it for a jar.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
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
