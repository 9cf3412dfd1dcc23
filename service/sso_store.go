package service

import (
	"context"
	"time"

	"github.com/nrmproject/nrm"
)

// SSOTx is what single sign-on and passkeys need of a transaction
// (sqlstore/sso.go).
type SSOTx interface {
	// UserByExternalIdentity finds the user a provider's subject is linked to.
	UserByExternalIdentity(ctx context.Context, issuer, subject string) (nrm.UserRecord, error)
	LinkExternalIdentity(ctx context.Context, issuer, subject, userID string) error

	InsertSSOMapping(ctx context.Context, m nrm.SSOMapping) error
	// SSOMappings lists the mappings of an organisation, or of an issuer's every organisation when orgID is "".
	SSOMappings(ctx context.Context, issuer, orgID string) ([]nrm.SSOMapping, error)
	DeleteSSOMapping(ctx context.Context, id, orgID string) error

	// InsertSSORequest stores a pending first sign-in; a 409 when the subject has one pending already.
	InsertSSORequest(ctx context.Context, r nrm.SSORequest) error
	SSORequest(ctx context.Context, id string) (nrm.SSORequest, error)
	PendingSSORequest(ctx context.Context, issuer, subject string) (nrm.SSORequest, error)
	SSORequests(ctx context.Context, orgID, status string) ([]nrm.SSORequest, error)
	// DecideSSORequest settles a pending request (a 409 when it is no longer pending).
	DecideSSORequest(ctx context.Context, r nrm.SSORequest) error

	InsertSigninFlow(ctx context.Context, idHash, kind, userID string, data []byte) error
	// TakeSigninFlow reads a ceremony and deletes it: each is used once.
	TakeSigninFlow(ctx context.Context, idHash, kind string) (userID string, data []byte, created time.Time, err error)
	DeleteSigninFlowsBefore(ctx context.Context, before time.Time) error

	InsertPasskey(ctx context.Context, p nrm.Passkey) error
	Passkeys(ctx context.Context, userID string) ([]nrm.Passkey, error)
	PasskeyByCredential(ctx context.Context, credential []byte) (nrm.Passkey, error)
	// UsePasskey moves the sign counter on, only from the value read (a 409 otherwise).
	UsePasskey(ctx context.Context, id string, from, to uint32, at time.Time) error
	DeletePasskey(ctx context.Context, id, userID string) error

	SigninSettings(ctx context.Context, orgID string) (nrm.SigninSettings, error)
	SetSigninSettings(ctx context.Context, s nrm.SigninSettings) error
}
