package e2e

// The browser test of trial monitoring: a monitor signs in, records a
// trial, fills in a hearing sheet by clicking one answer per item, records
// the outcome, and reads the findings with their charts; the trial page and
// the findings page pass axe.

import (
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestBrowserTrialMonitoring(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		monitors := a.MustOrg(t, nrm.KindTrialMonitor)
		monitor := a.MustUser(t, monitors, nrm.RoleTrialMonitor)
		day := func(n int) string { return a.Clock.Now().AddDate(0, 0, n).Format("2006-01-02") }
		step := func(name string, f func(t *testing.T)) {
			a.Clock.Advance(90 * time.Second)
			if !t.Run(name, f) {
				t.FailNow()
			}
		}
		b := newChromium(t, a.URL)
		step("monitor_signs_in", func(t *testing.T) { b.signInFirstTime(t, a, monitor) })
		step("monitor_records_a_trial", func(t *testing.T) {
			b.open(t, "/trials")
			b.typeInto(t, "trial.court", "Eastbrook Crown Court")
			b.typeInto(t, "trial.country", "GB")
			b.typeInto(t, "trial.case_number", "T20267001")
			b.typeInto(t, "trial.charges", "Modern Slavery Act 2015 s.2")
			b.setValue(t, "trial.opened_on", day(-30))
			b.typeInto(t, "trial.victims", "3")
			b.typeInto(t, "trial.defendants", "2")
			b.submit(t, `form[action="/trials"] button[type="submit"]`)
			b.wantText(t, "h1", "Eastbrook Crown Court", "T20267001")
		})
		step("monitor_records_a_hearing_sheet", func(t *testing.T) {
			if n := b.count(t, `#hearing-form fieldset.sheet-item`); n != len(nrm.TrialSheetItems) {
				t.Fatalf("%d radio groups, want %d", n, len(nrm.TrialSheetItems))
			}
			b.axeCheck(t, "trial")
			b.setValue(t, "hearing.date", day(-10))
			answers := map[string]string{}
			for i, item := range nrm.TrialSheetItems {
				v := nrm.TrialSheetValues[i%len(nrm.TrialSheetValues)]
				answers[item] = v
				b.click(t, byID("hearing.sheet."+item+"."+v)) // as a person clicks the radio button
			}
			b.typeInto(t, "hearing.notes", "W1 testified by video link; D2 absent.")
			b.submit(t, `#hearing-form button[type="submit"]`)
			b.wantText(t, "#hearings", day(-10), "W1 testified by video link; D2 absent.", "Victim identified as such", "Not applicable")
			for item, v := range answers {
				if n := b.count(t, `.hearing td.sheet-`+v); n == 0 {
					t.Errorf("%s: no %s answer on the sheet shown", item, v)
				}
			}
			if got := b.count(t, `.hearing td`); got != len(nrm.TrialSheetItems) {
				t.Errorf("%d answers shown, want %d", got, len(nrm.TrialSheetItems))
			}
		})
		step("monitor_records_the_outcome", func(t *testing.T) {
			b.setValue(t, "outcome.date", day(-2))
			b.setValue(t, "outcome.verdict", "convicted-trafficking")
			b.typeInto(t, "outcome.sentence_months", "72")
			b.typeInto(t, "outcome.compensation_awarded.amount", "12000.00")
			b.typeInto(t, "outcome.compensation_awarded.currency", "GBP")
			b.submit(t, `#outcome-form button[type="submit"]`)
			b.wantText(t, "#outcome", "Convicted", "72 months", "12000.00 GBP")
		})
		step("the_findings_show_the_sheet_with_charts", func(t *testing.T) {
			b.open(t, "/trials/findings?country=GB&from="+day(-60)+"&to="+day(0))
			b.wantText(t, "#findings-summary", "1", "0.0 %", "100.0 %")
			if n := b.count(t, `svg#chart-items rect`); n < len(nrm.TrialSheetItems) {
				t.Errorf("the items chart has %d bars", n)
			}
			if s := b.text(t, "#item-victim-identified"); !strings.Contains(s, "1") {
				t.Errorf("victim identified: %q", s)
			}
			b.axeCheck(t, "trial findings")
			b.saveScreenshot(t, engine, "trial-findings")
		})
	})
}
