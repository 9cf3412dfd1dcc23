package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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

		// fresh returns a new worker's token, remembered by both processes.
		fresh := func(t *testing.T, role nrm.Role) (testapp.User, string) {
			t.Helper()
			u := a.MustUser(t, org, role)
			tok := a.MustToken(t, u)
			for _, base := range []string{a.URL, other.URL} {
				if s := get(base, tok); s != http.StatusOK {
					t.Fatalf("before: %s: %d", base, s)
				}
			}
			return u, tok
		}
		refused := func(t *testing.T, tok, what string) {
			t.Helper()
			for _, base := range []string{a.URL, other.URL} {
				if s := get(base, tok); s != http.StatusUnauthorized {
					t.Errorf("the next read after %s, %s: %d, want 401", what, base, s)
				}
				r := a.Do(t, "GET", "/api/v1/organisations", tok, nil) // a read with no audit entry
				if base == a.URL && r.Status != http.StatusUnauthorized {
					t.Errorf("the list of organisations after %s: %d, want 401", what, r.Status)
				}
			}
		}

		t.Run("the_token_deleted_alone", func(t *testing.T) {
			_, tok := fresh(t, nrm.RoleCaseWorker)
			a.MustExec(t, "DELETE FROM api_tokens WHERE hash = ?", sha(tok))
			refused(t, tok, "deleting the token")
		})

		t.Run("the_token_expired", func(t *testing.T) {
			_, tok := fresh(t, nrm.RoleCaseWorker)
			a.MustExec(t, "UPDATE api_tokens SET expires_at = ? WHERE hash = ?", a.Clock.Now().Add(-time.Second).UnixMicro(), sha(tok))
			refused(t, tok, "the token expired")
		})

		t.Run("a_write_never_rests_on_a_remembered_token", func(t *testing.T) {
			u, tok := fresh(t, nrm.RoleCaseWorker)
			a.MustExec(t, "UPDATE users SET disabled = ? WHERE id = ?", true, u.ID)
			var before, after int
			a.RawDB(t).QueryRow("SELECT COUNT(*) FROM cases").Scan(&before)
			if r := a.Do(t, "POST", "/api/v1/cases", tok, testapp.CaseBody("Ion", "Ceban", "1990-01-01")); r.Status != http.StatusUnauthorized {
				t.Errorf("a disabled user's write: %d, want 401", r.Status)
			}
			a.RawDB(t).QueryRow("SELECT COUNT(*) FROM cases").Scan(&after)
			if after != before {
				t.Errorf("a disabled user created a case")
			}
		})

		t.Run("a_changed_role_applies_to_the_next_read", func(t *testing.T) {
			u, tok := fresh(t, nrm.RoleCaseWorker)
			a.MustExec(t, "UPDATE users SET role = ?, version = version + 1 WHERE id = ?", string(nrm.RoleAuditor), u.ID)
			for _, base := range []string{a.URL, other.URL} {
				if s := get(base, tok); s == http.StatusOK || s == http.StatusUnauthorized {
					t.Errorf("a case worker made auditor reads a case, %s: %d (want it refused as for an auditor)", base, s)
				}
			}
			var refused int
			q := "SELECT COUNT(*) FROM audit_entries WHERE actor = ? AND action = 'case.read' AND outcome = 'denied' AND detail LIKE '%not sent%'"
			if e == sqlstore.Postgres {
				q = strings.Replace(q, "?", "$1", 1)
			}
			if err := a.RawDB(t).QueryRow(q, u.ID).Scan(&refused); err != nil {
				t.Fatal(err)
			}
			if refused == 0 {
				t.Errorf("no audit entry records the read that was not sent")
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

func sha(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
