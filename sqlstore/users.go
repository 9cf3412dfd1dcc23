package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

const userColumns = `u.id, u.org_id, u.email, u.name, u.role, u.disabled, u.totp_enabled, u.created_at, u.version,
	o.kind, u.password_hash, u.totp_secret, u.totp_last_step, u.failed_signins, u.locked_until, u.lang`

func scanUser(row interface{ Scan(...any) error }) (UserRecord, error) {
	var u UserRecord
	var created, locked int64
	err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Disabled, &u.TOTPEnabled, &created, &u.Version,
		&u.OrgKind, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &u.FailedSignins, &locked, &u.Lang)
	u.CreatedAt = fromMicros(created)
	u.LockedUntil = fromMicros(locked)
	return u, err
}

func (tx *Tx) InsertUser(ctx context.Context, u UserRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO users (id, org_id, email, name, role, password_hash, created_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, u.ID, u.OrgID, u.Email, u.Name, u.Role, u.PasswordHash, micros(u.CreatedAt))
	if err != nil {
		if isUniqueViolation(err) {
			return nrm.Invalid("email", "a user with this e-mail address already exists")
		}
		return nrm.Internal(err)
	}
	return nil
}

func (tx *Tx) userWhere(ctx context.Context, where string, args ...any) (UserRecord, error) {
	u, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+" FROM users u JOIN organisations o ON o.id = u.org_id WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, nrm.NotFound("user")
	}
	if err != nil {
		return u, nrm.Internal(err)
	}
	return u, nil
}

func (tx *Tx) User(ctx context.Context, id string) (UserRecord, error) {
	return tx.userWhere(ctx, "u.id = ?", id)
}

func (tx *Tx) UserByEmail(ctx context.Context, email string) (UserRecord, error) {
	return tx.userWhere(ctx, "u.email = ?", strings.ToLower(email))
}

// Users lists an organisation's users, or everyone's when orgID is "".
func (tx *Tx) Users(ctx context.Context, orgID string) ([]nrm.User, error) {
	q := "SELECT " + userColumns + " FROM users u JOIN organisations o ON o.id = u.org_id"
	var args []any
	if orgID != "" {
		q += " WHERE u.org_id = ?"
		args = append(args, orgID)
	}
	rows, err := tx.query(ctx, q+" ORDER BY u.name, u.id", args...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []nrm.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, nrm.Internal(err)
		}
		out = append(out, u.User)
	}
	return out, rowsErr(rows)
}

// UpdateUser saves name, role and disabled if the version still matches.
func (tx *Tx) UpdateUser(ctx context.Context, u nrm.User) error {
	return updated(tx.exec(ctx, "UPDATE users SET name = ?, role = ?, disabled = ?, version = version + 1 WHERE id = ? AND version = ?",
		u.Name, u.Role, u.Disabled, u.ID, u.Version))
}

func (tx *Tx) SetPassword(ctx context.Context, userID, hash string) error {
	return updated(tx.exec(ctx, "UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?", hash, userID))
}

// SetTOTP stores a sealed seed; enabled is set once the user proves a code.
func (tx *Tx) SetTOTP(ctx context.Context, userID string, sealed []byte, enabled bool, step int64) error {
	return updated(tx.exec(ctx, "UPDATE users SET totp_secret = ?, totp_enabled = ?, totp_last_step = ?, version = version + 1 WHERE id = ?",
		sealed, enabled, step, userID))
}

// UseTOTPStep records that the code of a time step was used. It fails when
// that step (or a later one) was used already, so each code works once, even
// when two requests race.
func (tx *Tx) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, userID, step)
	if err != nil {
		return false, nrm.Internal(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SigninFailed counts a failure and locks the account until the given time.
func (tx *Tx) SigninFailed(ctx context.Context, userID string, lockedUntil time.Time) error {
	_, err := tx.exec(ctx, "UPDATE users SET failed_signins = failed_signins + 1, locked_until = ? WHERE id = ?",
		micros(lockedUntil), userID)
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

func (tx *Tx) SigninSucceeded(ctx context.Context, userID string) error {
	_, err := tx.exec(ctx, "UPDATE users SET failed_signins = 0, locked_until = 0 WHERE id = ?", userID)
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// ReplaceRecoveryCodes stores new hashed codes and forgets the old ones.
func (tx *Tx) ReplaceRecoveryCodes(ctx context.Context, userID string, hashes []string) error {
	if _, err := tx.exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
		return nrm.Internal(err)
	}
	for _, h := range hashes {
		if _, err := tx.exec(ctx, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", userID, h); err != nil {
			return nrm.Internal(err)
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code used; false when there is none.
func (tx *Tx) UseRecoveryCode(ctx context.Context, userID, hash string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = 0",
		micros(tx.Now), userID, hash)
	if err != nil {
		return false, nrm.Internal(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (tx *Tx) UnusedRecoveryCodes(ctx context.Context, userID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at = 0", userID).Scan(&n)
	if err != nil {
		return 0, nrm.Internal(err)
	}
	return n, nil
}

func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// SetUserLang records the language a user chose for the pages.
func (tx *Tx) SetUserLang(ctx context.Context, userID, lang string) error {
	return updated(tx.exec(ctx, "UPDATE users SET lang = ? WHERE id = ?", lang, userID))
}
