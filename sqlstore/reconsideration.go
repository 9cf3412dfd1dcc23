package sqlstore

import (
	"context"

	"github.com/nrmproject/nrm"
)

const reconsiderationColumns = `id, case_id, subject, subject_id, to_org, requester, reason, status, answer,
	requested_by, requested_org, answered_by, answered_at, created_at`

func scanReconsideration(r scanner) (nrm.ReconsiderationRecord, error) {
	var x nrm.ReconsiderationRecord
	var answered, created int64
	err := r.Scan(&x.ID, &x.CaseID, &x.Subject, &x.SubjectID, &x.ToOrg, &x.Requester, &x.SealedReason, &x.Status,
		&x.SealedAnswer, &x.RequestedBy, &x.RequestedOrg, &x.AnsweredBy, &answered, &created)
	if answered != 0 {
		x.AnsweredAt = fromMicros(answered)
	}
	x.CreatedAt = fromMicros(created)
	return x, err
}

// InsertReconsideration stores a request; a second pending one on the
// same case is a conflict (a partial unique index).
func (tx *Tx) InsertReconsideration(ctx context.Context, x nrm.ReconsiderationRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO reconsideration_requests (id, case_id, subject, subject_id, to_org, requester,
		reason, status, requested_by, requested_org, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.CaseID, x.Subject, x.SubjectID, x.ToOrg, x.Requester, x.SealedReason, x.Status, x.RequestedBy,
		x.RequestedOrg, micros(x.CreatedAt))
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return nrm.Conflict("a reconsideration request of this case is pending already")
	}
	return nrm.Internal(err)
}

// Reconsideration returns one request.
func (tx *Tx) Reconsideration(ctx context.Context, id string) (nrm.ReconsiderationRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+reconsiderationColumns+" FROM reconsideration_requests WHERE id = ?", id),
		scanReconsideration, "reconsideration request")
}

// Reconsiderations lists a case's requests, oldest first.
func (tx *Tx) Reconsiderations(ctx context.Context, caseID string) ([]nrm.ReconsiderationRecord, error) {
	return collect(tx, ctx, scanReconsideration, "SELECT "+reconsiderationColumns+
		" FROM reconsideration_requests WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// AnswerReconsideration records the answer of a pending request.
func (tx *Tx) AnswerReconsideration(ctx context.Context, id, status string, sealed []byte, by string) error {
	return updated(tx.exec(ctx, `UPDATE reconsideration_requests SET status = ?, answer = ?, answered_by = ?, answered_at = ?
		WHERE id = ? AND status = 'pending'`, status, sealed, by, micros(tx.Now), id))
}

// ReopenReferral puts a declined referral back in its recipient's inbox.
func (tx *Tx) ReopenReferral(ctx context.Context, id string) error {
	return updated(tx.exec(ctx, `UPDATE referrals SET status = 'pending', responded_by = '', responded_at = 0,
		version = version + 1 WHERE id = ? AND status = 'declined'`, id))
}

// OpenChildCaseCountries counts the open children's cases per encounter
// country ("" when none was recorded), for the co-ordinator's overview.
func (tx *Tx) OpenChildCaseCountries(ctx context.Context) (map[string]int, error) {
	rows, err := tx.query(ctx, `SELECT encounter_country, COUNT(*) FROM cases WHERE child AND state <> 'closed'
		GROUP BY encounter_country`)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var country string
		var n int
		if err := rows.Scan(&country, &n); err != nil {
			return nil, nrm.Internal(err)
		}
		out[country] = n
	}
	return out, rowsErr(rows)
}
