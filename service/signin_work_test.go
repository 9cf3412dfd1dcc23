package service_test

import (
	"database/sql"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// work is what one sign-in did: counted by the service (argon2id hashes and
// their parameters, write transactions) and found in the database (audit
// entries and their outcome, failure counters).
type work struct {
	hashes, writes int64
	params         string
	auditEntries   int
	lastAudit      string // action and outcome of the newest entry
	err            string
}

func signinCount(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func signInWork(t *testing.T, a *testapp.App, db *sql.DB, email, password, client string) work {
	t.Helper()
	before := a.Svc.SigninWork()
	entries := signinCount(t, db, "SELECT COUNT(*) FROM audit_entries")
	_, err := a.Svc.SignIn(ctxBG, email, password, client)
	after := a.Svc.SigninWork()
	w := work{hashes: after.PasswordHashes - before.PasswordHashes, writes: after.Writes - before.Writes,
		params: after.HashParams, auditEntries: signinCount(t, db, "SELECT COUNT(*) FROM audit_entries") - entries, err: nrm.ErrorCode(err)}
	var action, outcome string
	if err := db.QueryRow("SELECT action, outcome FROM audit_entries ORDER BY seq DESC LIMIT 1").Scan(&action, &outcome); err != nil {
		t.Fatal(err)
	}
	w.lastAudit = action + " " + outcome
	return w
}

// TestUnknownAddressDoesTheSameWorkAsAWrongPassword observes the work, not
// the clock: an unknown address, a disabled account and a wrong password
// each do one argon2id hash with the same parameters, one write transaction
// and one audit entry with the same action and outcome; after five failures
// each is locked the same way; and each counts alike against the client
// address's throttle.
func TestUnknownAddressDoesTheSameWorkAsAWrongPassword(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		db := a.RawDB(t)
		org := a.MustOrg(t, nrm.KindNGO)
		u := a.MustUser(t, org, nrm.RoleCaseWorker)
		off := a.MustUser(t, org, nrm.RoleCaseWorker)
		admin := a.MustUser(t, org, nrm.RoleAdmin)
		if _, err := a.Svc.UpdateUser(testapp.As(admin.Actor), off.ID, service.UserUpdate{Name: off.Name, Role: string(off.Role), Disabled: true, Version: off.Version}); err != nil {
			t.Fatal(err)
		}
		ghost := "ghost" + nrm.NewID()[:12] + "@example.org"

		wrong := signInWork(t, a, db, u.Email, "not the password at all", "192.0.2.1")
		if wrong.hashes != 1 || wrong.writes != 1 || wrong.auditEntries != 1 || wrong.err != nrm.CodeUnauthorized ||
			wrong.lastAudit != "signin.password failed" || wrong.params != "m=19456,t=2,p=1" {
			t.Fatalf("a wrong password did %+v", wrong)
		}
		for name, w := range map[string]work{
			"an_unknown_address": signInWork(t, a, db, ghost, u.Password, "192.0.2.2"),
			"a_disabled_account": signInWork(t, a, db, off.Email, off.Password, "192.0.2.3"),
		} {
			t.Run(name+"_does_the_work_of_a_wrong_password", func(t *testing.T) {
				if w != wrong {
					t.Errorf("%+v\nbut a wrong password did %+v", w, wrong)
				}
			})
		}
		t.Run("the_failure_is_written_where_the_lockout_reads_it", func(t *testing.T) {
			if n := signinCount(t, db, "SELECT failed_signins FROM users WHERE id = '"+u.ID+"'"); n != 1 {
				t.Errorf("the account counts %d failures", n)
			}
			if n := signinCount(t, db, "SELECT COALESCE(SUM(failures), 0) FROM signin_failures"); n != 2 {
				t.Errorf("the addresses without an account count %d failures, want 2", n)
			}
		})

		// Four more failures each lock the account and the unknown address alike.
		for range 4 {
			signInWork(t, a, db, u.Email, "still not the password", "192.0.2.1")
			signInWork(t, a, db, ghost, "still not the password", "192.0.2.2")
		}
		lockedAccount := signInWork(t, a, db, u.Email, u.Password, "192.0.2.1")
		lockedGhost := signInWork(t, a, db, ghost, u.Password, "192.0.2.2")
		t.Run("a_locked_unknown_address_does_the_work_of_a_locked_account", func(t *testing.T) {
			if lockedAccount.hashes != 1 || lockedAccount.writes != 0 || lockedAccount.lastAudit != "signin.password denied" {
				t.Fatalf("a locked account did %+v", lockedAccount)
			}
			if lockedGhost != lockedAccount {
				t.Errorf("%+v\nbut a locked account did %+v", lockedGhost, lockedAccount)
			}
		})
		t.Run("both_count_alike_against_the_client_address", func(t *testing.T) {
			// Seven failures so far from each client; the throttle stops both at the same count.
			var stoppedAccount, stoppedGhost int
			for i := 7; i <= 40 && (stoppedAccount == 0 || stoppedGhost == 0); i++ {
				if stoppedAccount == 0 && signInWork(t, a, db, u.Email, "wrong", "192.0.2.1").err == nrm.CodeThrottled {
					stoppedAccount = i
				}
				if stoppedGhost == 0 && signInWork(t, a, db, ghost, "wrong", "192.0.2.2").err == nrm.CodeThrottled {
					stoppedGhost = i
				}
			}
			if stoppedAccount == 0 || stoppedAccount != stoppedGhost {
				t.Errorf("the throttle stopped the account's client at attempt %d, the unknown address's at %d", stoppedAccount, stoppedGhost)
			}
		})
	})
}
