package sqlstore

import (
	"context"
	"time"

	"github.com/nrmproject/nrm"
)

// The outbox of sealed packets (migration 0010).

const outboxColumns = `id, partner_id, packet_id, kind, referral_id, packet, content_hash, status, attempts,
	next_attempt_at, last_error, created_at, delivered_at`

func scanOutbox(r scanner) (nrm.OutboxItem, error) {
	var o nrm.OutboxItem
	var next, created, delivered int64
	err := r.Scan(&o.ID, &o.PartnerID, &o.PacketID, &o.Kind, &o.ReferralID, &o.Packet, &o.ContentHash, &o.Status,
		&o.Attempts, &next, &o.LastError, &created, &delivered)
	o.NextAttemptAt, o.CreatedAt, o.DeliveredAt = fromMicros(next), fromMicros(created), fromMicros(delivered)
	return o, err
}

// InsertOutbox queues a sealed packet.
func (tx *Tx) InsertOutbox(ctx context.Context, o nrm.OutboxItem) error {
	return tx.execErr(ctx, "INSERT INTO exchange_outbox ("+outboxColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		o.ID, o.PartnerID, o.PacketID, o.Kind, o.ReferralID, o.Packet, o.ContentHash, o.Status, o.Attempts,
		micros(o.NextAttemptAt), o.LastError, micros(o.CreatedAt), micros(o.DeliveredAt))
}

// OutboxItem returns a queued packet by id.
func (tx *Tx) OutboxItem(ctx context.Context, id string) (nrm.OutboxItem, error) {
	return one(tx.queryRow(ctx, "SELECT "+outboxColumns+" FROM exchange_outbox WHERE id = ?", id), scanOutbox, "outbox item")
}

// OutboxOf lists the packets queued for a sent referral, oldest first.
func (tx *Tx) OutboxOf(ctx context.Context, referralID string) ([]nrm.OutboxItem, error) {
	return collect(tx, ctx, scanOutbox, "SELECT "+outboxColumns+" FROM exchange_outbox WHERE referral_id = ? ORDER BY created_at, id", referralID)
}

// PendingOutboxFor lists every packet still queued for a partner, due or
// not, oldest first, locked on PostgreSQL until the transaction ends (the
// export that takes them out of the outbox).
func (tx *Tx) PendingOutboxFor(ctx context.Context, partnerID string) ([]nrm.OutboxItem, error) {
	q := "SELECT " + outboxColumns + " FROM exchange_outbox WHERE partner_id = ? AND status = ? ORDER BY created_at, id"
	if tx.s.engine == Postgres {
		q += " FOR UPDATE"
	}
	return collect(tx, ctx, scanOutbox, q, partnerID, nrm.OutboxPending)
}

// ClaimOutbox takes up to limit pending packets due at now (only the one
// named, if only is not empty) for delivery by this process, and leases
// them until lease: another process claims them only after that. On
// PostgreSQL rows another transaction is claiming are skipped (FOR UPDATE
// SKIP LOCKED), so that each packet goes to one process; SQLite has one
// writer at a time anyway.
func (tx *Tx) ClaimOutbox(ctx context.Context, now, lease time.Time, limit int, only string) ([]nrm.OutboxItem, error) {
	q := "SELECT " + outboxColumns + " FROM exchange_outbox WHERE status = ? AND next_attempt_at <= ?"
	args := []any{nrm.OutboxPending, micros(now)}
	if only != "" {
		q += " AND id = ?"
		args = append(args, only)
	}
	q += " ORDER BY next_attempt_at, id LIMIT ?"
	args = append(args, limit)
	if tx.s.engine == Postgres {
		q += " FOR UPDATE SKIP LOCKED"
	}
	items, err := collect(tx, ctx, scanOutbox, q, args...)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if err := tx.execErr(ctx, "UPDATE exchange_outbox SET next_attempt_at = ?, attempts = attempts + 1 WHERE id = ?",
			micros(lease), items[i].ID); err != nil {
			return nil, err
		}
		items[i].Attempts++
	}
	return items, nil
}

// SettleOutbox records the end of a delivery attempt: delivered, refused,
// or pending again from next with the error that stopped it.
func (tx *Tx) SettleOutbox(ctx context.Context, id, status string, next time.Time, lastError string) error {
	var delivered int64
	if status == nrm.OutboxDelivered || status == nrm.OutboxExported {
		delivered = micros(tx.Now)
	}
	return updated(tx.exec(ctx, `UPDATE exchange_outbox SET status = ?, next_attempt_at = ?, last_error = ?, delivered_at = ?
		WHERE id = ? AND status = ?`, status, micros(next), lastError, delivered, id, nrm.OutboxPending))
}

// StopOutbox stops every packet of a referral not yet delivered; it
// reports how many it stopped.
func (tx *Tx) StopOutbox(ctx context.Context, referralID string) (int, error) {
	res, err := tx.exec(ctx, "UPDATE exchange_outbox SET status = ? WHERE referral_id = ? AND status = ?",
		nrm.OutboxStopped, referralID, nrm.OutboxPending)
	if err != nil {
		return 0, nrm.Internal(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
