package service_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// A trial's court, case number, charges and notes are sealed under the
// trial's own data key: they read back to its monitors, are nowhere in the
// database in plaintext, and still read back after the keys are rotated.
// The findings, open to everyone, hold none of them.
func TestTrialsSealedAtRest(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		monitor := a.MustUser(t, a.MustOrg(t, nrm.KindTrialMonitor), nrm.RoleTrialMonitor)
		ctx := testapp.As(monitor.Actor)
		secret := []string{"Quillhaven Assize Court", "QX-7781-TRIAL", "Harbouring under section 4", "W3 wept at the Dniester question"}
		victims, defendants := 1, 2
		today := a.Svc.Today()
		tr, err := a.Svc.CreateTrial(ctx, nrm.TrialInput{Court: secret[0], Country: "MD", CaseNumber: secret[1], Charges: []string{secret[2]},
			OpenedOn: today.AddDays(-9).String(), Victims: &victims, Defendants: &defendants})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Svc.AddTrialHearing(ctx, tr.ID, nrm.TrialHearingInput{Date: today.AddDays(-2).String(),
			Sheet: map[string]string{"interpreter": "yes"}, Notes: secret[3]}); err != nil {
			t.Fatal(err)
		}
		readBack := func() {
			t.Helper()
			got, err := a.Svc.Trial(ctx, tr.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Court != secret[0] || got.CaseNumber != secret[1] || strings.Join(got.Charges, "") != secret[2] ||
				len(got.Hearings) != 1 || got.Hearings[0].Notes != secret[3] || got.Hearings[0].Sheet["interpreter"] != "yes" {
				t.Fatalf("%+v", got)
			}
		}
		readBack()
		mustNotContain(t, string(e)+" database", databaseBytes(t, a), secret...)
		if _, err := a.Svc.RotateKeys(testapp.System(), nil); err != nil {
			t.Fatal(err)
		}
		readBack()
		f, err := a.Svc.TrialFindings(testapp.System(), nrm.SystemActor, "MD", today.AddDays(-30), today)
		if err != nil || f.Trials != 1 || f.Hearings != 1 || f.Items["interpreter"]["yes"] != 1 {
			t.Fatalf("the yearly report's findings: %+v %v", f, err)
		}
	})
}

// A hearing and an outcome recorded at once, also by two processes on one
// PostgreSQL database, keep the order of dates: never an outcome dated
// before a hearing of its trial.
func TestConcurrentHearingAndOutcomeKeepTheirOrder(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		monitor := a.MustUser(t, a.MustOrg(t, nrm.KindTrialMonitor), nrm.RoleTrialMonitor)
		ctx := testapp.As(monitor.Actor)
		today := a.Svc.Today()
		one, two := 1, 2
		for _, p := range processesOf(t, a, e) {
			t.Run(p.name, func(t *testing.T) {
				tr, err := a.Svc.CreateTrial(ctx, nrm.TrialInput{Court: "Court", Country: "GB", OpenedOn: today.AddDays(-30).String(),
					Victims: &one, Defendants: &two})
				if err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range racers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						svc := p.svcs[i%len(p.svcs)]
						var err error
						if i%2 == 0 {
							_, err = svc.AddTrialHearing(ctx, tr.ID, nrm.TrialHearingInput{Date: today.AddDays(-5).String()})
						} else {
							_, err = svc.RecordTrialOutcome(ctx, tr.ID, nrm.TrialOutcomeInput{Date: today.AddDays(-10).String(), Verdict: "acquitted"})
						}
						if e := nrm.AsError(err); err != nil && e.Code != nrm.CodeConflict && !(e.Code == nrm.CodeInvalid && e.Field == "date") {
							t.Errorf("racer %d: %v", i, err)
						}
					}()
				}
				close(start)
				wg.Wait()
				outcomes := count(t, a, "SELECT COUNT(*) FROM trial_outcomes WHERE trial_id = ?", tr.ID)
				hearings := count(t, a, "SELECT COUNT(*) FROM trial_hearings WHERE trial_id = ?", tr.ID)
				if outcomes > 1 || (outcomes == 1 && hearings > 0) || outcomes+hearings == 0 {
					t.Fatalf("%d outcomes dated before %d hearings", outcomes, hearings)
				}
			})
		}
	})
}
