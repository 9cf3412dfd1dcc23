package sqlstore

import (
	"context"
	"strings"

	"github.com/nrmproject/nrm"
)

// Blind index kinds.
const (
	IndexName    = nrm.IndexName
	IndexNameDOB = nrm.IndexNameDOB
)

// InsertPersonIndex stores blind index values of a person.
func (tx *Tx) InsertPersonIndex(ctx context.Context, personID, kind string, values []string) error {
	for _, v := range values {
		if _, err := tx.exec(ctx, "INSERT INTO person_index (kind, value, person_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			kind, v, personID); err != nil {
			return nrm.Internal(err)
		}
	}
	return nil
}

// MatchingCases finds cases of other persons with the same index value.
func (tx *Tx) MatchingCases(ctx context.Context, kind, value, excludePerson string) ([]Match, error) {
	rows, err := tx.query(ctx, `SELECT c.id, c.person_id, c.org_id, c.state FROM person_index i JOIN cases c ON c.person_id = i.person_id
		WHERE i.kind = ? AND i.value = ? AND i.person_id <> ? ORDER BY c.created_at`, kind, value, excludePerson)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []Match
	for rows.Next() {
		var m Match
		if err := rows.Scan(&m.CaseID, &m.PersonID, &m.OrgID, &m.State); err != nil {
			return nil, nrm.Internal(err)
		}
		out = append(out, m)
	}
	return out, rowsErr(rows)
}

func (tx *Tx) InsertFlag(ctx context.Context, f FlagRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO case_flags (id, kind, case_id, case_org, matched_case, matched_org, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, f.ID, f.Kind, f.CaseID, f.CaseOrg, f.MatchedCase, f.MatchedOrg, micros(f.CreatedAt))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

const flagColumns = "id, kind, case_id, case_org, matched_case, matched_org, created_at"

func (tx *Tx) flags(ctx context.Context, where string, args ...any) ([]FlagRecord, error) {
	rows, err := tx.query(ctx, "SELECT "+flagColumns+" FROM case_flags "+where, args...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []FlagRecord
	for rows.Next() {
		var f FlagRecord
		var created int64
		if err := rows.Scan(&f.ID, &f.Kind, &f.CaseID, &f.CaseOrg, &f.MatchedCase, &f.MatchedOrg, &created); err != nil {
			return nil, nrm.Internal(err)
		}
		f.CreatedAt = fromMicros(created)
		out = append(out, f)
	}
	return out, rowsErr(rows)
}

// CaseFlags returns the flags on either side of a case.
func (tx *Tx) CaseFlags(ctx context.Context, caseID string) ([]FlagRecord, error) {
	return tx.flags(ctx, "WHERE case_id = ? OR matched_case = ? ORDER BY created_at", caseID, caseID)
}

// AllFlags returns the newest flags, for coordinators.
func (tx *Tx) AllFlags(ctx context.Context, limit int) ([]FlagRecord, error) {
	return tx.flags(ctx, "ORDER BY created_at DESC LIMIT ?", limit)
}

func (tx *Tx) InsertNote(ctx context.Context, n NoteRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO case_notes (id, case_id, person_id, compartment, body, author, author_org, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, n.ID, n.CaseID, n.PersonID, n.Compartment, n.Body, n.AuthorID, n.AuthorOrg, micros(n.CreatedAt))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// Notes returns a case's notes in the given compartments, oldest first.
func (tx *Tx) Notes(ctx context.Context, caseID string, compartments []nrm.Compartment) ([]NoteRecord, error) {
	if len(compartments) == 0 {
		return nil, nil
	}
	args := []any{caseID}
	marks := make([]string, len(compartments))
	for i, c := range compartments {
		marks[i] = "?"
		args = append(args, string(c))
	}
	rows, err := tx.query(ctx, `SELECT id, case_id, person_id, compartment, body, author, author_org, created_at FROM case_notes
		WHERE case_id = ? AND compartment IN (`+strings.Join(marks, ",")+`) ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []NoteRecord
	for rows.Next() {
		var n NoteRecord
		var created int64
		if err := rows.Scan(&n.ID, &n.CaseID, &n.PersonID, &n.Compartment, &n.Body, &n.AuthorID, &n.AuthorOrg, &created); err != nil {
			return nil, nrm.Internal(err)
		}
		n.CreatedAt = fromMicros(created)
		out = append(out, n)
	}
	return out, rowsErr(rows)
}

// Erase removes everything sealed or indexed about a person, once its data
// key is destroyed: the sealed fields, places, notes and blind indexes.
func (tx *Tx) Erase(ctx context.Context, personID, caseID, reason, by string) error {
	if err := tx.ErasePerson(ctx, personID); err != nil {
		return err
	}
	const ofPerson = " WHERE case_id IN (SELECT id FROM cases WHERE person_id = ?)"
	for _, q := range []string{
		"UPDATE cases SET encounter_place = NULL, version = version + 1 WHERE person_id = ?",
		"UPDATE case_notes SET body = NULL WHERE person_id = ?",
		"DELETE FROM person_index WHERE person_id = ?",
		"UPDATE screenings SET evidence = NULL" + ofPerson,
		"UPDATE referrals SET reason = NULL, response_reason = NULL" + ofPerson,
		"UPDATE decisions SET reasons = NULL" + ofPerson,
		"UPDATE needs_assessments SET notes = NULL" + ofPerson,
		"UPDATE support_plans SET objectives = NULL, action_plan = NULL" + ofPerson,
		"UPDATE services SET notes = NULL, provider = ''" + ofPerson,
		"UPDATE person_history SET old_values = NULL WHERE person_id = ?",
		"UPDATE case_guardians SET details = NULL WHERE person_id = ?",
		// Justice and safe return (0007_justice.sql).
		"UPDATE proceedings SET details = NULL" + ofPerson,
		"UPDATE proceeding_events SET notes = NULL" + ofPerson,
		"UPDATE non_punishment SET details = NULL" + ofPerson,
		"UPDATE return_assessments SET details = NULL, review_reasons = NULL" + ofPerson,
		"UPDATE return_follow_ups SET notes = NULL" + ofPerson,
	} {
		if _, err := tx.exec(ctx, q, personID); err != nil {
			return nrm.Internal(err)
		}
	}
	if _, err := tx.exec(ctx, "INSERT INTO erasures (person_id, case_id, reason, erased_by, erased_at) VALUES (?, ?, ?, ?, ?)",
		personID, caseID, reason, by, micros(tx.Now)); err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// Compact makes deleted data unrecoverable from the database files: SQLite
// overwrites deleted content (secure_delete) and the write-ahead log is
// folded back and truncated; PostgreSQL rewrites the tables that held the
// destroyed key and the blind indexes, so no dead row version survives.
func (s *Store) Compact(ctx context.Context) error {
	if s.engine == SQLite {
		return s.Checkpoint(ctx)
	}
	for _, t := range []string{"data_keys", "person_index"} {
		if _, err := s.write.ExecContext(ctx, "VACUUM FULL "+t); err != nil {
			return err
		}
	}
	return nil
}
