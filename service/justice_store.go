package service

import (
	"context"
	"time"

	"github.com/nrmproject/nrm"
)

// JusticeTx is what the justice and safe-return tracks need of a
// transaction (sqlstore/justice.go, sqlstore/returns.go).
type JusticeTx interface {
	InsertProceeding(ctx context.Context, p nrm.ProceedingRecord) error
	Proceeding(ctx context.Context, id string) (nrm.ProceedingRecord, error)
	Proceedings(ctx context.Context, caseID string) ([]nrm.ProceedingRecord, error)
	SetProceedingStage(ctx context.Context, id, stage string, version int64) error
	InsertProceedingEvent(ctx context.Context, e nrm.ProceedingEventRecord) error
	ProceedingEvents(ctx context.Context, caseID string) ([]nrm.ProceedingEventRecord, error)

	InsertNonPunishment(ctx context.Context, n nrm.NonPunishmentRecord) error
	NonPunishmentRecord(ctx context.Context, id string) (nrm.NonPunishmentRecord, error)
	NonPunishments(ctx context.Context, caseID string) ([]nrm.NonPunishmentRecord, error)
	SetNonPunishmentStatus(ctx context.Context, id, status string, version int64, at time.Time) error
	// RaisedNonPunishment tells which cases have a record still raised.
	RaisedNonPunishment(ctx context.Context, caseIDs []string) (map[string]bool, error)

	InsertClaim(ctx context.Context, c nrm.Claim) error
	Claim(ctx context.Context, id string) (nrm.Claim, error)
	Claims(ctx context.Context, caseID string) ([]nrm.Claim, error)
	InsertAward(ctx context.Context, a nrm.Award, claimVersion int64) error
	InsertPayment(ctx context.Context, p nrm.Payment, claimVersion int64) error
	ClaimFigures(ctx context.Context, from, to nrm.Date) ([]nrm.ClaimFigures, error)

	InsertAssessment(ctx context.Context, a nrm.AssessmentRecord) error
	Assessment(ctx context.Context, id string) (nrm.AssessmentRecord, error)
	Assessments(ctx context.Context, caseID string) ([]nrm.AssessmentRecord, error)
	ReviewAssessment(ctx context.Context, a nrm.AssessmentRecord) error
	InsertReturn(ctx context.Context, r nrm.Return) error
	ReturnRecord(ctx context.Context, id string) (nrm.Return, error)
	Returns(ctx context.Context, caseID string) ([]nrm.Return, error)
	InsertFollowUp(ctx context.Context, f nrm.FollowUpRecord) error
	FollowUps(ctx context.Context, caseID string) ([]nrm.FollowUpRecord, error)
}
