package sqlstore

import (
	"context"

	"github.com/nrmproject/nrm"
)

// Safe return: risk assessments, returns and follow-ups (support).

const assessmentColumns = `id, case_id, destination_country, details, risk, barred, status, assessed_on, author_id, author_org,
	reviewed_by, review_reasons, reviewed_on, created_at, version`

func scanAssessment(r scanner) (nrm.AssessmentRecord, error) {
	var a nrm.AssessmentRecord
	var assessed, reviewed string
	var at int64
	err := r.Scan(&a.ID, &a.CaseID, &a.DestinationCountry, &a.Details, &a.Risk, &a.Barred, &a.Status, &assessed, &a.AuthorID,
		&a.AuthorOrg, &a.ReviewedBy, &a.SealedReasons, &reviewed, &at, &a.Version)
	a.AssessedOn, a.ReviewedOn, a.CreatedAt = date(assessed), date(reviewed), fromMicros(at)
	return a, err
}

func (tx *Tx) InsertAssessment(ctx context.Context, a nrm.AssessmentRecord) error {
	return tx.execErr(ctx, "INSERT INTO return_assessments ("+assessmentColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		a.ID, a.CaseID, a.DestinationCountry, a.Details, a.Risk, a.Barred, a.Status, a.AssessedOn.String(), a.AuthorID, a.AuthorOrg,
		a.ReviewedBy, a.SealedReasons, a.ReviewedOn.String(), micros(a.CreatedAt), a.Version)
}

// Assessment loads one return risk assessment.
func (tx *Tx) Assessment(ctx context.Context, id string) (nrm.AssessmentRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+assessmentColumns+" FROM return_assessments WHERE id = ?", id), scanAssessment, "return risk assessment")
}

// Assessments lists a case's return risk assessments, oldest first.
func (tx *Tx) Assessments(ctx context.Context, caseID string) ([]nrm.AssessmentRecord, error) {
	return collect(tx, ctx, scanAssessment, "SELECT "+assessmentColumns+" FROM return_assessments WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// ReviewAssessment approves or rejects a submitted assessment at the version read.
func (tx *Tx) ReviewAssessment(ctx context.Context, a nrm.AssessmentRecord) error {
	return updated(tx.exec(ctx, `UPDATE return_assessments SET status = ?, reviewed_by = ?, review_reasons = ?, reviewed_on = ?,
		version = version + 1 WHERE id = ? AND version = ? AND status = 'submitted'`,
		a.Status, a.ReviewedBy, a.SealedReasons, a.ReviewedOn.String(), a.ID, a.Version))
}

const returnColumns = `id, case_id, assessment_id, return_date, destination_country, receiving_org, partner_id, created_by,
	created_org, created_at`

func scanReturn(r scanner) (nrm.Return, error) {
	var x nrm.Return
	var on string
	var at int64
	err := r.Scan(&x.ID, &x.CaseID, &x.AssessmentID, &on, &x.DestinationCountry, &x.ReceivingOrg, &x.PartnerID, &x.CreatedBy,
		&x.CreatedOrg, &at)
	x.Date, x.CreatedAt = date(on), fromMicros(at)
	return x, err
}

// InsertReturn records a return; a second return of one episode is a conflict.
func (tx *Tx) InsertReturn(ctx context.Context, x nrm.Return) error {
	_, err := tx.exec(ctx, "INSERT INTO returns ("+returnColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		x.ID, x.CaseID, x.AssessmentID, x.Date.String(), x.DestinationCountry, x.ReceivingOrg, x.PartnerID, x.CreatedBy,
		x.CreatedOrg, micros(x.CreatedAt))
	if err != nil && isUniqueViolation(err) {
		return nrm.Conflict("a return of this episode is recorded already")
	}
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// ReturnRecord loads one return.
func (tx *Tx) ReturnRecord(ctx context.Context, id string) (nrm.Return, error) {
	return one(tx.queryRow(ctx, "SELECT "+returnColumns+" FROM returns WHERE id = ?", id), scanReturn, "return")
}

// Returns lists a case's returns (at most one).
func (tx *Tx) Returns(ctx context.Context, caseID string) ([]nrm.Return, error) {
	return collect(tx, ctx, scanReturn, "SELECT "+returnColumns+" FROM returns WHERE case_id = ? ORDER BY created_at, id", caseID)
}

const followUpColumns = `id, return_id, case_id, on_date, reached, situation, notes, new_case, created_by, created_org, created_at`

func scanFollowUp(r scanner) (nrm.FollowUpRecord, error) {
	var f nrm.FollowUpRecord
	var on string
	var at int64
	err := r.Scan(&f.ID, &f.ReturnID, &f.CaseID, &on, &f.Reached, &f.Situation, &f.SealedNotes, &f.NewCase, &f.CreatedBy,
		&f.CreatedOrg, &at)
	f.Date, f.CreatedAt = date(on), fromMicros(at)
	return f, err
}

func (tx *Tx) InsertFollowUp(ctx context.Context, f nrm.FollowUpRecord) error {
	return tx.execErr(ctx, "INSERT INTO return_follow_ups ("+followUpColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		f.ID, f.ReturnID, f.CaseID, f.Date.String(), f.Reached, f.Situation, f.SealedNotes, f.NewCase, f.CreatedBy,
		f.CreatedOrg, micros(f.CreatedAt))
}

// FollowUps lists the follow-ups of a case's returns, oldest first.
func (tx *Tx) FollowUps(ctx context.Context, caseID string) ([]nrm.FollowUpRecord, error) {
	return collect(tx, ctx, scanFollowUp, "SELECT "+followUpColumns+" FROM return_follow_ups WHERE case_id = ? ORDER BY created_at, id", caseID)
}
