package service

import (
	"context"
	"strconv"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// ReindexStore is what re-indexing needs of the store (sqlstore/settings.go).
type ReindexStore interface {
	Setting(ctx context.Context, name string) (string, bool, error)
	SetSetting(ctx context.Context, name, value string) error
	PersonsAfter(ctx context.Context, after string, limit int) (persons, cases []string, err error)
}

// settingNormalise holds the keyring.NormaliseVersion the stored name
// indexes were computed with (recorded by migration 0018).
const settingNormalise = keyring.NormaliseSetting

// reindexBatch is how many people one transaction re-indexes.
const reindexBatch = 200

// ReindexNames rebuilds every person's blind indexes when they were
// computed by an older name normalisation than this program's, so that a
// search and the duplicate check find names in the scripts added since
// (a match found on the way is flagged as on registration). It reports how
// many people it re-indexed (0 when the indexes are current) and calls
// progress after each batch. Operator only; safe to run from several
// processes at once, and to run again after an interruption.
func (s *Service) ReindexNames(ctx context.Context, progress func(done int)) (int, error) {
	if err := system(ctx); err != nil {
		return 0, err
	}
	want := strconv.Itoa(keyring.NormaliseVersion)
	var current bool
	err := s.store.Write(ctx, func(tx Tx) error {
		have, ok, err := tx.Setting(ctx, settingNormalise)
		if err != nil || have == want {
			current = have == want
			return err
		}
		if !ok { // a new database has no one to re-index
			persons, _, err := tx.PersonsAfter(ctx, "", 1)
			if err != nil || len(persons) > 0 {
				return err
			}
			current = true
			return tx.SetSetting(ctx, settingNormalise, want)
		}
		return nil
	})
	if err != nil || current {
		return 0, err
	}
	done, after := 0, ""
	for {
		var n int
		err := s.store.Write(ctx, func(tx Tx) error {
			persons, cases, err := tx.PersonsAfter(ctx, after, reindexBatch)
			if err != nil {
				return err
			}
			n = len(persons)
			for i, caseID := range cases {
				if err := s.reindexOne(ctx, tx, caseID); err != nil {
					return err
				}
				after = persons[i]
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += n
		if progress != nil && n > 0 {
			progress(done)
		}
		if n < reindexBatch {
			break
		}
	}
	err = s.store.Write(ctx, func(tx Tx) error {
		if err := tx.SetSetting(ctx, settingNormalise, want); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "names.reindex", "instance", outcomeOK,
			"persons "+strconv.Itoa(done)+"; normalise version "+want))
	})
	return done, err
}

// reindexOne rebuilds the indexes of the person of a case.
func (s *Service) reindexOne(ctx context.Context, tx Tx, caseID string) error {
	rec, err := tx.Case(ctx, caseID)
	if err != nil {
		return err
	}
	if rec.PersonKey == nil || !rec.Person.ErasedAt.IsZero() {
		return nil
	}
	dk, err := s.unwrap(rec.Person.ID, rec.PersonKey)
	if err != nil {
		return err
	}
	v, err := openCase(dk, nrm.CaseView{Case: rec.Case}, rec)
	if err != nil {
		return err
	}
	c := rec.Case
	c.Person = v.Person
	c.Person.ID = rec.Person.ID
	entries, err := s.reindexPerson(ctx, tx, c)
	if err != nil {
		return err
	}
	return s.record(ctx, tx, entries...)
}
