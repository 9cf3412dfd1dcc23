package service_test

import (
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestCaseFileIsOneReadWithOneAuditEntry(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		officer := a.MustUser(t, police, nrm.RoleFirstResponder)
		worker := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		officerTok, workerTok := a.MustToken(t, officer), a.MustToken(t, worker)
		id := a.MustCase(t, officerTok, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		a.MustShare(t, id, officerTok, ngo, nrm.PurposeReferral, []string{"identity", "support"}, workerTok)
		count := func() int {
			var n int
			if err := a.RawDB(t).QueryRow("SELECT COUNT(*) FROM audit_entries").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		cf, err := a.Svc.CaseFile(testapp.As(worker.Actor), id)
		if err != nil {
			t.Fatal(err)
		}
		if n := count() - before; n != 1 {
			t.Fatalf("the case file read wrote %d audit entries, want 1", n)
		}
		var detail string
		a.RawDB(t).QueryRow("SELECT detail FROM audit_entries ORDER BY seq DESC LIMIT 1").Scan(&detail)
		if detail == "" || cf.Person.FamilyName != "Popescu" || cf.Protection == nil || len(cf.Referrals) != 1 || len(cf.Timeline) == 0 {
			t.Fatalf("case file: %+v; audit %q", cf.Actions, detail)
		}
		t.Run("the actions follow the policy: a partner does not close the owner's case", func(t *testing.T) {
			if cf.Actions.Close || cf.Actions.Reopen || !cf.Actions.SupportWrite || !cf.Actions.Refer {
				t.Fatalf("%+v", cf.Actions)
			}
			o, err := a.Svc.CaseFile(testapp.As(officer.Actor), id)
			if err != nil {
				t.Fatal(err)
			}
			// Police never read support; a removal is offered only when the rules allow it.
			if o.Protection != nil || o.Actions.SupportWrite || !o.Actions.Close {
				t.Fatalf("%+v", o.Actions)
			}
		})
		t.Run("an organisation not involved finds nothing", func(t *testing.T) {
			stranger := a.MustUser(t, a.MustOrg(t, nrm.KindShelter), nrm.RoleCaseWorker)
			if _, err := a.Svc.CaseFile(testapp.As(stranger.Actor), id); nrm.ErrorCode(err) != nrm.CodeNotFound {
				t.Fatalf("%v", err)
			}
		})
	})
}
