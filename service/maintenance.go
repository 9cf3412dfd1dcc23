package service

import (
	"context"
	"errors"
	"strings"

	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// DeleteExpiredSessions removes sessions past their timeouts and expired tokens.
func (s *Service) DeleteExpiredSessions(ctx context.Context) error {
	now := s.store.Now()
	return s.write(ctx, func(tx Tx) error {
		return tx.DeleteExpiredSessions(ctx, now.Add(-s.cfg.SessionIdle), now.Add(-s.cfg.SessionAbsolute))
	})
}

// CheckKeys proves the key-encryption key works, for /readyz.
func (s *Service) CheckKeys() error {
	dk, err := keyring.NewDataKey()
	if err != nil {
		return err
	}
	ad := keyring.AD("readyz", "check", "0")
	w, err := s.keys.Wrap(dk, ad)
	if err != nil {
		return err
	}
	_, err = s.keys.Unwrap(w, ad)
	return err
}

// DemoDomain is the only domain whose sign-in codes DemoCode reveals.
const DemoDomain = "@demo.invalid"

// DemoCode returns the current TOTP code of a demo user (operator only), so
// that someone trying the demo needs no authenticator app.
func (s *Service) DemoCode(ctx context.Context, email string) (string, error) {
	if err := system(ctx); err != nil {
		return "", err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.HasSuffix(email, DemoDomain) {
		return "", nrm.Invalid("email", "only demo users (…%s) have their codes shown", DemoDomain)
	}
	var u nrm.UserRecord
	err := s.read(ctx, func(tx Tx) error {
		var err error
		u, err = tx.UserByEmail(ctx, email)
		return err
	})
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return "", nrm.Invalid("email", "no such demo user")
	}
	if err != nil {
		return "", err
	}
	if u.TOTPSecret == nil {
		return "", errors.New("this user has not started setting up the second factor yet: sign in with the password first")
	}
	secret, err := s.openTOTPSecret(ctx, u)
	if err != nil {
		return "", err
	}
	return totp.GenerateCodeCustom(secret, s.store.Now(), totpOpts)
}
