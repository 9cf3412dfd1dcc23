package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/nrmproject/nrm"
)

// AddressFailures returns the failed sign-ins counted for an address
// without an active account (zero when there are none).
func (tx *Tx) AddressFailures(ctx context.Context, addressHash string) (failures int, lockedUntil time.Time, err error) {
	var until int64
	err = tx.queryRow(ctx, "SELECT failures, locked_until FROM signin_failures WHERE address_hash = ?", addressHash).Scan(&failures, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, nrm.Internal(err)
	}
	return failures, fromMicros(until), nil
}

// AddressSigninFailed counts a failure of such an address and locks it until
// the given time, as SigninFailed does for an account.
func (tx *Tx) AddressSigninFailed(ctx context.Context, addressHash string, lockedUntil time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO signin_failures (address_hash, failures, locked_until, last_at) VALUES (?, 1, ?, ?)
		ON CONFLICT (address_hash) DO UPDATE SET failures = signin_failures.failures + 1,
		locked_until = excluded.locked_until, last_at = excluded.last_at`,
		addressHash, micros(lockedUntil), micros(tx.Now))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// addressFailuresKept: an address quiet this long starts again from zero.
const addressFailuresKept = 30 * 24 * time.Hour

func (tx *Tx) deleteOldAddressFailures(ctx context.Context) error {
	_, err := tx.exec(ctx, "DELETE FROM signin_failures WHERE last_at < ?", micros(tx.Now.Add(-addressFailuresKept)))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}
