package web

// The statistics page, GET /statistics: pick a dataset, columns and a
// privacy mode; see the table and a bar chart (web/chart.go); download it
// as CSV or XLSX. Every figure comes from service.Statistics, the one path
// that counts and applies disclosure control (CLI, API and these pages
// alike), so the page cannot show what the API would not.
//
// A statistics query holds no personal data, so none and suppress are GET
// forms and links. A differentially private release spends privacy budget:
// it is a POST carrying the CSRF token (POST /statistics), never a link a
// crawler, a prefetch or a reload could spend again.

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// statsMaxBars bounds the chart; the table always holds every cell.
const statsMaxBars = 40

type statsView struct {
	Datasets []nrm.StatDataset
	Columns  []string // of the chosen dataset
	Form     statsForm
	Table    *nrm.StatTable
	Chart    BarChart
	Bars     int // cells the chart leaves out
	Query    string
	Budget   *nrm.StatBudget // of the chosen dataset
}

type statsForm struct {
	Dataset, Split, Privacy, K, Epsilon string
	By                                  [3]string
}

func statsFormOf(r *http.Request) statsForm {
	f := statsForm{Dataset: r.FormValue("dataset"), Split: r.FormValue("split"), Privacy: r.FormValue("privacy"),
		K: r.FormValue("k"), Epsilon: r.FormValue("epsilon")}
	n := 0
	for _, b := range r.Form["by"] {
		if b = strings.TrimSpace(b); b != "" && n < len(f.By) {
			f.By[n] = b
			n++
		}
	}
	if f.Privacy == "" {
		f.Privacy = nrm.PrivacySuppress
	}
	return f
}

func (f statsForm) input() nrm.StatQueryInput {
	var by []string
	for _, b := range f.By {
		if b != "" {
			by = append(by, b)
		}
	}
	return nrm.StatQueryInput{Dataset: f.Dataset, By: strings.Join(by, ","), Split: f.Split, Privacy: f.Privacy, K: f.K, Epsilon: f.Epsilon}
}

// query is the form as a query string, for the download links.
func (f statsForm) query() string {
	v := url.Values{"dataset": {f.Dataset}, "privacy": {f.Privacy}}
	for _, b := range f.By {
		if b != "" {
			v.Add("by", b)
		}
	}
	if f.Split != "" {
		v.Set("split", f.Split)
	}
	if f.K != "" {
		v.Set("k", f.K)
	}
	return v.Encode()
}

// statisticsPage serves GET /statistics: the form, and the table when the
// form was sent with privacy none or suppress.
func (w *Web) statisticsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := statsFormOf(r)
	run := r.URL.Query().Has("dataset") && f.input().By != ""
	if f.Privacy == nrm.PrivacyDP {
		// Shown, not released: the release is the form's POST.
		run = false
	}
	w.statistics(rw, r, s, f, run)
}

// releaseStatistics serves POST /statistics: a release in any privacy
// mode, differentially private ones included (they spend budget).
func (w *Web) releaseStatistics(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := statsFormOf(r)
	switch r.PostFormValue("format") {
	case "csv", "xlsx":
		w.statisticsFile(rw, r, s, f, r.PostFormValue("format"))
		return
	}
	w.statistics(rw, r, s, f, true)
}

func (w *Web) statistics(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, f statsForm, run bool) {
	sets, err := w.svc.StatDatasets(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v := statsView{Datasets: sets, Form: f}
	if f.Dataset == "" && len(sets) > 0 {
		v.Form.Dataset = sets[0].Name
	}
	for _, d := range sets {
		if d.Name == v.Form.Dataset {
			v.Columns = d.Columns
		}
	}
	_, budgets, err := w.svc.StatLedger(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	for i := range budgets {
		if budgets[i].Dataset == v.Form.Dataset {
			v.Budget = &budgets[i]
		}
	}
	page := view{Data: &v}
	status := http.StatusOK
	if run {
		t, err := w.svc.Statistics(r.Context(), f.input())
		if err != nil {
			e := nrm.AsError(err)
			if e.Code != nrm.CodeInvalid && e.Code != nrm.CodeConflict {
				w.fail(rw, r, s, err)
				return
			}
			// Bad parameters and an overspent budget are said on the form.
			status = statusOf(e.Code)
			page.Errors = []*nrm.Error{e}
			page.FieldErrors = map[string]string{}
			if e.Field != "" {
				page.FieldErrors[e.Field] = e.Message
			}
		} else {
			v.Table = &t
			v.Query = f.query()
			v.Chart, v.Bars = statsChart(localizerFor(r), t)
		}
	}
	w.render(rw, r, s, status, "statistics", page)
}

// statsChart draws a table's cells as bars, at most statsMaxBars.
func statsChart(l Localizer, t nrm.StatTable) (BarChart, int) {
	c := BarChart{ID: "statistics", Suppressed: l.T("suppressed"),
		Title: l.T("{{.Table}} by {{.Dimension}}", "Table", t.Dataset, "Dimension", strings.Join(t.By, ", ")),
		Desc:  l.T("One bar per combination of values; {{.Combinations}} combinations, privacy {{.Privacy}}.", "Combinations", len(t.Cells), "Privacy", t.Privacy)}
	for i, cell := range t.Cells {
		if i == statsMaxBars {
			return c, len(t.Cells) - statsMaxBars
		}
		c.Bars = append(c.Bars, Bar{Label: cellLabel(l, t, cell), Count: cell.Count})
	}
	return c, 0
}

// cellLabel names a cell by its values, a missing one as "(missing)".
func cellLabel(l Localizer, t nrm.StatTable, c nrm.StatCell) string {
	var parts []string
	for _, b := range t.By {
		if v := c.Values[b]; v != nil {
			parts = append(parts, *v)
		} else {
			parts = append(parts, l.T("(missing)"))
		}
	}
	return strings.Join(parts, " · ")
}

// CellValue is a cell's value of a column, for the template.
func (statsView) CellValue(c nrm.StatCell, col string) string {
	if v := c.Values[col]; v != nil {
		return *v
	}
	return ""
}

// statisticsCSV and statisticsXLSX serve GET /statistics.csv and
// /statistics.xlsx (privacy none or suppress).
func (w *Web) statisticsCSV(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.statisticsDownload(rw, r, s, "csv")
}

func (w *Web) statisticsXLSX(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.statisticsDownload(rw, r, s, "xlsx")
}

func (w *Web) statisticsDownload(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, format string) {
	f := statsFormOf(r)
	if f.Privacy == nrm.PrivacyDP {
		w.fail(rw, r, s, nrm.Invalid("privacy", "a differentially private release spends privacy budget: release it with the form's button"))
		return
	}
	w.statisticsFile(rw, r, s, f, format)
}

func (w *Web) statisticsFile(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, f statsForm, format string) {
	t, err := w.svc.Statistics(r.Context(), f.input())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if err := w.svc.RecordExport(r.Context(), "statistics."+format, len(t.Cells)); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	var body []byte
	ctype := "text/csv; charset=utf-8"
	if format == "csv" {
		body, err = statsCSV(t)
	} else {
		body, err = statsXLSX(t)
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if err != nil {
		w.fail(rw, r, s, nrm.Internal(err))
		return
	}
	// The dataset's name is one a dataset may take (letters, digits, . - _).
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Content-Disposition", `attachment; filename="statistics-`+t.Dataset+`.`+format+`"`)
	rw.Write(body)
}

// totalText is a table's total, or "suppressed".
func totalText(t nrm.StatTable) string {
	if t.Total == nil {
		return "suppressed"
	}
	return strconv.FormatInt(*t.Total, 10)
}

func statsCSV(t nrm.StatTable) ([]byte, error) {
	rows := t.Records()
	total := make([]string, len(t.By)+1)
	total[0], total[len(t.By)] = "total", totalText(t)
	rows = append(rows, total)
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(t.Header())
	for _, r := range rows {
		for i := range r {
			r[i] = csvCell(r[i])
		}
		cw.Write(r)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// statsXLSX writes one sheet: the header, a row per cell with counts as
// numbers (a suppressed one as the word), the total, and how it was released.
func statsXLSX(t nrm.StatTable) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Statistics"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	put := func(row int, vals []any) error {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return x.SetSheetRow(sheet, cell, &vals)
	}
	row := 1
	var head []any
	for _, h := range t.Header() {
		head = append(head, h)
	}
	if err := put(row, head); err != nil {
		return nil, err
	}
	for _, c := range t.Cells {
		row++
		var vals []any
		for _, b := range t.By {
			if v := c.Values[b]; v != nil {
				vals = append(vals, *v) // a string cell, never run as a formula
			} else {
				vals = append(vals, "")
			}
		}
		if c.Count == nil {
			vals = append(vals, "suppressed")
		} else {
			vals = append(vals, *c.Count)
		}
		if err := put(row, vals); err != nil {
			return nil, err
		}
	}
	row++
	total := make([]any, len(t.By)+1)
	total[0] = "total"
	for i := 1; i < len(t.By); i++ {
		total[i] = ""
	}
	if t.Total == nil {
		total[len(t.By)] = "suppressed"
	} else {
		total[len(t.By)] = *t.Total
	}
	if err := put(row, total); err != nil {
		return nil, err
	}
	note := "privacy " + t.Privacy
	if t.K > 0 {
		note += ", k " + strconv.Itoa(t.K)
	}
	if t.Epsilon != "" {
		note += ", epsilon " + t.Epsilon
	}
	if err := put(row+2, []any{"dataset " + t.Dataset + ", " + note}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
