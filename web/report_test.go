package web_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// reportGroup is a group of alike cases of the fixture, and what the test
// means each of them to count as.
type reportGroup struct {
	n                  int
	sex, dob           string
	citizenship, types []string
	majority, ageBand  string // as the test reckons them at the encounter (2026-11-20)
	referred           bool
	rgLate             bool // decided after the profile's target
	// Recorded by an NGO's case worker, who gives a service and files a
	// compensation claim for each; awards of the first awards claims, paid
	// in full for the first payments.
	ngo              bool
	awards, payments int
}

// reportFixture: 38 cases and 2 anonymous notifications of 2026; 11 with
// a service and a compensation claim of 1000.00 EUR (4 awarded 500.00, 2
// of them paid); 23
// referred to the competent authority and accepted on 2026-11-27; 12
// reasonable-grounds decisions on the day, 11 twelve days later (the
// coe-minimum target is 10 calendar days).
var reportFixture = []reportGroup{
	{12, "female", "1995-05-05", []string{"MD"}, []string{"forced-labour"}, "adult", "25-34", true, false, false, 0, 0},
	{11, "male", "1990-01-01", []string{"UA"}, []string{"forced-criminality"}, "adult", "35-44", true, true, false, 0, 0},
	{3, "female", "2012-02-02", []string{"AL"}, []string{"sexual-exploitation"}, "minor", "12-17", false, false, false, 0, 0},
	{1, "male", "1985-03-03", []string{"MD", "RO"}, []string{"forced-labour", "sexual-exploitation"}, "adult", "35-44", false, false, false, 0, 0},
	{11, "female", "1992-06-06", []string{"AL"}, []string{"domestic-servitude"}, "adult", "25-34", false, false, true, 4, 2},
}

// person is one row of the fixture as the dimensions see it.
type fixturePerson struct {
	dims map[string][]string // multi-valued dims hold every value
}

func (g reportGroup) person() fixturePerson {
	return fixturePerson{dims: map[string][]string{"sex": {g.sex}, "majority": {g.majority}, "age_band": {g.ageBand},
		"exploitation_type": g.types, "citizenship": g.citizenship}}
}

var notificationPerson = fixturePerson{dims: map[string][]string{"sex": {"male"}, "majority": {"adult"}, "age_band": {"25-34"},
	"exploitation_type": {"sexual-exploitation"}, "citizenship": {"AL"}}}

// expectedReport counts the fixture independently: table id -> cell -> count.
func expectedReport() map[string]map[string]int64 {
	want := map[string]map[string]int64{}
	add := func(table, fact string, p fixturePerson) {
		for _, id := range []string{table} {
			if want[id] == nil {
				want[id] = map[string]int64{}
			}
			want[id][fact]++
		}
		for dim, vals := range p.dims {
			id := table + "-by-" + strings.ReplaceAll(dim, "_", "-")
			if want[id] == nil {
				want[id] = map[string]int64{}
			}
			for _, v := range vals {
				want[id][fact+"|"+v]++
			}
		}
	}
	for _, g := range reportFixture {
		for range g.n {
			p := g.person()
			add("identifications", "case", p)
			if g.ngo {
				add("services", "accommodation", p)
				add("claims", "criminal", p)
			}
			if g.referred {
				add("referrals", "competent-authority", p)
				add("reasonable-grounds", "positive", p)
				if g.rgLate {
					add("timeliness-rg", service.Late, p)
				} else {
					add("timeliness-rg", service.OnTime, p)
				}
			}
		}
	}
	for range 2 {
		add("identifications", "notification", notificationPerson)
	}
	return want
}

type reportApp struct {
	a       *testapp.App
	analyst testapp.User
	officer testapp.User
}

func mustReportFixture(t *testing.T, e sqlstore.Engine) reportApp {
	t.Helper()
	a := testapp.New(t, e)
	police, ca := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindCompetentAuthority)
	officerUser := a.MustUser(t, police, nrm.RoleFirstResponder)
	officer := a.MustToken(t, officerUser)
	decider := a.MustToken(t, a.MustUser(t, ca, nrm.RoleDecisionMaker))
	analyst := a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAnalyst)
	worker := a.MustToken(t, a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker))
	must := func(r testapp.Response, what string) map[string]any {
		t.Helper()
		if r.Status != 201 {
			t.Fatalf("%s: %d %s", what, r.Status, r.Body)
		}
		return r.JSON(t)
	}
	eur := func(amount string) map[string]any { return map[string]any{"amount": amount, "currency": "EUR"} }
	var late []string
	for gi, g := range reportFixture {
		for i := range g.n {
			body := testapp.CaseBody("Fixture", fmt.Sprintf("Person%c%c", 'a'+gi, 'a'+i), g.dob)
			p := body["person"].(map[string]any)
			p["sex"], p["citizenship"] = g.sex, g.citizenship
			body["exploitation_types"] = g.types
			if g.ngo {
				id := a.MustCase(t, worker, body)
				must(a.Do(t, "POST", "/api/v1/cases/"+id+"/services", worker, map[string]any{"type": "accommodation",
					"provider": "Shelter", "started_on": "2026-11-21"}), "service")
				c := must(a.Do(t, "POST", "/api/v1/cases/"+id+"/compensation-claims", worker, map[string]any{"route": "criminal",
					"filed_on": "2026-11-27", "claimed": eur("1000.00")}), "claim")
				claim := "/api/v1/compensation-claims/" + c["id"].(string)
				if i < g.awards {
					must(a.Do(t, "POST", claim+"/awards", worker, map[string]any{"decided_on": "2026-11-27", "awarded": eur("500.00")}), "award")
				}
				if i < g.payments {
					must(a.Do(t, "POST", claim+"/payments", worker, map[string]any{"paid_on": "2026-11-27", "paid": eur("500.00")}), "payment")
				}
				continue
			}
			id := a.MustCase(t, officer, body)
			if !g.referred {
				continue
			}
			a.MustShare(t, id, officer, ca, "referral", []string{"identity", "support"}, decider)
			if g.rgLate {
				late = append(late, id)
				continue
			}
			mustDecide(t, a, decider, id, "2026-11-27")
		}
	}
	a.Clock.Advance(12 * 24 * time.Hour) // 2026-12-09: two days after the target
	for _, id := range late {
		mustDecide(t, a, decider, id, "2026-12-09")
	}
	for range 2 {
		if r := a.Do(t, "POST", "/api/v1/notifications", officer, map[string]any{"sex": "male", "age_band": "25-34",
			"nationality": "AL", "exploitation_type": "sexual-exploitation", "country": "GB"}); r.Status != 201 {
			t.Fatalf("notify: %d %s", r.Status, r.Body)
		}
	}
	return reportApp{a: a, analyst: analyst, officer: officerUser}
}

func mustDecide(t *testing.T, a *testapp.App, token, caseID, on string) {
	t.Helper()
	r := a.Do(t, "POST", "/api/v1/cases/"+caseID+"/decisions", token, map[string]any{"kind": "reasonable-grounds",
		"outcome": "positive", "decided_on": on, "reasons": "Credible account."})
	if r.Status != 201 {
		t.Fatalf("decide: %d %s", r.Status, r.Body)
	}
}

// cellKey names a report cell as expectedReport does.
func reportCellKey(tab nrm.StatTable, c nrm.StatCell) string {
	var parts []string
	for _, b := range tab.By {
		v := "<null>"
		if p := c.Values[b]; p != nil {
			v = *p
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "|")
}

// TestYearReport: every published figure equals the fixture counted
// independently, every count under k is suppressed, the HTML holds every
// section with well-formed charts, the PDF is a PDF of several pages, and
// each generation is audited.
func TestYearReport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		f := mustReportFixture(t, e)
		a := f.a
		rep, err := a.Svc.YearReport(testapp.As(f.analyst.Actor), "2026", "", "test")
		if err != nil {
			t.Fatal(err)
		}
		want := expectedReport()
		t.Run("figures_equal_independent_counts_small_cells_suppressed", func(t *testing.T) {
			published, suppressed, withheld := 0, 0, 0
			seen := map[string]bool{}
			for _, s := range rep.Sections {
				for _, tab := range s.Tables {
					seen[tab.ID] = true
					if tab.Withheld != "" {
						// The disclosure control found no pattern that protects
						// its small cells: nothing of it is published.
						if len(tab.Table.Cells) != 0 || tab.Table.Total != nil {
							t.Errorf("%s withheld but publishes %+v", tab.ID, tab.Table)
						}
						withheld++
						continue
					}
					exp := want[tab.ID]
					got := map[string]bool{}
					for _, c := range tab.Table.Cells {
						k := reportCellKey(tab.Table, c)
						got[k] = true
						n, ok := exp[k]
						switch {
						case !ok:
							t.Errorf("%s: cell %s is not in the fixture", tab.ID, k)
						case c.Count == nil:
							suppressed++
						case *c.Count != n:
							t.Errorf("%s: cell %s = %d, want %d", tab.ID, k, *c.Count, n)
						case n < int64(rep.K):
							t.Errorf("%s: cell %s = %d published under k %d", tab.ID, k, n, rep.K)
						default:
							published++
						}
					}
					for k := range exp {
						if !got[k] {
							t.Errorf("%s: cell %s (%d) missing", tab.ID, k, exp[k])
						}
					}
				}
			}
			for _, id := range []string{"identifications", "identifications-by-majority", "identifications-by-age-band",
				"identifications-by-citizenship", "referrals", "referrals-by-sex", "referrals-by-exploitation-type",
				"reasonable-grounds", "reasonable-grounds-by-majority", "conclusive-grounds", "timeliness-rg",
				"timeliness-rg-by-majority", "timeliness-cg", "services", "returns", "follow-ups", "claims"} {
				if !seen[id] {
					t.Errorf("no table %s", id)
				}
			}
			if withheld > 3 {
				t.Errorf("%d tables withheld", withheld)
			}
			// Some of each, or the test proves nothing.
			if published < 15 || suppressed < 10 {
				t.Errorf("published %d, suppressed %d", published, suppressed)
			}
			// The exact headline figures a reader looks for.
			for _, s := range rep.Sections {
				for _, tab := range s.Tables {
					if tab.ID == "timeliness-rg" {
						got := map[string]int64{}
						for _, c := range tab.Table.Cells {
							if c.Count != nil {
								got[*c.Values[nrm.FactColumn]] = *c.Count
							}
						}
						if got[service.OnTime] != 12 || got[service.Late] != 11 {
							t.Errorf("timeliness %v, want 12 on time and 11 late", got)
						}
					}
				}
			}
		})

		t.Run("compensation_amounts_only_over_published_counts", func(t *testing.T) {
			var money []service.ReportMoney
			for _, s := range rep.Sections {
				money = append(money, s.Money...)
			}
			if len(money) != 1 {
				t.Fatalf("money %+v", money)
			}
			m := money[0]
			// 11 claims of 1000.00: published; 4 awards and 2 payments: under k,
			// so their counts and amounts are not.
			if m.Currency != "EUR" || m.Claims == nil || *m.Claims != 11 || m.Claimed != "11000.00" ||
				m.Awards != nil || m.AwardedOK || m.Awarded != "" || m.Payments != nil || m.PaidOK || m.Paid != "" {
				t.Errorf("money %+v", m)
			}
		})
		t.Run("k_is_honoured", func(t *testing.T) {
			r5, err := a.Svc.YearReport(testapp.As(f.analyst.Actor), "2026", "5", "test")
			if err != nil || r5.K != 5 {
				t.Fatalf("k 5: %v %d", err, r5.K)
			}
			if _, err := a.Svc.YearReport(testapp.As(f.analyst.Actor), "2026", "4", "test"); nrm.AsError(err).Field != "k" {
				t.Errorf("k 4: %v", err)
			}
			if _, err := a.Svc.YearReport(testapp.As(f.analyst.Actor), "twenty", "", "test"); nrm.AsError(err).Field != "year" {
				t.Errorf("year twenty: %v", err)
			}
		})

		s := MustSignIn(t, a, f.analyst, "")
		t.Run("html_holds_every_section_and_wellformed_charts", func(t *testing.T) {
			p := s.get(t, "/report?year=2026&format=html")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Header.Get("Content-Disposition"), "nrm-report-2026.html") {
				t.Errorf("disposition %q", p.Header.Get("Content-Disposition"))
			}
			for _, id := range service.ReportSectionIDs() {
				if !strings.Contains(p.Body, `<section class="report-section" id="`+id+`"`) {
					t.Errorf("no section %s", id)
				}
			}
			// Self-contained: no stylesheet, script or image fetched from anywhere.
			for _, bad := range []string{"<link", "<script", "src=", "/static/"} {
				if strings.Contains(p.Body, bad) {
					t.Errorf("the file refers outside itself: %s", bad)
				}
			}
			svgs := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(p.Body, -1)
			if len(svgs) < 5 {
				t.Fatalf("%d charts", len(svgs))
			}
			for _, svg := range svgs {
				wellFormedSVG(t, svg)
			}
			for _, personal := range []string{"Fixture", "Persona", "1995-05-05", "Bristol"} {
				if strings.Contains(p.Body, personal) {
					t.Errorf("the report holds %q", personal)
				}
			}
		})
		t.Run("the_page_shows_the_same_report", func(t *testing.T) {
			p := s.get(t, "/report?year=2026")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, `id="timeliness"`) || !strings.Contains(p.Body, "Within the target") ||
				!strings.Contains(p.Body, `href="/report?year=2026&amp;format=pdf"`) {
				t.Errorf("page:\n%s", p.Body)
			}
		})
		t.Run("pdf_parses", func(t *testing.T) {
			p := s.get(t, "/report?year=2026&format=pdf")
			wantStatus(t, p, http.StatusOK)
			pages := pdfPages(t, []byte(p.Body))
			if pages < 2 {
				t.Errorf("%d pages", pages)
			}
			if again := s.get(t, "/report?year=2026&format=pdf"); again.Body != p.Body {
				t.Error("the same report on the same day is not the same PDF")
			}
		})
		t.Run("bad_input_named", func(t *testing.T) {
			p := s.get(t, "/report?year=1899")
			wantStatus(t, p, http.StatusUnprocessableEntity)
			if !strings.Contains(p.Body, "a year from 1990") {
				t.Errorf("no message about the year:\n%s", p.Body)
			}
			p = s.get(t, "/report?year=2026&k=2")
			wantStatus(t, p, http.StatusUnprocessableEntity)
			if !strings.Contains(p.Body, "at least 5") {
				t.Errorf("no message about k")
			}
			wantStatus(t, s.get(t, "/report?year=2026&format=docx"), http.StatusUnprocessableEntity)
		})
		t.Run("refused_without_statistics_role", func(t *testing.T) {
			o := MustSignIn(t, a, f.officer, "")
			p := o.get(t, "/report?year=2026")
			wantStatus(t, p, http.StatusForbidden)
			if strings.Contains(o.get(t, "/").Body, `href="/report"`) {
				t.Error("the menu offers the report to a first responder")
			}
			if !strings.Contains(s.get(t, "/").Body, `href="/report"`) {
				t.Error("the menu does not offer the report to an analyst")
			}
		})
		t.Run("each_generation_audited", func(t *testing.T) {
			var n int
			if err := a.RawDB(t).QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'report.generate' AND object = 'report/2026'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			// YearReport twice (k 10, k 5; the refused ones are not generated),
			// html, the page, pdf twice.
			if n != 6 {
				t.Errorf("%d report.generate entries, want 6", n)
			}
		})
		t.Run("pdf_in_every_language", func(t *testing.T) {
			// NRM_REPORT_PDF_DIR keeps the PDFs, for docs/pdf-pages.sh. (After the
			// audit count above: each generation is audited.)
			dir := os.Getenv("NRM_REPORT_PDF_DIR")
			for _, l := range web.Languages {
				p := s.get(t, "/report?year=2026&format=pdf&lang="+l.Code)
				wantStatus(t, p, http.StatusOK)
				pdfPages(t, []byte(p.Body))
				if dir != "" && e == sqlstore.SQLite {
					if err := os.WriteFile(filepath.Join(dir, "report-"+l.Code+".pdf"), []byte(p.Body), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	})
}

// wellFormedSVG holds an SVG to XML, with a title and a description.
func wellFormedSVG(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	names := map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			names[se.Name.Local] = true
		}
	}
	if !names["title"] || !names["desc"] {
		t.Errorf("a chart without title or description: %s", svg)
	}
}

// pdfPages checks a PDF's header and trailer and returns its page count, as
// the page tree's root says and as its page objects count.
func pdfPages(t *testing.T, b []byte) int {
	t.Helper()
	s := string(b)
	if !strings.HasPrefix(s, "%PDF-1.") || !strings.HasSuffix(strings.TrimSpace(s), "%%EOF") {
		t.Fatalf("not a PDF: %q", s[:min(len(s), 20)])
	}
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindStringSubmatch(s)
	if m == nil {
		m = regexp.MustCompile(`/Type /Pages[^>]*/Count (\d+)`).FindStringSubmatch(s)
	}
	if m == nil {
		t.Fatal("no page tree")
	}
	n, _ := strconv.Atoi(m[1])
	if objs := len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAllString(s, -1)); objs != n {
		t.Errorf("page tree counts %d pages, %d page objects", n, objs)
	}
	return n
}
