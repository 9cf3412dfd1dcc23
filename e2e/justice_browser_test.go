package e2e

// The browser test of the tracks beside identification: a case worker
// records a criminal proceeding and a hearing on a case's Justice tab, finds
// the Return tab refusing a return and saying why, submits a return risk
// assessment; a co-ordinator of the same organisation (the second person)
// approves it; the case worker then records the voluntary return, which
// closes the case with its follow-up clocks.

import (
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestBrowserJusticeAndReturn(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		coord := a.MustUser(t, ngo, nrm.RoleCoordinator)
		caseID := a.MustCase(t, a.MustToken(t, worker), testapp.CaseBody("Zyxandra", "Quellwood", "1999-04-02"))
		casePath := "/cases/" + caseID
		today := func() string { return a.Clock.Now().Format("2006-01-02") }
		// Each step rests on the one before: the first failure ends the walk.
		step := func(name string, f func(t *testing.T)) {
			a.Clock.Advance(90 * time.Second)
			if !t.Run(name, f) {
				t.FailNow()
			}
		}
		w := newChromium(t, a.URL)

		step("case_worker_signs_in", func(t *testing.T) { w.signInFirstTime(t, a, worker) })
		step("case_worker_records_a_proceeding_on_the_justice_tab", func(t *testing.T) {
			w.open(t, casePath)
			if n := w.count(t, `#tab-justice[href="`+casePath+`/justice"]`); n != 1 {
				t.Fatalf("the case page has %d Justice tabs", n)
			}
			w.open(t, casePath+"/justice")
			w.wantText(t, "h1", "Justice")
			w.click(t, `#add-proceeding > summary`)
			w.setValue(t, "proceeding.kind", "criminal")
			w.setValue(t, "proceeding.stage", "investigation")
			w.typeInto(t, "proceeding.authority", "Eastbrook Police")
			w.typeInto(t, "proceeding.charges", "trafficking")
			w.setValue(t, "proceeding.person_role", "injured-party")
			w.typeInto(t, "proceeding.lawyer.name", "Q. Counsel")
			w.click(t, `input[name="lawyer.legal_aid"]`)
			w.setValue(t, "proceeding.rights_information.given_on", today())
			w.typeInto(t, "proceeding.rights_information.language", "ro")
			w.submit(t, `form[action$="/justice/proceedings"] button[type="submit"]`)
			w.wantText(t, "#proceedings", "Eastbrook Police", "Injured party", "Q. Counsel", "legal aid")
		})
		step("case_worker_records_a_hearing_ahead", func(t *testing.T) {
			w.click(t, `.proceeding details > summary`)
			id := w.eval(t, `document.querySelector('.proceeding').id.replace('proceeding-', '')`)
			hearing := a.Clock.Now().AddDate(0, 0, 21).Format("2006-01-02")
			w.setValue(t, "event-"+id+".kind", "hearing")
			w.setValue(t, "event-"+id+".date", hearing)
			w.submit(t, `form[action$="/events"] button[type="submit"]`)
			w.wantText(t, "#proceedings", hearing)
			w.open(t, casePath)
			w.wantText(t, "#clocks", hearing)
		})
		step("the_return_tab_refuses_a_return_and_says_why", func(t *testing.T) {
			w.open(t, casePath)
			if n := w.count(t, `#tab-return[href="`+casePath+`/return"]`); n != 1 {
				t.Fatalf("the case page has %d Return tabs", n)
			}
			w.open(t, casePath+"/return")
			w.wantText(t, "#return-gate", "No return risk assessment of this case yet")
			if n := w.count(t, `#return-gate a[href="#assess"]`); n != 1 {
				t.Errorf("the refusal links to the assessment %d times", n)
			}
		})
		step("case_worker_submits_a_return_risk_assessment", func(t *testing.T) {
			w.typeInto(t, "assess.destination_country", "MD")
			for _, it := range nrm.ReturnItems {
				switch {
				case it.Values == nil:
					w.typeInto(t, "assess.answers."+it.ID, "La Strada, calls at 3, 6 and 12 months")
				case it.Risk:
					w.setValue(t, "assess.answers."+it.ID, "low")
				case it.ID == "family-involved":
					w.setValue(t, "assess.answers."+it.ID, "no")
				default:
					w.setValue(t, "assess.answers."+it.ID, it.Values[0])
				}
			}
			w.submit(t, `form[action$="/return/assessments"] button[type="submit"]`)
			w.wantText(t, "#assessments", "Submitted", "Low")
			w.wantText(t, "#return-gate", "not approved yet")
			// The case worker may not sign it off.
			if n := w.count(t, `form[action$="/review"]`); n != 0 {
				t.Errorf("the case worker is offered the sign-off")
			}
		})
		c := newChromium(t, a.URL)
		step("a_coordinator_approves_it", func(t *testing.T) {
			c.signInFirstTime(t, a, coord)
			c.open(t, casePath+"/return")
			id := c.eval(t, `document.querySelector('.assessment').id.replace('assessment-', '')`)
			c.typeInto(t, "review-"+id+".reasons", "Risks checked with the receiving organisation.")
			c.submit(t, `form[action$="/review"] button[value="approve"]`)
			c.wantText(t, "#assessments", "Approved")
		})
		step("case_worker_records_the_voluntary_return", func(t *testing.T) {
			w.open(t, casePath+"/return")
			if n := w.count(t, "#return-gate"); n != 0 {
				t.Fatalf("the return is still refused: %s", w.text(t, "#return-gate"))
			}
			w.setValue(t, "return.receiving_org", ngo.ID)
			w.submit(t, `#return-form button[type="submit"]`)
			w.wantText(t, "#returns", "Returned voluntarily on", "Add a follow-up")
			w.open(t, casePath)
			w.wantText(t, ".case-head", "Closed", "Returned to the country of origin")
			in3 := a.Clock.Now().AddDate(0, 3, 0).Format("2006-01-02")
			if s := w.text(t, "#clocks"); !strings.Contains(s, in3) {
				t.Errorf("no follow-up clock at %s: %s", in3, s)
			}
			w.saveScreenshot(t, engine, "case-return")
		})
	})
}
