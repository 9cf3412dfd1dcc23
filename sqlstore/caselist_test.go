package sqlstore_test

// The case list's one query keeps the access rule: on the generated worlds
// of access_test.go, it lists exactly the cases nrm.AccessOf says the
// organisation is involved in, a search by name only those whose identity
// it holds, and a next clock of the support track only where it holds
// support. Its pages, sorts, filters and counts agree with each other.

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestCaseListIsTheAccessRule(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		clock := storetest.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
		s := storetest.MustOpen(t, e, sqlstore.Options{Now: clock.Now})
		for _, seed := range []int64{5, 20261202} {
			w := generate(t, s, seed)
			// Support clocks beside the generator's recovery-period clocks.
			rnd := rand.New(rand.NewSource(seed))
			today := nrm.DateOf(clock.Now())
			mustWrite(t, s, func(tx *sqlstore.Tx) error {
				for _, id := range w.cases {
					if rnd.Intn(3) == 0 {
						if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: id, Kind: nrm.DeadlinePlanReview, Due: today.AddDays(rnd.Intn(60) - 40)}); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
				for _, o := range w.orgs {
					if err := checkCaseList(tx, w, o, seed); err != nil {
						return err
					}
				}
				return checkInvolvedOrgs(tx, w)
			}); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
	})
}

func checkCaseList(tx *sqlstore.Tx, w genWorld, o nrm.Organisation, seed int64) error {
	want, facts, err := involvedByRule(tx, w, o.ID)
	if err != nil {
		return err
	}
	all, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: o.ID, Limit: 500})
	if err != nil {
		return err
	}
	got := map[string]bool{}
	for _, r := range all.Rows {
		got[r.ID] = true
	}
	if err := sameSet("CaseList of "+o.Name, got, want, w.cases, facts, tx); err != nil {
		return err
	}
	if all.Total != len(want) {
		return fmt.Errorf("CaseList of %s: total %d, want %d", o.Name, all.Total, len(want))
	}
	sum := 0
	for _, n := range all.ByState {
		sum += n
	}
	if sum != all.Total {
		return fmt.Errorf("CaseList of %s: counts by state sum to %d, total %d", o.Name, sum, all.Total)
	}

	// The next clock: the soonest the organisation may see.
	clocks, err := tx.DeadlinesOf(ctx, w.cases)
	if err != nil {
		return err
	}
	for _, r := range all.Rows {
		acc := nrm.AccessOf(facts[r.ID])
		var best nrm.Deadline
		for _, d := range clocks[r.ID] {
			if c := nrm.DeadlineCompartment(d.Kind); c != "" && !acc.Scope.Has(c) {
				continue
			}
			if best.Due.IsZero() || d.Due.Before(best.Due) {
				best = d
			}
		}
		if r.NextClock.Due != best.Due {
			return fmt.Errorf("CaseList of %s, case %s: next clock %v, the rule gives %v (access %+v)", o.Name, r.ID, r.NextClock, best, acc)
		}
	}

	// Search by name: only where the organisation holds identity.
	name := fmt.Sprintf("name-%d-1", seed)
	found, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: o.ID, Limit: 500, NameIndex: []string{name}})
	if err != nil {
		return err
	}
	got, wantNamed := map[string]bool{}, map[string]bool{}
	for _, r := range found.Rows {
		got[r.ID] = true
	}
	for id := range want {
		if w.nameOf[id] == name && nrm.AccessOf(facts[id]).Scope.Has(nrm.Identity) {
			wantNamed[id] = true
		}
	}
	if err := sameSet("name search by "+o.Name, got, wantNamed, w.cases, facts, tx); err != nil {
		return err
	}

	// Pages of every sort cover the list once.
	for _, sort := range nrm.CaseSorts {
		var seen []string
		for off := 0; off < len(want)+7; off += 7 {
			p, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: o.ID, Sort: sort, Offset: off, Limit: 7})
			if err != nil {
				return err
			}
			for _, r := range p.Rows {
				if slices.Contains(seen, r.ID) {
					return fmt.Errorf("sort %s by %s: case %s on two pages", sort, o.Name, r.ID)
				}
				seen = append(seen, r.ID)
			}
		}
		if len(seen) != len(want) {
			return fmt.Errorf("sort %s by %s: pages hold %d cases, want %d", sort, o.Name, len(seen), len(want))
		}
	}

	// Filters: a state keeps the counts of the others; a clock due by a
	// date keeps the cases whose next clock falls by then.
	for _, st := range []nrm.State{nrm.StateRecoveryPeriod, nrm.StateNotIdentified} {
		p, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: o.ID, State: st, Limit: 500})
		if err != nil {
			return err
		}
		if p.Total != all.ByState[st] || len(p.Rows) != p.Total {
			return fmt.Errorf("state %s by %s: %d rows, total %d, count was %d", st, o.Name, len(p.Rows), p.Total, all.ByState[st])
		}
		if all.Total > 0 && !maps(p.ByState, all.ByState) {
			return fmt.Errorf("state %s by %s: counts %v, without the filter %v", st, o.Name, p.ByState, all.ByState)
		}
	}
	by := nrm.DateOf(tx.Now).AddDays(7)
	due, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: o.ID, DueBy: by, Sort: nrm.SortNextClock, Limit: 500})
	if err != nil {
		return err
	}
	n := 0
	for _, r := range all.Rows {
		if !r.NextClock.Due.IsZero() && !by.Before(r.NextClock.Due) {
			n++
		}
	}
	if len(due.Rows) != n {
		return fmt.Errorf("due by %s for %s: %d rows, want %d", by, o.Name, len(due.Rows), n)
	}
	for i := 1; i < len(due.Rows); i++ {
		if due.Rows[i].NextClock.Due.Before(due.Rows[i-1].NextClock.Due) {
			return fmt.Errorf("due by %s for %s: not soonest first", by, o.Name)
		}
	}
	return nil
}

func maps(a, b map[nrm.State]int) bool {
	for _, s := range nrm.States {
		if a[s] != b[s] {
			return false
		}
	}
	return true
}

// checkInvolvedOrgs holds the "held by" of the co-ordinator's overview to
// the rule: every organisation involved, and no other.
func checkInvolvedOrgs(tx *sqlstore.Tx, w genWorld) error {
	held, err := tx.InvolvedOrgs(ctx, w.cases)
	if err != nil {
		return err
	}
	for _, id := range w.cases {
		for _, o := range w.orgs {
			f, err := tx.AccessFacts(ctx, id, o.ID)
			if err != nil {
				return err
			}
			if nrm.AccessOf(f).Involved() != slices.Contains(held[id], o.ID) {
				return fmt.Errorf("case %s, org %s: held by %v, rule says involved=%v", id, o.ID, held[id], nrm.AccessOf(f).Involved())
			}
		}
	}
	return nil
}

func TestAssignmentsAndSeenMarks(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		clock := storetest.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
		s := storetest.MustOpen(t, e, sqlstore.Options{Now: clock.Now})
		w := generate(t, s, 7)
		var user string
		mustWrite(t, s, func(tx *sqlstore.Tx) error {
			user = nrm.NewID()
			return tx.InsertUser(ctx, sqlstore.UserRecord{User: nrm.User{ID: user, OrgID: w.orgs[0].ID, Email: "a@example.org", Name: "A",
				Role: nrm.RoleCaseWorker, CreatedAt: clock.Now()}, PasswordHash: "x"})
		})
		var mine []string
		if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
			l, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: w.orgs[0].ID, Limit: 3})
			for _, r := range l.Rows {
				mine = append(mine, r.ID)
			}
			return err
		}); err != nil || len(mine) < 2 {
			t.Fatalf("no cases to assign (%v)", err)
		}
		mustWrite(t, s, func(tx *sqlstore.Tx) error {
			for _, id := range mine[:2] {
				if err := tx.SetAssignment(ctx, nrm.Assignment{CaseID: id, OrgID: w.orgs[0].ID, UserID: user, AssignedBy: user, AssignedAt: clock.Now()}); err != nil {
					return err
				}
			}
			// Assigning again replaces, clearing leaves nobody.
			if err := tx.SetAssignment(ctx, nrm.Assignment{CaseID: mine[0], OrgID: w.orgs[0].ID, UserID: user, AssignedBy: user, AssignedAt: clock.Now()}); err != nil {
				return err
			}
			if err := tx.ClearAssignment(ctx, mine[1], w.orgs[0].ID); err != nil {
				return err
			}
			return tx.SetSeen(ctx, user, clock.Now())
		})
		if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
			l, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: w.orgs[0].ID, AssignedTo: user, Limit: 500})
			if err != nil {
				return err
			}
			if len(l.Rows) != 1 || l.Rows[0].ID != mine[0] || l.Rows[0].AssignedTo != user {
				return fmt.Errorf("my cases: %+v, want only %s", l.Rows, mine[0])
			}
			un, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: w.orgs[0].ID, Unassigned: true, Limit: 500})
			if err != nil {
				return err
			}
			everything, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: w.orgs[0].ID, Limit: 500})
			if err != nil {
				return err
			}
			if un.Total != everything.Total-1 {
				return fmt.Errorf("unassigned %d of %d", un.Total, everything.Total)
			}
			// Another organisation's list knows nothing of the assignment.
			other, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: w.orgs[1].ID, AssignedTo: user, Limit: 500})
			if err != nil || len(other.Rows) != 0 {
				return fmt.Errorf("another organisation's list by assignee: %d rows (%v)", len(other.Rows), err)
			}
			at, err := tx.SeenAt(ctx, user)
			if err != nil || !at.Equal(clock.Now()) {
				return fmt.Errorf("seen at %v (%v)", at, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}
