package api_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// otherInstance is the identity of an instance in another country.
func otherInstance(t *testing.T, country string) nrm.InstanceIdentity {
	t.Helper()
	k, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	return k.Identity("nrm "+country, country, "https://nrm."+country+".example")
}

func countPartners(t *testing.T, a *testapp.App) int {
	t.Helper()
	var n int
	if err := a.RawDB(t).QueryRow("SELECT COUNT(*) FROM exchange_partners").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExchangeIdentityAndPartners(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		keys, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		a := testapp.NewWith(t, e, service.Config{Exchange: service.ExchangeConfig{Keys: keys, Name: "nrm Germany", Country: "de", URL: "https://nrm.de.example"}})
		coord := a.MustOrg(t, nrm.KindCoordinator)
		ngo := a.MustOrg(t, nrm.KindNGO)
		admin := a.MustToken(t, a.MustUser(t, coord, nrm.RoleAdmin))

		t.Run("identity_needs_no_credentials", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/exchange/identity", "", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var id nrm.InstanceIdentity
			if err := json.Unmarshal(r.Body, &id); err != nil {
				t.Fatal(err)
			}
			if id.Fingerprint != keys.Fingerprint() || id.Country != "DE" || id.Instance != "nrm Germany" {
				t.Errorf("identity %+v", id)
			}
			if _, err := exchange.ParseIdentity(r.Body); err != nil {
				t.Errorf("a partner could not register what this instance says of itself: %v", err)
			}
		})

		md := otherInstance(t, "MD")
		add := func(token string, identity any) testapp.Response {
			return a.Do(t, "POST", "/api/v1/exchange/partners", token, map[string]any{"identity": identity})
		}
		t.Run("refused_to_anyone_but_the_coordinators_admin", func(t *testing.T) {
			for name, tok := range map[string]string{
				"an NGO's admin":            a.MustToken(t, a.MustUser(t, ngo, nrm.RoleAdmin)),
				"a coordinator":             a.MustToken(t, a.MustUser(t, coord, nrm.RoleCoordinator)),
				"the coordinator's auditor": a.MustToken(t, a.MustUser(t, coord, nrm.RoleAuditor)),
			} {
				if r := add(tok, md); r.Status != http.StatusForbidden {
					t.Errorf("%s: %d %s", name, r.Status, r.Body)
				}
			}
			if r := add("", md); r.Status != http.StatusUnauthorized {
				t.Errorf("no token: %d", r.Status)
			}
			if n := countPartners(t, a); n != 0 {
				t.Errorf("%d partners stored", n)
			}
		})
		t.Run("bad_identities_name_the_field_and_store_nothing", func(t *testing.T) {
			altered := md
			altered.Fingerprint = otherInstance(t, "UA").Fingerprint
			own, _ := a.Svc.Identity()
			for field, identity := range map[string]any{
				"fingerprint": altered,
				"identity":    own,
				"country":     func() nrm.InstanceIdentity { x := md; x.Country = "Moldova"; return x }(),
				"url":         func() nrm.InstanceIdentity { x := md; x.URL = "http://nrm.md.example"; return x }(),
			} {
				r := add(admin, identity)
				if got := r.JSON(t)["error"].(map[string]any)["field"]; r.Status != http.StatusUnprocessableEntity || got != field {
					t.Errorf("%s: %d, field %v", field, r.Status, got)
				}
			}
			if r := add(admin, "not an object"); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("a string as identity: %d %s", r.Status, r.Body)
			}
			if n := countPartners(t, a); n != 0 {
				t.Errorf("%d partners stored", n)
			}
		})
		var id string
		t.Run("the_coordinators_admin_registers_once", func(t *testing.T) {
			r := add(admin, md)
			if r.Status != http.StatusCreated || r.JSON(t)["fingerprint"] != md.Fingerprint {
				t.Fatalf("%d %s\n%s", r.Status, r.Body, a.Logs())
			}
			id = r.JSON(t)["id"].(string)
			if r := add(admin, md); r.Status != http.StatusConflict {
				t.Errorf("again: %d %s", r.Status, r.Body)
			}
			list := a.Do(t, "GET", "/api/v1/exchange/partners", a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker)), nil)
			items, _ := list.JSON(t)["items"].([]any)
			if list.Status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["country"] != "MD" {
				t.Errorf("list: %d %s", list.Status, list.Body)
			}
			var n int
			if err := a.RawDB(t).QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'exchange.partner.add' AND object = 'partner/" + id + "'").Scan(&n); err != nil || n != 1 {
				t.Errorf("audit: %v, %d entries", err, n)
			}
		})
		t.Run("removal_ends_the_trust", func(t *testing.T) {
			if r := a.Do(t, "DELETE", "/api/v1/exchange/partners/"+id, a.MustToken(t, a.MustUser(t, ngo, nrm.RoleAdmin)), nil); r.Status != http.StatusForbidden {
				t.Errorf("an NGO's admin removed it: %d", r.Status)
			}
			if r := a.Do(t, "DELETE", "/api/v1/exchange/partners/"+id, admin, nil); r.Status != http.StatusOK {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if r := a.Do(t, "DELETE", "/api/v1/exchange/partners/"+id, admin, nil); r.Status != http.StatusNotFound {
				t.Errorf("removed twice: %d", r.Status)
			}
			list := a.Do(t, "GET", "/api/v1/exchange/partners", admin, nil)
			items, _ := list.JSON(t)["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["removed_at"] == nil {
				t.Errorf("list after removal: %s", list.Body)
			}
			if r := add(admin, md); r.Status != http.StatusCreated {
				t.Errorf("registering it again after removal: %d %s", r.Status, r.Body)
			}
		})
	})
}
