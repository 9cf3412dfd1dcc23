package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// recordNormaliseVersion records, with migration 0018, which name
// normalisation the stored indexes were computed with: the first (1) when
// there are people already, this program's on a new database, which then
// has nothing to re-index at its first start (service.ReindexNames).
func recordNormaliseVersion(ctx context.Context, tx *Tx) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM persons LIMIT 1) p").Scan(&n); err != nil {
		return err
	}
	v := strconv.Itoa(keyring.NormaliseVersion)
	if n > 0 {
		v = "1"
	}
	return tx.SetSetting(ctx, keyring.NormaliseSetting, v)
}

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
