package web

// The findings of trial monitoring (GET /trials/findings): per country and
// period, for every signed-in user, with a chart of the sheet items and the
// verdicts, and the same figures as CSV and XLSX. No trial, court or
// person is in any of them.

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

var sheetColours = map[string]string{nrm.SheetYes: "#1b7837", nrm.SheetNo: "#c51b7d",
	nrm.SheetNotApplicable: "#8c8c8c", nrm.SheetNotObserved: "#d9d9d9"}

type trialFindingsPage struct {
	formState
	trialLabeller
	F        *nrm.TrialFindings
	Query    string // the query of the downloads
	Items    []string
	Values   []string
	Verdicts []string
}

// Share writes a share as a percentage, or a dash when there is none.
func (trialFindingsPage) Share(x *float64) string {
	if x == nil {
		return "–"
	}
	return strconv.FormatFloat(*x*100, 'f', 1, 64) + " %"
}

// Count is the hearings of an item with a value.
func (p trialFindingsPage) Count(item, value string) int { return p.F.Items[item][value] }

// ItemsChart draws the sheet items, stacked by value.
func (p trialFindingsPage) ItemsChart() template.HTML {
	var series []stackSeries
	for _, v := range nrm.TrialSheetValues {
		series = append(series, stackSeries{Name: p.L.T(p.Label(v)), Colour: sheetColours[v]})
	}
	var rows []stackRow
	for _, item := range nrm.TrialSheetItems {
		r := stackRow{Label: p.L.T(p.Label(item))}
		for _, v := range nrm.TrialSheetValues {
			r.Counts = append(r.Counts, p.F.Items[item][v])
		}
		rows = append(rows, r)
	}
	return stackedBars("chart-items", p.L.T("Monitoring sheet items, hearings per answer"),
		p.L.T("For each item of the sheet, how many hearings answered yes, no, not applicable or not observed."), series, rows)
}

// VerdictsChart draws the outcomes per verdict.
func (p trialFindingsPage) VerdictsChart() template.HTML {
	var rows []stackRow
	for _, v := range nrm.TrialVerdicts {
		rows = append(rows, stackRow{Label: p.L.T(p.Label(v)), Counts: []int{p.F.Verdicts[v]}})
	}
	return stackedBars("chart-verdicts", p.L.T("Verdicts"), p.L.T("How many trials ended with each verdict in the period."),
		[]stackSeries{{Name: p.L.T("Trials"), Colour: "#2166ac"}}, rows)
}

// trialFindings reads the findings of the query, or tells the field at fault.
func (w *Web) trialFindings(r *http.Request, s service.SessionInfo) (*nrm.TrialFindings, error) {
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if !q.Has("from") && !q.Has("to") { // the year so far
		today := w.svc.Today()
		from, to = nrm.NewDate(today.Time().Year(), 1, 1).String(), today.String()
	}
	country, f, t, err := service.ParseTrialPeriod(q.Get("country"), from, to)
	if err != nil {
		return nil, err
	}
	out, err := w.svc.TrialFindings(r.Context(), s.Actor, country, f, t)
	return &out, err
}

func (w *Web) trialFindingsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	v := view{}
	p := trialFindingsPage{formState: newTrackForms(r, &v, "").formState, Items: nrm.TrialSheetItems, Values: nrm.TrialSheetValues,
		Verdicts: nrm.TrialVerdicts}
	status := http.StatusOK
	f, err := w.trialFindings(r, s)
	switch {
	case err == nil:
		p.F = f
		p.Query = url.Values{"country": {f.Country}, "from": {f.From.String()}, "to": {f.To.String()}}.Encode()
		v.Form["findings.country"], v.Form["findings.from"], v.Form["findings.to"] = f.Country, f.From.String(), f.To.String()
	case nrm.ErrorCode(err) == nrm.CodeInvalid:
		q := r.URL.Query()
		v.Form["findings.country"], v.Form["findings.from"], v.Form["findings.to"] = q.Get("country"), q.Get("from"), q.Get("to")
		e := nrm.AsError(err)
		shown := *e
		shown.Field = "findings." + e.Field
		v.Errors, v.FieldErrors[shown.Field], status = []*nrm.Error{&shown}, e.Message, http.StatusUnprocessableEntity
	default:
		w.fail(rw, r, s, err)
		return
	}
	v.Data = p
	w.render(rw, r, s, status, "trial_findings", v)
}

// findingsRows are the figures as rows of figure, item, value and number.
func findingsRows(f *nrm.TrialFindings) [][]string {
	share := func(x *float64) string {
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	}
	rows := [][]string{
		{"country", "", "", f.Country}, {"from", "", "", f.From.String()}, {"to", "", "", f.To.String()},
		{"trials", "", "", strconv.Itoa(f.Trials)}, {"hearings", "", "", strconv.Itoa(f.Hearings)},
		{"outcomes", "", "", strconv.Itoa(f.Outcomes)},
		{"suspended_share", "", "", share(f.SuspendedShare)}, {"compensation_awarded_share", "", "", share(f.CompensationAwardedShare)},
	}
	for _, item := range nrm.TrialSheetItems {
		for _, v := range nrm.TrialSheetValues {
			rows = append(rows, []string{"items", item, v, strconv.Itoa(f.Items[item][v])})
		}
	}
	for _, v := range nrm.TrialVerdicts {
		rows = append(rows, []string{"verdicts", v, "", strconv.Itoa(f.Verdicts[v])})
	}
	return rows
}

var findingsHeader = []string{"figure", "item", "value", "number"}

// trialFindingsCSV: GET /trials/findings.csv?country=&from=&to=.
func (w *Web) trialFindingsCSV(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f, err := w.trialFindings(r, s)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.writeCSV(rw, r, s, "trial-findings", "trial-findings.csv", findingsHeader, findingsRows(f))
}

// trialFindingsXLSX: GET /trials/findings.xlsx?country=&from=&to=, the
// figures on one sheet and the items as a table on another.
func (w *Web) trialFindingsXLSX(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f, err := w.trialFindings(r, s)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	rows := findingsRows(f)
	if err := w.svc.RecordExport(r.Context(), "trial-findings.xlsx", len(rows)); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	x := excelize.NewFile()
	defer x.Close()
	if err := findingsWorkbook(x, f, rows); err != nil {
		w.fail(rw, r, s, nrm.Internal(err))
		return
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		w.fail(rw, r, s, nrm.Internal(err))
		return
	}
	rw.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	rw.Header().Set("Content-Disposition", `attachment; filename="trial-findings.xlsx"`)
	rw.Write(buf.Bytes())
}

func findingsWorkbook(x *excelize.File, f *nrm.TrialFindings, rows [][]string) error {
	if err := x.SetSheetName("Sheet1", "Findings"); err != nil {
		return err
	}
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	// Cells are written as what they are: numbers as numbers, codes as text
	// (never as formulas).
	row := func(sheet string, n int, values []string) error {
		out := make([]any, len(values))
		for i, v := range values {
			if num, err := strconv.ParseFloat(v, 64); err == nil && i == len(values)-1 && v != "" {
				out[i] = num
			} else {
				out[i] = v
			}
		}
		return x.SetSheetRow(sheet, cell(1, n), &out)
	}
	if err := row("Findings", 1, findingsHeader); err != nil {
		return err
	}
	for i, r := range rows {
		if err := row("Findings", i+2, r); err != nil {
			return err
		}
	}
	if _, err := x.NewSheet("Items"); err != nil {
		return err
	}
	if err := row("Items", 1, append([]string{"item"}, nrm.TrialSheetValues...)); err != nil {
		return err
	}
	for i, item := range nrm.TrialSheetItems {
		vals := []any{item}
		for _, v := range nrm.TrialSheetValues {
			vals = append(vals, f.Items[item][v])
		}
		if err := x.SetSheetRow("Items", cell(1, i+2), &vals); err != nil {
			return err
		}
	}
	return nil
}
