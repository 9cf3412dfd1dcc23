package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// Session stages: a password alone never gives a full session.
const (
	StagePassword = "password" // password right; the TOTP code is still due
	StageEnrol    = "enrol"    // password right; the second factor must be set up first
	StageFull     = "full"
)

// stageTimeout bounds how long a half-finished sign-in may wait.
const stageTimeout = 10 * time.Minute

var errSignin = &nrm.Error{Code: nrm.CodeUnauthorized,
	Message: "Sign-in failed. Check your e-mail address and password. After repeated failures, sign-in pauses for a few minutes."}

var errThrottled = &nrm.Error{Code: nrm.CodeThrottled, Message: "Too many failed sign-ins from your address. Wait a few minutes and try again."}

// tokenHash is how session ids, API tokens and recovery codes are stored.
func tokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// SessionInfo is what the web layer needs about a session.
type SessionInfo struct {
	Token string // the secret, for the cookie; set only when the session is new
	Stage string
	CSRF  string
	User  nrm.User
	Actor nrm.Actor
}

// SignIn checks an e-mail address and password. On success it starts a
// session at the password stage (or the enrol stage, for a user without a
// second factor); the TOTP code completes it. The error never says whether
// the address exists.
func (s *Service) SignIn(ctx context.Context, email, password, clientAddr string) (SessionInfo, error) {
	now := s.store.Now()
	if s.throttle.blocked(clientAddr, now) {
		return SessionInfo{}, errThrottled
	}
	email = strings.ToLower(strings.TrimSpace(email))
	// An unknown address and a wrong password do the same work (the same
	// reads, one argon2id hash with the same parameters, one write, one audit
	// entry): an address without an active account has its failures counted
	// and locked by keyed hash, as an account has.
	address := s.keys.AuditHash(email)
	var u nrm.UserRecord
	var userErr error
	var failures int
	var lockedUntil time.Time
	err := s.read(ctx, func(tx Tx) error {
		u, userErr = tx.UserByEmail(ctx, email)
		if userErr != nil && nrm.ErrorCode(userErr) != nrm.CodeNotFound {
			return userErr
		}
		var err error
		failures, lockedUntil, err = tx.AddressFailures(ctx, address)
		return err
	})
	if err != nil {
		return SessionInfo{}, err
	}
	known := userErr == nil && !u.Disabled
	hash := dummyHash
	if known {
		hash, failures, lockedUntil = u.PasswordHash, u.FailedSignins, u.LockedUntil
	}
	locked := now.Before(lockedUntil)
	if locked {
		hash = dummyHash // locked: no password check to learn from
	}
	ok, err := s.checkPassword(hash, password)
	if err != nil {
		return SessionInfo{}, nrm.Internal(err)
	}
	actor, who := nrm.Actor{}, email
	if known {
		actor, who = actorOf(u), ""
	}
	if !known || locked || !ok {
		s.throttle.fail(clientAddr, now)
		if locked {
			s.signinEvent(ctx, actor, who, "signin.password", outcomeDenied, "locked after repeated failures")
			return SessionInfo{}, errSignin
		}
		if err := s.write(ctx, func(tx Tx) error {
			if known {
				return tx.SigninFailed(ctx, u.ID, now.Add(lockFor(failures+1)))
			}
			return tx.AddressSigninFailed(ctx, address, now.Add(lockFor(failures+1)))
		}); err != nil {
			return SessionInfo{}, err
		}
		detail := "wrong password"
		if !known {
			detail = "unknown or disabled account"
		}
		s.signinEvent(ctx, actor, who, "signin.password", outcomeFailed, detail)
		return SessionInfo{}, errSignin
	}
	stage := StagePassword
	if !u.TOTPEnabled {
		stage = StageEnrol
		// A passkey is a second factor too (service/passkeys.go).
		if has, err := s.hasPasskey(ctx, u.ID); err != nil {
			return SessionInfo{}, err
		} else if has {
			stage = StagePassword
		}
	}
	if err := s.signinEvent(ctx, actorOf(u), "", "signin.password", outcomeOK, "second factor due"); err != nil {
		return SessionInfo{}, err
	}
	return s.newSession(ctx, u, stage)
}

func (s *Service) newSession(ctx context.Context, u nrm.UserRecord, stage string) (SessionInfo, error) {
	token := randomSecret(32)
	info := SessionInfo{Token: token, Stage: stage, CSRF: randomSecret(32), User: u.User, Actor: actorOf(u)}
	err := s.write(ctx, func(tx Tx) error {
		return tx.InsertSession(ctx, nrm.SessionRecord{IDHash: tokenHash(token), UserID: u.ID, Stage: stage,
			CSRF: info.CSRF, CreatedAt: tx.Time(), LastSeenAt: tx.Time()})
	})
	return info, err
}

func actorOf(u nrm.UserRecord) nrm.Actor {
	return nrm.Actor{UserID: u.ID, OrgID: u.OrgID, OrgKind: u.OrgKind, Role: u.Role}
}

// Session looks up a session by its secret and enforces the idle and
// absolute timeouts and the user's status. It refreshes the idle clock at
// most once a minute, so that page views are not all writes.
func (s *Service) Session(ctx context.Context, token string) (SessionInfo, error) {
	if token == "" {
		return SessionInfo{}, nrm.Unauthorized("sign-in required")
	}
	hash := tokenHash(token)
	var sess nrm.SessionRecord
	err := s.store.ReadOne(ctx, func(tx Tx) error {
		var err error
		sess, err = tx.Session(ctx, hash)
		return err
	})
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return SessionInfo{}, nrm.Unauthorized("your session has ended; sign in again")
	}
	if err != nil {
		return SessionInfo{}, err
	}
	now := s.store.Now()
	expired := now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle || now.Sub(sess.CreatedAt) > s.cfg.SessionAbsolute ||
		(sess.Stage != StageFull && now.Sub(sess.CreatedAt) > stageTimeout) || sess.User.Disabled
	if expired {
		s.write(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, hash) })
		return SessionInfo{}, nrm.Unauthorized("your session has ended; sign in again")
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.write(ctx, func(tx Tx) error { return tx.TouchSession(ctx, hash, now) }); err != nil {
			return SessionInfo{}, err
		}
	}
	return SessionInfo{Stage: sess.Stage, CSRF: sess.CSRF, User: sess.User.User, Actor: actorOf(sess.User)}, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.write(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, tokenHash(token)) })
}

// totpOpts are the RFC 6238 defaults that every authenticator app supports.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// CompleteSignIn checks the TOTP code (or a recovery code) of a session at
// the password stage and replaces it with a full session under a new
// secret (session fixation cannot carry over).
func (s *Service) CompleteSignIn(ctx context.Context, token, code, clientAddr string) (SessionInfo, error) {
	sess, err := s.Session(ctx, token)
	if err != nil {
		return SessionInfo{}, err
	}
	if sess.Stage != StagePassword {
		return SessionInfo{}, nrm.Conflict("this sign-in does not wait for a code")
	}
	now := s.store.Now()
	if s.throttle.blocked(clientAddr, now) {
		return SessionInfo{}, errThrottled
	}
	var u nrm.UserRecord
	if err := s.read(ctx, func(tx Tx) error {
		u, err = tx.User(ctx, sess.User.ID)
		return err
	}); err != nil {
		return SessionInfo{}, err
	}
	if now.Before(u.LockedUntil) {
		return SessionInfo{}, errSignin
	}
	if allowed, err := s.totpAllowed(ctx, u.OrgID); err != nil || !allowed {
		if err == nil {
			s.signinEvent(ctx, actorOf(u), "", "signin.second-factor", outcomeDenied, "codes switched off for the organisation")
			err = errTOTPOff
		}
		return SessionInfo{}, err
	}
	ok, err := s.checkSecondFactor(ctx, u, code, now)
	if err != nil {
		return SessionInfo{}, err
	}
	if !ok {
		s.throttle.fail(clientAddr, now)
		if err := s.write(ctx, func(tx Tx) error {
			return tx.SigninFailed(ctx, u.ID, now.Add(lockFor(u.FailedSignins+1)))
		}); err != nil {
			return SessionInfo{}, err
		}
		s.signinEvent(ctx, actorOf(u), "", "signin.second-factor", outcomeFailed, "wrong or reused code")
		return SessionInfo{}, nrm.Invalid("code", "that code is not right, or was used already")
	}
	return s.promote(ctx, token, u)
}

// promote swaps a half session for a full one under a new secret.
func (s *Service) promote(ctx context.Context, oldToken string, u nrm.UserRecord) (SessionInfo, error) {
	newToken := randomSecret(32)
	info := SessionInfo{Token: newToken, Stage: StageFull, CSRF: randomSecret(32), User: u.User, Actor: actorOf(u)}
	err := s.write(ctx, func(tx Tx) error {
		if err := tx.DeleteSession(ctx, tokenHash(oldToken)); err != nil {
			return err
		}
		if err := tx.SigninSucceeded(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, nrm.SessionRecord{IDHash: tokenHash(newToken), UserID: u.ID, Stage: StageFull,
			CSRF: info.CSRF, CreatedAt: tx.Time(), LastSeenAt: tx.Time()}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(nrm.WithActor(ctx, info.Actor), "signin.second-factor", "user/"+u.ID, outcomeOK, "signed in"))
	})
	if err != nil {
		return SessionInfo{}, err
	}
	return info, nil
}

// dataKey unwraps the data key with the given id, creating it when create is set.
func (s *Service) dataKey(ctx context.Context, tx Tx, id string, create bool) (keyring.DataKey, error) {
	stored, err := tx.DataKey(ctx, id)
	if nrm.ErrorCode(err) == nrm.CodeNotFound && create {
		return s.newDataKey(ctx, tx, id)
	}
	if err != nil {
		return keyring.DataKey{}, err
	}
	if stored.Wrapped == nil {
		return keyring.DataKey{}, errErased
	}
	return s.unwrap(id, stored.Wrapped)
}

// unwrap opens a wrapped data key.
func (s *Service) unwrap(id string, wrapped []byte) (keyring.DataKey, error) {
	dk, err := s.keys.Unwrap(wrapped, keyring.AD("data_keys", "wrapped", id))
	if errors.Is(err, keyring.ErrUnknownKeyVersion) && s.keys.Reload() == nil {
		// Another process rotated the keys: pick up the new version.
		dk, err = s.keys.Unwrap(wrapped, keyring.AD("data_keys", "wrapped", id))
	}
	if err != nil {
		return keyring.DataKey{}, nrm.Internal(fmt.Errorf("data key %s: %w", id, err))
	}
	return dk, nil
}

var errErased = errors.New("the data key was destroyed")

func (s *Service) newDataKey(ctx context.Context, tx Tx, id string) (keyring.DataKey, error) {
	dk, err := keyring.NewDataKey()
	if err != nil {
		return dk, nrm.Internal(err)
	}
	wrapped, err := s.keys.Wrap(dk, keyring.AD("data_keys", "wrapped", id))
	if err != nil {
		return dk, nrm.Internal(err)
	}
	version, _ := keyring.WrappedVersion(wrapped)
	return dk, tx.InsertDataKey(ctx, nrm.DataKeyRecord{ID: id, Wrapped: wrapped, KEKVersion: version})
}

// CreateToken issues an API bearer token for a user (operator only). The
// token is returned once; only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, email string, ttl time.Duration) (string, error) {
	if err := system(ctx); err != nil {
		return "", err
	}
	if ttl <= 0 || ttl > 366*24*time.Hour {
		return "", nrm.Invalid("ttl", "a duration between 1s and 8784h is required")
	}
	addr, err := nrm.ParseEmail("email", email)
	if err != nil {
		return "", err
	}
	token := "nrm_" + randomSecret(32)
	err = s.write(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(ctx, addr)
		if nrm.ErrorCode(err) == nrm.CodeNotFound {
			return nrm.Invalid("email", "no user with this e-mail address")
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return nrm.Invalid("email", "this user is disabled")
		}
		if err := tx.InsertToken(ctx, tokenHash(token), u.ID, tx.Time().Add(ttl)); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "token.create", "user/"+u.ID, outcomeOK, "ttl "+ttl.String()))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// TokenActor resolves an API bearer token to its user, with a query: the
// request is authenticated by the database as it is now.
func (s *Service) TokenActor(ctx context.Context, token string) (nrm.Actor, error) {
	if !validTokenShape(token) {
		return nrm.Actor{}, errTokenInvalid
	}
	return s.tokenActor(ctx, tokenHash(token))
}

func validTokenShape(token string) bool {
	return strings.HasPrefix(token, "nrm_") && len(token) <= 100
}

func (s *Service) tokenActor(ctx context.Context, hash string) (nrm.Actor, error) {
	var u nrm.UserRecord
	err := s.store.ReadOne(ctx, func(tx Tx) error {
		var err error
		u, err = tx.TokenUser(ctx, hash)
		return err
	})
	if nrm.ErrorCode(err) == nrm.CodeNotFound || err == nil && u.Disabled {
		return nrm.Actor{}, errTokenInvalid
	}
	if err != nil {
		return nrm.Actor{}, err
	}
	return actorOf(u), nil
}

// signinEvent records a sign-in attempt in the audit log (and the log, without
// personal data). An unknown address is recorded as a keyed hash.
func (s *Service) signinEvent(ctx context.Context, a nrm.Actor, email, action, outcome, detail string) error {
	object := ""
	if a.UserID != "" {
		object = "user/" + a.UserID
	} else if email != "" {
		detail += "; address " + s.keys.AuditHash(strings.ToLower(strings.TrimSpace(email)))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "sign-in", slog.String("request_id", nrm.RequestID(ctx)),
		slog.String("user", a.UserID), slog.String("step", action), slog.String("outcome", outcome))
	err := s.recordRead(ctx, s.entry(nrm.WithActor(ctx, a), action, object, outcome, detail))
	if err != nil {
		s.log.ErrorContext(ctx, "audit: recording a sign-in failed", "error", err)
	}
	return err
}
