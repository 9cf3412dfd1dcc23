package main

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// writeLoad creates cases through the API from several goroutines and
// remembers each one the server acknowledged (201), in order.
type writeLoad struct {
	mu    sync.Mutex
	acked []string // case ids
	names map[string]string
	errs  []string
	stop  chan struct{}
	wg    sync.WaitGroup
}

func startWriteLoad(t *testing.T, baseURL, token string, writers int) *writeLoad {
	l := &writeLoad{names: map[string]string{}, stop: make(chan struct{})}
	for w := range writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				given := fmt.Sprintf("Load%dn%d", w, i)
				id, err := createCase(baseURL, token, given)
				l.mu.Lock()
				if err != nil {
					l.errs = append(l.errs, err.Error())
				} else {
					l.acked = append(l.acked, id)
					l.names[id] = given
				}
				l.mu.Unlock()
			}
		}()
	}
	t.Cleanup(l.finish)
	return l
}

func createCase(baseURL, token, given string) (string, error) {
	b, _ := json.Marshal(map[string]any{
		"person":    map[string]any{"given_name": given, "family_name": "Backupova", "date_of_birth": "1994-02-03"},
		"encounter": map[string]any{"date": "2026-11-20", "place": "Chisinau", "country": "MD"}})
	req, _ := http.NewRequest("POST", baseURL+"/api/v1/cases", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /api/v1/cases: %d %s", res.StatusCode, body)
	}
	var m map[string]any
	json.Unmarshal(body, &m)
	id, _ := m["id"].(string)
	return id, nil
}

func (l *writeLoad) ackedSoFar() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.acked...)
}

func (l *writeLoad) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(l.ackedSoFar()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged in 30s; errors: %v", len(l.ackedSoFar()), l.errs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *writeLoad) finish() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
}

// ageIdentity makes an X25519 key pair; the identity is written to a file
// the way an operator keeps it.
func ageIdentity(t *testing.T) (recipient, identityFile string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	identityFile = filepath.Join(t.TempDir(), "backup.agekey")
	if err := os.WriteFile(identityFile, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return id.Recipient().String(), identityFile
}

// pgDump dumps the schema of a test database with the operator's pg_dump
// (a consistent snapshot of its own), and pgRestore loads such a dump into
// a fresh schema under a new name, as an operator restores into an empty
// database.
func pgDump(t *testing.T, dsn string) string {
	t.Helper()
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed")
	}
	u, _ := url.Parse(dsn)
	schema := u.Query().Get("search_path")
	file := filepath.Join(t.TempDir(), "nrm.sql")
	cmd := exec.Command("pg_dump", "--no-owner", "--no-privileges", "--schema="+schema, "--file="+file, os.Getenv(storetest.EnvPostgres))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	return file + "#" + schema
}

func pgRestore(t *testing.T, dump string) string {
	t.Helper()
	file, schema, _ := strings.Cut(dump, "#")
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	fresh := "nrm_r_" + hex.EncodeToString(b[:])
	restored := filepath.Join(t.TempDir(), "restored.sql")
	os.WriteFile(restored, bytes.ReplaceAll(body, []byte(schema), []byte(fresh)), 0o600)
	base := os.Getenv(storetest.EnvPostgres)
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec("DROP SCHEMA IF EXISTS " + fresh + " CASCADE")
			admin.Close()
		}
	})
	cmd := exec.Command("psql", "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--file="+restored, base)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", fresh)
	u.RawQuery = q.Encode()
	return u.String()
}

func caseIDs(t *testing.T, in instance) map[string]bool {
	t.Helper()
	rows, err := rawDB(t, in).Query("SELECT id FROM cases")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids[id] = true
	}
	return ids
}

func getCase(t *testing.T, c *child, token, id string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.url+"/api/v1/cases/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestBackupUnderLoad: a backup taken while cases are being written through
// the API restores into a new data directory with every write acknowledged
// before the backup began, readable with the restored keys, and an audit
// log that verifies; a backup whose audit log was altered is refused.
// On PostgreSQL the database half is the operator's pg_dump, taken just
// before nrm backup, and loaded with psql into a fresh schema.
func TestBackupUnderLoad(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		org := MustOrg(t, in, "ngo")
		MustRun(t, "correct horse battery staple\n", in.args("user", "add", "--email", "load@example.org", "--name", "Load",
			"--org", org, "--role", "case-worker", "--password-stdin")...)
		token := MustRun(t, "", in.args("token", "create", "--email", "load@example.org")...)[0]
		srv := MustServe(t, in)
		recipient, identity := ageIdentity(t)

		load := startWriteLoad(t, srv.url, token, 3)
		load.waitFor(t, 20)
		before := load.ackedSoFar() // acknowledged before the backup began
		dump := ""
		if e == sqlstore.Postgres {
			dump = pgDump(t, in.db)
		}
		out := filepath.Join(t.TempDir(), "nrm.backup")
		lines := MustRun(t, "", in.args("backup", "--out", out, "--age-recipient", recipient)...)
		during := len(load.ackedSoFar())
		load.waitFor(t, during+5) // the writers were still going when the backup ended
		load.finish()
		srv.MustStop(t)
		t.Logf("%d writes acknowledged before the backup began, %d by its end, %d in all; %d errors",
			len(before), during, len(load.ackedSoFar()), len(load.errs))
		if during == len(before) {
			t.Errorf("no write was acknowledged while the backup ran: not a backup under load")
		}
		if len(load.errs) > 0 {
			t.Fatalf("writes failed during the backup: %v", load.errs[:min(3, len(load.errs))])
		}
		if e == sqlstore.Postgres && !strings.Contains(strings.Join(lines, "\n"), "pg_dump") {
			t.Errorf("the output does not say the database is pg_dump's: %q", lines)
		}
		for _, f := range []string{out, out + ".keys"} {
			info, err := os.Stat(f)
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("%s: %v %v", f, err, info)
			}
		}

		restored := instance{data: filepath.Join(t.TempDir(), "restored")}
		if e == sqlstore.Postgres {
			restored.db = pgRestore(t, dump)
		}
		MustRun(t, "", restored.args("restore", "--from", out, "--keys", out+".keys", "--identity", identity)...)

		t.Run("every_write_acknowledged_before_the_backup_is_restored", func(t *testing.T) {
			have := caseIDs(t, restored)
			for _, id := range before {
				if !have[id] {
					t.Errorf("case %s was acknowledged before the backup and is missing", id)
				}
			}
		})
		t.Run("audit_verify_passes_on_the_restored_copy", func(t *testing.T) {
			lines := MustRun(t, "", restored.args("audit", "verify")...)
			if !okLine.MatchString(lines[len(lines)-1]) {
				t.Fatalf("last line %q", lines[len(lines)-1])
			}
		})
		t.Run("the_restored_keys_open_the_sealed_data", func(t *testing.T) {
			c := MustServe(t, restored)
			defer c.MustStop(t)
			id := before[len(before)-1]
			code, body := getCase(t, c, token, id)
			if code != http.StatusOK || !strings.Contains(body, load.names[id]) {
				t.Fatalf("GET the case on the restored copy: %d %s", code, body)
			}
		})
		t.Run("a_backup_with_an_altered_audit_row_is_refused", func(t *testing.T) {
			if _, err := rawDB(t, restored).Exec("UPDATE audit_entries SET action = 'nothing' WHERE seq = 3"); err != nil {
				t.Fatal(err)
			}
			target := instance{data: filepath.Join(t.TempDir(), "tampered")}
			from, keys := out, out+".keys"
			if e == sqlstore.Postgres {
				target.db = restored.db // the database pg_restore filled, now altered
			} else {
				from = filepath.Join(t.TempDir(), "tampered.backup")
				keys = from + ".keys"
				MustRun(t, "", restored.args("backup", "--out", from, "--age-recipient", recipient)...)
			}
			r := nrmRun(t, "", target.args("restore", "--from", from, "--keys", keys, "--identity", identity)...)
			if r.code != 1 || !strings.Contains(r.stderr, "audit log does not verify") || !strings.Contains(r.stderr, "entry 3") {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
			}
			if _, err := os.Stat(target.data); !os.IsNotExist(err) {
				t.Errorf("the refused restore left %s behind (%v)", target.data, err)
			}
		})
	})
}

// TestBackupRefusals: the passphrase path, and what restore and backup refuse.
func TestBackupRefusals(t *testing.T) {
	in := newInstance(t, sqlstore.SQLite)
	seedCase(t, in, "Vera")
	dir := t.TempDir()
	out := filepath.Join(dir, "a.backup")
	const pass = "a long passphrase for the test\n"
	MustRun(t, pass, in.args("backup", "--out", out, "--passphrase-stdin")...)

	t.Run("the_snapshot_is_not_left_in_the_data_directory", func(t *testing.T) {
		if left, _ := filepath.Glob(filepath.Join(in.data, ".backup-*")); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
	t.Run("the_data_file_holds_no_key_material", func(t *testing.T) {
		r := nrmRun(t, pass, "restore", "--from", out, "--keys", out, "--passphrase-stdin", "--data", filepath.Join(dir, "x"))
		if r.code != 1 || !strings.Contains(r.stderr, "not its keys file") {
			t.Fatalf("exit %d %s", r.code, r.stderr)
		}
	})
	t.Run("a_wrong_passphrase_is_refused_and_leaves_nothing", func(t *testing.T) {
		target := filepath.Join(dir, "wrong")
		r := nrmRun(t, "not the passphrase at all\n", "restore", "--from", out, "--keys", out+".keys", "--passphrase-stdin", "--data", target)
		if r.code != 1 || !strings.Contains(r.stderr, "cannot decrypt") {
			t.Fatalf("exit %d %s", r.code, r.stderr)
		}
		if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Errorf("left %s behind", target)
		}
	})
	t.Run("a_non_empty_data_directory_is_refused", func(t *testing.T) {
		r := nrmRun(t, pass, "restore", "--from", out, "--keys", out+".keys", "--passphrase-stdin", "--data", in.data)
		if r.code != 1 || !strings.Contains(r.stderr, "not empty") {
			t.Fatalf("exit %d %s", r.code, r.stderr)
		}
	})
	t.Run("the_key_bundle_of_another_backup_is_refused", func(t *testing.T) {
		other := filepath.Join(dir, "b.backup")
		MustRun(t, pass, in.args("backup", "--out", other, "--passphrase-stdin")...)
		r := nrmRun(t, pass, "restore", "--from", out, "--keys", other+".keys", "--passphrase-stdin", "--data", filepath.Join(dir, "mixed"))
		if r.code != 1 || !strings.Contains(r.stderr, "give the two files of one backup") {
			t.Fatalf("exit %d %s", r.code, r.stderr)
		}
	})
	t.Run("an_existing_file_is_not_overwritten", func(t *testing.T) {
		r := nrmRun(t, pass, in.args("backup", "--out", out, "--passphrase-stdin")...)
		if r.code != 1 || !strings.Contains(r.stderr, "exists") {
			t.Fatalf("exit %d %s", r.code, r.stderr)
		}
	})
	t.Run("usage_errors", func(t *testing.T) {
		for _, args := range [][]string{
			in.args("backup", "--out", filepath.Join(dir, "c")),                                                     // no secret
			in.args("backup", "--out", filepath.Join(dir, "c"), "--passphrase-stdin", "--age-recipient", "age1xyz"), // two
			in.args("backup", "--out", filepath.Join(dir, "c"), "--age-recipient", "not-a-key"),
			in.args("backup", "--out", filepath.Join(in.data, "inside"), "--passphrase-stdin"),
			{"restore", "--from", out, "--keys", out + ".keys", "--passphrase-stdin"}, // no --data
		} {
			if r := nrmRun(t, pass, args...); r.code != 2 {
				t.Errorf("%v: exit %d %s", args, r.code, r.stderr)
			}
		}
		if r := nrmRun(t, "short\n", in.args("backup", "--out", filepath.Join(dir, "c"), "--passphrase-stdin")...); r.code != 2 {
			t.Errorf("a short passphrase: exit %d", r.code)
		}
	})
	t.Run("the_passphrase_restores", func(t *testing.T) {
		target := instance{data: filepath.Join(dir, "good")}
		lines := MustRun(t, pass, target.args("restore", "--from", out, "--keys", out+".keys", "--passphrase-stdin")...)
		if !okLine.MatchString(lines[len(lines)-1]) {
			t.Fatalf("%q", lines)
		}
		MustRun(t, "", target.args("audit", "verify")...)
	})
}
