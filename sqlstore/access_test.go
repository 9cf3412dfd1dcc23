package sqlstore_test

// The store's list, search and dashboard prefilter (Tx.involved) is the SQL
// form of the one access rule, nrm.AccessOf(...).Involved(). This property
// test holds the two equal on generated case files: random owners, children,
// referrals of every status and scope, consents given or withdrawn, expiring
// before, on or after today, consents that do not exist or are disjoint from
// the referral's scope, and decisions by random organisations.

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

const (
	genOrgs  = 6
	genCases = 200
)

// world is one generated instance: its organisations, its cases, which
// cases have a clock, and the blind name index value of each case's person.
type genWorld struct {
	orgs      []nrm.Organisation
	cases     []string
	withClock map[string]bool
	nameOf    map[string]string
}

func generate(t *testing.T, s *sqlstore.Store, seed int64) genWorld {
	t.Helper()
	rnd := rand.New(rand.NewSource(seed))
	now := s.Now()
	today := nrm.DateOf(now)
	kinds := []nrm.OrgKind{nrm.KindPolice, nrm.KindNGO, nrm.KindShelter, nrm.KindCompetentAuthority, nrm.KindChildProtection, nrm.KindCoordinator}
	w := genWorld{withClock: map[string]bool{}, nameOf: map[string]string{}}
	for i := range genOrgs {
		w.orgs = append(w.orgs, nrm.Organisation{ID: nrm.NewID(), Name: fmt.Sprintf("Org %d/%d", seed, i), Kind: kinds[i%len(kinds)], Country: "GB", CreatedAt: now})
	}
	pick := func() nrm.Organisation { return w.orgs[rnd.Intn(len(w.orgs))] }
	expiries := []nrm.Date{{}, {}, today.AddDays(-30), today.AddDays(-1), today, today.AddDays(1), today.AddDays(2), today.AddDays(365)}
	statuses := []string{nrm.ReferralPending, nrm.ReferralAccepted, nrm.ReferralAccepted, nrm.ReferralDeclined, nrm.ReferralWithdrawn}
	states := []nrm.State{nrm.StateEncountered, nrm.StateReferred, nrm.StateRecoveryPeriod, nrm.StateIdentified, nrm.StateClosed}
	mustWrite(t, s, func(tx *sqlstore.Tx) error {
		for _, o := range w.orgs {
			if err := tx.InsertOrg(ctx, o); err != nil {
				return err
			}
		}
		for i := range genCases {
			owner := pick()
			at := now.Add(-time.Duration(genCases-i) * time.Minute)
			c := sqlstore.CaseRecord{
				Case: nrm.Case{ID: nrm.NewID(), Reference: nrm.NewReference(2026), OrgID: owner.ID, State: states[rnd.Intn(len(states))],
					Child: rnd.Intn(3) == 0, Encounter: nrm.Encounter{Date: today.AddDays(-10), Country: "GB"},
					ExploitationTypes: []string{"forced-labour"}, CreatedBy: "u", CreatedAt: at, UpdatedAt: at},
				Person: sqlstore.PersonRecord{ID: nrm.NewID(), GivenName: []byte("sealed"), Sex: "female", CreatedAt: at},
			}
			if err := tx.InsertPerson(ctx, c.Person); err != nil {
				return err
			}
			if err := tx.InsertCase(ctx, c); err != nil {
				return err
			}
			w.cases = append(w.cases, c.ID)
			name := fmt.Sprintf("name-%d-%d", seed, rnd.Intn(4))
			w.nameOf[c.ID] = name
			if err := tx.InsertPersonIndex(ctx, c.Person.ID, sqlstore.IndexName, []string{name}); err != nil {
				return err
			}
			// Consents of the case: to random recipients, any scope
			// (none, disjoint from a referral's, or overlapping).
			var consents []string
			for range rnd.Intn(4) {
				k := nrm.Consent{ID: nrm.NewID(), CaseID: c.ID, Purpose: nrm.PurposeReferral, RecipientOrg: pick().ID,
					Scope: nrm.Scope(rnd.Intn(8)), GivenOn: today.AddDays(-5), Expires: expiries[rnd.Intn(len(expiries))],
					Language: "ro", RecordedBy: "u", RecordedOrg: owner.ID, Status: nrm.ConsentGiven, CreatedAt: at}
				if rnd.Intn(3) == 0 {
					k.Status = nrm.ConsentWithdrawn
				}
				if err := tx.InsertConsent(ctx, k); err != nil {
					return err
				}
				consents = append(consents, k.ID)
			}
			pending := map[string]bool{}
			for range rnd.Intn(5) {
				to := pick()
				r := nrm.Referral{ID: nrm.NewID(), CaseID: c.ID, FromOrg: owner.ID, ToOrg: to.ID, Scope: nrm.Scope(rnd.Intn(8)),
					Status: statuses[rnd.Intn(len(statuses))], NRM: to.Kind == nrm.KindCompetentAuthority, CreatedBy: "u", CreatedAt: at}
				if r.Status == nrm.ReferralPending && pending[to.ID] {
					r.Status = nrm.ReferralDeclined // one pending referral per case and recipient
				}
				pending[to.ID] = pending[to.ID] || r.Status == nrm.ReferralPending
				switch n := rnd.Intn(6); {
				case n == 0: // none: a child's referral, or one made before consents were kept
				case n == 1: // a consent that is not stored
					r.ConsentID = nrm.NewID()
				case len(consents) > 0:
					r.ConsentID = consents[rnd.Intn(len(consents))]
				}
				if err := tx.InsertReferral(ctx, nrm.ReferralRecord{Referral: r}); err != nil {
					return err
				}
			}
			for range rnd.Intn(3) - 1 { // mostly none
				d := nrm.DecisionRecord{Decision: nrm.Decision{ID: nrm.NewID(), CaseID: c.ID, Kind: nrm.ReasonableGrounds, Outcome: nrm.Positive,
					DecidedOn: today.AddDays(-1), By: "u", OrgID: pick().ID, CreatedAt: at}}
				if err := tx.InsertDecision(ctx, d); err != nil {
					return err
				}
			}
			if rnd.Intn(2) == 0 {
				w.withClock[c.ID] = true
				if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: c.ID, Kind: nrm.DeadlineRecoveryEnd, Due: today.AddDays(rnd.Intn(90) - 30)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return w
}

// involvedByRule lists the cases for which the domain's rule says the
// organisation is involved, and the facts of each case. (Checks inside a
// transaction return errors: a t.Fatal there would leave it open.)
func involvedByRule(tx *sqlstore.Tx, w genWorld, orgID string) (map[string]bool, map[string]nrm.AccessFacts, error) {
	want, facts := map[string]bool{}, map[string]nrm.AccessFacts{}
	for _, id := range w.cases {
		f, err := tx.AccessFacts(ctx, id, orgID)
		if err != nil {
			return nil, nil, err
		}
		facts[id] = f
		if nrm.AccessOf(f).Involved() {
			want[id] = true
		}
		// The store's two ways to the facts agree.
		c, err := tx.Case(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		g, err := tx.AccessFactsOf(ctx, c.Case, orgID)
		if err != nil {
			return nil, nil, err
		}
		if a, b := nrm.AccessOf(f), nrm.AccessOf(g); a != b {
			return nil, nil, fmt.Errorf("case %s, org %s: AccessFacts gives %+v, AccessFactsOf %+v", id, orgID, a, b)
		}
	}
	return want, facts, nil
}

// sameSet reports the first case in which got and want differ, with the facts.
func sameSet(what string, got, want map[string]bool, among []string, facts map[string]nrm.AccessFacts, tx *sqlstore.Tx) error {
	for _, id := range among {
		if got[id] == want[id] {
			continue
		}
		f := facts[id]
		var rows []string
		if rs, err := tx.Referrals(ctx, id); err == nil {
			for _, r := range rs {
				rows = append(rows, fmt.Sprintf("to %s %s scope %d consent %q", r.ToOrg, r.Status, r.Scope, r.ConsentID))
			}
		}
		return fmt.Errorf("%s: case %s listed=%v, rule says involved=%v (%+v)\nfacts: %+v\nall referrals of the case:\n  %s",
			what, id, got[id], want[id], nrm.AccessOf(f), f, strings.Join(rows, "\n  "))
	}
	for id := range got {
		if !slices.Contains(among, id) {
			return fmt.Errorf("%s: lists case %s, not one of this world's", what, id)
		}
	}
	return nil
}

func TestInvolvedPrefilterIsTheAccessRule(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		clock := storetest.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
		s := storetest.MustOpen(t, e, sqlstore.Options{Now: clock.Now})
		for _, seed := range []int64{1, 2, 3, 20261127} {
			clock.Set(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
			w := generate(t, s, seed)
			// Expiries fall on either side of today, then of the days after.
			for day := range 3 {
				t.Run(fmt.Sprintf("seed %d day %d", seed, day), func(t *testing.T) {
					if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
						involvedSomewhere := 0
						for _, o := range w.orgs {
							want, facts, err := involvedByRule(tx, w, o.ID)
							if err != nil {
								return err
							}
							involvedSomewhere += len(want)

							listed, err := tx.Cases(ctx, sqlstore.CaseFilter{OrgID: o.ID, Limit: 500})
							if err != nil {
								return err
							}
							got := map[string]bool{}
							for _, c := range listed {
								got[c.ID] = true
							}
							if err := sameSet("Cases of "+o.Name, got, want, w.cases, facts, tx); err != nil {
								return err
							}

							for _, name := range []string{fmt.Sprintf("name-%d-0", seed), fmt.Sprintf("name-%d-3", seed)} {
								found, err := tx.Cases(ctx, sqlstore.CaseFilter{OrgID: o.ID, Limit: 500, NameIndex: []string{name}})
								if err != nil {
									return err
								}
								got, wantNamed := map[string]bool{}, map[string]bool{}
								for _, c := range found {
									got[c.ID] = true
								}
								for id := range want {
									if w.nameOf[id] == name {
										wantNamed[id] = true
									}
								}
								if err := sameSet("search "+name+" by "+o.Name, got, wantNamed, w.cases, facts, tx); err != nil {
									return err
								}
							}

							due, err := tx.DueDeadlines(ctx, sqlstore.DueFilter{OrgID: o.ID, Until: nrm.NewDate(2100, 1, 1), Limit: 10000})
							if err != nil {
								return err
							}
							got, wantDue := map[string]bool{}, map[string]bool{}
							for _, d := range due {
								got[d.CaseID] = true
							}
							for id := range want {
								if w.withClock[id] {
									wantDue[id] = true
								}
							}
							if err := sameSet("DueDeadlines of "+o.Name, got, wantDue, w.cases, facts, tx); err != nil {
								return err
							}
							overdue, soon, err := tx.CountDue(ctx, sqlstore.DueFilter{OrgID: o.ID, Until: nrm.NewDate(2100, 1, 1)}, nrm.DateOf(tx.Now))
							if err != nil {
								return err
							}
							if overdue+soon != len(wantDue) {
								return fmt.Errorf("CountDue of %s: %d+%d, want %d in all", o.Name, overdue, soon, len(wantDue))
							}
						}
						// The generator must give both answers often enough to test anything.
						t.Logf("involved in %d of %d (organisation, case) pairs", involvedSomewhere, len(w.orgs)*len(w.cases))
						if all := len(w.orgs) * len(w.cases); involvedSomewhere < all/10 || involvedSomewhere > all*9/10 {
							return fmt.Errorf("involved in %d of %d (organisation, case) pairs: the generator is off", involvedSomewhere, all)
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				})
				clock.Advance(24 * time.Hour)
			}
		}
	})
}
