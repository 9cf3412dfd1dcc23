package service

// The second factor: authenticator-app codes (TOTP) and recovery codes,
// checked at sign-in and set up at enrolment.

import (
	"bytes"
	"context"
	"crypto/subtle"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// checkSecondFactor accepts a current TOTP code once, or an unused recovery code.
func (s *Service) checkSecondFactor(ctx context.Context, u nrm.UserRecord, code string, now time.Time) (bool, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) == 6 && isDigits(code) {
		if !u.TOTPEnabled || u.TOTPSecret == nil {
			return false, nil // a passkey is this user's second factor
		}
		secret, err := s.openTOTPSecret(ctx, u)
		if err != nil {
			return false, err
		}
		step, ok := matchTOTP(secret, code, now)
		if !ok {
			return false, nil
		}
		var fresh bool
		err = s.write(ctx, func(tx Tx) error {
			fresh, err = tx.UseTOTPStep(ctx, u.ID, step)
			return err
		})
		return fresh, err
	}
	var used bool
	err := s.write(ctx, func(tx Tx) error {
		var err error
		used, err = tx.UseRecoveryCode(ctx, u.ID, tokenHash(normaliseRecoveryCode(code)))
		return err
	})
	return used, err
}

// matchTOTP accepts the code of the current 30-second step or the one
// before or after (clock drift), and returns which step matched.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	step := now.Unix() / 30
	for _, d := range []int64{0, -1, 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((step+d)*30, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step + d, true
		}
	}
	return 0, false
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func normaliseRecoveryCode(c string) string {
	return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(c, "-", ""), " ", ""))
}

// Enrolment is a new TOTP secret on offer, before the user proves it.
type Enrolment struct {
	Secret string // base32, for typing into an app
	URL    string // otpauth:// URL (in the QR code)
	QRPNG  []byte
}

// BeginEnrolment makes a new secret for a session at the enrol stage and
// stores it sealed, not yet enabled.
func (s *Service) BeginEnrolment(ctx context.Context, token string) (Enrolment, error) {
	sess, err := s.Session(ctx, token)
	if err != nil {
		return Enrolment{}, err
	}
	if sess.Stage != StageEnrol {
		return Enrolment{}, nrm.Conflict("the second factor is already set up")
	}
	if allowed, err := s.totpAllowed(ctx, sess.User.OrgID); err != nil || !allowed {
		if err == nil {
			err = errTOTPOff
		}
		return Enrolment{}, err
	}
	var u nrm.UserRecord
	if err := s.read(ctx, func(tx Tx) error {
		u, err = tx.User(ctx, sess.User.ID)
		return err
	}); err != nil {
		return Enrolment{}, err
	}
	// A secret on offer but not yet proven is offered again, so reloading
	// the page does not invalidate what the user already scanned.
	var key *otp.Key
	if u.TOTPSecret != nil {
		secret, err := s.openTOTPSecret(ctx, u)
		if err != nil {
			return Enrolment{}, err
		}
		key, err = otp.NewKeyFromURL(totpURL(s.cfg.Issuer, u.Email, secret))
		if err != nil {
			return Enrolment{}, nrm.Internal(err)
		}
	} else {
		key, err = totp.Generate(totp.GenerateOpts{Issuer: s.cfg.Issuer, AccountName: sess.User.Email,
			Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return Enrolment{}, nrm.Internal(err)
		}
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, nrm.Internal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, nrm.Internal(err)
	}
	if u.TOTPSecret == nil {
		err = s.write(ctx, func(tx Tx) error {
			sealed, err := s.sealUserSecret(ctx, tx, sess.User.ID, []byte(key.Secret()))
			if err != nil {
				return err
			}
			return tx.SetTOTP(ctx, sess.User.ID, sealed, false, 0)
		})
		if err != nil {
			return Enrolment{}, err
		}
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// ConfirmEnrolment enables the second factor once the user proves a code,
// and returns ten recovery codes, shown once and stored only as hashes.
func (s *Service) ConfirmEnrolment(ctx context.Context, token, code string) (SessionInfo, []string, error) {
	sess, err := s.Session(ctx, token)
	if err != nil {
		return SessionInfo{}, nil, err
	}
	if sess.Stage != StageEnrol {
		return SessionInfo{}, nil, nrm.Conflict("the second factor is already set up")
	}
	if allowed, err := s.totpAllowed(ctx, sess.User.OrgID); err != nil || !allowed {
		if err == nil {
			err = errTOTPOff
		}
		return SessionInfo{}, nil, err
	}
	var u nrm.UserRecord
	if err := s.read(ctx, func(tx Tx) error {
		u, err = tx.User(ctx, sess.User.ID)
		return err
	}); err != nil {
		return SessionInfo{}, nil, err
	}
	if u.TOTPSecret == nil {
		return SessionInfo{}, nil, nrm.Conflict("start the set-up again")
	}
	secret, err := s.openTOTPSecret(ctx, u)
	if err != nil {
		return SessionInfo{}, nil, err
	}
	step, ok := matchTOTP(secret, strings.TrimSpace(code), s.store.Now())
	if !ok {
		return SessionInfo{}, nil, nrm.Invalid("code", "that code is not right; check the time on your phone and try the next code")
	}
	codes := make([]string, 10)
	hashes := make([]string, 10)
	for i := range codes {
		c := strings.ToLower(GeneratePassword()[:10])
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = tokenHash(normaliseRecoveryCode(codes[i]))
	}
	err = s.write(ctx, func(tx Tx) error {
		if err := tx.SetTOTP(ctx, u.ID, u.TOTPSecret, true, step); err != nil {
			return err
		}
		return tx.ReplaceRecoveryCodes(ctx, u.ID, hashes)
	})
	if err != nil {
		return SessionInfo{}, nil, err
	}
	u.TOTPEnabled = true
	info, err := s.promote(ctx, token, u)
	return info, codes, err
}

// sealUserSecret seals a user's TOTP seed under the user's own data key.
func (s *Service) sealUserSecret(ctx context.Context, tx Tx, userID string, secret []byte) ([]byte, error) {
	dk, err := s.dataKey(ctx, tx, userID, true)
	if err != nil {
		return nil, err
	}
	return dk.Seal(secret, keyring.AD("users", "totp_secret", userID)), nil
}

func (s *Service) openTOTPSecret(ctx context.Context, u nrm.UserRecord) (string, error) {
	var dk keyring.DataKey
	err := s.read(ctx, func(tx Tx) error {
		var err error
		dk, err = s.dataKey(ctx, tx, u.ID, false)
		return err
	})
	if err != nil {
		return "", err
	}
	b, err := dk.Open(u.TOTPSecret, keyring.AD("users", "totp_secret", u.ID))
	if err != nil {
		return "", nrm.Internal(err)
	}
	return string(b), nil
}

// totpURL is the otpauth:// URL an authenticator app scans.
func totpURL(issuer, account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("period", "30")
	v.Set("digits", "6")
	v.Set("algorithm", "SHA1")
	return (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}).String()
}
