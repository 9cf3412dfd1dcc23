package sqlstore_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

var ctx = context.Background()

func mustWrite(t *testing.T, s *sqlstore.Store, fn func(tx *sqlstore.Tx) error) {
	t.Helper()
	if err := s.Write(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func mustOrg(t *testing.T, s *sqlstore.Store, kind nrm.OrgKind) nrm.Organisation {
	t.Helper()
	o := nrm.Organisation{ID: nrm.NewID(), Name: "Org " + string(kind), Kind: kind, Country: "GB", CreatedAt: s.Now()}
	mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.InsertOrg(ctx, o) })
	o.Version = 1
	return o
}

func mustUser(t *testing.T, s *sqlstore.Store, org nrm.Organisation, email string) sqlstore.UserRecord {
	t.Helper()
	u := sqlstore.UserRecord{User: nrm.User{ID: nrm.NewID(), OrgID: org.ID, Email: email, Name: "N", Role: nrm.RoleCaseWorker,
		CreatedAt: s.Now()}, PasswordHash: "$argon2id$test"}
	mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.InsertUser(ctx, u) })
	return u
}

func mustCase(t *testing.T, s *sqlstore.Store, org nrm.Organisation, created time.Time) sqlstore.CaseRecord {
	t.Helper()
	c := sqlstore.CaseRecord{
		Case: nrm.Case{ID: nrm.NewID(), Reference: nrm.NewReference(2026), OrgID: org.ID, State: nrm.StateEncountered,
			Encounter:         nrm.Encounter{Date: nrm.NewDate(2026, 11, 20), Country: "GB"},
			ExploitationTypes: []string{"forced-labour", "forced-begging"}, CreatedBy: "u", CreatedAt: created, UpdatedAt: created},
		EncounterPlace: []byte("sealed place"),
		Person: sqlstore.PersonRecord{ID: nrm.NewID(), GivenName: []byte("sealed given"), FamilyName: []byte{0, 1, 2},
			Sex: "female", Citizenship: []string{"MD", "RO"}, CreatedAt: created},
	}
	mustWrite(t, s, func(tx *sqlstore.Tx) error {
		if err := tx.InsertPerson(ctx, c.Person); err != nil {
			return err
		}
		return tx.InsertCase(ctx, c)
	})
	return c
}

func TestMigrationsRunOnceAndAgain(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		dsn := storetest.MustDSN(t, e)
		for i := 0; i < 2; i++ {
			s, err := sqlstore.Open(ctx, dsn, t.TempDir(), sqlstore.Options{})
			if err != nil {
				t.Fatalf("open %d: %v", i, err)
			}
			if err := s.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
	})
}

func TestOpenRefusesAnUnknownDatabaseURL(t *testing.T) {
	if _, err := sqlstore.Open(ctx, "mysql://x", t.TempDir(), sqlstore.Options{}); err == nil {
		t.Fatal("opened a mysql URL")
	}
}

func TestOrganisations(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		s := storetest.MustOpen(t, e, sqlstore.Options{})
		o := mustOrg(t, s, nrm.KindNGO)
		mustOrg(t, s, nrm.KindPolice)
		t.Run("read back", func(t *testing.T) {
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				got, err := tx.Org(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Name != o.Name || got.Kind != o.Kind || got.Country != "GB" || got.Version != 1 || !got.CreatedAt.Equal(o.CreatedAt.Truncate(time.Microsecond)) {
					t.Fatalf("got %+v, want %+v", got, o)
				}
				all, err := tx.Orgs(ctx)
				if err != nil || len(all) != 2 {
					t.Fatalf("orgs: %d %v", len(all), err)
				}
				return nil
			})
		})
		t.Run("unknown id is not found", func(t *testing.T) {
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				if _, err := tx.Org(ctx, nrm.NewID()); nrm.ErrorCode(err) != nrm.CodeNotFound {
					t.Fatalf("got %v", err)
				}
				return nil
			})
		})
		t.Run("stale update is refused and changes nothing", func(t *testing.T) {
			o1 := o
			o1.Name = "First"
			mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.UpdateOrg(ctx, o1) })
			o2 := o
			o2.Name = "Second, from an old read"
			err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateOrg(ctx, o2) })
			if !errors.Is(err, nrm.ErrStale) {
				t.Fatalf("got %v, want ErrStale", err)
			}
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				got, _ := tx.Org(ctx, o.ID)
				if got.Name != "First" || got.Version != 2 {
					t.Fatalf("got %q v%d", got.Name, got.Version)
				}
				return nil
			})
		})
	})
}

// Two stores on one database stand for two nrm processes: racing updates
// of the same record must leave exactly one winner per version.
func TestTwoProcessesNeverLoseAnUpdate(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		dsn := storetest.MustDSN(t, e)
		dir := t.TempDir()
		a, err := sqlstore.Open(ctx, dsn, dir, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := sqlstore.Open(ctx, dsn, dir, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		o := mustOrg(t, a, nrm.KindNGO)
		const rounds = 20
		var wins [2]int
		var wg sync.WaitGroup
		for i, s := range []*sqlstore.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 0; r < rounds; r++ {
					// Read-modify-write with the version read.
					var cur nrm.Organisation
					if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
						var err error
						cur, err = tx.Org(ctx, o.ID)
						return err
					}); err != nil {
						t.Error(err)
						return
					}
					cur.Name = cur.Name + "+"
					err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateOrg(ctx, cur) })
					switch {
					case err == nil:
						wins[i]++
					case errors.Is(err, nrm.ErrStale):
					default:
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		var final nrm.Organisation
		a.Read(ctx, func(tx *sqlstore.Tx) error { final, _ = tx.Org(ctx, o.ID); return nil })
		total := wins[0] + wins[1]
		// Each successful update appended one "+" and bumped the version once:
		// no update was lost or applied on a stale read.
		if int(final.Version) != 1+total || len(final.Name) != len(o.Name)+total {
			t.Fatalf("wins %v, final version %d, name length %d (from %d)", wins, final.Version, len(final.Name), len(o.Name))
		}
		if total == 0 {
			t.Fatal("no update succeeded")
		}
	})
}

func TestUsersSessionsAndTokens(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		clock := storetest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
		s := storetest.MustOpen(t, e, sqlstore.Options{Now: clock.Now})
		org := mustOrg(t, s, nrm.KindNGO)
		u := mustUser(t, s, org, "a@example.org")

		t.Run("e-mail is unique, with a field error", func(t *testing.T) {
			dup := u
			dup.ID = nrm.NewID()
			err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.InsertUser(ctx, dup) })
			if e := nrm.AsError(err); e.Code != nrm.CodeInvalid || e.Field != "email" {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("lookup by e-mail ignores case and carries the org kind", func(t *testing.T) {
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				got, err := tx.UserByEmail(ctx, "A@Example.org")
				if err != nil || got.ID != u.ID || got.OrgKind != nrm.KindNGO {
					t.Fatalf("got %+v %v", got, err)
				}
				return nil
			})
		})
		t.Run("a TOTP step is used once", func(t *testing.T) {
			var first, again, earlier bool
			mustWrite(t, s, func(tx *sqlstore.Tx) (err error) { first, err = tx.UseTOTPStep(ctx, u.ID, 1000); return })
			mustWrite(t, s, func(tx *sqlstore.Tx) (err error) { again, err = tx.UseTOTPStep(ctx, u.ID, 1000); return })
			mustWrite(t, s, func(tx *sqlstore.Tx) (err error) { earlier, err = tx.UseTOTPStep(ctx, u.ID, 999); return })
			if !first || again || earlier {
				t.Fatalf("first %v, again %v, earlier %v", first, again, earlier)
			}
		})
		t.Run("a recovery code is used once", func(t *testing.T) {
			mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2"}) })
			var ok1, ok2, unknown bool
			mustWrite(t, s, func(tx *sqlstore.Tx) (err error) { ok1, err = tx.UseRecoveryCode(ctx, u.ID, "h1"); return })
			mustWrite(t, s, func(tx *sqlstore.Tx) (err error) { ok2, err = tx.UseRecoveryCode(ctx, u.ID, "h1"); return })
			mustWrite(t, s, func(tx *sqlstore.Tx) (err error) { unknown, err = tx.UseRecoveryCode(ctx, u.ID, "zz"); return })
			if !ok1 || ok2 || unknown {
				t.Fatalf("%v %v %v", ok1, ok2, unknown)
			}
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				if n, _ := tx.UnusedRecoveryCodes(ctx, u.ID); n != 1 {
					t.Fatalf("%d unused", n)
				}
				return nil
			})
		})
		t.Run("sessions join their user and are deleted with a disabled user", func(t *testing.T) {
			mustWrite(t, s, func(tx *sqlstore.Tx) error {
				return tx.InsertSession(ctx, sqlstore.Session{IDHash: "sh", UserID: u.ID, Stage: "full", CSRF: "c", CreatedAt: tx.Now, LastSeenAt: tx.Now})
			})
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				got, err := tx.Session(ctx, "sh")
				if err != nil || got.User.Email != u.Email || got.CSRF != "c" || got.Stage != "full" {
					t.Fatalf("%+v %v", got, err)
				}
				return nil
			})
			mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.DeleteUserSessions(ctx, u.ID) })
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				if _, err := tx.Session(ctx, "sh"); nrm.ErrorCode(err) != nrm.CodeNotFound {
					t.Fatalf("session survived: %v", err)
				}
				return nil
			})
		})
		t.Run("a token works until it expires", func(t *testing.T) {
			mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.InsertToken(ctx, "th", u.ID, tx.Now.Add(time.Hour)) })
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				if got, err := tx.TokenUser(ctx, "th"); err != nil || got.ID != u.ID {
					t.Fatalf("%v", err)
				}
				return nil
			})
			clock.Advance(61 * time.Minute)
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				if _, err := tx.TokenUser(ctx, "th"); nrm.ErrorCode(err) != nrm.CodeNotFound {
					t.Fatalf("expired token accepted: %v", err)
				}
				return nil
			})
		})
	})
}

func TestCasesAreScopedToInvolvedOrganisations(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		s := storetest.MustOpen(t, e, sqlstore.Options{})
		police, ngo, other := mustOrg(t, s, nrm.KindPolice), mustOrg(t, s, nrm.KindNGO), mustOrg(t, s, nrm.KindShelter)
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		var mine []sqlstore.CaseRecord
		for i := 0; i < 5; i++ {
			mine = append(mine, mustCase(t, s, police, base.Add(time.Duration(i)*time.Hour)))
		}
		theirs := mustCase(t, s, ngo, base)

		t.Run("round trip keeps every field", func(t *testing.T) {
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				got, err := tx.Case(ctx, mine[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				w := mine[0]
				if got.Reference != w.Reference || got.OrgID != police.ID || got.State != nrm.StateEncountered ||
					got.Encounter.Date != w.Encounter.Date || string(got.EncounterPlace) != "sealed place" ||
					string(got.Person.GivenName) != "sealed given" || string(got.Person.FamilyName) != "\x00\x01\x02" ||
					got.Person.DateOfBirth != nil || len(got.ExploitationTypes) != 2 || got.Person.Citizenship[1] != "RO" || got.Version != 1 {
					t.Fatalf("got %+v", got)
				}
				return nil
			})
		})
		t.Run("list shows only the organisation's cases, newest first, in pages", func(t *testing.T) {
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				page1, err := tx.Cases(ctx, sqlstore.CaseFilter{OrgID: police.ID, Limit: 3})
				if err != nil {
					t.Fatal(err)
				}
				page2, err := tx.Cases(ctx, sqlstore.CaseFilter{OrgID: police.ID, Limit: 3, After: page1[2].ID})
				if err != nil {
					t.Fatal(err)
				}
				if len(page1) != 3 || len(page2) != 2 || page1[0].ID != mine[4].ID || page2[1].ID != mine[0].ID {
					t.Fatalf("pages %d+%d", len(page1), len(page2))
				}
				for _, c := range append(page1, page2...) {
					if c.ID == theirs.ID {
						t.Fatal("another organisation's case listed")
					}
				}
				none, _ := tx.Cases(ctx, sqlstore.CaseFilter{OrgID: other.ID})
				if len(none) != 0 {
					t.Fatalf("uninvolved organisation sees %d cases", len(none))
				}
				return nil
			})
		})
		t.Run("a partner sees the case within the consent's scope, and loses it when the consent is withdrawn", func(t *testing.T) {
			scope := nrm.ScopeOf(nrm.Identity, nrm.Support)
			consent := nrm.Consent{ID: nrm.NewID(), CaseID: theirs.ID, Purpose: "referral", RecipientOrg: other.ID, Scope: scope,
				GivenOn: nrm.NewDate(2026, 11, 1), Status: nrm.ConsentGiven, CreatedAt: s.Now()}
			ref := sqlstore.ReferralRecord{Referral: nrm.Referral{ID: nrm.NewID(), CaseID: theirs.ID, FromOrg: ngo.ID, ToOrg: other.ID,
				ConsentID: consent.ID, Scope: nrm.FullScope, Status: nrm.ReferralAccepted, CreatedBy: "u", CreatedAt: s.Now()}}
			mustWrite(t, s, func(tx *sqlstore.Tx) error {
				if err := tx.InsertConsent(ctx, consent); err != nil {
					return err
				}
				return tx.InsertReferral(ctx, ref)
			})
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				acc, err := caseAccess(ctx, tx, theirs.ID, other.ID)
				// The referral asked for everything; the consent gave identity and support.
				if err != nil || acc.Relation != nrm.RelPartner || acc.Scope != scope {
					t.Fatalf("%+v %v", acc, err)
				}
				list, _ := tx.Cases(ctx, sqlstore.CaseFilter{OrgID: other.ID})
				if len(list) != 1 || list[0].ID != theirs.ID {
					t.Fatalf("partner list has %d", len(list))
				}
				return nil
			})
			mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.WithdrawConsent(ctx, consent.ID, 1, "u") })
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				acc, _ := caseAccess(ctx, tx, theirs.ID, other.ID)
				if acc.Relation != nrm.RelNone {
					t.Fatalf("still %v", acc.Relation)
				}
				return nil
			})
		})
		t.Run("access of owner, stranger and unknown case", func(t *testing.T) {
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				for _, tc := range []struct {
					caseID, org string
					want        nrm.Relation
				}{{mine[0].ID, police.ID, nrm.RelOwner}, {mine[0].ID, ngo.ID, nrm.RelNone}, {nrm.NewID(), police.ID, nrm.RelNone}} {
					acc, err := caseAccess(ctx, tx, tc.caseID, tc.org)
					if err != nil || acc.Relation != tc.want {
						t.Errorf("got %v %v, want %v", acc.Relation, err, tc.want)
					}
				}
				return nil
			})
		})
	})
}

func TestDataKeys(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		s := storetest.MustOpen(t, e, sqlstore.Options{})
		ids := []string{nrm.NewID(), nrm.NewID(), nrm.NewID()}
		for i, id := range ids {
			mustWrite(t, s, func(tx *sqlstore.Tx) error {
				return tx.InsertDataKey(ctx, sqlstore.DataKey{ID: id, Wrapped: []byte{byte(i), 1}, KEKVersion: 1})
			})
		}
		t.Run("rewrap moves keys to the new version, once", func(t *testing.T) {
			var old []sqlstore.DataKey
			s.Read(ctx, func(tx *sqlstore.Tx) (err error) { old, err = tx.DataKeysNotUnder(ctx, 2, 10); return })
			if len(old) != 3 {
				t.Fatalf("%d keys to rewrap", len(old))
			}
			mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.RewrapDataKey(ctx, old[0].ID, old[0].Wrapped, []byte("new"), 2) })
			err := s.Write(ctx, func(tx *sqlstore.Tx) error {
				return tx.RewrapDataKey(ctx, old[0].ID, old[0].Wrapped, []byte("newer"), 2)
			})
			if !errors.Is(err, nrm.ErrStale) {
				t.Fatalf("rewrap of a changed key: %v", err)
			}
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				if n, _ := tx.CountDataKeysUnder(ctx, 1); n != 2 {
					t.Fatalf("%d under v1", n)
				}
				return nil
			})
		})
		t.Run("a destroyed key is gone for good", func(t *testing.T) {
			mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.DestroyDataKey(ctx, ids[1]) })
			s.Read(ctx, func(tx *sqlstore.Tx) error {
				k, err := tx.DataKey(ctx, ids[1])
				if err != nil || k.Wrapped != nil || k.DestroyedAt.IsZero() {
					t.Fatalf("%+v %v", k, err)
				}
				return nil
			})
			err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DestroyDataKey(ctx, ids[1]) })
			if !errors.Is(err, nrm.ErrStale) {
				t.Fatalf("destroying twice: %v", err)
			}
		})
	})
}

func TestRollbackWritesNothing(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		s := storetest.MustOpen(t, e, sqlstore.Options{})
		boom := errors.New("boom")
		id := nrm.NewID()
		err := s.Write(ctx, func(tx *sqlstore.Tx) error {
			if err := tx.InsertOrg(ctx, nrm.Organisation{ID: id, Name: "x", Kind: nrm.KindNGO}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		s.Read(ctx, func(tx *sqlstore.Tx) error {
			if _, err := tx.Org(ctx, id); nrm.ErrorCode(err) != nrm.CodeNotFound {
				t.Fatalf("rolled-back org exists: %v", err)
			}
			return nil
		})
	})
}

// A panic inside a transaction (a bug) rolls it back and leaves the store
// usable: the connection is never handed on with the transaction open.
func TestPanicInATransactionWritesNothingAndFreesTheConnection(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		s := storetest.MustOpen(t, e, sqlstore.Options{})
		id := nrm.NewID()
		for _, run := range []func(func(*sqlstore.Tx) error) error{
			func(fn func(*sqlstore.Tx) error) error { return s.Write(ctx, fn) },
			func(fn func(*sqlstore.Tx) error) error { return s.Read(ctx, fn) },
		} {
			for range 3 { // more than once: every connection of a pool may be hit
				func() {
					defer func() {
						if recover() == nil {
							t.Error("the panic was swallowed")
						}
					}()
					run(func(tx *sqlstore.Tx) error {
						tx.InsertOrg(ctx, nrm.Organisation{ID: id, Name: "x", Kind: nrm.KindNGO})
						panic("a bug")
					})
				}()
			}
		}
		o := mustOrg(t, s, nrm.KindNGO) // the writer is free
		if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
			if _, err := tx.Org(ctx, id); nrm.ErrorCode(err) != nrm.CodeNotFound {
				t.Errorf("the panicked write was kept: %v", err)
			}
			_, err := tx.Org(ctx, o.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuditEntriesFilterByTime(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		clock := storetest.NewClock(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
		s := storetest.MustOpen(t, e, sqlstore.Options{Now: clock.Now})
		key := ed25519.NewKeyFromSeed(make([]byte, 32))
		signer, err := auditlog.NewSigner("nrm.audit/test", key)
		if err != nil {
			t.Fatal(err)
		}
		// One batch a day for ten days, three entries each.
		for day := 0; day < 10; day++ {
			at := clock.Now()
			mustWrite(t, s, func(tx *sqlstore.Tx) error {
				var es []auditlog.Entry
				for i := 0; i < 3; i++ {
					es = append(es, auditlog.Entry{Time: at, Actor: "u", Action: "case.read", Object: "case/x", Outcome: "ok"})
				}
				_, err := tx.AppendAudit(ctx, signer, es)
				return err
			})
			clock.Advance(24 * time.Hour)
		}
		day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
		for _, tc := range []struct {
			name     string
			from, to time.Time
			want     int
		}{
			{"from a day on", day(8), time.Time{}, 9},
			{"until a day", time.Time{}, day(3), 6},
			{"one day", day(5), day(6), 3},
			{"before the log", time.Time{}, day(1), 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s.Read(ctx, func(tx *sqlstore.Tx) error {
					got, err := tx.AuditEntries(ctx, nrm.AuditFilter{From: tc.from, To: tc.to, Limit: 100})
					if err != nil || len(got) != tc.want {
						t.Fatalf("%d entries (%v), want %d", len(got), err, tc.want)
					}
					return nil
				})
			})
		}
	})
}

// caseAccess decides access by the domain's rule from the store's facts.
func caseAccess(ctx context.Context, tx *sqlstore.Tx, caseID, orgID string) (nrm.Access, error) {
	f, err := tx.AccessFacts(ctx, caseID, orgID)
	return nrm.AccessOf(f), err
}
