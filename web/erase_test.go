package web_test

// Erasure is confirmed on a page that shows whom it touches before anything
// is destroyed.

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

func TestErasureIsConfirmed(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		bc := mustBusyCase(t, a)
		worker := MustSignIn(t, a, bc.Worker, "")
		admin := signInAs(t, a, a.MustUser(t, bc.NGO, nrm.RoleAdmin), "")
		stranger := signInAs(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleAdmin), "")
		review := func(s signedIn, ref string) page {
			return s.post(t, "/admin/erase/review", url.Values{"csrf": {s.CSRF}, "case": {ref}, "reason": {"Request 2026/14 of the person"}})
		}
		stillThere := func(t *testing.T) {
			t.Helper()
			wantContains(t, worker.get(t, "/cases/"+bc.ID), "Zyxandra")
		}

		t.Run("first_step_shows_whom_it_erases_and_erases_nothing", func(t *testing.T) {
			p := review(admin, strings.ToLower(bc.Reference))
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Step 2 of 2", bc.Reference, bc.NGO.Name, "Recovery period", "2026-11-20", "Destroyed for ever", "Kept",
				"Your role does not read who the person is", `name="confirm"`, `action="/admin/erase"`)
			// An admin does not read identity: the name is not shown to them.
			wantAbsent(t, p, "Zyxandra", "Quellwood")
			stillThere(t)
		})
		t.Run("second_step_without_the_tick_is_refused", func(t *testing.T) {
			p := admin.post(t, "/admin/erase", url.Values{"csrf": {admin.CSRF}, "case": {bc.Reference}, "reason": {"Request 2026/14"}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, "Step 2 of 2", "tick the box")
			stillThere(t)
		})
		t.Run("unknown_or_other_organisations_case_names_the_field_and_shows_nothing", func(t *testing.T) {
			wantFieldError(t, review(admin, "NRM-2026-NOSUCH"), "case")
			p := review(stranger, bc.Reference)
			wantFieldError(t, p, "case")
			wantAbsent(t, p, bc.NGO.Name, "Zyxandra", "Step 2 of 2")
			p = stranger.post(t, "/admin/erase", url.Values{"csrf": {stranger.CSRF}, "case": {bc.Reference}, "reason": {"x"}, "confirm": {"yes"}})
			if p.Status == http.StatusSeeOther {
				t.Fatal("another organisation's admin erased the person")
			}
			stillThere(t)
		})
		t.Run("confirmed_second_step_erases_and_says_so", func(t *testing.T) {
			p := admin.post(t, "/admin/erase", url.Values{"csrf": {admin.CSRF}, "case": {bc.Reference}, "reason": {"Request 2026/14"}, "confirm": {"yes"}})
			wantRedirect(t, p, "/admin/erase?erased="+bc.Reference)
			wantContains(t, admin.get(t, p.Location), "The person of case "+bc.Reference+" was erased")
			p = worker.get(t, "/cases/"+bc.ID)
			wantContains(t, p, "This person&#39;s data was erased")
			wantAbsent(t, p, "Zyxandra")
		})
		t.Run("a_case_worker_may_not_open_erasure", func(t *testing.T) {
			wantDenied(t, worker.get(t, "/admin/erase"))
			wantDenied(t, review(worker, bc.Reference), bc.NGO.Name)
		})
	})
}
