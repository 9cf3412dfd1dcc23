package sqlstore

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/nrmproject/nrm"
)

// The protection track: needs assessments, support plans, services given
// and residence permits (compartment support). Free text arrives sealed.

func (tx *Tx) InsertNeeds(ctx context.Context, n NeedsRecord) error {
	return tx.execErr(ctx, `INSERT INTO needs_assessments (id, case_id, assessed_on, needs, notes, created_by, created_org, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, n.ID, n.CaseID, n.AssessedOn.String(), strings.Join(n.Needs.Needs, ","), n.SealedNotes,
		n.CreatedBy, n.CreatedOrg, micros(n.CreatedAt))
}

// NeedsAssessments lists a case's needs assessments, oldest first.
func (tx *Tx) NeedsAssessments(ctx context.Context, caseID string) ([]NeedsRecord, error) {
	return collect(tx, ctx, func(r scanner) (NeedsRecord, error) {
		var n NeedsRecord
		var on, needs string
		var at int64
		err := r.Scan(&n.ID, &n.CaseID, &on, &needs, &n.SealedNotes, &n.CreatedBy, &n.CreatedOrg, &at)
		n.AssessedOn, n.Needs.Needs, n.CreatedAt = date(on), splitList(needs), fromMicros(at)
		return n, err
	}, `SELECT id, case_id, assessed_on, needs, notes, created_by, created_org, created_at FROM needs_assessments
		WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

func (tx *Tx) InsertPlan(ctx context.Context, p PlanRecord) error {
	return tx.execErr(ctx, `INSERT INTO support_plans (id, case_id, type, objectives, action_plan, starts_on, planned_end, review_on,
		created_by, created_org, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.CaseID, p.Type,
		p.SealedObjectives, p.SealedActionPlan, p.StartsOn.String(), p.PlannedEnd.String(), p.ReviewOn.String(),
		p.CreatedBy, p.CreatedOrg, micros(p.CreatedAt))
}

// Plans lists a case's support plans, oldest first.
func (tx *Tx) Plans(ctx context.Context, caseID string) ([]PlanRecord, error) {
	return collect(tx, ctx, func(r scanner) (PlanRecord, error) {
		var p PlanRecord
		var starts, end, review string
		var at int64
		err := r.Scan(&p.ID, &p.CaseID, &p.Type, &p.SealedObjectives, &p.SealedActionPlan, &starts, &end, &review,
			&p.CreatedBy, &p.CreatedOrg, &at)
		p.StartsOn, p.PlannedEnd, p.ReviewOn, p.CreatedAt = date(starts), date(end), date(review), fromMicros(at)
		return p, err
	}, `SELECT id, case_id, type, objectives, action_plan, starts_on, planned_end, review_on, created_by, created_org, created_at
		FROM support_plans WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

func (tx *Tx) InsertService(ctx context.Context, s ServiceRecord) error {
	return tx.execErr(ctx, `INSERT INTO services (id, case_id, type, provider, started_on, ended_on, notes, created_by, created_org,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.CaseID, s.Type,
		base64.StdEncoding.EncodeToString(s.SealedProvider), s.StartedOn.String(), s.EndedOn.String(), s.SealedNotes,
		s.CreatedBy, s.CreatedOrg, micros(s.CreatedAt))
}

// Services lists the services given in a case, oldest first.
func (tx *Tx) Services(ctx context.Context, caseID string) ([]ServiceRecord, error) {
	return collect(tx, ctx, func(r scanner) (ServiceRecord, error) {
		var s ServiceRecord
		var provider, started, ended string
		var at int64
		err := r.Scan(&s.ID, &s.CaseID, &s.Type, &provider, &started, &ended, &s.SealedNotes, &s.CreatedBy, &s.CreatedOrg, &at)
		if err != nil {
			return s, err
		}
		if provider != "" {
			if s.SealedProvider, err = base64.StdEncoding.DecodeString(provider); err != nil {
				return s, err
			}
		}
		s.StartedOn, s.EndedOn, s.CreatedAt = date(started), date(ended), fromMicros(at)
		return s, nil
	}, `SELECT id, case_id, type, provider, started_on, ended_on, notes, created_by, created_org, created_at
		FROM services WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

// Residence permits.

const residenceColumns = `id, case_id, basis, applied_on, granted_on, expires_on, renewed_on, created_by, created_org,
	created_at, version`

func scanResidence(r scanner) (nrm.Residence, error) {
	var p nrm.Residence
	var applied, granted, expires, renewed string
	var at int64
	err := r.Scan(&p.ID, &p.CaseID, &p.Basis, &applied, &granted, &expires, &renewed, &p.CreatedBy, &p.CreatedOrg, &at, &p.Version)
	p.AppliedOn, p.GrantedOn, p.ExpiresOn, p.RenewedOn = date(applied), date(granted), date(expires), date(renewed)
	p.CreatedAt = fromMicros(at)
	return p, err
}

func (tx *Tx) InsertResidence(ctx context.Context, p nrm.Residence) error {
	return tx.execErr(ctx, `INSERT INTO residence_permits (id, case_id, basis, applied_on, granted_on, expires_on, renewed_on,
		created_by, created_org, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.CaseID, p.Basis,
		p.AppliedOn.String(), p.GrantedOn.String(), p.ExpiresOn.String(), p.RenewedOn.String(), p.CreatedBy, p.CreatedOrg,
		micros(p.CreatedAt), p.Version)
}

// ResidencePermit loads one permit.
func (tx *Tx) ResidencePermit(ctx context.Context, id string) (nrm.Residence, error) {
	return one(tx.queryRow(ctx, "SELECT "+residenceColumns+" FROM residence_permits WHERE id = ?", id), scanResidence, "residence permit")
}

// ResidencePermits lists a case's residence permits, oldest first.
func (tx *Tx) ResidencePermits(ctx context.Context, caseID string) ([]nrm.Residence, error) {
	return collect(tx, ctx, scanResidence, "SELECT "+residenceColumns+" FROM residence_permits WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// RenewResidence records a renewal if the permit is still at the version read.
func (tx *Tx) RenewResidence(ctx context.Context, p nrm.Residence) error {
	return updated(tx.exec(ctx, `UPDATE residence_permits SET renewed_on = ?, expires_on = ?, version = version + 1
		WHERE id = ? AND version = ?`, p.RenewedOn.String(), p.ExpiresOn.String(), p.ID, p.Version))
}
