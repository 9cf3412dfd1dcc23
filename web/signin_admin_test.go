package web_test

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

// The admin's Sign-in page: first sign-ins waiting, the mappings (here
// without a provider) and the switch for app codes, which works from the
// page; a case worker is refused the page and its forms.
func TestSigninAdminPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		org := a.MustOrg(t, nrm.KindNGO)
		admin := MustSignIn(t, a, a.MustUser(t, org, nrm.RoleAdmin), "")
		worker := MustSignIn(t, a, a.MustUser(t, org, nrm.RoleCaseWorker), "")

		t.Run("admin_sees_the_page", func(t *testing.T) {
			p := admin.get(t, "/admin/signin")
			wantStatus(t, p, http.StatusOK)
			for _, s := range []string{`id="sso-requests"`, "Single sign-on is not set up", `name="totp_allowed" checked`} {
				if !strings.Contains(p.Body, s) {
					t.Errorf("the page lacks %s", s)
				}
			}
		})
		t.Run("admin_switches_codes_off_from_the_page", func(t *testing.T) {
			p := admin.get(t, "/admin/signin")
			p = admin.post(t, "/admin/signin/settings", url.Values{"csrf": {hidden(t, p, "csrf")}, "version": {"0"}})
			wantRedirect(t, p, "/admin/signin")
			if st, err := a.Svc.SigninSettings(testapp.As(admin.User.Actor)); err != nil || st.TOTPAllowed {
				t.Errorf("settings %+v, %v", st, err)
			}
			if p := admin.get(t, "/admin/signin"); strings.Contains(p.Body, `name="totp_allowed" checked`) {
				t.Error("the page still shows codes allowed")
			}
		})
		t.Run("case_worker_is_refused", func(t *testing.T) {
			wantStatus(t, worker.get(t, "/admin/signin"), http.StatusForbidden)
			p := worker.post(t, "/admin/signin/settings", url.Values{"csrf": {worker.CSRF}, "version": {"1"}, "totp_allowed": {"on"}})
			wantStatus(t, p, http.StatusForbidden)
			if st, _ := a.Svc.SigninSettings(testapp.As(admin.User.Actor)); st.TOTPAllowed {
				t.Error("the refused form changed the setting")
			}
		})
		t.Run("account_page_lists_no_passkey_yet", func(t *testing.T) {
			p := worker.get(t, "/account")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, "You have no passkey yet") {
				t.Errorf("account page:\n%s", p.Body)
			}
		})
	})
}
