package service_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// secrets are distinctive values that must never reach the database in
// plaintext: names, birth dates, aliases, contact details, places and notes.
var secrets = []string{"Zinaida", "Kovalenko", "1987-06-15", "Zina the Seamstress", "+44 7700 900123", "Harbourside Yard 7",
	"told us the passport is kept by the employer Brightwater"}

func secretCase() map[string]any {
	return map[string]any{
		"person": map[string]any{"given_name": "Zinaida", "family_name": "Kovalenko", "date_of_birth": "1987-06-15",
			"aliases": []string{"Zina the Seamstress"}, "contact": "+44 7700 900123", "sex": "female", "citizenship": []string{"UA"}},
		"encounter":          map[string]any{"date": "2026-11-20", "place": "Harbourside Yard 7", "country": "GB"},
		"exploitation_types": []string{"forced-labour"},
	}
}

// databaseBytes returns everything the database holds at rest: for SQLite
// the database file and its write-ahead log; for PostgreSQL a pg_dump of
// the test's schema.
func databaseBytes(t *testing.T, a *testapp.App) []byte {
	t.Helper()
	if a.Engine == sqlstore.SQLite {
		path := strings.TrimPrefix(a.DSN, "sqlite:")
		var all []byte
		for _, p := range []string{path, path + "-wal", path + "-journal"} {
			b, err := os.ReadFile(p)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		if len(all) == 0 {
			t.Fatal("no database files found")
		}
		return all
	}
	dump, err := exec.LookPath("pg_dump")
	if err != nil {
		t.Fatal("pg_dump is needed for the PostgreSQL half of this test")
	}
	schema := schemaOf(t, a.DSN)
	out, err := exec.Command(dump, "--data-only", "--schema", schema, strings.Split(a.DSN, "?")[0]+"?sslmode=disable").Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !bytes.Contains(out, []byte("COPY "+schema+".audit_entries")) {
		t.Fatalf("pg_dump did not dump the schema's tables:\n%.500s", out)
	}
	return out
}

func schemaOf(t *testing.T, dsn string) string {
	i := strings.Index(dsn, "search_path=")
	if i < 0 {
		t.Fatalf("no search_path in %s", dsn)
	}
	return strings.SplitN(dsn[i+len("search_path="):], "&", 2)[0]
}

func mustNotContain(t *testing.T, where string, data []byte, values ...string) {
	t.Helper()
	for _, v := range values {
		if bytes.Contains(data, []byte(v)) {
			t.Errorf("%s holds %q in plaintext", where, v)
		}
		if bytes.Contains(bytes.ToLower(data), bytes.ToLower([]byte(v))) {
			t.Errorf("%s holds %q (in another case)", where, v)
		}
	}
}

func TestNoPersonalDataInPlaintextAtRest(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		u := a.MustUser(t, org, nrm.RoleCaseWorker)
		token := a.MustToken(t, u)
		id := a.MustCase(t, token, secretCase())
		r := a.Do(t, "POST", "/api/v1/cases/"+id+"/notes", token, map[string]any{"compartment": "support", "text": secrets[6]})
		if r.Status != 201 {
			t.Fatalf("note: %d %s", r.Status, r.Body)
		}
		// Reading back works, so the values are really stored (sealed).
		got := a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
		notes := a.Do(t, "GET", "/api/v1/cases/"+id+"/notes", token, nil)
		for _, s := range secrets[:6] {
			if !strings.Contains(string(got.Body), s) {
				t.Fatalf("the API does not return %q: %s", s, got.Body)
			}
		}
		if !strings.Contains(string(notes.Body), secrets[6]) {
			t.Fatalf("note not returned: %s", notes.Body)
		}
		// Search by name works through blind indexes.
		if r := a.Do(t, "GET", "/api/v1/cases?name=zinaida", token, nil); !strings.Contains(string(r.Body), id) {
			t.Fatalf("search: %s", r.Body)
		}
		mustNotContain(t, string(e)+" database", databaseBytes(t, a), secrets...)
	})
}

func TestErasure(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		worker := a.MustUser(t, org, nrm.RoleCaseWorker)
		token := a.MustToken(t, worker)
		id := a.MustCase(t, token, secretCase())
		other := a.MustCase(t, token, testapp.CaseBody("Mihaela", "Rusu", "1995-01-09"))
		a.Do(t, "POST", "/api/v1/cases/"+id+"/notes", token, map[string]any{"compartment": "support", "text": secrets[6]})

		// What an attacker with the old database and the key file could use.
		var wrapped, sealedName []byte
		a.Store.Read(ctxBG, func(tx *sqlstore.Tx) error {
			c, err := tx.Case(ctxBG, id)
			if err != nil {
				t.Fatal(err)
			}
			k, _ := tx.DataKey(ctxBG, c.Person.ID)
			wrapped, sealedName = k.Wrapped, c.Person.GivenName
			return nil
		})
		if len(wrapped) == 0 || len(sealedName) == 0 {
			t.Fatal("nothing stored")
		}

		t.Run("a case worker may not erase", func(t *testing.T) {
			r := a.Do(t, "POST", "/api/v1/cases/"+id+"/erase", token, map[string]any{"reason": "x"})
			if r.Status != 403 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
		t.Run("a reason is required", func(t *testing.T) {
			if err := a.Svc.Erase(testapp.System(), id, "  "); nrm.AsError(err).Field != "reason" {
				t.Fatalf("%v", err)
			}
		})
		if err := a.Svc.Erase(testapp.System(), id, "data subject request 2026-11-27"); err != nil {
			t.Fatal(err)
		}
		t.Run("the person reads as erased, with no personal field", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			m := r.JSON(t)
			if m["erased"] != true || m["person"].(map[string]any)["erased"] != true {
				t.Fatalf("%s", r.Body)
			}
			mustNotContain(t, "the answer", r.Body, secrets...)
			n := a.Do(t, "GET", "/api/v1/cases/"+id+"/notes", token, nil)
			mustNotContain(t, "the notes", n.Body, secrets...)
			list := a.Do(t, "GET", "/api/v1/cases", token, nil)
			if list.Status != 200 {
				t.Fatalf("list after erasure: %d", list.Status)
			}
			mustNotContain(t, "the list", list.Body, secrets...)
		})
		t.Run("everyone else is unaffected", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/cases/"+other, token, nil)
			if r.Status != 200 || !strings.Contains(string(r.Body), "Mihaela") {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
		t.Run("erasing twice is a conflict", func(t *testing.T) {
			if err := a.Svc.Erase(testapp.System(), id, "again"); nrm.ErrorCode(err) != nrm.CodeConflict {
				t.Fatalf("%v", err)
			}
		})
		t.Run("the audit log still verifies and records the erasure", func(t *testing.T) {
			res, err := a.Svc.VerifyAudit(testapp.System(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Size == 0 {
				t.Fatal("empty log")
			}
			var found bool
			rows, _ := a.RawDB(t).Query("SELECT detail FROM audit_entries WHERE action = 'case.erase'")
			for rows.Next() {
				var d string
				rows.Scan(&d)
				found = true
				if strings.Contains(d, "data subject request") {
					t.Errorf("the reason is in the log in plaintext: %s", d)
				}
			}
			rows.Close()
			if !found {
				t.Fatal("no case.erase entry")
			}
		})
		t.Run("nothing of the person can be recovered from the database", func(t *testing.T) {
			data := databaseBytes(t, a)
			mustNotContain(t, "the database", data, secrets...)
			if bytes.Contains(data, wrapped) {
				t.Error("the destroyed data key is still in the database")
			}
			if e == sqlstore.SQLite && bytes.Contains(data, sealedName) {
				t.Error("a sealed field of the erased person is still in the database files")
			}
			// Even with the key file, nothing opens: the wrapped key is gone.
			a.Store.Read(ctxBG, func(tx *sqlstore.Tx) error {
				c, _ := tx.Case(ctxBG, id)
				k, _ := tx.DataKey(ctxBG, c.Person.ID)
				if k.Wrapped != nil || c.Person.GivenName != nil || c.EncounterPlace != nil {
					t.Errorf("left behind: key %d bytes, name %d bytes, place %d bytes", len(k.Wrapped), len(c.Person.GivenName), len(c.EncounterPlace))
				}
				return nil
			})
		})
	})
}

func TestKeyRotation(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
		var ids []string
		for i := 0; i < 7; i++ {
			ids = append(ids, a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02")))
		}
		res, err := a.Svc.RotateKeys(testapp.System(), nil)
		if err != nil {
			t.Fatal(err)
		}
		// 7 persons plus the users' keys for TOTP seeds (none enrolled here).
		if res.Version != 2 || res.Rewrapped != 7 || len(res.Old) != 1 {
			t.Fatalf("%+v", res)
		}
		readAll := func(t *testing.T) {
			for _, id := range ids {
				r := a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
				if r.Status != 200 || !strings.Contains(string(r.Body), "Popescu") {
					t.Fatalf("%s: %d %s", id, r.Status, r.Body)
				}
			}
		}
		t.Run("every case still reads after rotation", readAll)
		t.Run("no data key is left under the old version", func(t *testing.T) {
			a.Store.Read(ctxBG, func(tx *sqlstore.Tx) error {
				if n, _ := tx.CountDataKeysUnder(ctxBG, 1); n != 0 {
					t.Fatalf("%d keys under version 1", n)
				}
				return nil
			})
		})
		retired, err := a.Svc.RetireKeys(testapp.System())
		if err != nil || len(retired) != 1 || retired[0] != 1 {
			t.Fatalf("retire: %v %v", retired, err)
		}
		t.Run("every case still reads after the old version is retired", readAll)
		t.Run("new cases are sealed under the new version", func(t *testing.T) {
			id := a.MustCase(t, token, testapp.CaseBody("Ion", "Ceban", "1990-01-01"))
			a.Store.Read(ctxBG, func(tx *sqlstore.Tx) error {
				c, _ := tx.Case(ctxBG, id)
				k, _ := tx.DataKey(ctxBG, c.Person.ID)
				if v, _ := keyring.WrappedVersion(k.Wrapped); v != 2 {
					t.Fatalf("wrapped under %d", v)
				}
				return nil
			})
		})
		t.Run("the rotation is in the audit log", func(t *testing.T) {
			var n int
			a.RawDB(t).QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action IN ('keys.rotate', 'keys.retire')").Scan(&n)
			if n != 2 {
				t.Fatalf("%d entries", n)
			}
		})
	})
}

// A wrong key-encryption key and a corrupted ciphertext fail with distinct,
// clear errors: a 500 to the caller (never the data, never a panic) and a
// log line that tells the operator which it is.
func TestWrongKeyAndCorruptCiphertext(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
		corrupt := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		moved := a.MustCase(t, token, testapp.CaseBody("Ion", "Ceban", "1990-01-01"))

		t.Run("a flipped byte is reported as corrupt", func(t *testing.T) {
			db := a.RawDB(t)
			var pid string
			var name []byte
			db.QueryRow(rebindFor(e, "SELECT p.id, p.family_name FROM persons p JOIN cases c ON c.person_id = p.id WHERE c.id = ?"), corrupt).Scan(&pid, &name)
			name[len(name)-1] ^= 1
			a.MustExec(t, "UPDATE persons SET family_name = ? WHERE id = ?", name, pid)
			r := a.Do(t, "GET", "/api/v1/cases/"+corrupt, token, nil)
			if r.Status != 500 || strings.Contains(string(r.Body), "Popescu") {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if !strings.Contains(a.Logs(), "corrupt or altered ciphertext") {
				t.Fatalf("the log does not say the ciphertext is corrupt:\n%s", a.Logs())
			}
		})
		t.Run("a ciphertext moved to another record does not open", func(t *testing.T) {
			db := a.RawDB(t)
			var from, to string
			db.QueryRow(rebindFor(e, "SELECT person_id FROM cases WHERE id = ?"), corrupt).Scan(&from)
			db.QueryRow(rebindFor(e, "SELECT person_id FROM cases WHERE id = ?"), moved).Scan(&to)
			// Same person key is impossible across persons, so move within
			// one person: the given name into the family name's column.
			a.MustExec(t, "UPDATE persons SET family_name = given_name WHERE id = ?", to)
			r := a.Do(t, "GET", "/api/v1/cases/"+moved, token, nil)
			if r.Status != 500 || strings.Contains(string(r.Body), "Ion") {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
		t.Run("another key-encryption key is reported as the wrong key", func(t *testing.T) {
			other := t.TempDir()
			if _, err := keyring.Open(other, ""); err != nil {
				t.Fatal(err)
			}
			kek, _ := os.ReadFile(filepath.Join(other, "kek"))
			if err := os.WriteFile(filepath.Join(a.DataDir, "keys", "kek"), kek, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := a.Keys.Reload(); err != nil {
				t.Fatal(err)
			}
			fresh := a.MustCase(t, token, testapp.CaseBody("Vera", "Lungu", "1992-02-02")) // sealed under the new KEK: readable
			if r := a.Do(t, "GET", "/api/v1/cases/"+fresh, token, nil); r.Status != 200 {
				t.Fatalf("%d", r.Status)
			}
			r := a.Do(t, "GET", "/api/v1/cases/"+moved, token, nil)
			if r.Status != 500 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if !strings.Contains(a.Logs(), "made under a different key") {
				t.Fatalf("the log does not say the key is wrong:\n%s", a.Logs())
			}
		})
	})
}

func rebindFor(e sqlstore.Engine, q string) string {
	if e != sqlstore.Postgres {
		return q
	}
	n := 0
	var b strings.Builder
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
