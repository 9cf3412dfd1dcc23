package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
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

// TestStatisticsPage: the table and its chart, CSV and XLSX downloads that
// parse to the same figures, suppressed cells shown as suppressed (never
// 0), each bad parameter named on the page, a differentially private
// release only by POST with the CSRF token, the ledger's refusal of an
// overspend said on the page, and the page refused to a role without
// statistics.
func TestStatisticsPage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police := a.MustOrg(t, nrm.KindPolice)
		officerUser := a.MustUser(t, police, nrm.RoleFirstResponder)
		officer := a.MustToken(t, officerUser)
		// 12 women and 3 men: the men's count is under k.
		for i := range 15 {
			body := testapp.CaseBody("Stat", fmt.Sprintf("Person%c", 'a'+i), "1995-05-05")
			if i >= 12 {
				body["person"].(map[string]any)["sex"] = "male"
			}
			a.MustCase(t, officer, body)
		}
		analyst := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAnalyst), "")

		t.Run("table_and_chart", func(t *testing.T) {
			p := analyst.get(t, "/statistics?dataset=cases&by=sex&privacy=none")
			wantStatus(t, p, http.StatusOK)
			if !regexp.MustCompile(`<td>female</td><td class="num">12</td>`).MatchString(p.Body) ||
				!regexp.MustCompile(`<td>male</td><td class="num">3</td>`).MatchString(p.Body) {
				t.Fatalf("table:\n%s", p.Body)
			}
			svg := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindString(p.Body)
			if svg == "" {
				t.Fatal("no chart")
			}
			wellFormedSVG(t, svg)
			if !strings.Contains(svg, ">12</text>") || !strings.Contains(svg, ">female</text>") {
				t.Errorf("chart without its figures: %s", svg)
			}
			if !strings.Contains(analyst.get(t, "/").Body, `href="/statistics"`) {
				t.Error("no menu entry for an analyst")
			}
		})
		t.Run("suppressed_shown_as_suppressed", func(t *testing.T) {
			p := analyst.get(t, "/statistics?dataset=cases&by=sex&privacy=suppress")
			wantStatus(t, p, http.StatusOK)
			if !regexp.MustCompile(`<td>male</td><td class="num"><span class="suppressed">suppressed</span></td>`).MatchString(p.Body) {
				t.Fatalf("the small cell is not shown as suppressed:\n%s", p.Body)
			}
			if regexp.MustCompile(`<td>male</td><td class="num">0</td>`).MatchString(p.Body) {
				t.Error("a suppressed cell shown as 0")
			}
		})
		t.Run("csv_download_parses", func(t *testing.T) {
			p := analyst.get(t, "/statistics.csv?dataset=cases&by=sex&privacy=suppress")
			wantStatus(t, p, http.StatusOK)
			rows, err := csv.NewReader(strings.NewReader(p.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(rows)
			// 3 is under k; 12 would give it away with the total, so the total goes too
			// (or 12 is hidden): either way no 3 and no figure that yields it.
			if rows[0][0] != "sex" || rows[0][1] != "count" || strings.Contains(got, " 3]") {
				t.Errorf("csv %v", rows)
			}
			if !strings.Contains(got, "[male suppressed]") {
				t.Errorf("csv without the suppressed cell: %v", rows)
			}
		})
		t.Run("xlsx_download_opens", func(t *testing.T) {
			p := analyst.get(t, "/statistics.xlsx?dataset=cases&by=sex&privacy=none")
			wantStatus(t, p, http.StatusOK)
			x, err := excelize.OpenReader(bytes.NewReader([]byte(p.Body)))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			rows, err := x.GetRows("Statistics")
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(rows[:4]) != "[[sex count] [female 12] [male 3] [total 15]]" {
				t.Errorf("xlsx rows %v", rows)
			}
			if typ, _ := x.GetCellType("Statistics", "B2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("a count stored as text (%v)", typ)
			}
			sup := analyst.get(t, "/statistics.xlsx?dataset=cases&by=sex&privacy=suppress")
			xs, err := excelize.OpenReader(bytes.NewReader([]byte(sup.Body)))
			if err != nil {
				t.Fatal(err)
			}
			defer xs.Close()
			if v, _ := xs.GetCellValue("Statistics", "B3"); v != "suppressed" {
				t.Errorf("the suppressed cell reads %q in the sheet", v)
			}
		})
		t.Run("bad_parameters_named", func(t *testing.T) {
			for q, want := range map[string]string{
				"dataset=cases&by=nope&privacy=suppress":       `unknown column &#34;nope&#34;`,
				"dataset=cases&by=sex&privacy=suppress&k=3":    "at least 5",
				"dataset=cases&by=sex&privacy=secret":          "one of: none, suppress, dp",
				"dataset=nosuch&by=sex&privacy=suppress":       `unknown dataset &#34;nosuch&#34;`,
				"dataset=cases&by=sex&split=nope&privacy=none": `unknown column &#34;nope&#34;`,
			} {
				p := analyst.get(t, "/statistics?"+q)
				wantStatus(t, p, http.StatusUnprocessableEntity)
				if !strings.Contains(p.Body, want) || !strings.Contains(p.Body, `class="error-summary"`) {
					t.Errorf("%s: no %q on the page", q, want)
				}
			}
			p := analyst.post(t, "/statistics", url.Values{"csrf": {analyst.CSRF}, "dataset": {"cases"}, "by": {"sex"},
				"privacy": {"dp"}, "epsilon": {"0"}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			if !strings.Contains(p.Body, "must be positive") {
				t.Errorf("epsilon 0: %s", p.Body)
			}
		})
		t.Run("dp_release_only_by_post_and_overspend_said", func(t *testing.T) {
			spent := func() string {
				_, budgets, err := a.Svc.StatLedger(testapp.System())
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range budgets {
					if b.Dataset == "cases" {
						return b.Spent
					}
				}
				return "0"
			}
			// A GET shows the form to release, and releases nothing.
			p := analyst.get(t, "/statistics?dataset=cases&by=sex&privacy=dp&epsilon=6")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, `<form method="post" action="/statistics"`) || strings.Contains(p.Body, "<svg") {
				t.Errorf("dp by GET:\n%s", p.Body)
			}
			wantStatus(t, analyst.get(t, "/statistics.csv?dataset=cases&by=sex&privacy=dp&epsilon=6"), http.StatusUnprocessableEntity)
			if spent() != "0" {
				t.Fatalf("a GET spent budget: %s", spent())
			}
			form := url.Values{"dataset": {"cases"}, "by": {"sex"}, "privacy": {"dp"}, "epsilon": {"6"}}
			wantStatus(t, analyst.post(t, "/statistics", form), http.StatusForbidden) // no CSRF token
			if spent() != "0" {
				t.Fatalf("a POST without the token spent budget: %s", spent())
			}
			form.Set("csrf", analyst.CSRF)
			p = analyst.post(t, "/statistics", form)
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, "<svg") || spent() != "6" {
				t.Fatalf("release: spent %s\n%s", spent(), p.Body)
			}
			form.Set("format", "xlsx")
			p = analyst.post(t, "/statistics", form)
			wantStatus(t, p, http.StatusConflict)
			if !strings.Contains(p.Body, "would be overspent") || spent() != "6" {
				t.Errorf("overspend: spent %s\n%s", spent(), p.Body)
			}
		})
		t.Run("refused_without_statistics_role", func(t *testing.T) {
			o := MustSignIn(t, a, officerUser, "")
			for _, path := range []string{"/statistics", "/statistics?dataset=cases&by=sex&privacy=suppress",
				"/statistics.csv?dataset=cases&by=sex&privacy=suppress", "/statistics.xlsx?dataset=cases&by=sex"} {
				wantStatus(t, o.get(t, path), http.StatusForbidden)
			}
			wantStatus(t, o.post(t, "/statistics", url.Values{"csrf": {o.CSRF}, "dataset": {"cases"}, "by": {"sex"},
				"privacy": {"dp"}, "epsilon": {"1"}}), http.StatusForbidden)
			if strings.Contains(o.get(t, "/").Body, `href="/statistics"`) {
				t.Error("the menu offers statistics to a first responder")
			}
		})
	})
}
