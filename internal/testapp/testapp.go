// Package testapp builds the whole of nrm for end-to-end tests: a real store
// (SQLite or PostgreSQL), real keys, the service, and the HTTP handler served
// on a loopback port. Fixtures are written as code: MustOrg, MustUser...
package testapp

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/internal/wire"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/server"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// Start is the default date of test clocks: a Friday.
var Start = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// App is one running nrm.
type App struct {
	Engine  sqlstore.Engine
	DSN     string
	DataDir string
	Store   *sqlstore.Store
	Keys    *keyring.Keyring
	Svc     *service.Service
	Clock   *storetest.Clock
	Server  *httptest.Server
	URL     string
	logw    *lockedWriter
}

// New starts nrm on engine with a test clock.
func New(tb testing.TB, engine sqlstore.Engine) *App {
	tb.Helper()
	return NewWith(tb, engine, service.Config{})
}

// NewWith starts nrm with a service configuration (a jurisdiction profile...).
func NewWith(tb testing.TB, engine sqlstore.Engine, cfg service.Config) *App {
	tb.Helper()
	return NewWithPages(tb, engine, cfg, web.Options{})
}

// NewWithPages starts nrm with a service configuration and page options (a time zone...).
func NewWithPages(tb testing.TB, engine sqlstore.Engine, cfg service.Config, pages web.Options) *App {
	tb.Helper()
	return NewOn(tb, engine, cfg, pages, nil)
}

// NewOn starts nrm on a listener the test opened first (nil: a new loopback
// port), so that configuration naming the app's own address (a provider's
// redirect, a passkey's origin) can be built before the app.
func NewOn(tb testing.TB, engine sqlstore.Engine, cfg service.Config, pages web.Options, ln net.Listener) *App {
	tb.Helper()
	a := &App{Engine: engine, DataDir: tb.TempDir(), Clock: storetest.NewClock(Start), logw: &lockedWriter{w: &bytes.Buffer{}}}
	var err error
	a.Keys, err = keyring.Open(filepath.Join(a.DataDir, "keys"), "")
	if err != nil {
		tb.Fatal(err)
	}
	a.DSN = storetest.MustDSN(tb, engine)
	a.Store, err = sqlstore.Open(context.Background(), a.DSN, a.DataDir, sqlstore.Options{Now: a.Clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	if cfg.Exchange.Keys == nil {
		if cfg.Exchange.Keys, err = exchange.LoadOrCreateKeys(filepath.Join(a.DataDir, "keys")); err != nil {
			tb.Fatal(err)
		}
	}
	log := slog.New(slog.NewJSONHandler(a.logw, nil))
	a.Svc, err = wire.Service(a.Store, a.Keys, log, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	h := server.New(a.Svc, log, func(ctx context.Context) error { return a.Store.Ping(ctx) }, pages)
	if ln != nil {
		a.Server = httptest.NewUnstartedServer(h)
		a.Server.Listener.Close()
		a.Server.Listener = ln
		a.Server.Start()
	} else {
		a.Server = httptest.NewServer(h)
	}
	a.URL = a.Server.URL
	tb.Cleanup(func() {
		a.Server.Close()
		a.Svc.Close()
		a.Store.Close()
	})
	return a
}

// System is the operator's context.
func System() context.Context { return nrm.WithActor(context.Background(), nrm.SystemActor) }

// As is a user's context.
func As(a nrm.Actor) context.Context { return nrm.WithActor(context.Background(), a) }

// MustOrg adds an organisation of the given kind.
func (a *App) MustOrg(tb testing.TB, kind nrm.OrgKind) nrm.Organisation {
	tb.Helper()
	o, err := a.Svc.CreateOrg(System(), nrm.OrgInput{Name: "Test " + string(kind) + " " + nrm.NewID()[:8], Kind: string(kind), Country: "GB"})
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// User is a fixture user with what tests need to act as them.
type User struct {
	nrm.User
	Actor    nrm.Actor
	Password string
}

// MustUser adds a user with a known password.
func (a *App) MustUser(tb testing.TB, org nrm.Organisation, role nrm.Role) User {
	tb.Helper()
	const password = "correct horse battery staple"
	u, _, err := a.Svc.CreateUser(System(), nrm.UserInput{Email: "u" + nrm.NewID()[:12] + "@example.org",
		Name: "Test " + string(role), OrgID: org.ID, Role: string(role)}, password)
	if err != nil {
		tb.Fatal(err)
	}
	return User{User: u, Password: password, Actor: nrm.Actor{UserID: u.ID, OrgID: org.ID, OrgKind: org.Kind, Role: u.Role}}
}

// MustToken issues an API token for u, valid for 180 days of the test
// clock (tests move the clock by weeks).
func (a *App) MustToken(tb testing.TB, u User) string {
	tb.Helper()
	t, err := a.Svc.CreateToken(System(), u.Email, 180*24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// Response is an API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Response) JSON(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		tb.Fatalf("status %d, body not JSON: %v\n%s", r.Status, err, r.Body)
	}
	return m
}

// Do sends an API request with a bearer token; body may be nil, a string or a value to encode.
func (a *App) Do(tb testing.TB, method, path, token string, body any) Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := a.Server.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// CaseBody is a valid case for POST /api/v1/cases.
func CaseBody(given, family, dob string) map[string]any {
	return map[string]any{
		"person": map[string]any{"given_name": given, "family_name": family, "date_of_birth": dob,
			"sex": "female", "citizenship": []string{"MD"}},
		"encounter":          map[string]any{"date": "2026-11-20", "place": "Bristol", "country": "GB"},
		"exploitation_types": []string{"forced-labour"},
	}
}

// MustCase creates a case through the API and returns its id.
func (a *App) MustCase(tb testing.TB, token string, body any) string {
	tb.Helper()
	r := a.Do(tb, "POST", "/api/v1/cases", token, body)
	if r.Status != http.StatusCreated {
		tb.Fatalf("create case: %d %s", r.Status, r.Body)
	}
	return r.JSON(tb)["id"].(string)
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Logs returns what nrm has logged so far.
func (a *App) Logs() string {
	a.logw.mu.Lock()
	defer a.logw.mu.Unlock()
	return a.logw.w.String()
}

// MustExec runs SQL on the app's database behind the store's back: tests
// use it to tamper with what is stored.
func (a *App) MustExec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	db := a.RawDB(tb)
	if a.Engine == sqlstore.Postgres {
		query = rebind(query)
	}
	if _, err := db.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

// RawDB opens the app's database directly (closed at cleanup).
func (a *App) RawDB(tb testing.TB) *sql.DB {
	tb.Helper()
	driver, dsn := "sqlite", strings.TrimPrefix(a.DSN, "sqlite:")
	if a.Engine == sqlstore.Postgres {
		driver, dsn = "pgx", a.DSN
	} else {
		dsn = "file:" + dsn + "?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func rebind(q string) string {
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// MustShare shares a case with another organisation the way an adult's
// case is shared: consent to that organisation within scope, a referral
// resting on it, and its acceptance by a user of the recipient. It returns
// the referral's id.
func (a *App) MustShare(tb testing.TB, caseID, token string, to nrm.Organisation, purpose string, scope []string, acceptToken string) string {
	tb.Helper()
	must := func(r Response, status int, what string) map[string]any {
		tb.Helper()
		if r.Status != status {
			tb.Fatalf("%s: %d %s", what, r.Status, r.Body)
		}
		return r.JSON(tb)
	}
	c := must(a.Do(tb, "POST", "/api/v1/cases/"+caseID+"/consents", token,
		map[string]any{"purpose": purpose, "recipient_org": to.ID, "scope": scope}), 201, "consent")
	ref := must(a.Do(tb, "POST", "/api/v1/cases/"+caseID+"/referrals", token,
		map[string]any{"to_org": to.ID, "reason": "referred for " + purpose, "consent_id": c["id"]}), 201, "referral")
	id := ref["id"].(string)
	must(a.Do(tb, "POST", "/api/v1/referrals/"+id+"/accept", acceptToken, map[string]any{}), 200, "acceptance")
	return id
}

// NewWithHelp starts nrm whose public help page files self-referrals with a
// new organisation of kind: the organisation is made first and the service
// started again naming it, as an operator runs `nrm org add` and then
// `nrm serve --help-org`.
func NewWithHelp(tb testing.TB, engine sqlstore.Engine, cfg service.Config, pages web.Options, kind nrm.OrgKind) (*App, nrm.Organisation) {
	tb.Helper()
	a := NewWithPages(tb, engine, cfg, pages)
	org := a.MustOrg(tb, kind)
	cfg.HelpOrg = org.ID
	var err error
	if cfg.Exchange.Keys == nil {
		if cfg.Exchange.Keys, err = exchange.LoadOrCreateKeys(filepath.Join(a.DataDir, "keys")); err != nil {
			tb.Fatal(err)
		}
	}
	log := slog.New(slog.NewJSONHandler(a.logw, nil))
	svc, err := wire.Service(a.Store, a.Keys, log, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	old := a.Svc
	a.Svc = svc
	a.Server.Config.Handler = server.New(svc, log, func(ctx context.Context) error { return a.Store.Ping(ctx) }, pages)
	old.Close()
	return a, org
}
