package web_test

// The person's section of the case page, on every engine: the correction
// form shows the current values, corrects, re-renders a bad value beside
// its field and writes nothing then; the history, the child-protection
// warning and a child's guardian show on the page.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// personForm is the correction form as the page fills it for caseForm's person.
func personForm(csrf string) url.Values {
	return url.Values{"csrf": {csrf}, "given_name": {"Zyxandra"}, "family_name": {"Quellwood"}, "aliases": {""},
		"date_of_birth": {"1999-04-02"}, "sex": {"female"}, "citizenship": {"MD"}, "contact": {""}}
}

func TestPersonFormCorrectsThePersonAndKeepsTheOldValues(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine) // no child-protection organisation
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		outsider := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindPolice), nrm.RoleFirstResponder), "")
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		path := "/cases/" + id
		history := func() []nrm.PersonCorrection {
			t.Helper()
			h, err := a.Svc.PersonHistory(testapp.As(worker.User.Actor), id)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}

		t.Run("form_shows_the_current_values", func(t *testing.T) {
			p := worker.get(t, path)
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, `action="`+path+`/person"`, `id="person.given_name" name="given_name" value="Zyxandra"`,
				`id="person.date_of_birth" name="date_of_birth" value="1999-04-02"`, `id="person.citizenship" name="citizenship" value="MD"`,
				`<option value="female" selected>`)
			if strings.Contains(p.Body, `action="`+path+`/guardian"`) {
				t.Error("an adult's case offers the guardian form")
			}
		})
		t.Run("bad_date_of_birth_is_422_beside_the_field_and_writes_nothing", func(t *testing.T) {
			f := personForm(worker.CSRF)
			f.Set("date_of_birth", "1899-12-31")
			f.Set("family_name", "Quellwode")
			p := worker.post(t, path+"/person", f)
			wantFieldError(t, p, "person.date_of_birth")
			wantContains(t, p, `value="1899-12-31"`, `value="Quellwode"`)
			if h := history(); len(h) != 0 {
				t.Fatalf("history after a refusal: %v", h)
			}
		})
		t.Run("without_csrf_or_by_another_organisation_nothing_changes", func(t *testing.T) {
			f := personForm("")
			f.Set("family_name", "Quellwode")
			wantStatus(t, worker.post(t, path+"/person", f), http.StatusForbidden)
			f.Set("csrf", outsider.CSRF)
			p := outsider.post(t, path+"/person", f)
			wantStatus(t, p, http.StatusNotFound)
			wantAbsent(t, p, personal...)
			if h := history(); len(h) != 0 {
				t.Fatalf("history after a refusal: %v", h)
			}
		})
		t.Run("form_corrects_and_the_page_shows_history_child_and_warning", func(t *testing.T) {
			f := personForm(worker.CSRF)
			f.Set("family_name", "Quellwode")
			f.Set("date_of_birth", "2011-06-01") // 15 at the encounter
			f.Set("contact", "+44 7700 900123")
			f.Set("safe_to_contact", "true")
			p := worker.post(t, path+"/person", f)
			wantRedirect(t, p, path+"?saved=person#person")
			p = worker.get(t, path+"?saved=person")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "The person&#39;s details were corrected.", `value="Quellwode"`, "person corrected: contact, date_of_birth, family_name, safe_to_contact",
				`id="person-history"`, "Family name: Quellwood", "Date of birth: 1999-04-02", "safe to contact",
				"now presumed a child", `class="tag child"`, `id="warning-no-child-protection"`, "no child-protection organisation is registered for GB",
				`action="`+path+`/guardian"`)
			if h := history(); len(h) != 1 || strings.Join(h[0].Fields, ",") != "contact,date_of_birth,family_name,safe_to_contact" {
				t.Fatalf("history: %+v", h)
			}
		})
		t.Run("guardian_form_records_a_childs_guardian", func(t *testing.T) {
			p := worker.post(t, path+"/guardian", url.Values{"csrf": {worker.CSRF}, "name": {""}})
			wantFieldError(t, p, "guardian.name")
			p = worker.post(t, path+"/guardian", url.Values{"csrf": {worker.CSRF}, "name": {"Maelis Varga"}, "appointed_on": {"2026-11-26"}})
			wantRedirect(t, p, path+"?saved=guardian#person")
			wantContains(t, worker.get(t, path), "Maelis Varga", "2026-11-26", "guardian recorded")
		})
	})
}
