package web_test

import (
	"context"
	"database/sql"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// The visitor of the help page, as the server sees them: an address that
// appears nowhere else (the app trusts X-Forwarded-For) and a user agent.
const (
	visitorAddr = "203.0.113.77"
	visitorUA   = "HelpVisitorPhone/4.2 (unique-agent-8837)"
)

func helpHeader(addr string) http.Header {
	return http.Header{"X-Forwarded-For": {addr}, "User-Agent": {visitorUA}}
}

var reHelpToken = regexp.MustCompile(`name="token" value="([^"]+)"`)

func helpToken(tb testing.TB, p page) string {
	tb.Helper()
	m := reHelpToken.FindStringSubmatch(p.Body)
	if m == nil {
		tb.Fatalf("no form token on the help page:\n%s", p.Body)
	}
	return m[1]
}

// wantNoCookie: the help page sets no cookie at all (its form's token is a
// hidden field, not a cookie), so certainly none but the CSRF token's.
func wantNoCookie(tb testing.TB, p page) {
	tb.Helper()
	if c := p.Header.Values("Set-Cookie"); len(c) > 0 {
		tb.Errorf("the help page (status %d) sets cookies: %q", p.Status, c)
	}
}

var (
	reRef    = regexp.MustCompile(`(?i)\s(src|href|action|srcset|formaction|poster|data|background)\s*=\s*"([^"]*)"`)
	reCSSURL = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")]+)`)
	reImport = regexp.MustCompile(`(?i)@import`)
)

// wantSameOrigin: every reference of the page, and of the stylesheets it
// loads, is to this server, but the quick-exit link.
func wantSameOrigin(tb testing.TB, b *browser, p page) {
	tb.Helper()
	sameOrigin := func(ref string) bool {
		u, err := url.Parse(strings.TrimSpace(ref))
		return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(ref, "//")
	}
	for _, m := range reRef.FindAllStringSubmatch(p.Body, -1) {
		for _, ref := range strings.Split(m[2], ",") {
			ref = strings.Fields(strings.TrimSpace(ref) + " x")[0]
			if ref == web.QuickExit || strings.HasPrefix(ref, "tel:") {
				continue
			}
			if !sameOrigin(ref) {
				tb.Errorf("the help page refers to %s=%q outside", m[1], ref)
			}
			if strings.HasSuffix(strings.SplitN(ref, "?", 2)[0], ".css") {
				css := b.get(tb, ref)
				wantStatus(tb, css, http.StatusOK)
				if reImport.MatchString(css.Body) {
					tb.Errorf("%s imports", ref)
				}
				for _, u := range reCSSURL.FindAllStringSubmatch(css.Body, -1) {
					if !sameOrigin(u[1]) && !strings.HasPrefix(u[1], "data:") {
						tb.Errorf("%s refers to %q outside", ref, u[1])
					}
				}
			}
		}
	}
	if strings.Contains(p.Body, "<style") || regexp.MustCompile(`\sstyle="`).MatchString(p.Body) ||
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(p.Body) {
		tb.Error("the help page has inline style or script")
	}
}

// dumpDB is the text of every row of every table.
func dumpDB(tb testing.TB, a *testapp.App) string {
	tb.Helper()
	db := a.RawDB(tb)
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if a.Engine == sqlstore.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	tables := queryStrings(tb, db, q)
	if len(tables) < 20 {
		tb.Fatalf("only %d tables found", len(tables))
	}
	var out strings.Builder
	for _, t := range tables {
		rows, err := db.QueryContext(context.Background(), `SELECT * FROM "`+t+`"`)
		if err != nil {
			tb.Fatalf("%s: %v", t, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					out.Write(v)
				case string:
					out.WriteString(v)
				}
				out.WriteByte('|')
			}
			out.WriteByte('\n')
		}
		rows.Close()
	}
	return out.String()
}

func queryStrings(tb testing.TB, db *sql.DB, q string) []string {
	tb.Helper()
	rows, err := db.Query(q)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// dataFiles is every byte of the data directory (SQLite's database and WAL).
func dataFiles(tb testing.TB, dir string) string {
	tb.Helper()
	var out strings.Builder
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			out.Write(b)
		}
		return nil
	})
	return out.String()
}

// TestHelpPage: the public help page sets no cookie, refers to nothing
// outside, has a quick exit, and its plain form (no JavaScript) files a
// self-referral sealed in the help organisation's inbox, with no client
// address or user agent anywhere; the organisation's case worker reads it
// (an audited read) and turns it into a case; another organisation's user
// cannot see it; bad input comes back at its field; a flood is throttled
// with a clear page and what came before is kept.
func TestHelpPage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a, helpOrg := testapp.NewWithHelp(t, engine, service.Config{}, web.Options{TrustProxy: true}, nrm.KindNGO)
		worker := a.MustUser(t, helpOrg, nrm.RoleCaseWorker)
		other := a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker)
		visitor := newBrowser(t, a)

		p := visitor.do(t, "GET", "/help", nil, helpHeader(visitorAddr))
		wantStatus(t, p, http.StatusOK)
		wantNoCookie(t, p)
		wantSameOrigin(t, visitor, p)
		for k, v := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
			if got := p.Header.Get(k); got != v {
				t.Errorf("%s: %q, want %q", k, got, v)
			}
		}
		if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "http") {
			t.Errorf("CSP %q", csp)
		}
		exit := regexp.MustCompile(`<body>\s*<a class="quick-exit" id="quick-exit" href="([^"]+)" rel="noreferrer">`).FindStringSubmatch(p.Body)
		if exit == nil || exit[1] != web.QuickExit || !strings.HasPrefix(exit[1], "https://") {
			t.Errorf("no quick exit first on the page:\n%s", p.Body)
		}
		wantContains(t, p, `<form method="post" action="/help">`, `name="message"`, `name="channel"`, `name="contact_when"`,
			helpOrg.Name)
		if len(p.Body) > 12<<10 {
			t.Errorf("the help page weighs %d bytes", len(p.Body))
		}
		// ?lang= travels in the links and the form, never in a cookie.
		p = visitor.do(t, "GET", "/help?lang=en", nil, helpHeader(visitorAddr))
		wantNoCookie(t, p)
		wantContains(t, p, `action="/help?lang=en"`)

		const said = "My boss keeps my passport at the farm near Orhei-Quince-7731"
		const contact = "0600 12 345 Moldcell"
		form := url.Values{"token": {helpToken(t, p)}, "message": {said}, "channel": {"sms"}, "contact": {contact},
			"contact_when": {"weekdays after 19:00"}, "language": {"ro"}}

		t.Run("bad input is shown at its field, nothing written", func(t *testing.T) {
			bad := url.Values{"token": form["token"], "message": {strings.Repeat("a", nrm.SelfReferralMessageMax+1)}}
			p := visitor.do(t, "POST", "/help", bad, helpHeader(visitorAddr))
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantNoCookie(t, p)
			wantContains(t, p, `<a href="#message">`, `aria-invalid="true"`)
			bad = url.Values{"token": form["token"], "message": {"hello"}, "channel": {"carrier-pigeon"}}
			p = visitor.do(t, "POST", "/help", bad, helpHeader(visitorAddr))
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#channel">`, "hello")
			p = visitor.do(t, "POST", "/help", url.Values{"token": {"1.forged"}, "message": {"hello"}}, helpHeader(visitorAddr))
			wantStatus(t, p, http.StatusForbidden)
			wantContains(t, p, "hello") // what was typed is not lost
			if n := countRows(t, a, "self_referrals"); n != 0 {
				t.Fatalf("%d self-referrals stored", n)
			}
		})

		// A plain form post, as a browser without JavaScript sends it.
		p = visitor.do(t, "POST", "/help?lang=en", form, helpHeader(visitorAddr))
		wantStatus(t, p, http.StatusOK)
		wantNoCookie(t, p)
		wantSameOrigin(t, visitor, p)
		wantContains(t, p, "Your message was received", helpOrg.Name)
		wantAbsent(t, p, said, contact)

		// Sealed: the row holds none of the text; nothing anywhere holds
		// the visitor's address or user agent, nor do the logs.
		dump := dumpDB(t, a)
		for _, secret := range []string{said, "Orhei-Quince-7731", contact, visitorAddr, visitorUA, "unique-agent-8837"} {
			if strings.Contains(dump, secret) {
				t.Errorf("the database holds %q", secret)
			}
			if strings.Contains(a.Logs(), secret) {
				t.Errorf("the logs hold %q", secret)
			}
		}
		if engine == sqlstore.SQLite {
			files := dataFiles(t, a.DataDir)
			for _, secret := range []string{"Orhei-Quince-7731", visitorAddr, "unique-agent-8837"} {
				if strings.Contains(files, secret) {
					t.Errorf("the data directory's files hold %q", secret)
				}
			}
		}
		if !strings.Contains(a.Logs(), `"route":"POST /help"`) {
			t.Error("the help page's request was not logged at all")
		}

		// The help organisation's case worker reads it in the inbox.
		w := MustSignIn(t, a, worker, "")
		p = w.get(t, "/")
		wantContains(t, p, `<a href="/help/inbox">`, `<span class="menu-count">1<`)
		p = w.get(t, "/help/inbox")
		wantStatus(t, p, http.StatusOK)
		wantAbsent(t, p, said)
		m := regexp.MustCompile(`href="/help/inbox/([0-9a-f-]+)"`).FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("no self-referral in the inbox:\n%s", p.Body)
		}
		id := m[1]
		p = w.get(t, "/help/inbox/"+id)
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, said, contact, "weekdays after 19:00", "Text message (SMS)", "ro")
		wantAudited(t, a, "selfreferral.read", "selfreferral/"+id, worker.ID)

		// Another organisation's user: not found, and nothing shown.
		o := MustSignIn(t, a, other, "")
		for _, path := range []string{"/help/inbox/" + id} {
			p = o.get(t, path)
			if p.Status != http.StatusNotFound && p.Status != http.StatusForbidden {
				t.Errorf("%s for another organisation: %d", path, p.Status)
			}
			wantAbsent(t, p, said, contact)
		}
		p = o.get(t, "/help/inbox")
		wantAbsent(t, p, id)
		p = o.post(t, "/help/inbox/"+id+"/close", url.Values{"csrf": {o.CSRF}})
		if p.Status != http.StatusNotFound {
			t.Errorf("another organisation closes it: %d", p.Status)
		}

		t.Run("turned into a case, audited", func(t *testing.T) {
			p := w.post(t, "/help/inbox/"+id+"/case", url.Values{"csrf": {w.CSRF}, "person.given_name": {""},
				"encounter.date": {a.Svc.Today().String()}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#person.given_name">`)
			before := MustCount(t, a, worker.Actor)
			p = w.post(t, "/help/inbox/"+id+"/case", url.Values{"csrf": {w.CSRF}, "person.given_name": {"Ion"},
				"encounter.date": {a.Svc.Today().String()}, "encounter.country": {"MD"}})
			wantStatus(t, p, http.StatusSeeOther)
			caseID := strings.TrimPrefix(p.Location, "/cases/")
			if !nrm.ValidID(caseID) || MustCount(t, a, worker.Actor) != before+1 {
				t.Fatalf("no case opened: %q", p.Location)
			}
			wantAudited(t, a, "selfreferral.convert", "selfreferral/"+id, worker.ID)
			wantAudited(t, a, "case.create", "case/"+caseID, worker.ID)
			p = w.get(t, "/help/inbox/"+id)
			wantContains(t, p, `href="/cases/`+caseID+`"`, "Case opened")
			p = w.post(t, "/help/inbox/"+id+"/case", url.Values{"csrf": {w.CSRF}, "person.given_name": {"Ion"},
				"encounter.date": {a.Svc.Today().String()}})
			wantStatus(t, p, http.StatusConflict)
			if MustCount(t, a, worker.Actor) != before+1 {
				t.Error("a second case was opened")
			}
		})

		t.Run("a flood is throttled with a clear page, earlier ones kept", func(t *testing.T) {
			const flooder = "198.51.100.9"
			accepted, throttled := 0, 0
			for i := range 8 {
				f := url.Values{"token": form["token"], "message": {"flood " + string(rune('a'+i))}}
				p := visitor.do(t, "POST", "/help", f, helpHeader(flooder))
				wantNoCookie(t, p)
				switch p.Status {
				case http.StatusOK:
					accepted++
				case http.StatusTooManyRequests:
					throttled++
					wantContains(t, p, "Too many messages just now", "Messages sent before were received and are kept.")
				default:
					t.Fatalf("flood answered %d", p.Status)
				}
			}
			if accepted == 0 || throttled == 0 {
				t.Fatalf("accepted %d, throttled %d", accepted, throttled)
			}
			if n := countRows(t, a, "self_referrals"); n != 1+accepted {
				t.Errorf("%d self-referrals kept, want %d", n, 1+accepted)
			}
			// Another visitor is not shut out by the flood.
			p := visitor.do(t, "POST", "/help", url.Values{"token": form["token"], "message": {"someone else"}}, helpHeader("192.0.2.200"))
			wantStatus(t, p, http.StatusOK)
		})

		t.Run("closed without a case: shredded", func(t *testing.T) {
			p := w.get(t, "/help/inbox")
			ids := regexp.MustCompile(`href="/help/inbox/([0-9a-f-]+)"`).FindAllStringSubmatch(p.Body, -1)
			target := ""
			for _, m := range ids {
				if m[1] != id {
					target = m[1]
					break
				}
			}
			p = w.post(t, "/help/inbox/"+target+"/close", url.Values{"csrf": {w.CSRF}})
			wantStatus(t, p, http.StatusSeeOther)
			p = w.get(t, "/help/inbox/"+target)
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Its content was destroyed")
			wantAudited(t, a, "selfreferral.close", "selfreferral/"+target, worker.ID)
		})
	})
}

// TestHelpPageWithoutHelpOrg: no form is offered; a post gets a clear page.
func TestHelpPageWithoutHelpOrg(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		b := newBrowser(t, a)
		p := b.get(t, "/help")
		wantStatus(t, p, http.StatusOK)
		wantNoCookie(t, p)
		wantContains(t, p, "Where to get help", `class="quick-exit"`)
		wantAbsent(t, p, "<form")
		p = b.post(t, "/help", url.Values{"message": {"hello"}})
		wantStatus(t, p, http.StatusConflict)
		wantContains(t, p, "Messages are not taken here")
		if n := countRows(t, a, "self_referrals"); n != 0 {
			t.Errorf("%d stored", n)
		}
	})
}

// wantAudited: the audit log has the entry, by the user.
func wantAudited(tb testing.TB, a *testapp.App, action, object, userID string) {
	tb.Helper()
	var n int
	q := "SELECT COUNT(*) FROM audit_entries WHERE action = ? AND object = ? AND actor = ?"
	if a.Engine == sqlstore.Postgres {
		q = "SELECT COUNT(*) FROM audit_entries WHERE action = $1 AND object = $2 AND actor = $3"
	}
	if err := a.RawDB(tb).QueryRow(q, action, object, userID).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	if n == 0 {
		tb.Errorf("no audit entry %s %s by %s", action, object, userID)
	}
}
