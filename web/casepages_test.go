package web_test

// End-to-end tests of the pages: the whole of nrm (real store on every
// engine, real keys, argon2id, TOTP) behind a real HTTP server on loopback,
// driven the way a browser drives it. The session cookie is Secure, so the
// tests carry it by hand over http:// instead of weakening it for a jar.

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

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
			if missing.Status != p.Status || withoutCSRF(missing.Body) != withoutCSRF(p.Body) {
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
			wantRedirect(t, p, "/signed-out")
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
