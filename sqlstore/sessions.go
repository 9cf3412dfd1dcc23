package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/nrmproject/nrm"
)

func (tx *Tx) InsertSession(ctx context.Context, s Session) error {
	_, err := tx.exec(ctx, "INSERT INTO sessions (id_hash, user_id, stage, csrf, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
		s.IDHash, s.UserID, s.Stage, s.CSRF, micros(s.CreatedAt), micros(s.LastSeenAt))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// Session returns a session with its user and the user's organisation kind.
func (tx *Tx) Session(ctx context.Context, idHash string) (Session, error) {
	var s Session
	var created, seen int64
	args := []any{&s.IDHash, &s.UserID, &s.Stage, &s.CSRF, &created, &seen}
	row := tx.queryRow(ctx, "SELECT s.id_hash, s.user_id, s.stage, s.csrf, s.created_at, s.last_seen_at, "+userColumns+
		" FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id WHERE s.id_hash = ?", idHash)
	u, err := scanUser(scanPrefix{row, args})
	if errors.Is(err, sql.ErrNoRows) {
		return s, nrm.NotFound("session")
	}
	if err != nil {
		return s, nrm.Internal(err)
	}
	s.User = u
	s.CreatedAt = fromMicros(created)
	s.LastSeenAt = fromMicros(seen)
	return s, nil
}

// scanPrefix scans leading columns into dest before handing the rest on.
type scanPrefix struct {
	row  interface{ Scan(...any) error }
	dest []any
}

func (p scanPrefix) Scan(rest ...any) error {
	return p.row.Scan(append(p.dest, rest...)...)
}

func (tx *Tx) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := tx.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", micros(at), idHash)
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

func (tx *Tx) DeleteSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", idHash)
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// DeleteUserSessions signs a user out everywhere (disabled, or password changed).
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return nrm.Internal(err)
	}
	if _, err := tx.exec(ctx, "DELETE FROM api_tokens WHERE user_id = ?", userID); err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions idle since before idle or created before absolute.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?", micros(idleBefore), micros(createdBefore))
	if err != nil {
		return nrm.Internal(err)
	}
	_, err = tx.exec(ctx, "DELETE FROM api_tokens WHERE expires_at < ?", micros(tx.Now))
	if err != nil {
		return nrm.Internal(err)
	}
	return tx.deleteOldAddressFailures(ctx)
}

func (tx *Tx) InsertToken(ctx context.Context, hash, userID string, expires time.Time) error {
	_, err := tx.exec(ctx, "INSERT INTO api_tokens (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		hash, userID, micros(tx.Now), micros(expires))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// TokenUser returns the user of an unexpired token, as much of it as an
// API request needs: id, organisation and its kind, role and whether the
// user is disabled. It is the one query of every API request's
// authentication (no cache: disabling a user, which also deletes the
// tokens, refuses the next request in every process), so it reads three
// rows by primary key and leaves the secrets (password hash, TOTP seed)
// where they are.
func (tx *Tx) TokenUser(ctx context.Context, hash string) (UserRecord, error) {
	var u UserRecord
	err := tx.queryRow(ctx, `SELECT u.id, u.org_id, u.role, u.disabled, o.kind FROM api_tokens t
		JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id
		WHERE t.hash = ? AND t.expires_at > ?`, hash, micros(tx.Now)).Scan(&u.ID, &u.OrgID, &u.Role, &u.Disabled, &u.OrgKind)
	if errors.Is(err, sql.ErrNoRows) {
		return u, nrm.NotFound("user")
	}
	if err != nil {
		return u, nrm.Internal(err)
	}
	return u, nil
}
