package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// Single sign-on (OpenID Connect subjects, claim mappings, first sign-in
// requests), sign-in ceremonies, passkeys and per-organisation sign-in
// settings (migration 0017).

func (tx *Tx) UserByExternalIdentity(ctx context.Context, issuer, subject string) (UserRecord, error) {
	return tx.userWhere(ctx, "u.id = (SELECT user_id FROM oidc_identities WHERE issuer = ? AND subject = ?)", issuer, subject)
}

func (tx *Tx) LinkExternalIdentity(ctx context.Context, issuer, subject, userID string) error {
	_, err := tx.exec(ctx, "INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)",
		issuer, subject, userID, micros(tx.Now))
	if isUniqueViolation(err) {
		return nrm.Conflict("this sign-in is linked to a user already")
	}
	return ssoErr(err)
}

func ssoErr(err error) error {
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

func (tx *Tx) InsertSSOMapping(ctx context.Context, m nrm.SSOMapping) error {
	_, err := tx.exec(ctx, `INSERT INTO oidc_mappings (id, issuer, claim, value, org_id, role, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.Issuer, m.Claim, m.Value, m.OrgID, m.Role, m.CreatedBy, micros(m.CreatedAt))
	if isUniqueViolation(err) {
		return nrm.Conflict("this claim value is mapped to the organisation already")
	}
	return ssoErr(err)
}

func (tx *Tx) SSOMappings(ctx context.Context, issuer, orgID string) ([]nrm.SSOMapping, error) {
	q := "SELECT id, issuer, claim, value, org_id, role, created_by, created_at FROM oidc_mappings WHERE "
	var args []any
	var where []string
	if issuer != "" {
		where, args = append(where, "issuer = ?"), append(args, issuer)
	}
	if orgID != "" {
		where, args = append(where, "org_id = ?"), append(args, orgID)
	}
	if len(where) == 0 {
		where = []string{"1 = 1"}
	}
	return collect(tx, ctx, scanSSOMapping, q+strings.Join(where, " AND ")+" ORDER BY created_at, id", args...)
}

func (tx *Tx) DeleteSSOMapping(ctx context.Context, id, orgID string) error {
	return updated(tx.exec(ctx, "DELETE FROM oidc_mappings WHERE id = ? AND org_id = ?", id, orgID))
}

const ssoRequestColumns = "id, issuer, subject, email, name, org_id, role, mapping_id, status, created_at, decided_at, decided_by, user_id"

func scanSSOMapping(row scanner) (nrm.SSOMapping, error) {
	var m nrm.SSOMapping
	var created int64
	err := row.Scan(&m.ID, &m.Issuer, &m.Claim, &m.Value, &m.OrgID, &m.Role, &m.CreatedBy, &created)
	m.CreatedAt = fromMicros(created)
	return m, err
}

func scanSSORequest(row scanner) (nrm.SSORequest, error) {
	var r nrm.SSORequest
	var created, decided int64
	err := row.Scan(&r.ID, &r.Issuer, &r.Subject, &r.Email, &r.Name, &r.OrgID, &r.Role, &r.MappingID, &r.Status,
		&created, &decided, &r.DecidedBy, &r.UserID)
	r.CreatedAt, r.DecidedAt = fromMicros(created), fromMicros(decided)
	return r, err
}

func (tx *Tx) InsertSSORequest(ctx context.Context, r nrm.SSORequest) error {
	_, err := tx.exec(ctx, "INSERT INTO oidc_requests ("+ssoRequestColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', '')",
		r.ID, r.Issuer, r.Subject, r.Email, r.Name, r.OrgID, r.Role, r.MappingID, r.Status, micros(r.CreatedAt))
	if isUniqueViolation(err) {
		return nrm.Conflict("a request for this sign-in is waiting already")
	}
	return ssoErr(err)
}

func (tx *Tx) ssoRequestWhere(ctx context.Context, where string, args ...any) (nrm.SSORequest, error) {
	r, err := scanSSORequest(tx.queryRow(ctx, "SELECT "+ssoRequestColumns+" FROM oidc_requests WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, nrm.NotFound("sign-in request")
	}
	return r, ssoErr(err)
}

func (tx *Tx) SSORequest(ctx context.Context, id string) (nrm.SSORequest, error) {
	return tx.ssoRequestWhere(ctx, "id = ?", id)
}

func (tx *Tx) PendingSSORequest(ctx context.Context, issuer, subject string) (nrm.SSORequest, error) {
	return tx.ssoRequestWhere(ctx, "issuer = ? AND subject = ? AND status = 'pending'", issuer, subject)
}

func (tx *Tx) SSORequests(ctx context.Context, orgID, status string) ([]nrm.SSORequest, error) {
	return collect(tx, ctx, scanSSORequest, "SELECT "+ssoRequestColumns+" FROM oidc_requests WHERE org_id = ? AND status = ? ORDER BY created_at, id LIMIT 500",
		orgID, status)
}

func (tx *Tx) DecideSSORequest(ctx context.Context, r nrm.SSORequest) error {
	res, err := tx.exec(ctx, "UPDATE oidc_requests SET status = ?, decided_at = ?, decided_by = ?, user_id = ? WHERE id = ? AND status = 'pending'",
		r.Status, micros(r.DecidedAt), r.DecidedBy, r.UserID, r.ID)
	if err != nil {
		return nrm.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nrm.Conflict("this request was decided already")
	}
	return nil
}

func (tx *Tx) InsertSigninFlow(ctx context.Context, idHash, kind, userID string, data []byte) error {
	_, err := tx.exec(ctx, "INSERT INTO signin_flows (id_hash, kind, user_id, data, created_at) VALUES (?, ?, ?, ?, ?)",
		idHash, kind, userID, data, micros(tx.Now))
	return ssoErr(err)
}

func (tx *Tx) TakeSigninFlow(ctx context.Context, idHash, kind string) (string, []byte, time.Time, error) {
	var userID string
	var data []byte
	var created int64
	err := tx.queryRow(ctx, "SELECT user_id, data, created_at FROM signin_flows WHERE id_hash = ? AND kind = ?", idHash, kind).
		Scan(&userID, &data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, time.Time{}, nrm.NotFound("sign-in")
	}
	if err != nil {
		return "", nil, time.Time{}, nrm.Internal(err)
	}
	// Deleted in the same transaction: a second use finds nothing.
	if err := updated(tx.exec(ctx, "DELETE FROM signin_flows WHERE id_hash = ?", idHash)); err != nil {
		return "", nil, time.Time{}, err
	}
	return userID, data, fromMicros(created), nil
}

func (tx *Tx) DeleteSigninFlowsBefore(ctx context.Context, before time.Time) error {
	_, err := tx.exec(ctx, "DELETE FROM signin_flows WHERE created_at < ?", micros(before))
	return ssoErr(err)
}

const passkeyColumns = "id, user_id, credential, public_key, record, sign_count, transports, name, created_at, last_used_at"

func scanPasskey(row scanner) (nrm.Passkey, error) {
	var p nrm.Passkey
	var count, created, used int64
	var transports string
	err := row.Scan(&p.ID, &p.UserID, &p.Credential, &p.PublicKey, &p.Record, &count, &transports, &p.Name, &created, &used)
	p.SignCount = uint32(count)
	if transports != "" {
		p.Transports = strings.Split(transports, ",")
	}
	p.CreatedAt, p.LastUsedAt = fromMicros(created), fromMicros(used)
	return p, err
}

func (tx *Tx) InsertPasskey(ctx context.Context, p nrm.Passkey) error {
	_, err := tx.exec(ctx, "INSERT INTO passkeys ("+passkeyColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
		p.ID, p.UserID, p.Credential, p.PublicKey, p.Record, int64(p.SignCount), strings.Join(p.Transports, ","), p.Name, micros(p.CreatedAt))
	if isUniqueViolation(err) {
		return nrm.Conflict("this passkey is registered already")
	}
	return ssoErr(err)
}

func (tx *Tx) Passkeys(ctx context.Context, userID string) ([]nrm.Passkey, error) {
	return collect(tx, ctx, scanPasskey, "SELECT "+passkeyColumns+" FROM passkeys WHERE user_id = ? ORDER BY created_at, id", userID)
}

func (tx *Tx) PasskeyByCredential(ctx context.Context, credential []byte) (nrm.Passkey, error) {
	p, err := scanPasskey(tx.queryRow(ctx, "SELECT "+passkeyColumns+" FROM passkeys WHERE credential = ?", credential))
	if errors.Is(err, sql.ErrNoRows) {
		return p, nrm.NotFound("passkey")
	}
	return p, ssoErr(err)
}

func (tx *Tx) UsePasskey(ctx context.Context, id string, from, to uint32, at time.Time) error {
	res, err := tx.exec(ctx, "UPDATE passkeys SET sign_count = ?, last_used_at = ? WHERE id = ? AND sign_count = ?",
		int64(to), micros(at), id, int64(from))
	if err != nil {
		return nrm.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nrm.Conflict("the passkey was used at the same time elsewhere")
	}
	return nil
}

func (tx *Tx) DeletePasskey(ctx context.Context, id, userID string) error {
	return updated(tx.exec(ctx, "DELETE FROM passkeys WHERE id = ? AND user_id = ?", id, userID))
}

func (tx *Tx) SigninSettings(ctx context.Context, orgID string) (nrm.SigninSettings, error) {
	s := nrm.SigninSettings{OrgID: orgID, TOTPAllowed: true}
	err := tx.queryRow(ctx, "SELECT totp_allowed, version FROM org_signin_settings WHERE org_id = ?", orgID).Scan(&s.TOTPAllowed, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	return s, ssoErr(err)
}

// SetSigninSettings writes the settings at the version read (0: none yet).
func (tx *Tx) SetSigninSettings(ctx context.Context, s nrm.SigninSettings) error {
	if s.Version == 0 {
		_, err := tx.exec(ctx, "INSERT INTO org_signin_settings (org_id, totp_allowed, version) VALUES (?, ?, 1)", s.OrgID, s.TOTPAllowed)
		if isUniqueViolation(err) {
			return nrm.Conflict("the settings were changed meanwhile; reload and try again")
		}
		return ssoErr(err)
	}
	res, err := tx.exec(ctx, "UPDATE org_signin_settings SET totp_allowed = ?, version = version + 1 WHERE org_id = ? AND version = ?",
		s.TOTPAllowed, s.OrgID, s.Version)
	if err != nil {
		return nrm.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nrm.Conflict("the settings were changed meanwhile; reload and try again")
	}
	return nil
}
