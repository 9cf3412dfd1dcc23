package service

import (
	"context"
	"time"

	"github.com/nrmproject/nrm"
)

// HelpStore keeps self-referrals, the mail outbox and the clock warnings
// (sqlstore/help.go).
type HelpStore interface {
	InsertSelfReferral(ctx context.Context, x nrm.SelfReferralRecord) error
	SelfReferral(ctx context.Context, id string) (nrm.SelfReferralRecord, error)
	SelfReferralsOf(ctx context.Context, orgID string, limit int) ([]nrm.SelfReferralRecord, error)
	CountSelfReferrals(ctx context.Context, orgID, state string) (int, error)
	SettleSelfReferral(ctx context.Context, id, state, caseID string) error
	InsertMail(ctx context.Context, m nrm.MailItem) error
	ClaimMail(ctx context.Context, now, lease time.Time, limit int) ([]nrm.MailItem, error)
	SettleMail(ctx context.Context, id, status string, next time.Time, lastError string) error
	MailOutbox(ctx context.Context) ([]nrm.MailItem, error)
	ClocksToWarn(ctx context.Context, from, until nrm.Date, limit int) ([]nrm.DueItem, error)
	MarkClockWarned(ctx context.Context, d nrm.Deadline) (bool, error)
}
