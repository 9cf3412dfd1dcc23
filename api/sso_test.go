package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// stubProvider stands in for an identity provider where only the admin
// API is tested (e2e/sso_test.go runs the real flow against a real one).
type stubProvider struct{ id nrm.ExternalIdentity }

func (stubProvider) Name() string   { return "Stub ID" }
func (stubProvider) Issuer() string { return "https://id.example" }
func (stubProvider) AuthCodeURL(state, nonce, verifier string) string {
	return "https://id.example/authorize?state=" + url.QueryEscape(state)
}
func (p stubProvider) Identify(context.Context, string, string, string) (nrm.ExternalIdentity, error) {
	return p.id, nil
}

func TestSSOAdministration(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		idp := stubProvider{id: nrm.ExternalIdentity{Issuer: "https://id.example", Subject: "s-1", Email: "dana@ngo.example",
			Name: "Dana", Claims: map[string][]string{"groups": {"ngo-staff"}}}}
		a := testapp.NewWith(t, e, service.Config{OIDC: idp})
		org := a.MustOrg(t, nrm.KindNGO)
		admin := a.MustToken(t, a.MustUser(t, org, nrm.RoleAdmin))
		worker := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
		otherAdmin := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleAdmin))
		body := map[string]any{"claim": "groups", "value": "ngo-staff", "role": "case-worker"}

		var mappingID string
		t.Run("admin_maps_a_group", func(t *testing.T) {
			r := a.Do(t, "POST", "/api/v1/sso/mappings", admin, body)
			if r.Status != http.StatusCreated {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			mappingID, _ = r.JSON(t)["id"].(string)
		})
		t.Run("refusals", func(t *testing.T) {
			if r := a.Do(t, "POST", "/api/v1/sso/mappings", worker, body); r.Status != http.StatusForbidden {
				t.Errorf("case worker: %d", r.Status)
			}
			if r := a.Do(t, "POST", "/api/v1/sso/mappings", admin, body); r.Status != http.StatusConflict {
				t.Errorf("the same mapping twice: %d", r.Status)
			}
			if r := a.Do(t, "POST", "/api/v1/sso/mappings", admin, map[string]any{"claim": "groups", "value": "x", "role": "admin"}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("an admin role from a group: %d", r.Status)
			}
			if r := a.Do(t, "DELETE", "/api/v1/sso/mappings/"+mappingID, otherAdmin, nil); r.Status != http.StatusNotFound {
				t.Errorf("another organisation's admin removes it: %d", r.Status)
			}
		})
		// A first sign-in (the flow itself is e2e/sso_test.go's).
		secret, to, err := a.Svc.BeginOIDC(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(to)
		res, err := a.Svc.FinishOIDC(context.Background(), secret, u.Query().Get("state"), "code", "192.0.2.1")
		if err != nil || !res.Waiting || res.Session.Token != "" {
			t.Fatalf("first sign-in: %+v, %v", res, err)
		}
		var reqID string
		t.Run("admin_lists_the_waiting_request", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/sso/requests", admin, nil)
			items, _ := r.JSON(t)["items"].([]any)
			if r.Status != http.StatusOK || len(items) != 1 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			reqID, _ = items[0].(map[string]any)["id"].(string)
			if r := a.Do(t, "GET", "/api/v1/sso/requests", otherAdmin, nil); len(r.JSON(t)["items"].([]any)) != 0 {
				t.Errorf("another organisation's admin sees it: %s", r.Body)
			}
		})
		t.Run("only_the_organisations_admin_confirms", func(t *testing.T) {
			if r := a.Do(t, "POST", "/api/v1/sso/requests/"+reqID+"/confirm", otherAdmin, nil); r.Status != http.StatusNotFound {
				t.Errorf("another organisation's admin: %d", r.Status)
			}
			if r := a.Do(t, "POST", "/api/v1/sso/requests/"+reqID+"/confirm", worker, nil); r.Status != http.StatusForbidden {
				t.Errorf("case worker: %d", r.Status)
			}
			r := a.Do(t, "POST", "/api/v1/sso/requests/"+reqID+"/confirm", admin, nil)
			if got := r.JSON(t); r.Status != http.StatusOK || got["status"] != "confirmed" || got["user_id"] == "" {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if r := a.Do(t, "POST", "/api/v1/sso/requests/"+reqID+"/refuse", admin, nil); r.Status != http.StatusConflict {
				t.Errorf("deciding twice: %d", r.Status)
			}
		})
		t.Run("the_confirmed_subject_signs_in", func(t *testing.T) {
			secret, to, _ := a.Svc.BeginOIDC(context.Background())
			u, _ := url.Parse(to)
			res, err := a.Svc.FinishOIDC(context.Background(), secret, u.Query().Get("state"), "code", "192.0.2.1")
			if err != nil || res.Session.Stage != service.StageFull || res.Session.User.Role != nrm.RoleCaseWorker {
				t.Fatalf("%+v, %v", res, err)
			}
		})
		t.Run("admin_removes_the_mapping", func(t *testing.T) {
			if r := a.Do(t, "DELETE", "/api/v1/sso/mappings/"+mappingID, admin, nil); r.Status != http.StatusOK {
				t.Errorf("%d %s", r.Status, r.Body)
			}
			if r := a.Do(t, "DELETE", "/api/v1/sso/mappings/"+mappingID, admin, nil); r.Status != http.StatusNotFound {
				t.Errorf("removed twice: %d", r.Status)
			}
		})
	})
}
