package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// TestTrialPages: a monitor records a trial, a hearing sheet (one radio
// group per item) and the outcome through the pages; bad input is shown at
// its input with nothing written; the findings page draws its charts and
// its CSV and XLSX hold the same figures; a monitor reaches no case page.
func TestTrialPages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		monitors, ngo := a.MustOrg(t, nrm.KindTrialMonitor), a.MustOrg(t, nrm.KindNGO)
		monitorU, workerU := a.MustUser(t, monitors, nrm.RoleTrialMonitor), a.MustUser(t, ngo, nrm.RoleCaseWorker)
		caseID := a.MustCase(t, a.MustToken(t, workerU), testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		m, worker := MustSignIn(t, a, monitorU, ""), MustSignIn(t, a, workerU, "")
		today := a.Svc.Today()
		opened := today.AddDays(-40).String()

		p := m.get(t, "/")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, `class="card home-trials"`, `<a class="button" href="/trials">`)
		p = m.get(t, "/trials")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, `href="/trials"`, `href="/trials/findings"`, `action="/trials"`)
		if strings.Contains(p.Body, `href="/cases"`) {
			t.Error("the monitor's menu offers the cases")
		}
		p = m.post(t, "/trials", url.Values{"csrf": {m.CSRF}, "court": {"Bălți Court of Appeal"}, "country": {"md"},
			"case_number": {"1a-77/2026"}, "charges": {"art. 165; art. 206"}, "opened_on": {opened}, "victims": {"2"}, "defendants": {"1"}})
		wantStatus(t, p, http.StatusSeeOther)
		path := strings.SplitN(p.Location, "?", 2)[0]
		id := strings.TrimPrefix(path, "/trials/")
		if !nrm.ValidID(id) {
			t.Fatalf("redirected to %q", p.Location)
		}
		p = m.get(t, path)
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "Bălți Court of Appeal", "1a-77/2026", "art. 165; art. 206", `id="hearing-form"`)
		for _, item := range nrm.TrialSheetItems {
			wantContains(t, p, `<fieldset class="sheet-item" id="hearing.sheet.`+item+`"`)
			for _, v := range nrm.TrialSheetValues {
				wantContains(t, p, `<label for="hearing.sheet.`+item+`.`+v+`"><input type="radio" id="hearing.sheet.`+item+`.`+v+`" name="sheet.`+item+`" value="`+v+`"`)
			}
		}

		t.Run("a bad sheet is shown at its item, nothing written", func(t *testing.T) {
			p := m.post(t, path+"/hearings", url.Values{"csrf": {m.CSRF}, "date": {opened}, "sheet.interpreter": {"perhaps"}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#hearing.sheet.interpreter">`, `id="hearing.sheet.interpreter" aria-invalid="true"`)
			p = m.post(t, path+"/hearings", url.Values{"csrf": {m.CSRF}, "date": {today.AddDays(-41).String()}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#hearing.date">`, "before the trial opened")
			p = m.post(t, path+"/hearings", url.Values{"csrf": {m.CSRF}, "date": {opened}, "notes": {"Ana Popescu testified."}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#hearing.notes">`, "must not name a person in the case files")
			if strings.Contains(m.get(t, path).Body, `class="hearing"`) {
				t.Fatal("a refused sheet was written")
			}
		})
		t.Run("a sheet and the outcome are recorded", func(t *testing.T) {
			form := url.Values{"csrf": {m.CSRF}, "date": {today.AddDays(-20).String()}, "notes": {"W1 heard by video link."}}
			for i, item := range nrm.TrialSheetItems {
				form.Set("sheet."+item, nrm.TrialSheetValues[i%4])
			}
			p := m.post(t, path+"/hearings", form)
			wantStatus(t, p, http.StatusSeeOther)
			p = m.get(t, path)
			wantContains(t, p, `class="hearing"`, "W1 heard by video link.", `<td class="sheet-yes">Yes</td>`, `<td class="sheet-not-observed">Not observed</td>`)
			p = m.post(t, path+"/outcome", url.Values{"csrf": {m.CSRF}, "date": {today.AddDays(-10).String()}, "verdict": {"convicted-trafficking"},
				"sentence_months": {"84"}, "suspended": {"true"}, "compensation_awarded.amount": {"3000.00"}, "compensation_awarded.currency": {"MDL"}})
			wantStatus(t, p, http.StatusSeeOther)
			wantContains(t, m.get(t, path), "84 months, suspended", "3000.00 MDL")
			l := m.get(t, "/trials")
			wantContains(t, l, "Bălți Court of Appeal", "<td>1</td>")
		})
		t.Run("the findings page, for everyone, with charts and downloads", func(t *testing.T) {
			q := "?country=MD&from=" + opened + "&to=" + today.String()
			for _, b := range []signedIn{m, worker} {
				p := b.get(t, "/trials/findings"+q)
				wantStatus(t, p, http.StatusOK)
				wantContains(t, p, `<svg xmlns="http://www.w3.org/2000/svg" id="chart-items" class="chart" role="img"`, `id="chart-verdicts"`,
					`<dd id="f-trials">1</dd>`, `<dd id="f-hearings">1</dd>`, `<dd id="f-suspended">100.0 %</dd>`,
					`<dd id="f-compensation">100.0 %</dd>`, `href="/trials/findings.csv?`, `href="/trials/findings.xlsx?`)
				if strings.Contains(p.Body, "Bălți") {
					t.Fatal("the findings name the court")
				}
			}
			p := worker.get(t, "/trials/findings.csv"+q)
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "figure,item,value,number\n", "trials,,,1\n", "items,victim-identified,yes,1\n",
				"verdicts,convicted-trafficking,,1\n", "suspended_share,,,1\n")
			p = worker.get(t, "/trials/findings.xlsx"+q)
			wantStatus(t, p, http.StatusOK)
			x, err := excelize.OpenReader(bytes.NewReader([]byte(p.Body)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows("Findings")
			if len(rows) < 5 || strings.Join(rows[4], ",") != "trials,,,1" {
				t.Fatalf("%v", rows)
			}
			items, _ := x.GetRows("Items")
			if len(items) != 1+len(nrm.TrialSheetItems) || strings.Join(items[1], ",") != "victim-identified,1,0,0,0" {
				t.Fatalf("%v", items)
			}
			p = worker.get(t, "/trials/findings?from=2026-05-01&to=2026-01-01")
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#findings.to">`)
		})
		t.Run("a case worker sees no trial; a monitor no case", func(t *testing.T) {
			wantStatus(t, worker.get(t, "/trials"), http.StatusForbidden)
			wantStatus(t, worker.get(t, path), http.StatusForbidden)
			for _, cp := range []string{"/cases", "/cases/" + caseID, "/cases/" + caseID + "/justice", "/due", "/cases.csv"} {
				p := m.get(t, cp)
				if p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
					t.Errorf("%s: %d", cp, p.Status)
				}
				if regexp.MustCompile(`Ana|Popescu`).MatchString(p.Body) {
					t.Errorf("%s shows the person", cp)
				}
			}
		})
	})
}
