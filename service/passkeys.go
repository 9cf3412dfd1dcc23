package service

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// PasskeyVerifier runs WebAuthn ceremonies (package webauthn, wired in
// cmd/nrm). Options go to the browser as JSON; session is kept by the
// service between the two steps of a ceremony.
type PasskeyVerifier interface {
	BeginRegistration(u nrm.PasskeyAccount) (options, session []byte, err error)
	FinishRegistration(u nrm.PasskeyAccount, session, response []byte) (nrm.PasskeyRegistration, error)
	// BeginLogin: u nil for a passkey alone (any credential of this site).
	BeginLogin(u *nrm.PasskeyAccount) (options, session []byte, err error)
	FinishLogin(session, response []byte, lookup func(credentialID []byte) (nrm.PasskeyAccount, error)) (nrm.PasskeyAssertion, error)
}

const (
	flowPasskeyEnrol  = "passkey-enrol"
	flowPasskeySignIn = "passkey-signin"
)

// PasskeysEnabled tells whether this instance offers passkeys.
func (s *Service) PasskeysEnabled() bool { return s.cfg.Passkeys != nil }

var errNoPasskeys = nrm.NotFound("passkeys")

var errPasskey = &nrm.Error{Code: nrm.CodeUnauthorized, Message: "That passkey did not sign you in. Try again, or use another way to sign in."}

// passkeyAccount is a user with their passkeys' records opened.
func (s *Service) passkeyAccount(ctx context.Context, tx Tx, u nrm.User) (nrm.PasskeyAccount, []nrm.Passkey, error) {
	acc := nrm.PasskeyAccount{Handle: []byte(u.ID), Name: u.Email, DisplayName: u.Name}
	keys, err := tx.Passkeys(ctx, u.ID)
	if err != nil || len(keys) == 0 {
		return acc, keys, err
	}
	dk, err := s.dataKey(ctx, tx, u.ID, false)
	if err != nil {
		return acc, nil, err
	}
	for _, k := range keys {
		rec, err := dk.Open(k.Record, keyring.AD("passkeys", "record", k.ID))
		if err != nil {
			return acc, nil, nrm.Internal(err)
		}
		acc.Records = append(acc.Records, rec)
	}
	return acc, keys, nil
}

// BeginPasskeyEnrolment offers a new passkey to a signed-in user, or to a
// user at the enrol stage (their first second factor).
func (s *Service) BeginPasskeyEnrolment(ctx context.Context, token string) (flowSecret string, options []byte, err error) {
	if s.cfg.Passkeys == nil {
		return "", nil, errNoPasskeys
	}
	sess, err := s.Session(ctx, token)
	if err != nil {
		return "", nil, err
	}
	if sess.Stage != StageFull && sess.Stage != StageEnrol {
		return "", nil, nrm.Conflict("finish signing in first")
	}
	if sess.Stage == StageFull && !nrm.Can(sess.Actor, nrm.ActPasskeyManage, nrm.Access{}) {
		return "", nil, nrm.Forbidden("your role may not do this")
	}
	flowSecret = randomSecret(32)
	err = s.write(ctx, func(tx Tx) error {
		acc, _, err := s.passkeyAccount(ctx, tx, sess.User)
		if err != nil {
			return err
		}
		var session []byte
		if options, session, err = s.cfg.Passkeys.BeginRegistration(acc); err != nil {
			return nrm.Internal(err)
		}
		return tx.InsertSigninFlow(ctx, tokenHash(flowSecret), flowPasskeyEnrol, sess.User.ID, session)
	})
	return flowSecret, options, err
}

// FinishPasskeyEnrolment stores the passkey the browser made. At the enrol
// stage it completes the sign-in and returns the new full session.
func (s *Service) FinishPasskeyEnrolment(ctx context.Context, token, flowSecret string, response []byte, name string) (SessionInfo, error) {
	if s.cfg.Passkeys == nil {
		return SessionInfo{}, errNoPasskeys
	}
	sess, err := s.Session(ctx, token)
	if err != nil {
		return SessionInfo{}, err
	}
	if sess.Stage != StageFull && sess.Stage != StageEnrol {
		return SessionInfo{}, nrm.Conflict("finish signing in first")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Passkey"
	}
	if len(name) > 100 {
		return SessionInfo{}, nrm.Invalid("name", "at most 100 characters")
	}
	var u nrm.UserRecord
	err = s.write(ctx, func(tx Tx) error {
		owner, session, created, err := tx.TakeSigninFlow(ctx, tokenHash(flowSecret), flowPasskeyEnrol)
		if nrm.ErrorCode(err) == nrm.CodeNotFound || err == nil && (owner != sess.User.ID || tx.Time().Sub(created) > flowTimeout) {
			return nrm.Conflict("the passkey set-up expired; start again")
		}
		if err != nil {
			return err
		}
		if u, err = tx.User(ctx, sess.User.ID); err != nil {
			return err
		}
		acc, _, err := s.passkeyAccount(ctx, tx, u.User)
		if err != nil {
			return err
		}
		reg, err := s.cfg.Passkeys.FinishRegistration(acc, session, response)
		if err != nil {
			return nrm.Invalid("passkey", "the passkey could not be set up: %s", safeReason(err))
		}
		p := nrm.Passkey{ID: nrm.NewID(), UserID: u.ID, Credential: reg.CredentialID, PublicKey: reg.PublicKey,
			SignCount: reg.SignCount, Transports: reg.Transports, Name: name, CreatedAt: tx.Time()}
		dk, err := s.dataKey(ctx, tx, u.ID, true)
		if err != nil {
			return err
		}
		p.Record = dk.Seal(reg.Record, keyring.AD("passkeys", "record", p.ID))
		if err := tx.InsertPasskey(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(nrm.WithActor(ctx, actorOf(u)), "passkey.add", "user/"+u.ID, outcomeOK, "passkey "+p.ID))
	})
	if err != nil {
		return SessionInfo{}, err
	}
	if sess.Stage == StageEnrol {
		return s.promote(ctx, token, u)
	}
	return SessionInfo{}, nil
}

// safeReason is a verifier's refusal without anything else.
func safeReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i > 0 && strings.HasPrefix(msg, "webauthn") {
		return msg[i+2:]
	}
	return "it did not verify"
}

// BeginPasskeySignIn starts a sign-in with a passkey: with token "", the
// passkey alone; with the token of a session at the password stage, as its
// second factor.
func (s *Service) BeginPasskeySignIn(ctx context.Context, token string) (flowSecret string, options []byte, err error) {
	if s.cfg.Passkeys == nil {
		return "", nil, errNoPasskeys
	}
	var user *nrm.User
	if token != "" {
		sess, err := s.Session(ctx, token)
		if err != nil {
			return "", nil, err
		}
		if sess.Stage != StagePassword {
			return "", nil, nrm.Conflict("this sign-in does not wait for a second factor")
		}
		user = &sess.User
	}
	flowSecret = randomSecret(32)
	err = s.write(ctx, func(tx Tx) error {
		if err := tx.DeleteSigninFlowsBefore(ctx, tx.Time().Add(-flowTimeout)); err != nil {
			return err
		}
		var session []byte
		owner := ""
		if user == nil {
			options, session, err = s.cfg.Passkeys.BeginLogin(nil)
		} else {
			acc, keys, err := s.passkeyAccount(ctx, tx, *user)
			if err != nil {
				return err
			}
			if len(keys) == 0 {
				return nrm.Conflict("you have no passkey yet")
			}
			owner = user.ID
			options, session, err = s.cfg.Passkeys.BeginLogin(&acc)
		}
		if err != nil {
			return nrm.Internal(err)
		}
		return tx.InsertSigninFlow(ctx, tokenHash(flowSecret), flowPasskeySignIn, owner, session)
	})
	return flowSecret, options, err
}

// FinishPasskeySignIn verifies the browser's assertion. The signature
// counter must rise (unless the authenticator keeps none): a counter that
// went back means a copy of the key signs somewhere else.
func (s *Service) FinishPasskeySignIn(ctx context.Context, token, flowSecret string, response []byte, clientAddr string) (SessionInfo, error) {
	if s.cfg.Passkeys == nil {
		return SessionInfo{}, errNoPasskeys
	}
	now := s.store.Now()
	if s.throttle.blocked(clientAddr, now) {
		return SessionInfo{}, errThrottled
	}
	var sess SessionInfo
	if token != "" {
		var err error
		if sess, err = s.Session(ctx, token); err != nil {
			return SessionInfo{}, err
		}
		if sess.Stage != StagePassword {
			return SessionInfo{}, nrm.Conflict("this sign-in does not wait for a second factor")
		}
	}
	var u nrm.UserRecord
	var key nrm.Passkey
	var refusal string
	err := s.write(ctx, func(tx Tx) error {
		owner, session, created, err := tx.TakeSigninFlow(ctx, tokenHash(flowSecret), flowPasskeySignIn)
		if nrm.ErrorCode(err) == nrm.CodeNotFound || err == nil && (owner != sess.User.ID || tx.Time().Sub(created) > flowTimeout) {
			refusal = "no passkey sign-in under way, or it expired"
			return nil
		}
		if err != nil {
			return err
		}
		var keys []nrm.Passkey
		assertion, err := s.cfg.Passkeys.FinishLogin(session, response, func(credential []byte) (nrm.PasskeyAccount, error) {
			k, err := tx.PasskeyByCredential(ctx, credential)
			if err != nil {
				return nrm.PasskeyAccount{}, err
			}
			if owner != "" && k.UserID != owner {
				return nrm.PasskeyAccount{}, nrm.NotFound("passkey")
			}
			if u, err = tx.User(ctx, k.UserID); err != nil {
				return nrm.PasskeyAccount{}, err
			}
			var acc nrm.PasskeyAccount
			acc, keys, err = s.passkeyAccount(ctx, tx, u.User)
			return acc, err
		})
		if err != nil {
			var ne *nrm.Error
			if errors.As(err, &ne) && ne.Code == nrm.CodeInternal {
				return err
			}
			refusal = "the passkey did not verify: " + safeReason(err)
			if ne != nil {
				refusal = "unknown passkey"
			}
			return nil
		}
		for _, k := range keys {
			if bytes.Equal(k.Credential, assertion.CredentialID) {
				key = k
			}
		}
		if key.ID == "" {
			refusal = "unknown passkey"
			return nil
		}
		if (assertion.SignCount != 0 || key.SignCount != 0) && assertion.SignCount <= key.SignCount {
			refusal = "the passkey's signature counter went back: a copy of it may exist"
			return nil
		}
		return tx.UsePasskey(ctx, key.ID, key.SignCount, assertion.SignCount, tx.Time())
	})
	if err != nil {
		return SessionInfo{}, err
	}
	if refusal == "" && u.Disabled {
		refusal = "disabled account"
	}
	if refusal != "" {
		s.throttle.fail(clientAddr, now)
		a := nrm.Actor{}
		if u.ID != "" {
			a = actorOf(u)
		}
		s.signinEvent(ctx, a, "", "signin.passkey", outcomeFailed, refusal)
		return SessionInfo{}, errPasskey
	}
	if token != "" {
		return s.promote(ctx, token, u)
	}
	return s.fullSession(ctx, u, "signin.passkey", "signed in with a passkey alone, passkey "+key.ID)
}

// Passkeys lists the caller's own passkeys.
func (s *Service) Passkeys(ctx context.Context) ([]nrm.Passkey, error) {
	a, err := s.allow(ctx, nrm.ActPasskeyManage)
	if err != nil {
		return nil, err
	}
	var out []nrm.Passkey
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.Passkeys(ctx, a.UserID)
		return err
	})
	return out, err
}

// RemovePasskey removes one of the caller's own passkeys.
func (s *Service) RemovePasskey(ctx context.Context, id string) error {
	a, err := s.allow(ctx, nrm.ActPasskeyManage)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		if err := tx.DeletePasskey(ctx, id, a.UserID); err != nil {
			if errors.Is(err, nrm.ErrStale) {
				return nrm.NotFound("passkey")
			}
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "passkey.remove", "user/"+a.UserID, outcomeOK, "passkey "+id))
	})
}

// hasPasskey tells whether a user has a passkey (then the password leads
// to the second factor, not to setting one up).
func (s *Service) hasPasskey(ctx context.Context, userID string) (bool, error) {
	var n int
	err := s.read(ctx, func(tx Tx) error {
		keys, err := tx.Passkeys(ctx, userID)
		n = len(keys)
		return err
	})
	return n > 0, err
}

// SigninSettings are the admin's own organisation's sign-in rules.
func (s *Service) SigninSettings(ctx context.Context) (nrm.SigninSettings, error) {
	a, err := s.allow(ctx, nrm.ActOrgManage)
	if err != nil {
		return nrm.SigninSettings{}, err
	}
	var out nrm.SigninSettings
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.SigninSettings(ctx, a.OrgID)
		return err
	})
	return out, err
}

// SetTOTPAllowed keeps or ends authenticator-app codes (and recovery codes)
// as a fallback for the admin's organisation; version is the one read.
func (s *Service) SetTOTPAllowed(ctx context.Context, allowed bool, version int64) (nrm.SigninSettings, error) {
	a, err := s.allow(ctx, nrm.ActOrgManage)
	if err != nil {
		return nrm.SigninSettings{}, err
	}
	st := nrm.SigninSettings{OrgID: a.OrgID, TOTPAllowed: allowed, Version: version}
	err = s.write(ctx, func(tx Tx) error {
		if err := tx.SetSigninSettings(ctx, st); err != nil {
			return err
		}
		detail := "authenticator-app codes allowed"
		if !allowed {
			detail = "passkeys only: authenticator-app and recovery codes refused"
		}
		return s.record(ctx, tx, s.entry(ctx, "org.signin-settings", "org/"+a.OrgID, outcomeOK, detail))
	})
	st.Version++
	return st, err
}

// totpAllowed tells whether an organisation still accepts app codes.
func (s *Service) totpAllowed(ctx context.Context, orgID string) (bool, error) {
	var st nrm.SigninSettings
	err := s.read(ctx, func(tx Tx) error {
		var err error
		st, err = tx.SigninSettings(ctx, orgID)
		return err
	})
	return st.TOTPAllowed, err
}

// CodesAllowed tells the sign-in pages whether to offer app codes to a
// user half-way through signing in.
func (s *Service) CodesAllowed(ctx context.Context, sess SessionInfo) bool {
	if !sess.User.TOTPEnabled {
		return false // set up with a passkey: no app, no recovery codes
	}
	ok, err := s.totpAllowed(ctx, sess.User.OrgID)
	return err != nil || ok // on a read failure, offer; the check itself refuses
}

var errTOTPOff = nrm.Conflict("your organisation signs in with passkeys only: authenticator-app and recovery codes are switched off")
