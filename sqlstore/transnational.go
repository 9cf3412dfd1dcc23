package sqlstore

import (
	"context"
	"time"

	"github.com/nrmproject/nrm"
)

// Transnational referrals sent, and packets received (migration 0010).

const transColumns = `id, case_id, partner_id, consent_id, packet_id, scope, reason, status, content_hash, created_by,
	created_org, created_at, sent_at, responded_at, response`

func scanTrans(r scanner) (nrm.TransnationalRecord, error) {
	var t nrm.TransnationalRecord
	var scope int
	var created, sent, responded int64
	err := r.Scan(&t.ID, &t.CaseID, &t.PartnerID, &t.ConsentID, &t.PacketID, &scope, &t.SealedReason, &t.Status,
		&t.ContentHash, &t.CreatedBy, &t.CreatedOrg, &created, &sent, &responded, &t.SealedResponse)
	t.Scope, t.CreatedAt, t.SentAt, t.RespondedAt = nrm.Scope(scope), fromMicros(created), fromMicros(sent), fromMicros(responded)
	return t, err
}

// InsertTransnational records a referral sent to a partner.
func (tx *Tx) InsertTransnational(ctx context.Context, t nrm.TransnationalRecord) error {
	return tx.execErr(ctx, "INSERT INTO exchange_referrals ("+transColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		t.ID, t.CaseID, t.PartnerID, t.ConsentID, t.PacketID, int(t.Scope), t.SealedReason, t.Status, t.ContentHash,
		t.CreatedBy, t.CreatedOrg, micros(t.CreatedAt), micros(t.SentAt), micros(t.RespondedAt), t.SealedResponse)
}

// Transnational returns a sent referral by id.
func (tx *Tx) Transnational(ctx context.Context, id string) (nrm.TransnationalRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+transColumns+" FROM exchange_referrals WHERE id = ?", id), scanTrans, "transnational referral")
}

// TransnationalByPacket returns the referral sent to a partner as a packet id.
func (tx *Tx) TransnationalByPacket(ctx context.Context, partnerID, packetID string) (nrm.TransnationalRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+transColumns+" FROM exchange_referrals WHERE partner_id = ? AND packet_id = ?",
		partnerID, packetID), scanTrans, "transnational referral")
}

// TransnationalsOf lists a case's transnational referrals, oldest first.
func (tx *Tx) TransnationalsOf(ctx context.Context, caseID string) ([]nrm.TransnationalRecord, error) {
	return collect(tx, ctx, scanTrans, "SELECT "+transColumns+" FROM exchange_referrals WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// SetTransnationalStatus moves a sent referral from one status to another;
// a referral no longer in status from is stale. at is when it was sent
// (to sent) or answered (to accepted or declined).
func (tx *Tx) SetTransnationalStatus(ctx context.Context, id, from, to string, at time.Time, sealedResponse []byte) error {
	col := "responded_at"
	if to == nrm.TransSent {
		col = "sent_at"
	}
	return updated(tx.exec(ctx, "UPDATE exchange_referrals SET status = ?, "+col+" = ?, response = COALESCE(?, response) WHERE id = ? AND status = ?",
		to, micros(at), sealedResponse, id, from))
}

const receivedColumns = `id, partner_id, sender, packet_id, kind, ref, content_hash, payload, status, case_id, received_at,
	responded_by, responded_at`

func scanReceived(r scanner) (nrm.ReceivedPacket, error) {
	var p nrm.ReceivedPacket
	var received, responded int64
	err := r.Scan(&p.ID, &p.PartnerID, &p.Sender, &p.PacketID, &p.Kind, &p.Ref, &p.ContentHash, &p.Payload, &p.Status,
		&p.CaseID, &received, &p.RespondedBy, &responded)
	p.ReceivedAt, p.RespondedAt = fromMicros(received), fromMicros(responded)
	return p, err
}

// ErrReplay is a packet id received from the same sender before: the
// unique constraint on (sender, packet_id) decides, across processes.
var ErrReplay = nrm.Conflict("this packet was received before")

// InsertReceived records a packet received.
func (tx *Tx) InsertReceived(ctx context.Context, p nrm.ReceivedPacket) error {
	_, err := tx.exec(ctx, "INSERT INTO exchange_received ("+receivedColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		p.ID, p.PartnerID, p.Sender, p.PacketID, p.Kind, p.Ref, p.ContentHash, p.Payload, p.Status, p.CaseID,
		micros(p.ReceivedAt), p.RespondedBy, micros(p.RespondedAt))
	if isUniqueViolation(err) {
		return ErrReplay
	}
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// Received returns a received packet by id.
func (tx *Tx) Received(ctx context.Context, id string) (nrm.ReceivedPacket, error) {
	return one(tx.queryRow(ctx, "SELECT "+receivedColumns+" FROM exchange_received WHERE id = ?", id), scanReceived, "incoming referral")
}

// ReceivedReferral returns the referral received from a partner as a packet id.
func (tx *Tx) ReceivedReferral(ctx context.Context, partnerID, packetID string) (nrm.ReceivedPacket, error) {
	return one(tx.queryRow(ctx, "SELECT "+receivedColumns+" FROM exchange_received WHERE partner_id = ? AND packet_id = ? AND kind = ?",
		partnerID, packetID, "referral"), scanReceived, "incoming referral")
}

// ReceivedBefore reports whether a packet id was received from a sender
// before (the unique constraint on the two stays the last word).
func (tx *Tx) ReceivedBefore(ctx context.Context, sender, packetID string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM exchange_received WHERE sender = ? AND packet_id = ?", sender, packetID).Scan(&n); err != nil {
		return false, nrm.Internal(err)
	}
	return n > 0, nil
}

// ReceivedOf lists received packets of a kind (and a status, if given),
// newest first.
func (tx *Tx) ReceivedOf(ctx context.Context, kind, status string, limit int) ([]nrm.ReceivedPacket, error) {
	q, args := "SELECT "+receivedColumns+" FROM exchange_received WHERE kind = ?", []any{kind}
	if status != "" {
		q += " AND status = ?"
		args = append(args, status)
	}
	q += " ORDER BY received_at DESC, id LIMIT ?"
	return collect(tx, ctx, scanReceived, q, append(args, limit)...)
}

// ReceivedForCase lists the packets of a kind that belong to a local case.
func (tx *Tx) ReceivedForCase(ctx context.Context, caseID, kind string) ([]nrm.ReceivedPacket, error) {
	return collect(tx, ctx, scanReceived, "SELECT "+receivedColumns+" FROM exchange_received WHERE case_id = ? AND kind = ? ORDER BY received_at, id",
		caseID, kind)
}

// RespondReceived answers a pending incoming referral.
func (tx *Tx) RespondReceived(ctx context.Context, id, status, caseID, by string) error {
	return updated(tx.exec(ctx, "UPDATE exchange_received SET status = ?, case_id = ?, responded_by = ?, responded_at = ? WHERE id = ? AND status = ?",
		status, caseID, by, micros(tx.Now), id, nrm.ReceivedPending))
}
