package service_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// busyApp makes an app with some history: users, cases, reads, a denial.
func busyApp(t *testing.T, e sqlstore.Engine) (*testapp.App, string, string) {
	a := testapp.New(t, e)
	org, other := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindPolice)
	token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
	stranger := a.MustToken(t, a.MustUser(t, other, nrm.RoleLawEnforcement))
	id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
	for i := 0; i < 3; i++ {
		a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
	}
	a.Do(t, "GET", "/api/v1/cases/"+id, stranger, nil)
	a.Do(t, "GET", "/api/v1/cases", token, nil)
	auditor := a.MustUser(t, org, nrm.RoleAuditor)
	return a, id, a.MustToken(t, auditor)
}

func mustVerify(t *testing.T, a *testapp.App) auditlog.Result {
	t.Helper()
	res, err := a.Svc.VerifyAudit(testapp.System(), nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return res
}

// failure verifies and returns the entry it names.
func failure(t *testing.T, a *testapp.App) auditlog.Failure {
	t.Helper()
	_, err := a.Svc.VerifyAudit(testapp.System(), nil)
	var f auditlog.Failure
	if !errors.As(err, &f) {
		t.Fatalf("verify did not fail naming an entry: %v", err)
	}
	return f
}

func TestAuditLogRecordsAccessWithoutPersonalData(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a, id, _ := busyApp(t, e)
		// A failed sign-in with an unknown address and a wrong password.
		a.Svc.SignIn(ctxBG, "ana.popescu@example.org", "nope-nope-nope", "192.0.2.1")
		db := a.RawDB(t)
		count := func(where string, args ...any) int {
			var n int
			if err := db.QueryRow(rebindFor(e, "SELECT COUNT(*) FROM audit_entries WHERE "+where), args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tc := range []struct {
			name  string
			where string
			args  []any
			want  int
		}{
			{"the creation", "action = 'case.create' AND object = ?", []any{"case/" + id}, 1},
			{"each read", "action = 'case.read' AND object = ? AND outcome = 'ok' AND detail LIKE '%identity%'", []any{"case/" + id}, 4},
			{"the denial", "action = 'case.view' AND object = ? AND outcome = 'denied'", []any{"case/" + id}, 1},
			{"the organisations and users created", "action IN ('org.create', 'user.create', 'token.create')", nil, 2 + 3 + 3},
			{"the failed sign-in", "action = 'signin.password' AND outcome = 'failed' AND actor = ''", nil, 1},
		} {
			if got := count(tc.where, tc.args...); got != tc.want {
				t.Errorf("%s: %d entries, want %d", tc.name, got, tc.want)
			}
		}
		var requestIDs int
		db.QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'case.read' AND request_id <> '' AND actor <> '' AND actor_org <> '' AND actor_role = 'case-worker'").Scan(&requestIDs)
		if requestIDs != 4 {
			t.Errorf("%d reads carry who, organisation, role and request id", requestIDs)
		}
		rows, err := db.Query("SELECT request_id, actor, actor_org, actor_role, action, object, outcome, detail FROM audit_entries")
		if err != nil {
			t.Fatal(err)
		}
		var all bytes.Buffer
		for rows.Next() {
			var f [8]string
			rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7])
			all.WriteString(strings.Join(f[:], "|") + "\n")
		}
		rows.Close()
		mustNotContain(t, "the audit log", all.Bytes(), "Ana", "Popescu", "1999-04-02", "Bristol", "ana.popescu")
		mustVerify(t, a)
	})
}

func TestAuditVerifyNamesTheFirstTamperedEntry(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		for _, tc := range []struct {
			name   string
			tamper func(a *testapp.App)
			want   uint64
			reason string
		}{
			{"an edited entry", func(a *testapp.App) {
				a.MustExec(t, "UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 7")
			}, 7, "altered"},
			{"an edited entry with its stored hash rewritten to match", func(a *testapp.App) {
				var e auditlog.Entry
				var at int64
				a.RawDB(t).QueryRow("SELECT seq, at, request_id, actor, actor_org, actor_role, action, object, outcome, detail FROM audit_entries WHERE seq = 9").
					Scan(&e.Seq, &at, &e.RequestID, &e.Actor, &e.ActorOrg, &e.ActorRole, &e.Action, &e.Object, &e.Outcome, &e.Detail)
				e.Outcome = "ok"
				e.Detail = "nothing to see"
				e.Time = timeMicro(at)
				a.MustExec(t, "UPDATE audit_entries SET outcome = ?, detail = ?, leaf_hash = ? WHERE seq = 9", e.Outcome, e.Detail, auditlog.LeafHash(e))
			}, 9, "do not match"},
			{"a deleted entry", func(a *testapp.App) {
				a.MustExec(t, "DELETE FROM audit_entries WHERE seq = 5")
			}, 5, "missing"},
			{"two entries swapped", func(a *testapp.App) {
				a.MustExec(t, "UPDATE audit_entries SET seq = -1 WHERE seq = 3")
				a.MustExec(t, "UPDATE audit_entries SET seq = 3 WHERE seq = 4")
				a.MustExec(t, "UPDATE audit_entries SET seq = 4 WHERE seq = -1")
			}, 3, ""},
			{"the newest entries cut off", func(a *testapp.App) {
				var n int64
				a.RawDB(t).QueryRow("SELECT MAX(seq) FROM audit_entries").Scan(&n)
				a.MustExec(t, "DELETE FROM audit_entries WHERE seq >= ?", n-1)
			}, 0, "truncated"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a, _, _ := busyApp(t, e)
				before := mustVerify(t, a)
				if before.Size < 12 {
					t.Fatalf("only %d entries", before.Size)
				}
				tc.tamper(a)
				f := failure(t, a)
				want := tc.want
				if want == 0 {
					want = before.Size - 2
				}
				if f.Seq != want || !strings.Contains(f.Error(), tc.reason) {
					t.Fatalf("named entry %d (%v), want entry %d (%s)", f.Seq, f, want, tc.reason)
				}
			})
		}
	})
}

func TestAuditEndpoints(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a, id, auditor := busyApp(t, e)
		res := mustVerify(t, a)
		r := a.Do(t, "GET", "/api/v1/audit/checkpoint", auditor, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		t.Run("the checkpoint is a signed note of the current tree", func(t *testing.T) {
			lines := strings.Split(string(r.Body), "\n")
			if len(lines) < 5 || !strings.HasPrefix(lines[0], "nrm.audit/") || lines[3] != "" || !strings.HasPrefix(lines[4], "— ") {
				t.Fatalf("not a signed note:\n%s", r.Body)
			}
			v, err := auditlog.NewVerifier(a.Svc.AuditVerifierKey())
			if err != nil {
				t.Fatal(err)
			}
			cp, err := auditlog.OpenCheckpoint(r.Body, v)
			if err != nil {
				t.Fatal(err)
			}
			// The read of the checkpoint itself is not audited, so the tree
			// is as verify saw it, or larger by the entries since.
			if cp.Size < res.Size {
				t.Fatalf("checkpoint size %d < verified %d", cp.Size, res.Size)
			}
			if cp.Size == res.Size && !bytes.Equal(cp.Root, res.Root) {
				t.Fatal("root differs from the verified root")
			}
		})
		t.Run("inclusion and consistency proofs verify", func(t *testing.T) {
			v, _ := auditlog.NewVerifier(a.Svc.AuditVerifierKey())
			cur, _ := auditlog.OpenCheckpoint(a.Do(t, "GET", "/api/v1/audit/checkpoint", auditor, nil).Body, v)
			p := a.Do(t, "GET", "/api/v1/audit/proof/inclusion?index=3&size="+itoa(cur.Size), auditor, nil)
			if p.Status != 200 {
				t.Fatalf("%d %s", p.Status, p.Body)
			}
			m := p.JSON(t)
			if err := auditlog.VerifyInclusion(b64(t, m["leaf_hash"].(string)), 3, cur.Size, b64s(t, m["hashes"]), cur.Root); err != nil {
				t.Fatal(err)
			}
			c := a.Do(t, "GET", "/api/v1/audit/proof/consistency?from=1&to="+itoa(cur.Size), auditor, nil)
			if c.Status != 200 {
				t.Fatalf("%d %s", c.Status, c.Body)
			}
			var first []byte
			a.RawDB(t).QueryRow("SELECT signed FROM audit_checkpoints WHERE size = 1").Scan(&first)
			cp1, err := auditlog.OpenCheckpoint(first, v)
			if err != nil {
				t.Fatal(err)
			}
			if err := auditlog.VerifyConsistency(1, cur.Size, b64s(t, c.JSON(t)["hashes"]), cp1.Root, cur.Root); err != nil {
				t.Fatal(err)
			}
			if bad := a.Do(t, "GET", "/api/v1/audit/proof/inclusion?index=x&size=3", auditor, nil); bad.Status != 400 && bad.Status != 422 {
				t.Fatalf("bad index: %d", bad.Status)
			}
		})
		t.Run("entries can be filtered by case", func(t *testing.T) {
			l := a.Do(t, "GET", "/api/v1/audit/entries?case="+id+"&action=case.read", auditor, nil)
			items := l.JSON(t)["items"].([]any)
			if len(items) != 4 {
				t.Fatalf("%d entries: %s", len(items), l.Body)
			}
		})
		t.Run("only auditors read the log", func(t *testing.T) {
			org := a.MustOrg(t, nrm.KindNGO)
			token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
			for _, path := range []string{"/api/v1/audit/checkpoint", "/api/v1/audit/entries", "/api/v1/audit/proof/inclusion?index=0&size=1"} {
				if r := a.Do(t, "GET", path, token, nil); r.Status != 403 {
					t.Errorf("%s: %d", path, r.Status)
				}
			}
		})
	})
}

// Audit fails closed: when the entry cannot be written, the change does
// not happen and the read returns nothing.
func TestAuditFailsClosed(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
		id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		// Occupy the next sequence number so that the next append fails.
		var size int64
		a.RawDB(t).QueryRow("SELECT size FROM audit_head").Scan(&size)
		a.MustExec(t, "INSERT INTO audit_entries (seq, at, request_id, actor, actor_org, actor_role, action, object, outcome, detail, leaf_hash) VALUES (?, 0, '', '', '', '', 'x', '', '', '', ?)", size, []byte{1})

		r := a.Do(t, "POST", "/api/v1/cases", token, testapp.CaseBody("Ion", "Ceban", "1990-01-01"))
		if r.Status != 500 {
			t.Fatalf("create with a broken log: %d %s", r.Status, r.Body)
		}
		var n int
		a.RawDB(t).QueryRow("SELECT COUNT(*) FROM cases").Scan(&n)
		if n != 1 {
			t.Fatalf("%d cases: the create went through without its audit entry", n)
		}
		g := a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
		if g.Status != 500 || strings.Contains(string(g.Body), "Popescu") {
			t.Fatalf("read with a broken log: %d %s", g.Status, g.Body)
		}
	})
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func timeMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }

func b64(t *testing.T, s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func b64s(t *testing.T, v any) [][]byte {
	var out [][]byte
	for _, s := range v.([]any) {
		out = append(out, b64(t, s.(string)))
	}
	return out
}
