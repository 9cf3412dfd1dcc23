// Package sqlstore keeps nrm's records in SQLite (embedded, the default) or
// PostgreSQL, behind one set of queries. Queries are written with "?"
// placeholders and rebound for PostgreSQL. Updates use a version column
// (optimistic concurrency), so several nrm processes on one PostgreSQL
// database never lose an update.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/nrmproject/nrm"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Engine names which database a store runs on.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	engine Engine
	write  *sql.DB // SQLite: one connection, BEGIN IMMEDIATE; PostgreSQL: the pool
	read   *sql.DB // SQLite: a pool of read-only connections; PostgreSQL: the same pool
	now    func() time.Time
	path   string // SQLite database file

	mu      sync.Mutex
	rebound map[string]string

	readers *readers // the read connections, owned (readers.go)
	writer  *readers // SQLite: the write connection, owned (readers.go)
	readTx  bool     // reads need BEGIN and COMMIT for one snapshot (readers.go)

	closed bool // Close has begun: connections given back are closed
}

// Options tune a store. The zero value is fine.
type Options struct {
	// Now is the clock; tests inject one so that deadlines never need sleeping.
	Now func() time.Time
	// ReadConns bounds SQLite's read pool (default 8).
	ReadConns int
}

// Open connects to dsn, or to dataDir/nrm.db when dsn is empty, and runs
// the migrations that are missing.
func Open(ctx context.Context, dsn, dataDir string, opt Options) (*Store, error) {
	s := &Store{now: opt.Now, rebound: map[string]string{}}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.engine = Postgres
		if err := s.openPostgres(dsn); err != nil {
			return nil, err
		}
	case dsn == "" || strings.HasPrefix(dsn, "sqlite:") || strings.HasPrefix(dsn, "file:"):
		s.engine = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if path == "" {
			path = filepath.Join(dataDir, "nrm.db")
		}
		s.path = path
		if err := s.openSQLite(path, opt.ReadConns); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unsupported database URL: use postgres://... or leave it empty for SQLite")
	}
	if err := s.ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.engine == Postgres {
		var iso string
		if err := s.read.QueryRowContext(ctx, "SHOW default_transaction_isolation").Scan(&iso); err != nil {
			s.Close()
			return nil, fmt.Errorf("postgres: %w", err)
		}
		s.readTx = iso != "read committed"
	}
	return s, nil
}

// pgConns bounds each of PostgreSQL's two pools, the writers' and the
// readers' (the readers' has two more, for Ping and the audit snapshot).
const pgConns = 16

func (s *Store) openPostgres(dsn string) error {
	var err error
	s.write, err = sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	s.write.SetMaxOpenConns(pgConns)
	s.write.SetMaxIdleConns(pgConns)
	s.write.SetConnMaxIdleTime(5 * time.Minute)
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	s.read, err = sql.Open("pgx", u.String())
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	s.readers = newReaders(s.read, pgConns, "BEGIN")
	s.read.SetMaxOpenConns(pgConns + 2)
	s.read.SetMaxIdleConns(pgConns + 2)
	s.read.SetConnMaxIdleTime(5 * time.Minute)
	return nil
}

// sqlitePragmas apply to every connection: WAL so readers never block the
// writer, a busy timeout instead of instant "database is locked", foreign
// keys, full sync so that a committed audit entry survives a power cut, and
// secure_delete so that erased data is overwritten, not left in free pages.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)&_pragma=secure_delete(1)&_pragma=temp_store(MEMORY)"

func (s *Store) openSQLite(path string, readConns int) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
	}
	// Create the file 0600 before SQLite does, so it is never world-readable.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	f.Close()
	u := "file:" + (&url.URL{Path: path}).EscapedPath() + "?"
	s.write, err = sql.Open("sqlite", u+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	// One writer: SQLite serialises writes anyway, and one connection turns
	// lock contention into a queue in Go instead of busy retries.
	s.write.SetMaxOpenConns(1)
	s.write.SetConnMaxLifetime(0)
	s.read, err = sql.Open("sqlite", u+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if readConns <= 0 {
		readConns = 8
	}
	// Reads hold readConns connections of this pool (readers.go); the two
	// more are for Ping and the audit log's snapshot.
	s.readers = newReaders(s.read, readConns, "BEGIN")
	s.writer = newReaders(s.write, 1, "BEGIN IMMEDIATE")
	s.readTx = true
	s.read.SetMaxOpenConns(readConns + 2)
	s.read.SetMaxIdleConns(readConns + 2)
	s.read.SetConnMaxLifetime(0)
	return nil
}

func (s *Store) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: cannot reach the database: %w", s.engine, err)
	}
	return nil
}

// Ping reports whether the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (s *Store) Engine() Engine { return s.engine }

// Path is the SQLite database file, or "" on PostgreSQL.
func (s *Store) Path() string { return s.path }

func (s *Store) Close() error {
	var errs []error
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.closeReaders()
	if s.read != nil && s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Tx is one transaction. Now is fixed when it begins, so every row it
// writes carries the same time and deadlines computed inside agree.
type Tx struct {
	tx       querier
	db       *sql.DB
	s        *Store
	Now      time.Time
	eventSeq map[string]int64 // the last timeline number written, by case
	rd       *reader          // reads: the owned connection (readers.go)
}

// querier is a *sql.Tx, or a reader's *sql.Conn (readers.go).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Write runs fn in a read-write transaction and commits when fn returns nil.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	if s.engine == SQLite {
		return s.writeSQLite(ctx, fn)
	}
	return s.run(ctx, s.write, false, fn)
}

// Read runs fn as one read-only read: on SQLite in a transaction (one
// snapshot); on PostgreSQL on a read-only session, under its default
// isolation (readers.go).
func (s *Store) Read(ctx context.Context, fn func(*Tx) error) error {
	return s.readOwned(ctx, true, fn)
}

// ReadOne runs fn, which must issue a single statement, without a
// transaction: one statement is consistent by itself, and the hottest
// lookups (a token, a session) then cost no BEGIN and COMMIT.
func (s *Store) ReadOne(ctx context.Context, fn func(*Tx) error) error {
	return s.readOwned(ctx, false, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, readOnly bool, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: readOnly && s.engine == Postgres}
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return nrm.Internal(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{tx: sqlTx, db: db, s: s, Now: s.now().UTC().Truncate(time.Microsecond)}
	defer func() {
		if r := recover(); r != nil {
			sqlTx.Rollback() // release the connection; then let the panic go on
			panic(r)
		}
	}()
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return nrm.Internal(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// rebind turns "?" placeholders into "$1", "$2"... for PostgreSQL.
func (s *Store) rebind(q string) string {
	if s.engine != Postgres {
		return q
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.rebound[q]; ok {
		return r
	}
	var b strings.Builder
	n := 0
	inString := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inString = !inString
		}
		if c == '?' && !inString {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	s.rebound[q] = b.String()
	return s.rebound[q]
}

// On SQLite, parsing a statement costs more than running it, and the
// driver prepares anew on every call; so each statement is prepared once
// on each of the connections the store owns and reused (readers.go).
// PostgreSQL's driver caches prepared statements itself.
func (tx *Tx) stmt(q string) *sql.Stmt {
	if tx.rd == nil {
		return nil
	}
	return tx.rd.stmt(q)
}

// maxStmts bounds the prepared statements kept per connection (queries
// built from filters vary).
const maxStmts = 512

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if tx.rd != nil {
		ctx = noCancel
	}
	if tx.s.engine == SQLite {
		if st := tx.stmt(q); st != nil {
			return st.ExecContext(ctx, args...)
		}
	}
	return tx.tx.ExecContext(ctx, tx.s.rebind(q), args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if tx.rd != nil {
		ctx = noCancel
	}
	if tx.s.engine == SQLite {
		if st := tx.stmt(q); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return tx.tx.QueryContext(ctx, tx.s.rebind(q), args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if tx.rd != nil {
		ctx = noCancel
	}
	if tx.s.engine == SQLite {
		if st := tx.stmt(q); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return tx.tx.QueryRowContext(ctx, tx.s.rebind(q), args...)
}

// updated checks an optimistic-concurrency update: no row means someone
// else changed (or removed) the record since it was read.
func updated(res sql.Result, err error) error {
	if err != nil {
		return nrm.Internal(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nrm.Internal(err)
	}
	if n == 0 {
		return nrm.ErrStale
	}
	return nil
}

// micros stores times as integer microseconds since 1970 in both engines.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

func (s *Store) migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(files)
	return s.Write(ctx, func(tx *Tx) error {
		if s.engine == Postgres {
			// Two processes starting at once must not both migrate.
			if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(7215001)"); err != nil {
				return fmt.Errorf("migrate: lock: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		applied := map[int]bool{}
		rows, err := tx.query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
		}
		rows.Close()
		for _, f := range files {
			name := strings.TrimPrefix(f, "migrations/")
			v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migrate: bad file name %s", name)
			}
			if applied[v] {
				continue
			}
			body, err := migrations.ReadFile(f)
			if err != nil {
				return err
			}
			for i, stmt := range splitStatements(s.dialectSQL(string(body))) {
				if _, err := tx.exec(ctx, stmt); err != nil {
					return fmt.Errorf("migrate %s, statement %d: %w", name, i+1, err)
				}
			}
			if data := dataMigrations[v]; data != nil {
				if err := data(ctx, tx); err != nil {
					return fmt.Errorf("migrate %s, data: %w", name, err)
				}
			}
			if _, err := tx.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				v, name, micros(tx.Now)); err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
		}
		return nil
	})
}

// dialectSQL adapts the few type names that differ.
func (s *Store) dialectSQL(q string) string {
	if s.engine == Postgres {
		return strings.ReplaceAll(q, " BLOB", " BYTEA")
	}
	return q
}

// splitStatements splits a migration at semicolons that end a line.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "--") || trim == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trim, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}

// Checkpoint folds SQLite's write-ahead log back into the database and
// truncates it, so that overwritten (erased) pages do not linger in the WAL.
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.engine != SQLite {
		return nil
	}
	// On the write connection, which the store owns (readers.go).
	return s.runOwned(ctx, s.writer, false, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		return err
	})
}

// Time is the transaction's fixed "now" (the service reads it through its
// interface of the store).
func (tx *Tx) Time() time.Time { return tx.Now }
