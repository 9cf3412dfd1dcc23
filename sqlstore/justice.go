package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nrmproject/nrm"
)

// The justice track (compartment justice) and safe return (support):
// rows only; the service seals and decides. Updates check a version.

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func fromJSONList(s string) []string {
	var out []string
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

// Proceedings.

const proceedingColumns = `id, case_id, kind, stage, charges, person_role, details, created_by, created_org, created_at, version`

func scanProceeding(r scanner) (nrm.ProceedingRecord, error) {
	var p nrm.ProceedingRecord
	var charges string
	var at int64
	err := r.Scan(&p.ID, &p.CaseID, &p.Kind, &p.Stage, &charges, &p.PersonRole, &p.Details, &p.CreatedBy, &p.CreatedOrg, &at, &p.Version)
	p.Charges, p.CreatedAt = fromJSONList(charges), fromMicros(at)
	return p, err
}

func (tx *Tx) InsertProceeding(ctx context.Context, p nrm.ProceedingRecord) error {
	return tx.execErr(ctx, "INSERT INTO proceedings ("+proceedingColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		p.ID, p.CaseID, p.Kind, p.Stage, jsonList(p.Charges), p.PersonRole, p.Details, p.CreatedBy, p.CreatedOrg, micros(p.CreatedAt), p.Version)
}

// Proceeding loads one proceeding.
func (tx *Tx) Proceeding(ctx context.Context, id string) (nrm.ProceedingRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+proceedingColumns+" FROM proceedings WHERE id = ?", id), scanProceeding, "proceeding")
}

// Proceedings lists a case's proceedings, oldest first.
func (tx *Tx) Proceedings(ctx context.Context, caseID string) ([]nrm.ProceedingRecord, error) {
	return collect(tx, ctx, scanProceeding, "SELECT "+proceedingColumns+" FROM proceedings WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// SetProceedingStage moves a proceeding to a stage if still at the version read.
func (tx *Tx) SetProceedingStage(ctx context.Context, id, stage string, version int64) error {
	return updated(tx.exec(ctx, "UPDATE proceedings SET stage = ?, version = version + 1 WHERE id = ? AND version = ?", stage, id, version))
}

const eventColumns = `id, proceeding_id, case_id, kind, on_date, measure, status, outcome, months, suspended, stage, notes,
	created_by, created_org, created_at`

func scanProceedingEvent(r scanner) (nrm.ProceedingEventRecord, error) {
	var e nrm.ProceedingEventRecord
	var on string
	var at int64
	err := r.Scan(&e.ID, &e.ProceedingID, &e.CaseID, &e.Kind, &on, &e.Measure, &e.Status, &e.Outcome, &e.Months, &e.Suspended,
		&e.Stage, &e.SealedNotes, &e.CreatedBy, &e.CreatedOrg, &at)
	e.Date, e.CreatedAt = date(on), fromMicros(at)
	return e, err
}

func (tx *Tx) InsertProceedingEvent(ctx context.Context, e nrm.ProceedingEventRecord) error {
	return tx.execErr(ctx, "INSERT INTO proceeding_events ("+eventColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, e.ProceedingID, e.CaseID, e.Kind, e.Date.String(), e.Measure, e.Status, e.Outcome, e.Months, e.Suspended, e.Stage,
		e.SealedNotes, e.CreatedBy, e.CreatedOrg, micros(e.CreatedAt))
}

// ProceedingEvents lists the events of a case's proceedings, in the order recorded.
func (tx *Tx) ProceedingEvents(ctx context.Context, caseID string) ([]nrm.ProceedingEventRecord, error) {
	return collect(tx, ctx, scanProceedingEvent, "SELECT "+eventColumns+" FROM proceeding_events WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// Non-punishment.

const nonPunishmentColumns = `id, case_id, status, compelled, details, created_by, created_org, created_at, updated_at, version`

func scanNonPunishment(r scanner) (nrm.NonPunishmentRecord, error) {
	var n nrm.NonPunishmentRecord
	var at, up int64
	err := r.Scan(&n.ID, &n.CaseID, &n.Status, &n.Compelled, &n.Details, &n.CreatedBy, &n.CreatedOrg, &at, &up, &n.Version)
	n.CreatedAt, n.UpdatedAt = fromMicros(at), fromMicros(up)
	return n, err
}

func (tx *Tx) InsertNonPunishment(ctx context.Context, n nrm.NonPunishmentRecord) error {
	return tx.execErr(ctx, "INSERT INTO non_punishment ("+nonPunishmentColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		n.ID, n.CaseID, n.Status, n.Compelled, n.Details, n.CreatedBy, n.CreatedOrg, micros(n.CreatedAt), micros(n.UpdatedAt), n.Version)
}

// NonPunishmentRecord loads one record.
func (tx *Tx) NonPunishmentRecord(ctx context.Context, id string) (nrm.NonPunishmentRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+nonPunishmentColumns+" FROM non_punishment WHERE id = ?", id), scanNonPunishment, "non-punishment record")
}

// NonPunishments lists a case's non-punishment records, oldest first.
func (tx *Tx) NonPunishments(ctx context.Context, caseID string) ([]nrm.NonPunishmentRecord, error) {
	return collect(tx, ctx, scanNonPunishment, "SELECT "+nonPunishmentColumns+" FROM non_punishment WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// SetNonPunishmentStatus moves a record on if still at the version read.
func (tx *Tx) SetNonPunishmentStatus(ctx context.Context, id, status string, version int64, at time.Time) error {
	return updated(tx.exec(ctx, "UPDATE non_punishment SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		status, micros(at), id, version))
}

// RaisedNonPunishment tells which of the cases have a record still raised.
func (tx *Tx) RaisedNonPunishment(ctx context.Context, caseIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(caseIDs); start += 200 {
		ids := caseIDs[start:min(start+200, len(caseIDs))]
		q := "SELECT DISTINCT case_id FROM non_punishment WHERE status = 'raised' AND case_id IN (" + placeholders(len(ids)) + ")"
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		got, err := collect(tx, ctx, func(r scanner) (string, error) {
			var id string
			return id, r.Scan(&id)
		}, q, args...)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
	}
	return out, nil
}

func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// Compensation.

const claimColumns = `id, case_id, route, filed_on, currency, claimed, created_by, created_org, created_at, version`

func scanClaim(r scanner) (nrm.Claim, error) {
	var c nrm.Claim
	var filed string
	var at int64
	err := r.Scan(&c.ID, &c.CaseID, &c.Route, &filed, &c.Claimed.Currency, &c.Claimed.Minor, &c.CreatedBy, &c.CreatedOrg, &at, &c.Version)
	c.FiledOn, c.CreatedAt = date(filed), fromMicros(at)
	return c, err
}

func (tx *Tx) InsertClaim(ctx context.Context, c nrm.Claim) error {
	return tx.execErr(ctx, "INSERT INTO compensation_claims ("+claimColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		c.ID, c.CaseID, c.Route, c.FiledOn.String(), c.Claimed.Currency, c.Claimed.Minor, c.CreatedBy, c.CreatedOrg, micros(c.CreatedAt), c.Version)
}

// Claim loads one claim with its award and payments.
func (tx *Tx) Claim(ctx context.Context, id string) (nrm.Claim, error) {
	c, err := one(tx.queryRow(ctx, "SELECT "+claimColumns+" FROM compensation_claims WHERE id = ?", id), scanClaim, "compensation claim")
	if err != nil {
		return c, err
	}
	cs := []nrm.Claim{c}
	if err := tx.claimDetails(ctx, cs, "claim_id = ?", id); err != nil {
		return c, err
	}
	return cs[0], nil
}

// Claims lists a case's claims, oldest first, with awards and payments.
func (tx *Tx) Claims(ctx context.Context, caseID string) ([]nrm.Claim, error) {
	cs, err := collect(tx, ctx, scanClaim, "SELECT "+claimColumns+" FROM compensation_claims WHERE case_id = ? ORDER BY created_at, id", caseID)
	if err != nil || len(cs) == 0 {
		return cs, err
	}
	const of = "claim_id IN (SELECT id FROM compensation_claims WHERE case_id = ?)"
	return cs, tx.claimDetails(ctx, cs, of, caseID)
}

func (tx *Tx) claimDetails(ctx context.Context, cs []nrm.Claim, where string, arg any) error {
	at := map[string]int{}
	for i, c := range cs {
		at[c.ID] = i
	}
	awards, err := collect(tx, ctx, func(r scanner) (nrm.Award, error) {
		var a nrm.Award
		var on string
		var t int64
		err := r.Scan(&a.ID, &a.ClaimID, &on, &a.Awarded.Minor, &a.CreatedBy, &t)
		a.DecidedOn, a.CreatedAt = date(on), fromMicros(t)
		return a, err
	}, "SELECT id, claim_id, decided_on, awarded, created_by, created_at FROM compensation_awards WHERE "+where, arg)
	if err != nil {
		return err
	}
	for _, a := range awards {
		c := &cs[at[a.ClaimID]]
		a.Awarded.Currency = c.Claimed.Currency
		c.Award = &a
	}
	pays, err := collect(tx, ctx, func(r scanner) (nrm.Payment, error) {
		var p nrm.Payment
		var on string
		var t int64
		err := r.Scan(&p.ID, &p.ClaimID, &on, &p.Paid.Minor, &p.CreatedBy, &t)
		p.PaidOn, p.CreatedAt = date(on), fromMicros(t)
		return p, err
	}, "SELECT id, claim_id, paid_on, paid, created_by, created_at FROM compensation_payments WHERE "+where+" ORDER BY created_at, id", arg)
	if err != nil {
		return err
	}
	for _, p := range pays {
		c := &cs[at[p.ClaimID]]
		p.Paid.Currency = c.Claimed.Currency
		c.Payments = append(c.Payments, p)
	}
	return nil
}

// touchClaim bumps a claim's version: awards and payments of one claim
// are serialised, so two payments never both pass the award's limit.
func (tx *Tx) touchClaim(ctx context.Context, id string, version int64) error {
	return updated(tx.exec(ctx, "UPDATE compensation_claims SET version = version + 1 WHERE id = ? AND version = ?", id, version))
}

// InsertAward records the award on a claim read at version.
func (tx *Tx) InsertAward(ctx context.Context, a nrm.Award, version int64) error {
	if err := tx.touchClaim(ctx, a.ClaimID, version); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO compensation_awards (id, claim_id, decided_on, awarded, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		a.ID, a.ClaimID, a.DecidedOn.String(), a.Awarded.Minor, a.CreatedBy, micros(a.CreatedAt))
	if err != nil && isUniqueViolation(err) {
		return nrm.Conflict("the claim was decided already")
	}
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// InsertPayment records a payment on a claim read at version.
func (tx *Tx) InsertPayment(ctx context.Context, p nrm.Payment, version int64) error {
	if err := tx.touchClaim(ctx, p.ClaimID, version); err != nil {
		return err
	}
	return tx.execErr(ctx, "INSERT INTO compensation_payments (id, claim_id, paid_on, paid, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		p.ID, p.ClaimID, p.PaidOn.String(), p.Paid.Minor, p.CreatedBy, micros(p.CreatedAt))
}

// ClaimFigures returns the amounts of every claim filed from from to to
// (inclusive): currency, claimed, awarded and paid; nothing else.
func (tx *Tx) ClaimFigures(ctx context.Context, from, to nrm.Date) ([]nrm.ClaimFigures, error) {
	return collect(tx, ctx, func(r scanner) (nrm.ClaimFigures, error) {
		var f nrm.ClaimFigures
		return f, r.Scan(&f.Currency, &f.Claimed, &f.Awarded, &f.Paid)
	}, `SELECT c.currency, c.claimed,
		COALESCE((SELECT a.awarded FROM compensation_awards a WHERE a.claim_id = c.id), 0),
		CAST(COALESCE((SELECT SUM(p.paid) FROM compensation_payments p WHERE p.claim_id = c.id), 0) AS BIGINT)
		FROM compensation_claims c WHERE c.filed_on >= ? AND c.filed_on <= ? ORDER BY c.currency`, from.String(), to.String())
}
