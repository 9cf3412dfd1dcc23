package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// Reads on SQLite run on connections the store owns (readers.go); these
// are the properties the rest of nrm relies on, checked on both engines.
func TestReads(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		s := storetest.MustOpen(t, e, sqlstore.Options{})
		org := mustOrg(t, s, nrm.KindNGO)

		t.Run("a read is one snapshot: a write committed during it is not seen", func(t *testing.T) {
			if e == sqlstore.Postgres {
				t.Skip("PostgreSQL reads are READ COMMITTED: each statement sees what is committed when it starts")
			}
			c := mustCase(t, s, org, s.Now())
			err := s.Read(ctx, func(tx *sqlstore.Tx) error {
				before, err := tx.Case(ctx, c.ID)
				if err != nil {
					return err
				}
				moved := before.Case
				moved.State = nrm.StateReferred
				mustWrite(t, s, func(tx *sqlstore.Tx) error { return tx.UpdateCaseState(ctx, moved) })
				after, err := tx.Case(ctx, c.ID)
				if err != nil {
					return err
				}
				if after.State != before.State {
					t.Errorf("the read saw a write committed after it began: %s, then %s", before.State, after.State)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
				now, err := tx.Case(ctx, c.ID)
				if err == nil && now.State != nrm.StateReferred {
					t.Errorf("the next read does not see the write: %s", now.State)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("a failed read leaves its connection usable", func(t *testing.T) {
			boom := errors.New("boom")
			for range 50 { // more than the pool holds
				if err := s.Read(ctx, func(tx *sqlstore.Tx) error {
					if _, err := tx.Org(ctx, org.ID); err != nil {
						return err
					}
					return boom
				}); !errors.Is(err, boom) {
					t.Fatalf("got %v", err)
				}
			}
			if err := s.Read(ctx, func(tx *sqlstore.Tx) error { _, err := tx.Org(ctx, org.ID); return err }); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("many concurrent reads share the bounded pool", func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- s.Read(ctx, func(tx *sqlstore.Tx) error {
						_, err := tx.Org(ctx, org.ID)
						return err
					})
					errs <- s.ReadOne(ctx, func(tx *sqlstore.Tx) error {
						_, err := tx.Org(ctx, org.ID)
						return err
					})
				}()
			}
			go func() { wg.Wait(); close(errs) }()
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Ping(ctx); err != nil {
				t.Fatalf("ping with the readers idle: %v", err)
			}
		})

		t.Run("a read cannot write", func(t *testing.T) {
			for _, read := range []func(context.Context, func(*sqlstore.Tx) error) error{s.Read, s.ReadOne} {
				o := nrm.Organisation{ID: nrm.NewID(), Name: "Sneaked in", Kind: nrm.KindNGO, Country: "GB", CreatedAt: s.Now()}
				if err := read(ctx, func(tx *sqlstore.Tx) error { return tx.InsertOrg(ctx, o) }); err == nil {
					t.Fatal("a read wrote a row")
				}
			}
		})

		t.Run("a read waiting for a connection ends with its context", func(t *testing.T) {
			hold := make(chan struct{})
			var held sync.WaitGroup
			pool := 8 // SQLite's default
			if e == sqlstore.Postgres {
				pool = 16
			}
			for range pool {
				held.Add(1)
				go s.Read(ctx, func(tx *sqlstore.Tx) error { held.Done(); <-hold; return nil })
			}
			held.Wait()
			c, cancel := context.WithCancel(ctx)
			cancel()
			err := s.Read(c, func(tx *sqlstore.Tx) error { return nil })
			close(hold)
			if err == nil {
				t.Fatal("a read ran with every connection held and its context done")
			}
			if err := s.Read(ctx, func(tx *sqlstore.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
		})
	})
}
