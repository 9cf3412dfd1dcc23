package service_test

// Concurrent writers of the same step (CONTRACT.md, "Rules every path
// enforces"): only one episode of a person is open at a time, and only one
// referral of a case to an organisation is pending at a time, also with
// several processes on one PostgreSQL database. Exactly one writer wins;
// every other gets a conflict (409), never an internal error.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/internal/wire"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// racers is how many writers try the same step at once.
const racers = 8

// rounds repeats each race, on fresh records, so that a lucky schedule
// does not hide a lost race.
const rounds = 3

// secondProcess is another nrm process on the same database: its own store
// (its own connection pool) and its own service, with the same keys.
func secondProcess(t *testing.T, a *testapp.App) *service.Service {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), a.DSN, t.TempDir(), sqlstore.Options{Now: a.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := wire.Service(st, a.Keys, nil, service.Config{})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
	})
	return svc
}

// processes are the services the racers share: one, or two on PostgreSQL.
type processes struct {
	name string
	svcs []*service.Service
}

func processesOf(t *testing.T, a *testapp.App, e sqlstore.Engine) []processes {
	out := []processes{{"one process", []*service.Service{a.Svc}}}
	if e == sqlstore.Postgres {
		out = append(out, processes{"two processes", []*service.Service{a.Svc, secondProcess(t, a)}})
	}
	return out
}

// race runs fn in racers goroutines at once, half on each service, and
// insists on exactly one success and conflicts for the rest.
func race(t *testing.T, svcs []*service.Service, fn func(svc *service.Service) error) {
	t.Helper()
	start := make(chan struct{})
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(svcs[i%len(svcs)])
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	var bad []string
	conflicts := map[string]int{}
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case nrm.ErrorCode(err) == nrm.CodeConflict:
			conflicts[nrm.AsError(err).Message]++
		case nrm.ErrorCode(err) != nrm.CodeConflict:
			bad = append(bad, fmt.Sprintf("racer %d: %s: %v (cause %v)", i, nrm.ErrorCode(err), err, nrm.AsError(err).Cause))
		}
	}
	// Which check caught each loser: the service's own reading, or the
	// database's unique index under a true overlap.
	t.Logf("conflicts: %v", conflicts)
	if won != 1 || len(bad) > 0 {
		t.Fatalf("%d of %d racers won, want exactly 1; not conflicts:\n%s", won, racers, strings.Join(bad, "\n"))
	}
}

// count runs a COUNT(*) query with "?" placeholders on the app's database.
func count(t *testing.T, a *testapp.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := a.RawDB(t).QueryRow(rebindFor(a.Engine, q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestReopeningRaceHasOneWinner(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police := a.MustOrg(t, nrm.KindPolice)
		officer := a.MustUser(t, police, nrm.RoleFirstResponder)
		token := a.MustToken(t, officer)
		ctx := testapp.As(officer.Actor)
		for _, p := range processesOf(t, a, e) {
			t.Run(p.name, func(t *testing.T) {
				id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
				for round := range rounds {
					if _, err := a.Svc.CloseCase(ctx, id, nrm.CloseInput{Reason: nrm.CloseLostContact}); err != nil {
						t.Fatalf("round %d: close: %v", round, err)
					}
					race(t, p.svcs, func(svc *service.Service) error {
						_, err := svc.ReopenCase(ctx, id, nrm.ReopenInput{Reason: "Met again at a car wash."})
						return err
					})
					person := "(SELECT person_id FROM cases WHERE id = ?)"
					if n := count(t, a, "SELECT COUNT(*) FROM cases WHERE state <> 'closed' AND person_id = "+person, id); n != 1 {
						t.Fatalf("round %d: %d open episodes of the person", round, n)
					}
					if n := count(t, a, "SELECT COUNT(*) FROM cases WHERE person_id = "+person, id); n != round+2 {
						t.Fatalf("round %d: %d episodes of the person, want %d", round, n, round+2)
					}
					// The next round re-opens from the episode just opened.
					if err := a.RawDB(t).QueryRow(rebindFor(e, "SELECT id FROM cases WHERE state <> 'closed' AND person_id = "+person), id).Scan(&id); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	})
}

func TestReferralRaceHasOneWinner(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police := a.MustOrg(t, nrm.KindPolice)
		officer := a.MustUser(t, police, nrm.RoleFirstResponder)
		token := a.MustToken(t, officer)
		ctx := testapp.As(officer.Actor)
		recipients := []nrm.Organisation{a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)}
		for _, p := range processesOf(t, a, e) {
			for _, to := range recipients {
				t.Run(p.name+" to "+string(to.Kind), func(t *testing.T) {
					for round := range rounds {
						id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
						k, err := a.Svc.RecordConsent(ctx, id, nrm.ConsentInput{Purpose: nrm.PurposeReferral, RecipientOrg: to.ID, Scope: []string{"identity"}})
						if err != nil {
							t.Fatal(err)
						}
						race(t, p.svcs, func(svc *service.Service) error {
							_, err := svc.Refer(ctx, id, nrm.ReferralInput{ToOrg: to.ID, Reason: "Needs identification and shelter.", ConsentID: k.ID})
							return err
						})
						if n := count(t, a, "SELECT COUNT(*) FROM referrals WHERE status = 'pending' AND case_id = ? AND to_org = ?", id, to.ID); n != 1 {
							t.Fatalf("round %d: %d pending referrals", round, n)
						}
						if n := count(t, a, "SELECT COUNT(*) FROM referrals WHERE case_id = ?", id); n != 1 {
							t.Fatalf("round %d: %d referrals", round, n)
						}
						c, err := a.Svc.Case(ctx, id)
						if err != nil {
							t.Fatal(err)
						}
						if want := map[bool]nrm.State{true: nrm.StateReferred, false: nrm.StateEncountered}[to.Kind == nrm.KindCompetentAuthority]; c.State != want {
							t.Fatalf("round %d: state %s, want %s", round, c.State, want)
						}
					}
				})
			}
		}
	})
}
