package service_test

import (
	"strconv"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// The yearly report's trial-monitoring section counts what the findings
// count, and suppresses under k like every other table.
func TestYearReportTrialSection(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		monitor := testapp.As(a.MustUser(t, a.MustOrg(t, nrm.KindTrialMonitor), nrm.RoleTrialMonitor).Actor)
		analyst := testapp.As(a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAnalyst).Actor)
		today := a.Svc.Today()
		victims, defendants := 1, 1
		trial := func(i int, verdict string) {
			tr, err := a.Svc.CreateTrial(monitor, nrm.TrialInput{Court: "Court " + strconv.Itoa(i), Country: "MD",
				CaseNumber: "T-" + strconv.Itoa(i), Charges: []string{"Art. 165"}, OpenedOn: today.AddDays(-60).String(),
				Victims: &victims, Defendants: &defendants})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Svc.AddTrialHearing(monitor, tr.ID, nrm.TrialHearingInput{Date: today.AddDays(-30).String(),
				Sheet: map[string]string{"interpreter": "yes", "compensation-claimed": "no"}}); err != nil {
				t.Fatal(err)
			}
			out := nrm.TrialOutcomeInput{Date: today.AddDays(-10).String(), Verdict: verdict}
			if verdict != "acquitted" {
				months, suspended := 48, false
				out.SentenceMonths, out.Suspended = &months, &suspended
			}
			if _, err := a.Svc.RecordTrialOutcome(monitor, tr.ID, out); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 6 {
			trial(i, "acquitted")
		}
		trial(6, "convicted-trafficking") // one alone: under k
		year := strconv.Itoa(today.Time().Year())
		r, err := a.Svc.YearReport(analyst, year, "5", "html")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range r.Sections {
			if s.ID != "trials" {
				continue
			}
			found = true
			counts := map[string]string{}
			for _, tb := range s.Tables {
				for _, c := range tb.Table.Cells {
					key := tb.ID
					for _, col := range []string{nrm.FactColumn, "item"} {
						if v, ok := c.Values[col]; ok && v != nil {
							key += "/" + *v
						}
					}
					if c.Count == nil {
						counts[key] = "suppressed"
					} else {
						counts[key] = strconv.FormatInt(*c.Count, 10)
					}
				}
			}
			for key, want := range map[string]string{
				// One conviction alone is under k, and the six acquittals are
				// hidden too: the total would give the conviction away.
				"trial-verdicts/acquitted": "suppressed", "trial-verdicts/convicted-trafficking": "suppressed",
				"trial-hearings/yes/interpreter": "7", "trial-hearings/no/compensation-claimed": "7",
				"trial-hearings/not-observed/intimidation": "7",
			} {
				if counts[key] != want {
					t.Errorf("%s: %q, want %q (all: %v)", key, counts[key], want, counts)
				}
			}
		}
		if !found {
			t.Fatal("no trials section")
		}
		// A first responder reads no report, trials or not.
		fr := testapp.As(a.MustUser(t, a.MustOrg(t, nrm.KindPolice), nrm.RoleFirstResponder).Actor)
		if _, err := a.Svc.YearReport(fr, year, "5", "html"); nrm.ErrorCode(err) != nrm.CodeForbidden {
			t.Errorf("a first responder: %v", err)
		}
	})
}
