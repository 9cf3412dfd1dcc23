package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/nrmproject/nrm"
)

const orgColumns = "id, name, kind, country, created_at, version"

func scanOrg(row interface{ Scan(...any) error }) (nrm.Organisation, error) {
	var o nrm.Organisation
	var created int64
	err := row.Scan(&o.ID, &o.Name, &o.Kind, &o.Country, &created, &o.Version)
	o.CreatedAt = fromMicros(created)
	return o, err
}

func (tx *Tx) InsertOrg(ctx context.Context, o nrm.Organisation) error {
	_, err := tx.exec(ctx, "INSERT INTO organisations ("+orgColumns+") VALUES (?, ?, ?, ?, ?, 1)",
		o.ID, o.Name, o.Kind, o.Country, micros(o.CreatedAt))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// Org returns one organisation, or a not-found error.
func (tx *Tx) Org(ctx context.Context, id string) (nrm.Organisation, error) {
	o, err := scanOrg(tx.queryRow(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, nrm.NotFound("organisation")
	}
	if err != nil {
		return o, nrm.Internal(err)
	}
	return o, nil
}

func (tx *Tx) Orgs(ctx context.Context) ([]nrm.Organisation, error) {
	rows, err := tx.query(ctx, "SELECT "+orgColumns+" FROM organisations ORDER BY name, id")
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []nrm.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, nrm.Internal(err)
		}
		out = append(out, o)
	}
	return out, rowsErr(rows)
}

// UpdateOrg saves name and country if the version still matches.
func (tx *Tx) UpdateOrg(ctx context.Context, o nrm.Organisation) error {
	return updated(tx.exec(ctx, "UPDATE organisations SET name = ?, country = ?, version = version + 1 WHERE id = ? AND version = ?",
		o.Name, o.Country, o.ID, o.Version))
}

func rowsErr(rows *sql.Rows) error {
	if err := rows.Err(); err != nil {
		return nrm.Internal(err)
	}
	return nil
}
