package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/nrmproject/nrm"
)

// Setting returns a stored fact about the instance ("" and false when it
// was never set).
func (tx *Tx) Setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := tx.queryRow(ctx, "SELECT value FROM instance_settings WHERE name = ?", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, nrm.Internal(err)
	}
	return v, true, nil
}

// SetSetting stores a fact about the instance.
func (tx *Tx) SetSetting(ctx context.Context, name, value string) error {
	return tx.execErr(ctx, `INSERT INTO instance_settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
}

// PersonsAfter lists up to limit people not erased, in id order after
// after, each with their newest case: the walk of a re-indexing.
func (tx *Tx) PersonsAfter(ctx context.Context, after string, limit int) (persons, cases []string, err error) {
	rows, err := tx.query(ctx, `SELECT p.id, (SELECT c.id FROM cases c WHERE c.person_id = p.id ORDER BY c.created_at DESC, c.id DESC LIMIT 1)
		FROM persons p WHERE p.erased_at = 0 AND p.id > ? ORDER BY p.id LIMIT ?`, after, limit)
	if err != nil {
		return nil, nil, nrm.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var c sql.NullString
		if err := rows.Scan(&p, &c); err != nil {
			return nil, nil, nrm.Internal(err)
		}
		if c.Valid {
			persons, cases = append(persons, p), append(cases, c.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nrm.Internal(err)
	}
	return persons, cases, nil
}
