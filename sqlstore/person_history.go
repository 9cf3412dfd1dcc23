package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/nrmproject/nrm"
)

// Corrections of a person and the guardian of a child's case.

// UpdatePerson saves a corrected person if it is still at the version read
// and not erased.
func (tx *Tx) UpdatePerson(ctx context.Context, p PersonRecord) error {
	if err := updated(tx.exec(ctx, `UPDATE persons SET given_name = ?, family_name = ?, aliases = ?, date_of_birth = ?,
		contact = ?, age_uncertain = ?, safe_to_contact = ?, sex = ?, citizenship = ?, version = version + 1
		WHERE id = ? AND version = ? AND erased_at = 0`,
		p.GivenName, p.FamilyName, p.Aliases, p.DateOfBirth, p.Contact, p.AgeUncertain, p.SafeToContact, p.Sex,
		strings.Join(p.Citizenship, ","), p.ID, p.Version)); err != nil {
		return err
	}
	return tx.refreshPersonStats(ctx, p.ID)
}

// DeletePersonIndex removes every blind index value of a person, so that
// they can be rebuilt from corrected names.
func (tx *Tx) DeletePersonIndex(ctx context.Context, personID string) error {
	if _, err := tx.exec(ctx, "DELETE FROM person_index WHERE person_id = ?", personID); err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// SetCaseChild records whether a case is a child's, if the case is still
// at the version read.
func (tx *Tx) SetCaseChild(ctx context.Context, caseID string, child bool, version int64) error {
	if err := updated(tx.exec(ctx, "UPDATE cases SET child = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		child, micros(tx.Now), caseID, version)); err != nil {
		return err
	}
	return tx.refreshCaseStats(ctx, caseID, "")
}

// InsertPersonHistory keeps one correction of a person.
func (tx *Tx) InsertPersonHistory(ctx context.Context, h nrm.PersonHistoryRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO person_history (id, person_id, case_id, fields, old_values, corrected_by,
		corrected_org, corrected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		h.ID, h.PersonID, h.CaseID, strings.Join(h.Fields, ","), h.SealedOld, h.By, h.OrgID, micros(h.At))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// PersonHistory lists the corrections of a person, oldest first.
func (tx *Tx) PersonHistory(ctx context.Context, personID string) ([]nrm.PersonHistoryRecord, error) {
	return collect(tx, ctx, func(r scanner) (nrm.PersonHistoryRecord, error) {
		var h nrm.PersonHistoryRecord
		var fields string
		var at int64
		err := r.Scan(&h.ID, &h.PersonID, &h.CaseID, &fields, &h.SealedOld, &h.By, &h.OrgID, &at)
		h.Fields, h.At = splitList(fields), fromMicros(at)
		return h, err
	}, `SELECT id, person_id, case_id, fields, old_values, corrected_by, corrected_org, corrected_at
		FROM person_history WHERE person_id = ? ORDER BY corrected_at, id`, personID)
}

// SetGuardian records (or replaces) the guardian of a case.
func (tx *Tx) SetGuardian(ctx context.Context, g nrm.GuardianRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO case_guardians (case_id, person_id, details, set_by, set_org, set_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET details = excluded.details,
		set_by = excluded.set_by, set_org = excluded.set_org, set_at = excluded.set_at`,
		g.CaseID, g.PersonID, g.Sealed, g.SetBy, g.SetOrg, micros(g.SetAt))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// Guardian returns the guardian of a case, or a not-found error.
func (tx *Tx) Guardian(ctx context.Context, caseID string) (nrm.GuardianRecord, error) {
	g := nrm.GuardianRecord{CaseID: caseID}
	var at int64
	err := tx.queryRow(ctx, "SELECT person_id, details, set_by, set_org, set_at FROM case_guardians WHERE case_id = ?", caseID).
		Scan(&g.PersonID, &g.Sealed, &g.SetBy, &g.SetOrg, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return g, nrm.NotFound("guardian")
	}
	if err != nil {
		return g, nrm.Internal(err)
	}
	g.SetAt = fromMicros(at)
	return g, nil
}
