package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
)

// ErrNoSnapshot: on PostgreSQL the database is backed up by pg_dump, not by nrm.
var ErrNoSnapshot = errors.New("the database is PostgreSQL: back it up with pg_dump")

// SnapshotTo writes a consistent copy of the SQLite database to path with
// VACUUM INTO, on a read-only connection: the copy is one read transaction's
// snapshot, and writers go on meanwhile (WAL). path must not exist; it is
// created mode 0600 before SQLite writes it.
func (s *Store) SnapshotTo(ctx context.Context, path string) error {
	if s.engine != SQLite {
		return ErrNoSnapshot
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	f.Close()
	// Not the read pool: its query_only pragma forbids writing even the copy.
	// A connection opened read-only may still write the file VACUUM INTO makes.
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: s.path}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}
