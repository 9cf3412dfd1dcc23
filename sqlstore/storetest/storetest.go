// Package storetest gives tests a fresh, empty database on every engine:
// SQLite always, and PostgreSQL when NRM_TEST_POSTGRES holds a connection
// URL. Each test gets its own PostgreSQL schema, created and dropped here,
// so packages and tests run in parallel without touching each other or the
// shared database itself.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/nrmproject/nrm/sqlstore"
)

// EnvPostgres names the variable that turns the PostgreSQL half on.
const EnvPostgres = "NRM_TEST_POSTGRES"

// Engines lists the engines to test on.
func Engines() []sqlstore.Engine {
	if os.Getenv(EnvPostgres) != "" {
		return []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres}
	}
	return []sqlstore.Engine{sqlstore.SQLite}
}

// ForEachEngine runs fn as a subtest named after each engine.
func ForEachEngine(t *testing.T, fn func(t *testing.T, engine sqlstore.Engine)) {
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

// MustDSN returns the address of a new, empty database on engine, removed
// when the test ends. It fails the test when PostgreSQL is asked for and
// cannot be reached: a silent skip would hide half the suite.
func MustDSN(tb testing.TB, engine sqlstore.Engine) string {
	tb.Helper()
	switch engine {
	case sqlstore.SQLite:
		return "sqlite:" + filepath.Join(tb.TempDir(), "nrm.db")
	case sqlstore.Postgres:
		base := os.Getenv(EnvPostgres)
		if base == "" {
			tb.Fatalf("%s is not set", EnvPostgres)
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			tb.Fatalf("postgres: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		var b [6]byte
		rand.Read(b[:])
		schema := "nrm_t_" + hex.EncodeToString(b[:])
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			tb.Fatalf("postgres at %s: cannot create a test schema: %v", redact(base), err)
		}
		tb.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				tb.Errorf("postgres: dropping %s: %v", schema, err)
			}
			admin.Close()
		})
		u, err := url.Parse(base)
		if err != nil {
			tb.Fatalf("%s: %v", EnvPostgres, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	tb.Fatalf("unknown engine %q", engine)
	return ""
}

// MustOpen opens a store on a new, empty database and closes it at cleanup.
func MustOpen(tb testing.TB, engine sqlstore.Engine, opt sqlstore.Options) *sqlstore.Store {
	tb.Helper()
	s, err := sqlstore.Open(context.Background(), MustDSN(tb, engine), tb.TempDir(), opt)
	if err != nil {
		tb.Fatalf("open %s store: %v", engine, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Clock is a settable clock for tests: deadlines are tested by moving it,
// never by sleeping. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

func NewClock(t time.Time) *Clock { return &Clock{t: t} }

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
