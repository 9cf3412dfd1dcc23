package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/nrmproject/nrm"
)

const partnerColumns = `id, instance, country, url, fingerprint, signing_key, encryption_key, added_by, added_at, removed_at`

func scanPartner(r scanner) (nrm.Partner, error) {
	var p nrm.Partner
	var added, removed int64
	err := r.Scan(&p.ID, &p.Instance, &p.Country, &p.URL, &p.Fingerprint, &p.SigningKey, &p.EncryptionKey, &p.AddedBy, &added, &removed)
	p.AddedAt, p.RemovedAt = fromMicros(added), fromMicros(removed)
	return p, err
}

// InsertPartner registers a partner instance; a fingerprint already
// registered and not removed is a conflict (the database decides, so two
// admins registering at once make one partner).
func (tx *Tx) InsertPartner(ctx context.Context, p nrm.Partner) error {
	_, err := tx.exec(ctx, "INSERT INTO exchange_partners ("+partnerColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
		p.ID, p.Instance, p.Country, p.URL, p.Fingerprint, p.SigningKey, p.EncryptionKey, p.AddedBy, micros(p.AddedAt))
	if err != nil && isUniqueViolation(err) {
		return nrm.Conflict("this instance is already a partner")
	}
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// Partners lists the registered partners, removed ones too, by name.
func (tx *Tx) Partners(ctx context.Context) ([]nrm.Partner, error) {
	return collect(tx, ctx, scanPartner, "SELECT "+partnerColumns+" FROM exchange_partners ORDER BY removed_at <> 0, instance, added_at")
}

// Partner returns a partner by id, removed or not.
func (tx *Tx) Partner(ctx context.Context, id string) (nrm.Partner, error) {
	p, err := scanPartner(tx.queryRow(ctx, "SELECT "+partnerColumns+" FROM exchange_partners WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, nrm.NotFound("partner")
	}
	if err != nil {
		return p, nrm.Internal(err)
	}
	return p, nil
}

// ActivePartner returns the trusted partner with a fingerprint.
func (tx *Tx) ActivePartner(ctx context.Context, fingerprint string) (nrm.Partner, error) {
	p, err := scanPartner(tx.queryRow(ctx, "SELECT "+partnerColumns+" FROM exchange_partners WHERE fingerprint = ? AND removed_at = 0", fingerprint))
	if errors.Is(err, sql.ErrNoRows) {
		return p, nrm.NotFound("partner")
	}
	if err != nil {
		return p, nrm.Internal(err)
	}
	return p, nil
}

// RemovePartner ends the trust in a partner; not found if already removed.
func (tx *Tx) RemovePartner(ctx context.Context, id string) error {
	return updated(tx.exec(ctx, "UPDATE exchange_partners SET removed_at = ? WHERE id = ? AND removed_at = 0", micros(tx.Now), id))
}
