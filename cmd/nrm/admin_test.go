package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// rawDB opens an instance's database behind nrm's back, to tamper with it.
func rawDB(t *testing.T, in instance) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+filepath.Join(in.data, "nrm.db")+"?_pragma=busy_timeout(10000)"
	if in.db != "" {
		driver, dsn = "pgx", in.db
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seedCase creates a user and a case through the service as nrm opens it.
func seedCase(t *testing.T, in instance, given string) (caseID string, actor nrm.Actor) {
	t.Helper()
	org := MustOrg(t, in, "ngo")
	email := "w" + nrm.NewID()[:8] + "@example.org"
	id := MustRun(t, "", in.args("user", "add", "--email", email, "--name", "W", "--org", org, "--role", "case-worker")...)[0]
	o := MustOpen(t, in)
	actor = nrm.Actor{UserID: id, OrgID: org, OrgKind: nrm.KindNGO, Role: nrm.RoleCaseWorker}
	c, err := o.svc.CreateCase(nrm.WithActor(sys(), actor), nrm.CaseInput{
		Person:    nrm.PersonInput{GivenName: given, FamilyName: "Testova", DateOfBirth: "1990-01-01"},
		Encounter: nrm.EncounterInput{Date: "2026-11-01"}})
	if err != nil {
		t.Fatal(err)
	}
	o.svc.Close()
	o.store.Close()
	return c.ID, actor
}

var okLine = regexp.MustCompile(`^ok (\d+) entries root [0-9a-f]{64}$`)

func TestAuditVerifyCommand(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		seedCase(t, in, "Vera")
		lines := MustRun(t, "", in.args("audit", "verify")...)
		m := okLine.FindStringSubmatch(lines[len(lines)-1])
		if m == nil {
			t.Fatalf("last line %q", lines[len(lines)-1])
		}
		t.Run("an edited entry fails naming it, with exit status 1", func(t *testing.T) {
			if _, err := rawDB(t, in).Exec("UPDATE audit_entries SET action = 'nothing' WHERE seq = 2"); err != nil {
				t.Fatal(err)
			}
			r := nrmRun(t, "", in.args("audit", "verify")...)
			if r.code != 1 || !strings.Contains(r.stderr, "entry 2") || strings.Contains(r.stdout, "ok ") {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
			}
		})
	})
}

func TestKeysRotateAndEraseCommands(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		vera, actor := seedCase(t, in, "Vera")
		ivan, ivanActor := seedCase(t, in, "Ivan")

		out := MustRun(t, "", in.args("keys", "rotate")...)
		if !strings.Contains(strings.Join(out, "\n"), "version 2") {
			t.Fatalf("%q", out)
		}
		MustRun(t, "", in.args("keys", "retire")...)

		if r := nrmRun(t, "", in.args("erase", "--case", vera)...); r.code != 2 || !strings.Contains(r.stderr, "--reason") {
			t.Fatalf("erase without a reason: %d %s", r.code, r.stderr)
		}
		if r := nrmRun(t, "", in.args("erase", "--case", nrm.NewID(), "--reason", "x")...); r.code != 2 {
			t.Fatalf("erase of an unknown case: %d %s", r.code, r.stderr)
		}
		MustRun(t, "", in.args("erase", "--case", vera, "--reason", "request of the person")...)

		o := MustOpen(t, in)
		ctx := nrm.WithActor(sys(), actor)
		v, err := o.svc.Case(ctx, vera)
		if err != nil || !v.Person.Erased || v.Person.GivenName != "" {
			t.Fatalf("after erase: %+v %v", v.Person, err)
		}
		// The other person was sealed before the rotation and still reads.
		i, err := o.svc.Case(nrm.WithActor(sys(), ivanActor), ivan)
		if err != nil || i.Person.GivenName != "Ivan" {
			t.Fatalf("after rotation: %+v %v", i.Person, err)
		}
		o.svc.Close()
		lines := MustRun(t, "", in.args("audit", "verify")...)
		if !okLine.MatchString(lines[len(lines)-1]) {
			t.Fatalf("verify after erase: %q", lines)
		}
	})
}

func TestUnknownJurisdictionIsAUsageError(t *testing.T) {
	in := newInstance(t, sqlstore.SQLite)
	r := nrmRun(t, "", in.args("serve", "--addr", "127.0.0.1:0", "--jurisdiction", "narnia")...)
	if r.code != 2 || !strings.Contains(r.stderr, "--jurisdiction") || !strings.Contains(r.stderr, "uk-scotland") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(in.data); !os.IsNotExist(err) {
		t.Fatalf("the data directory was created: %v", err)
	}
}
