package main

// The contract of the binary (CONTRACT.md, "The binary"): what each command
// prints, its exit status, and that bad input writes nothing. Commands run
// in-process through run; `serve` runs as a real child process (this test
// binary, re-executed), stopped with SIGTERM.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/wire"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/server"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// envRunMain makes the test binary behave as nrm itself (for serve).
const envRunMain = "NRM_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
		return
	}
	// The tests pass --data and --db themselves; the operator's environment
	// must not leak in.
	for _, v := range []string{"NRM_DATA", "NRM_DB", "NRM_ADDR", "NRM_MASTER_KEY_FILE", "NRM_TRUST_PROXY", "NRM_TIMEZONE"} {
		os.Unsetenv(v)
	}
	os.Exit(m.Run())
}

// ---------------------------------------------------------------------------
// Helpers.

// instance is where one nrm keeps its data: a data directory that does not
// exist yet, and a database (empty: SQLite inside the data directory).
type instance struct {
	data string
	db   string
}

func newInstance(t *testing.T, engine sqlstore.Engine) instance {
	t.Helper()
	in := instance{data: filepath.Join(t.TempDir(), "nrm-data")}
	if engine == sqlstore.Postgres {
		in.db = storetest.MustDSN(t, engine)
	}
	return in
}

// args appends the instance's --data and --db to a command line.
func (in instance) args(cmd ...string) []string {
	return append(cmd, "--data", in.data, "--db="+in.db)
}

type result struct {
	code           int
	stdout, stderr string
}

func nrmRun(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := run(ctx, args, strings.NewReader(stdin), &out, &errb)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// MustRun runs a command that must succeed and returns its stdout lines.
func MustRun(t *testing.T, stdin string, args ...string) []string {
	t.Helper()
	r := nrmRun(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("nrm %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	if !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("nrm %s: stdout %q does not end in a newline", strings.Join(args, " "), r.stdout)
	}
	return strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
}

// MustOrg creates an organisation through the binary.
func MustOrg(t *testing.T, in instance, kind string) string {
	t.Helper()
	lines := MustRun(t, "", in.args("org", "add", "--name", "Org "+nrm.NewID()[:8], "--kind", kind)...)
	return lines[0]
}

// opened is the instance opened the way nrm opens it, with a test clock.
type opened struct {
	store *sqlstore.Store
	svc   *service.Service
	clock *storetest.Clock
}

func MustOpen(t *testing.T, in instance) opened {
	t.Helper()
	keys, err := keyring.Open(filepath.Join(in.data, "keys"), "")
	if err != nil {
		t.Fatal(err)
	}
	clock := storetest.NewClock(time.Now())
	store, err := sqlstore.Open(context.Background(), in.db, in.data, sqlstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := wire.Service(store, keys, nil, service.Config{})
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		store.Close()
	})
	return opened{store: store, svc: svc, clock: clock}
}

func sys() context.Context { return nrm.WithActor(context.Background(), nrm.SystemActor) }

func (o opened) orgs(t *testing.T) []nrm.Organisation {
	t.Helper()
	orgs, err := o.svc.Orgs(sys())
	if err != nil {
		t.Fatal(err)
	}
	return orgs
}

func (o opened) users(t *testing.T, orgID string) []nrm.User {
	t.Helper()
	var users []nrm.User
	if err := o.store.Read(context.Background(), func(tx *sqlstore.Tx) error {
		var err error
		users, err = tx.Users(context.Background(), orgID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return users
}

// userByEmail returns the user, or ok false when there is none.
func (o opened) userByEmail(t *testing.T, email string) (sqlstore.UserRecord, bool) {
	t.Helper()
	var u sqlstore.UserRecord
	err := o.store.Read(context.Background(), func(tx *sqlstore.Tx) error {
		var err error
		u, err = tx.UserByEmail(context.Background(), email)
		return err
	})
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return u, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return u, true
}

// wantUsageError checks exit status 2, a one-line error naming the problem
// on stderr, and nothing on stdout.
func wantUsageError(t *testing.T, r result, naming string) {
	t.Helper()
	if r.code != 2 {
		t.Errorf("exit status %d, want 2 (stderr %q)", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr %q is not one line", r.stderr)
	}
	if !strings.Contains(r.stderr, naming) {
		t.Errorf("stderr %q does not name %q", r.stderr, naming)
	}
}

// ---------------------------------------------------------------------------
// The commands.

func TestOrgAdd(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		in := newInstance(t, engine)
		r := nrmRun(t, "", in.args("org", "add", "--name", "Safe Harbour", "--kind", "ngo", "--country", "GB")...)
		t.Run("prints_the_id_alone", func(t *testing.T) {
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			id := strings.TrimSuffix(r.stdout, "\n")
			if r.stdout != id+"\n" || !nrm.ValidID(id) {
				t.Fatalf("stdout %q, want one line holding an id", r.stdout)
			}
			o := MustOpen(t, in)
			got, err := o.svc.Org(sys(), id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Safe Harbour" || got.Kind != nrm.KindNGO || got.Country != "GB" {
				t.Errorf("stored %+v", got)
			}
		})
		t.Run("data_directory_is_0700_and_key_files_0600", func(t *testing.T) {
			info, err := os.Stat(in.data)
			if err != nil {
				t.Fatal(err)
			}
			if perm := info.Mode().Perm(); perm != 0o700 {
				t.Errorf("data directory mode %o, want 700", perm)
			}
			keys := filepath.Join(in.data, "keys")
			n := 0
			err = filepath.WalkDir(keys, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				want := fs.FileMode(0o600)
				if d.IsDir() {
					want = 0o700
				} else {
					n++
				}
				if perm := info.Mode().Perm(); perm != want {
					t.Errorf("%s: mode %o, want %o", path, perm, want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatalf("no key files under %s", keys)
			}
		})
		t.Run("existing_open_data_directory_is_closed_to_0700", func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "loose")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			loose := instance{data: dir, db: in.db}
			MustRun(t, "", loose.args("migrate")...)
			info, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if perm := info.Mode().Perm(); perm != 0o700 {
				t.Errorf("data directory mode %o, want 700", perm)
			}
		})
	})
}

func TestUserAdd(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		in := newInstance(t, engine)
		org := MustOrg(t, in, "ngo")
		t.Run("prints_the_id_then_a_one_time_password", func(t *testing.T) {
			lines := MustRun(t, "", in.args("user", "add", "--email", "Ana.Worker@Example.org", "--name", "Ana Worker", "--org", org, "--role", "case-worker")...)
			if len(lines) != 2 || !nrm.ValidID(lines[0]) || len(lines[1]) < nrm.MinPasswordLength {
				t.Fatalf("stdout %q, want an id and a password on two lines", lines)
			}
			o := MustOpen(t, in)
			u, ok := o.userByEmail(t, "ana.worker@example.org")
			if !ok || u.ID != lines[0] || u.OrgID != org || u.Role != nrm.RoleCaseWorker || u.Name != "Ana Worker" {
				t.Fatalf("stored %+v (found %v)", u.User, ok)
			}
			s, err := o.svc.SignIn(context.Background(), "ana.worker@example.org", lines[1], "192.0.2.1")
			if err != nil || s.Stage != service.StageEnrol {
				t.Fatalf("the printed password does not sign in: %v (stage %q)", err, s.Stage)
			}
		})
		t.Run("password_stdin_prints_the_id_alone", func(t *testing.T) {
			const password = "a passphrase of my own"
			lines := MustRun(t, password+"\n", in.args("user", "add", "--email", "ben@example.org", "--name", "Ben", "--org", org, "--role", "admin", "--password-stdin")...)
			if len(lines) != 1 || !nrm.ValidID(lines[0]) {
				t.Fatalf("stdout %q, want the id alone", lines)
			}
			o := MustOpen(t, in)
			if _, err := o.svc.SignIn(context.Background(), "ben@example.org", password, "192.0.2.2"); err != nil {
				t.Fatalf("the password from stdin does not sign in: %v", err)
			}
			if _, err := o.svc.SignIn(context.Background(), "ben@example.org", password+"\n", "192.0.2.2"); err == nil {
				t.Error("the password was stored with its newline")
			}
		})
	})
}

func TestTokenCreate(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		in := newInstance(t, engine)
		org := MustOrg(t, in, "ngo")
		MustRun(t, "", in.args("user", "add", "--email", "cw@example.org", "--name", "Case Worker", "--org", org, "--role", "case-worker")...)
		token := func(t *testing.T, extra ...string) string {
			t.Helper()
			lines := MustRun(t, "", in.args(append([]string{"token", "create", "--email", "cw@example.org"}, extra...)...)...)
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "nrm_") || len(lines[0]) < 30 {
				t.Fatalf("stdout %q, want the token alone", lines)
			}
			return lines[0]
		}
		daily := token(t)
		hourly := token(t, "--ttl", "1h")

		o := MustOpen(t, in)
		srv := httptest.NewServer(server.New(o.svc, slog.New(slog.DiscardHandler), o.store.Ping, web.Options{}))
		t.Cleanup(srv.Close)
		status := func(t *testing.T, tok string) int {
			t.Helper()
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cases", nil)
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		start := o.clock.Now()
		t.Run("token_works_against_the_API", func(t *testing.T) {
			if got := status(t, daily); got != http.StatusOK {
				t.Fatalf("GET /api/v1/cases with the token: %d", got)
			}
			if got := status(t, ""); got != http.StatusUnauthorized {
				t.Fatalf("without a token: %d, want 401", got)
			}
			if got := status(t, daily[:len(daily)-1]+"x"); got != http.StatusUnauthorized {
				t.Fatalf("with an altered token: %d, want 401", got)
			}
		})
		t.Run("ttl_is_honoured", func(t *testing.T) {
			o.clock.Set(start.Add(59 * time.Minute))
			if got := status(t, hourly); got != http.StatusOK {
				t.Fatalf("a 1h token after 59m: %d", got)
			}
			o.clock.Set(start.Add(61 * time.Minute))
			if got := status(t, hourly); got != http.StatusUnauthorized {
				t.Fatalf("a 1h token after 61m: %d, want 401", got)
			}
		})
		t.Run("default_ttl_is_24h", func(t *testing.T) {
			o.clock.Set(start.Add(23*time.Hour + 59*time.Minute))
			if got := status(t, daily); got != http.StatusOK {
				t.Fatalf("a default token after 23h59m: %d", got)
			}
			o.clock.Set(start.Add(24*time.Hour + time.Minute))
			if got := status(t, daily); got != http.StatusUnauthorized {
				t.Fatalf("a default token after 24h01m: %d, want 401", got)
			}
		})
	})
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	id := nrm.NewID() // a well-formed id of no organisation
	// Each of these fails before anything is opened: the data directory is
	// not even created.
	before := []struct {
		name   string
		stdin  string
		args   []string
		naming string
	}{
		{"no_command_is_refused", "", nil, "command"},
		{"unknown_command_is_refused", "", []string{"frobnicate"}, "frobnicate"},
		{"unknown_subcommand_is_refused", "", []string{"org", "remove"}, "org remove"},
		{"unknown_flag_is_refused", "", []string{"org", "add", "--name", "X", "--kind", "ngo", "--colour", "red"}, "colour"},
		{"stray_argument_is_refused", "", []string{"org", "add", "--name", "X", "--kind", "ngo", "extra"}, "extra"},
		{"unknown_kind_is_refused", "", []string{"org", "add", "--name", "X", "--kind", "spaceship"}, "kind"},
		{"missing_org_name_is_refused", "", []string{"org", "add", "--kind", "ngo"}, "--name"},
		{"blank_org_name_is_refused", "", []string{"org", "add", "--name", "  ", "--kind", "ngo"}, "--name"},
		{"missing_kind_is_refused", "", []string{"org", "add", "--name", "X"}, "--kind"},
		{"bad_country_is_refused", "", []string{"org", "add", "--name", "X", "--kind", "ngo", "--country", "Narnia"}, "--country"},
		{"unknown_role_is_refused", "", []string{"user", "add", "--email", "a@example.org", "--name", "A", "--org", id, "--role", "overlord"}, "role"},
		{"missing_email_is_refused", "", []string{"user", "add", "--name", "A", "--org", id, "--role", "admin"}, "--email"},
		{"missing_user_name_is_refused", "", []string{"user", "add", "--email", "a@example.org", "--org", id, "--role", "admin"}, "--name"},
		{"missing_org_is_refused", "", []string{"user", "add", "--email", "a@example.org", "--name", "A", "--role", "admin"}, "--org"},
		{"missing_role_is_refused", "", []string{"user", "add", "--email", "a@example.org", "--name", "A", "--org", id}, "--role"},
		{"bad_email_is_refused", "", []string{"user", "add", "--email", "not-an-address", "--name", "A", "--org", id, "--role", "admin"}, "--email"},
		{"short_password_on_stdin_is_refused", "short\n", []string{"user", "add", "--email", "a@example.org", "--name", "A", "--org", id, "--role", "admin", "--password-stdin"}, "password"},
		{"empty_password_on_stdin_is_refused", "", []string{"user", "add", "--email", "a@example.org", "--name", "A", "--org", id, "--role", "admin", "--password-stdin"}, "password"},
		{"missing_token_email_is_refused", "", []string{"token", "create"}, "--email"},
		{"unparsable_ttl_is_refused", "", []string{"token", "create", "--email", "a@example.org", "--ttl", "soon"}, "ttl"},
		{"negative_ttl_is_refused", "", []string{"token", "create", "--email", "a@example.org", "--ttl", "-1h"}, "ttl"},
		{"zero_ttl_is_refused", "", []string{"token", "create", "--email", "a@example.org", "--ttl", "0s"}, "ttl"},
		{"bad_token_email_is_refused", "", []string{"token", "create", "--email", "not-an-address"}, "--email"},
		{"bad_listen_address_is_refused", "", []string{"serve", "--addr", "nowhere"}, "--addr"},
		{"unknown_time_zone_is_refused", "", []string{"serve", "--timezone", "Mars/Olympus_Mons"}, "--timezone"},
		{"missing_demo_code_email_is_refused", "", []string{"demo-code"}, "--email"},
		{"bad_smtp_url_is_refused", "", []string{"serve", "--smtp-url", "http://mail.example.org?from=nrm@example.org", "--public-url", "https://nrm.example.org"}, "--smtp-url"},
		{"smtp_url_without_sender_is_refused", "", []string{"serve", "--smtp-url", "smtp://u:hunter2@mail.example.org", "--public-url", "https://nrm.example.org"}, "--smtp-url"},
		{"smtp_url_without_public_url_is_refused", "", []string{"serve", "--smtp-url", "smtp://mail.example.org?from=nrm@example.org"}, "--public-url"},
	}
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		t.Run("before_opening", func(t *testing.T) {
			in := newInstance(t, engine)
			for _, c := range before {
				t.Run(c.name, func(t *testing.T) {
					args := c.args
					if len(args) > 0 {
						args = in.args(args...)
					}
					wantUsageError(t, nrmRun(t, c.stdin, args...), c.naming)
					if _, err := os.Stat(in.data); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("the data directory was created although the input was refused (%v)", err)
						os.RemoveAll(in.data)
					}
				})
			}
			if in.db != "" {
				// Nothing opened the PostgreSQL database either: no schema was made.
				o := MustOpen(t, in) // migrates now, so the database must be empty
				if n := len(o.orgs(t)); n != 0 {
					t.Errorf("%d organisations after refused input", n)
				}
			}
		})

		t.Run("after_opening", func(t *testing.T) {
			in := newInstance(t, engine)
			org := MustOrg(t, in, "shelter")
			MustRun(t, "", in.args("user", "add", "--email", "taken@example.org", "--name", "First Holder", "--org", org, "--role", "case-worker")...)
			o := MustOpen(t, in)
			orgsBefore := len(o.orgs(t))
			t.Run("unknown_help_org_stops_serve", func(t *testing.T) {
				wantUsageError(t, nrmRun(t, "", in.args("serve", "--addr", "127.0.0.1:0", "--help-org", id)...), "--help-org")
			})
			t.Run("org_that_does_not_exist_is_refused", func(t *testing.T) {
				wantUsageError(t, nrmRun(t, "", in.args("user", "add", "--email", "ghost@example.org", "--name", "Ghost", "--org", id, "--role", "admin")...), "--org")
				if _, ok := o.userByEmail(t, "ghost@example.org"); ok {
					t.Error("a user was created for an organisation that does not exist")
				}
			})
			t.Run("malformed_org_id_is_refused", func(t *testing.T) {
				wantUsageError(t, nrmRun(t, "", in.args("user", "add", "--email", "ghost@example.org", "--name", "Ghost", "--org", "not-an-id", "--role", "admin")...), "--org")
				if _, ok := o.userByEmail(t, "ghost@example.org"); ok {
					t.Error("a user was created for an organisation that does not exist")
				}
			})
			t.Run("duplicate_email_is_refused", func(t *testing.T) {
				wantUsageError(t, nrmRun(t, "", in.args("user", "add", "--email", "Taken@Example.org", "--name", "Second Holder", "--org", org, "--role", "admin")...), "--email")
				users := o.users(t, org)
				if len(users) != 1 || users[0].Name != "First Holder" || users[0].Role != nrm.RoleCaseWorker {
					t.Errorf("users after a duplicate: %+v", users)
				}
			})
			t.Run("token_for_unknown_user_is_refused", func(t *testing.T) {
				wantUsageError(t, nrmRun(t, "", in.args("token", "create", "--email", "nobody@example.org")...), "--email")
			})
			t.Run("ttl_over_a_year_is_refused", func(t *testing.T) {
				wantUsageError(t, nrmRun(t, "", in.args("token", "create", "--email", "taken@example.org", "--ttl", "9000h")...), "--ttl")
			})
			t.Run("nothing_else_was_created", func(t *testing.T) {
				if n := len(o.orgs(t)); n != orgsBefore {
					t.Errorf("%d organisations, want %d", n, orgsBefore)
				}
			})
		})
	})
}

func TestHelp(t *testing.T) {
	t.Parallel()
	r := nrmRun(t, "", "help")
	if r.code != 0 || !strings.Contains(r.stdout, "usage: nrm") || r.stderr != "" {
		t.Fatalf("nrm help: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		in := newInstance(t, engine)
		MustRun(t, "", in.args("migrate")...)
		org := MustOrg(t, in, "ngo")
		t.Run("second_migrate_succeeds_and_keeps_the_data", func(t *testing.T) {
			MustRun(t, "", in.args("migrate")...)
			if _, err := MustOpen(t, in).svc.Org(sys(), org); err != nil {
				t.Fatalf("the organisation is gone after a second migrate: %v", err)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// serve, as a child process.

// child is a running `nrm serve`.
type child struct {
	cmd    *exec.Cmd
	lines  chan string // stdout, line by line
	stderr *lockedBuffer
	url    string
	done   chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var reServing = regexp.MustCompile(`^nrm is serving at (http://127\.0\.0\.1:\d+)$`)

// MustServe starts `nrm serve` on a port the system chooses and waits until
// it says where it serves.
func MustServe(t *testing.T, in instance, extra ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], in.args(append([]string{"serve", "--addr", "127.0.0.1:0"}, extra...)...)...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	c := &child{cmd: cmd, lines: make(chan string, 100), stderr: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-c.done
		}
	})
	c.url = reServing.FindStringSubmatch(c.MustLine(t, reServing))[1]
	return c
}

// MustLine waits for a stdout line matching re.
func (c *child) MustLine(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("nrm serve ended before printing %s; stderr:\n%s", re, c.stderr.String())
			}
			if re.MatchString(l) {
				return l
			}
		case <-timeout:
			t.Fatalf("nrm serve did not print %s within 30s; stderr:\n%s", re, c.stderr.String())
		}
	}
}

func (c *child) get(t *testing.T, path string) (int, string) {
	t.Helper()
	res, err := http.Get(c.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// MustStop sends SIGTERM and wants exit status 0 within a few seconds.
func (c *child) MustStop(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range c.lines {
		}
	}()
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v; stderr:\n%s", err, c.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("nrm serve did not exit within 10s of SIGTERM; stderr:\n%s", c.stderr.String())
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		in := newInstance(t, engine)
		c := MustServe(t, in)
		t.Run("health_readiness_and_sign_in_answer_200", func(t *testing.T) {
			for _, path := range []string{"/healthz", "/readyz", "/login"} {
				if code, body := c.get(t, path); code != http.StatusOK {
					t.Errorf("GET %s: %d %s", path, code, body)
				}
			}
		})
		t.Run("SIGTERM_exits_0", func(t *testing.T) { c.MustStop(t) })
		t.Run("logs_on_stderr_are_JSON", func(t *testing.T) {
			logs := strings.TrimSpace(c.stderr.String())
			if logs == "" {
				t.Fatal("no logs on stderr")
			}
			for _, l := range strings.Split(logs, "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Errorf("not a JSON log line: %q", l)
				}
			}
		})
		t.Run("serve_created_the_data_directory_0700", func(t *testing.T) {
			info, err := os.Stat(in.data)
			if err != nil {
				t.Fatal(err)
			}
			if perm := info.Mode().Perm(); perm != 0o700 {
				t.Errorf("mode %o", perm)
			}
		})
	})
}

func TestServeDemo(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		in := newInstance(t, engine)
		c := MustServe(t, in, "--demo")
		m := regexp.MustCompile(`sign in with password "([^"]+)"`).FindStringSubmatch(c.MustLine(t, regexp.MustCompile(`sign in with password`)))
		if m == nil {
			t.Fatal("no demo password in the help")
		}
		password := m[1]
		c.MustLine(t, regexp.MustCompile(`^\s+caseworker@demo\.invalid\s`))
		c.MustLine(t, regexp.MustCompile(`demo-code`))

		hc := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		var cookie string
		post := func(t *testing.T, path string, form url.Values) *http.Response {
			t.Helper()
			req, _ := http.NewRequest("POST", c.url+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if cookie != "" {
				req.Header.Set("Cookie", web.CookieName+"="+cookie)
			}
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			for _, ck := range res.Cookies() {
				if ck.Name == web.CookieName {
					cookie = ck.Value
				}
			}
			return res
		}
		var csrf string
		t.Run("demo_user_signs_in_with_the_printed_password", func(t *testing.T) {
			res := post(t, "/login", url.Values{"email": {"caseworker@demo.invalid"}, "password": {password}})
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/enrol" || cookie == "" {
				t.Fatalf("POST /login: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			req, _ := http.NewRequest("GET", c.url+"/login/enrol", nil)
			req.Header.Set("Cookie", web.CookieName+"="+cookie)
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(b)
			if res.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("GET /login/enrol: %d\n%s", res.StatusCode, b)
			}
			csrf = string(m[1])
		})
		t.Run("demo_code_prints_a_code_that_completes_the_sign_in", func(t *testing.T) {
			if csrf == "" {
				t.Skip("the sign-in did not reach enrolment")
			}
			lines := MustRun(t, "", in.args("demo-code", "--email", "caseworker@demo.invalid")...)
			if len(lines) != 1 || !regexp.MustCompile(`^\d{6}$`).MatchString(lines[0]) {
				t.Fatalf("stdout %q, want a six-digit code", lines)
			}
			res := post(t, "/login/enrol", url.Values{"csrf": {csrf}, "code": {lines[0]}})
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "recovery codes") {
				t.Fatalf("POST /login/enrol with the demo code: %d\n%s", res.StatusCode, b)
			}
		})
		t.Run("demo_code_refuses_a_non_demo_address", func(t *testing.T) {
			wantUsageError(t, nrmRun(t, "", in.args("demo-code", "--email", "someone@example.org")...), "--email")
		})
		t.Run("demo_code_refuses_an_unknown_demo_address", func(t *testing.T) {
			wantUsageError(t, nrmRun(t, "", in.args("demo-code", "--email", "nobody@demo.invalid")...), "--email")
		})
		t.Run("SIGTERM_exits_0", func(t *testing.T) { c.MustStop(t) })
	})
}
