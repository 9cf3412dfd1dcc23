package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/internal/wire"
	"github.com/nrmproject/nrm/server"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// A disabled user's API token stops working on the very next request, in
// every nrm process on the database: the token is checked against the
// database on each request, never against a copy kept in memory.
func TestDisabledUsersTokenIsRefusedOnTheNextRequest(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		admin := a.MustUser(t, org, nrm.RoleAdmin)
		worker := a.MustUser(t, org, nrm.RoleCaseWorker)
		token := a.MustToken(t, worker)
		id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))

		// A second nrm process on the same database and keys.
		store, err := sqlstore.Open(context.Background(), a.DSN, a.DataDir, sqlstore.Options{Now: a.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := wire.Service(store, a.Keys, slog.New(slog.DiscardHandler), service.Config{})
		if err != nil {
			t.Fatal(err)
		}
		other := httptest.NewServer(server.New(svc, slog.New(slog.DiscardHandler), store.Ping, web.Options{}))
		t.Cleanup(func() { other.Close(); svc.Close(); store.Close() })

		get := func(base, tok string) int {
			t.Helper()
			req, _ := http.NewRequest("GET", base+"/api/v1/cases/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		for _, base := range []string{a.URL, other.URL} {
			for range 3 { // whatever a process could remember, it has now seen
				if s := get(base, token); s != http.StatusOK {
					t.Fatalf("before disabling, %s: %d", base, s)
				}
			}
		}

		t.Run("disabling_through_the_service", func(t *testing.T) {
			if _, err := a.Svc.UpdateUser(testapp.As(admin.Actor), worker.ID, service.UserUpdate{
				Name: worker.Name, Role: string(worker.Role), Disabled: true, Version: worker.Version}); err != nil {
				t.Fatal(err)
			}
			for _, base := range []string{a.URL, other.URL} {
				if s := get(base, token); s != http.StatusUnauthorized {
					t.Errorf("the next request after disabling, %s: %d, want 401", base, s)
				}
			}
		})

		t.Run("the_disabled_flag_alone", func(t *testing.T) {
			// Disabling deletes the tokens too; the flag must refuse by itself.
			u := a.MustUser(t, org, nrm.RoleCaseWorker)
			tok := a.MustToken(t, u)
			for _, base := range []string{a.URL, other.URL} {
				if s := get(base, tok); s != http.StatusOK {
					t.Fatalf("before: %s: %d", base, s)
				}
			}
			a.MustExec(t, "UPDATE users SET disabled = ? WHERE id = ?", true, u.ID)
			for _, base := range []string{a.URL, other.URL} {
				if s := get(base, tok); s != http.StatusUnauthorized {
					t.Errorf("the next request after setting disabled, %s: %d, want 401", base, s)
				}
			}
		})
	})
}
