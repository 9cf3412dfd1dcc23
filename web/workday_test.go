package web_test

// Page tests of the findings of a case worker's day: each shows a finding
// fixed by attempting what the person attempted.

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// Finding 4: the confirmation stands in the section the page jumps to.
func TestConfirmationStandsInTheSectionJumpedTo(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		bc := mustBusyCase(t, a)
		worker := MustSignIn(t, a, bc.Worker, "")
		path := "/cases/" + bc.ID
		for _, c := range []struct{ form, action, saved, anchor string }{
			{"note", "/notes", "note", "notes"},
			{"needs", "/needs", "support", "support"},
		} {
			t.Run(c.form+"_redirects_to_its_section", func(t *testing.T) {
				f := url.Values{"csrf": {worker.CSRF}, "compartment": {"support"}, "text": {"A note."}, "needs": {"safety"}}
				wantRedirect(t, worker.post(t, path+c.action, f), path+"?saved="+c.saved+"#"+c.anchor)
			})
		}
		p := worker.get(t, path+"?saved=note")
		if !strings.Contains(section(p, "notes"), `id="saved"`) || !strings.Contains(section(p, "notes"), "The note was added.") {
			t.Error("the confirmation is not in the notes section")
		}
		if top := p.Body[:strings.Index(p.Body, `<section class="card" id="person"`)]; strings.Contains(top, "The note was added.") {
			t.Error("the confirmation is (also) at the top of the page")
		}
		p = worker.get(t, path+"?saved=support")
		if !strings.Contains(section(p, "support"), "Saved.") {
			t.Error("the support confirmation is not in the support section")
		}
	})
}

var reOptionText = regexp.MustCompile(`<option value="([^"]+)"[^>]*>([^<]*)</option>`)

// Findings 7 and 8: forms show words, not slugs; the add-user form has no
// default role; the new-case error names only fields the form has.
func TestFormsSpeakInWords(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		org := a.MustOrg(t, nrm.KindNGO)
		worker := MustSignIn(t, a, a.MustUser(t, org, nrm.RoleCaseWorker), "")
		admin := signInAs(t, a, a.MustUser(t, org, nrm.RoleAdmin), "")

		t.Run("new_case_form_labels_sexes_and_exploitation_types", func(t *testing.T) {
			p := worker.get(t, "/cases/new")
			wantContains(t, p, "> Forced labour</label>", "> Not known</label>", ">Not known</option>", ">Female</option>")
			for _, m := range reOptionText.FindAllStringSubmatch(p.Body, -1) {
				if m[1] == m[2] {
					t.Errorf("an option shows its slug %q", m[1])
				}
			}
			if strings.Contains(p.Body, "> forced-labour</label>") {
				t.Error("the form shows the slug forced-labour")
			}
		})
		t.Run("nameless_case_error_names_no_alias_field", func(t *testing.T) {
			f := caseForm(worker.CSRF)
			f.Set("person.given_name", "")
			f.Set("person.family_name", "")
			p := worker.post(t, "/cases", f)
			wantFieldError(t, p, "person.given_name")
			if strings.Contains(strings.ToLower(errorSummary(p)), "alias") {
				t.Errorf("the error names an alias field the form does not have:\n%s", errorSummary(p))
			}
		})
		t.Run("add_user_form_has_no_default_role", func(t *testing.T) {
			p := admin.get(t, "/admin/users")
			wantContains(t, p, `<option value="" selected>`, ">Case worker</option>", ">Administrator</option>")
			if regexp.MustCompile(`<option value="admin"\s+selected`).MatchString(p.Body) {
				t.Error("the add-user form pre-selects the admin role")
			}
			email := "new" + nrm.NewID()[:8] + "@example.org"
			p = admin.post(t, "/admin/users", url.Values{"csrf": {admin.CSRF}, "email": {email}, "name": {"New Colleague"}})
			wantFieldError(t, p, "role")
			wantContains(t, p, "choose the user&#39;s role")
			if strings.Contains(worker.get(t, "/").Body, email) || strings.Contains(admin.get(t, "/admin/users").Body, email) {
				t.Error("a user without a role was added")
			}
		})
		t.Run("users_list_and_menu_show_roles_in_words", func(t *testing.T) {
			p := admin.get(t, "/admin/users")
			wantContains(t, p, "<td>Case worker</td>", "· Administrator</span>")
		})
	})
}

// Finding 12: error, sign-out and session-ended pages say what happened and what to do.
func TestPagesThatStopAPersonSayWhatToDo(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		u := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker), "")
		t.Run("not_found_says_why_and_links_on", func(t *testing.T) {
			p := u.get(t, "/cases/"+nrm.NewID())
			wantStatus(t, p, http.StatusNotFound)
			wantContains(t, p, "<h1>Not found</h1>", "your organisation is not involved in it", `href="/"`)
		})
		t.Run("not_allowed_says_whom_to_ask", func(t *testing.T) {
			p := u.get(t, "/admin/users")
			wantStatus(t, p, http.StatusForbidden)
			wantContains(t, p, "<h1>Not allowed</h1>", "ask your organisation&#39;s administrator")
		})
		t.Run("ended_session_says_so_on_the_sign_in_page", func(t *testing.T) {
			a.Clock.Advance(time.Minute) // a fresh second-factor code
			s := MustSignIn(t, a, u.User, u.Secret)
			cookie := s.cookie
			a.Clock.Advance(31 * time.Minute)
			wantRedirect(t, s.get(t, "/cases"), "/login")
			p := s.withCookie(cookie).get(t, "/login")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Your session has ended", "30 minutes without activity", `action="/login"`)
			if len(p.Cookies) != 1 || p.Cookies[0].MaxAge >= 0 {
				t.Error("the dead cookie was not cleared")
			}
			wantAbsent(t, newBrowser(t, a).get(t, "/login"), "Your session has ended")
			p = s.withCookie(cookie).post(t, "/cases", caseForm(s.CSRF))
			wantStatus(t, p, http.StatusUnauthorized)
			wantContains(t, p, "<h1>Your session has ended</h1>", "was not saved", `href="/login"`, "Sign in again")
		})
		t.Run("signing_out_lands_on_a_page_that_says_so", func(t *testing.T) {
			a.Clock.Advance(time.Minute)
			s := MustSignIn(t, a, u.User, u.Secret)
			wantRedirect(t, s.post(t, "/logout", url.Values{"csrf": {s.CSRF}}), "/signed-out")
			p := s.get(t, "/signed-out")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "<h1>You are signed out</h1>", `href="/login"`, "Sign in again", "close the browser")
		})
	})
}

// Finding 15: reloading the recovery-codes page neither resubmits the code
// nor claims the session ended.
func TestRecoveryCodesPageSurvivesAReload(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		u := a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker)
		b := newBrowser(t, a)
		wantRedirect(t, b.post(t, "/login", url.Values{"email": {u.Email}, "password": {u.Password}}), "/login/enrol")
		enrol := b.get(t, "/login/enrol")
		secret := reSecret.FindStringSubmatch(enrol.Body)[1]
		form := url.Values{"csrf": {hidden(t, enrol, "csrf")}, "code": {codeAt(t, secret, a.Clock.Now())}}
		p := b.post(t, "/login/enrol", form)
		wantStatus(t, p, http.StatusOK)
		codes := reRecovery.FindAllStringSubmatch(p.Body, -1)
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes", len(codes))
		}
		// The reload: the browser sends the same form again.
		p = b.post(t, "/login/enrol", form)
		wantRedirect(t, p, "/login/recovery")
		p = b.get(t, p.Location)
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "Your second factor is set up", "shown once")
		wantAbsent(t, p, "session has ended", codes[0][1])
		wantStatus(t, b.get(t, "/cases"), http.StatusOK) // still signed in
	})
}
