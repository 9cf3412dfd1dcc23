package sqlstore

import (
	"context"
	"time"

	"github.com/nrmproject/nrm"
)

// Self-referrals, the mail outbox and the clock warnings: rows only; the
// service seals, decides and sends.

const selfReferralColumns = `id, org_id, state, language, sealed, case_id, created_at, updated_at`

func scanSelfReferral(r scanner) (nrm.SelfReferralRecord, error) {
	var x nrm.SelfReferralRecord
	var at, up int64
	err := r.Scan(&x.ID, &x.OrgID, &x.State, &x.Language, &x.Sealed, &x.CaseID, &at, &up)
	x.CreatedAt, x.UpdatedAt = fromMicros(at), fromMicros(up)
	return x, err
}

// InsertSelfReferral stores a self-referral.
func (tx *Tx) InsertSelfReferral(ctx context.Context, x nrm.SelfReferralRecord) error {
	return tx.execErr(ctx, "INSERT INTO self_referrals ("+selfReferralColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		x.ID, x.OrgID, x.State, x.Language, x.Sealed, x.CaseID, micros(x.CreatedAt), micros(x.UpdatedAt))
}

// SelfReferral loads one self-referral.
func (tx *Tx) SelfReferral(ctx context.Context, id string) (nrm.SelfReferralRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+selfReferralColumns+" FROM self_referrals WHERE id = ?", id), scanSelfReferral, "self-referral")
}

// SelfReferralsOf lists an organisation's self-referrals, newest first.
func (tx *Tx) SelfReferralsOf(ctx context.Context, orgID string, limit int) ([]nrm.SelfReferralRecord, error) {
	return collect(tx, ctx, scanSelfReferral, "SELECT "+selfReferralColumns+
		" FROM self_referrals WHERE org_id = ? ORDER BY created_at DESC, id LIMIT ?", orgID, limit)
}

// CountSelfReferrals counts an organisation's self-referrals in a state.
func (tx *Tx) CountSelfReferrals(ctx context.Context, orgID, state string) (int, error) {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM self_referrals WHERE org_id = ? AND state = ?", orgID, state).Scan(&n); err != nil {
		return 0, nrm.Internal(err)
	}
	return n, nil
}

// SettleSelfReferral moves a new self-referral on; ErrStale when it was
// settled meanwhile.
func (tx *Tx) SettleSelfReferral(ctx context.Context, id, state, caseID string) error {
	return updated(tx.exec(ctx, "UPDATE self_referrals SET state = ?, case_id = ?, updated_at = ? WHERE id = ? AND state = ?",
		state, caseID, micros(tx.Now), id, nrm.SelfReferralNew))
}

const mailColumns = `id, user_id, kind, link, status, attempts, next_attempt_at, last_error, created_at`

func scanMail(r scanner) (nrm.MailItem, error) {
	var m nrm.MailItem
	var next, at int64
	err := r.Scan(&m.ID, &m.UserID, &m.Kind, &m.Link, &m.Status, &m.Attempts, &next, &m.LastError, &at)
	m.NextAttemptAt, m.CreatedAt = fromMicros(next), fromMicros(at)
	return m, err
}

// InsertMail queues a notification.
func (tx *Tx) InsertMail(ctx context.Context, m nrm.MailItem) error {
	return tx.execErr(ctx, "INSERT INTO mail_outbox ("+mailColumns+", sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
		m.ID, m.UserID, m.Kind, m.Link, m.Status, m.Attempts, micros(m.NextAttemptAt), m.LastError, micros(m.CreatedAt))
}

// ClaimMail takes up to limit pending mails due by now, leasing them until
// lease (another process skips them meanwhile).
func (tx *Tx) ClaimMail(ctx context.Context, now, lease time.Time, limit int) ([]nrm.MailItem, error) {
	q := "SELECT " + mailColumns + " FROM mail_outbox WHERE status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"
	if tx.s.engine == Postgres {
		q += " FOR UPDATE SKIP LOCKED"
	}
	items, err := collect(tx, ctx, scanMail, q, nrm.OutboxPending, micros(now), limit)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if err := tx.execErr(ctx, "UPDATE mail_outbox SET next_attempt_at = ?, attempts = attempts + 1 WHERE id = ?",
			micros(lease), items[i].ID); err != nil {
			return nil, err
		}
		items[i].Attempts++
	}
	return items, nil
}

// SettleMail records the end of an attempt: sent, refused for good, or
// pending again from next.
func (tx *Tx) SettleMail(ctx context.Context, id, status string, next time.Time, lastError string) error {
	var sent int64
	if status == nrm.OutboxDelivered {
		sent = micros(tx.Now)
	}
	return updated(tx.exec(ctx, "UPDATE mail_outbox SET status = ?, next_attempt_at = ?, last_error = ?, sent_at = ? WHERE id = ? AND status = ?",
		status, micros(next), lastError, sent, id, nrm.OutboxPending))
}

// MailOutbox lists every queued mail, oldest first (for tests and the operator).
func (tx *Tx) MailOutbox(ctx context.Context) ([]nrm.MailItem, error) {
	return collect(tx, ctx, scanMail, "SELECT "+mailColumns+" FROM mail_outbox ORDER BY created_at, id")
}

// ClocksToWarn lists the clocks due from..until not yet warned of, each
// with the organisation that holds its case (no reference, no state).
func (tx *Tx) ClocksToWarn(ctx context.Context, from, until nrm.Date, limit int) ([]nrm.DueItem, error) {
	return collect(tx, ctx, func(r scanner) (nrm.DueItem, error) {
		var c nrm.DueItem
		var due string
		err := r.Scan(&c.CaseID, &c.Kind, &c.RefID, &due, &c.OrgID)
		c.Due = date(due)
		return c, err
	}, `SELECT d.case_id, d.kind, d.ref_id, d.due, c.org_id FROM deadlines d JOIN cases c ON c.id = d.case_id
		WHERE d.due >= ? AND d.due <= ? AND NOT EXISTS (SELECT 1 FROM clock_warnings w
			WHERE w.case_id = d.case_id AND w.kind = d.kind AND w.ref_id = d.ref_id AND w.due = d.due)
		ORDER BY d.due, d.case_id LIMIT ?`, from.String(), until.String(), limit)
}

// MarkClockWarned records that a clock was warned of; false when another
// process did it first (the primary key decides).
func (tx *Tx) MarkClockWarned(ctx context.Context, d nrm.Deadline) (bool, error) {
	res, err := tx.exec(ctx, "INSERT INTO clock_warnings (case_id, kind, ref_id, due, warned_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		d.CaseID, d.Kind, d.RefID, d.Due.String(), micros(tx.Now))
	if err != nil {
		return false, nrm.Internal(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, nrm.Internal(err)
	}
	return n == 1, nil
}
