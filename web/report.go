package web

// The yearly report, GET /report?year=YYYY[&k=K][&format=html|pdf], and
// `nrm report` (cmd/nrm), drawn by one renderer: the figures come from
// service.YearReport (every one through disclosure control, the generation
// audited), are laid out here once (reportDoc), and written as the page,
// as a self-contained HTML file (inline CSS, inline SVG, no outside
// resource) or as PDF (web/report_pdf.go).

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// reportDoc is the report laid out for drawing, in one language.
type reportDoc struct {
	L        Localizer
	Year, K  int
	Profile  string
	Sections []reportSectionDoc
}

type reportSectionDoc struct {
	ID, Title, Intro string
	Figures          []reportFigure
	Money            []service.ReportMoney
}

// reportFigure is one table: a headline (one count per category, with a
// chart) or a cross table of the categories by a dimension.
type reportFigure struct {
	ID, Title string
	Withheld  string
	Total     *int64
	// A headline: Rows of one cell each, and the chart.
	Chart *BarChart
	// A cross table: the dimension's values down, the categories across.
	DimLabel string
	Columns  []string   // category labels
	Rows     []string   // dimension value labels
	Cells    [][]string // counts as text: a number, "suppressed", or "0"
	Hidden   [][]bool   // which cells are suppressed
}

var dimLabels = map[string]string{"sex": "Sex", "majority": "Adult or minor", "age_band": "Age band",
	"exploitation_type": "Type of exploitation", "citizenship": "Citizenship", "item": "Item of the hearing sheet",
	"country_of_exploitation": "Country of exploitation"}

func (w *Web) reportDocOf(l Localizer, r service.YearReport) reportDoc {
	doc := reportDoc{L: l, Year: r.Year, K: r.K, Profile: r.Profile}
	for _, s := range r.Sections {
		sd := reportSectionDoc{ID: s.ID, Title: l.T(s.Title), Intro: l.tWords(s.Intro, s.IntroArgs), Money: s.Money}
		for _, t := range s.Tables {
			sd.Figures = append(sd.Figures, figureOf(l, t))
		}
		doc.Sections = append(doc.Sections, sd)
	}
	return doc
}

// reportLabels word the report's own categories; the rest are codes the
// pages already label (web/labels.go).
var reportLabels = map[string]string{
	"case": "Cases registered", "notification": "Anonymous notifications",
	service.OnTime: "Within the target", service.Late: "After the target", service.NoTarget: "No target",
	"returned": "Returned", "not-reached": "Not reached", "safe": "Safe", "at-risk": "At risk",
	"re-trafficked": "Re-trafficked", "unknown": "Not known", "adult": "Adult", "minor": "Minor",
	"female": "Female", "male": "Male",
}

// valueLabel words a category or a dimension's value; a missing value is "not known".
func valueLabel(l Localizer, v *string) string {
	if v == nil {
		return l.T("Not known")
	}
	if s, ok := reportLabels[*v]; ok {
		return l.T(s)
	}
	if isCountryCode(*v) {
		return *v // ISO 3166-1, the same in every language
	}
	return l.T(label(*v))
}

func figureOf(l Localizer, t service.ReportTable) reportFigure {
	f := reportFigure{ID: t.ID, Title: l.T(t.Title), Withheld: l.T(t.Withheld), Total: t.Table.Total}
	if t.Dim == "" {
		c := BarChart{ID: t.ID, Title: f.Title, Suppressed: l.T("suppressed")}
		for _, cell := range t.Table.Cells {
			c.Bars = append(c.Bars, Bar{Label: valueLabel(l, cell.Values[nrm.FactColumn]), Count: cell.Count})
		}
		c.Desc = chartDesc(l, c)
		f.Chart = &c
		return f
	}
	f.DimLabel = l.T(dimLabels[t.Dim])
	f.Title = l.T("{{.Table}} by {{.Dimension}}", "Table", l.T(t.Title), "Dimension", f.DimLabel)
	col, row := map[string]int{}, map[string]int{}
	key := func(v *string) string {
		if v == nil {
			return "\x00"
		}
		return *v
	}
	type at struct{ r, c int }
	cells := map[at]nrm.StatCell{}
	// The dimension's values in order, a missing one last.
	var dims []*string
	for _, cell := range t.Table.Cells {
		dv := cell.Values[t.Dim]
		if _, ok := row[key(dv)]; !ok {
			row[key(dv)] = -1
			dims = append(dims, dv)
		}
	}
	slices.SortFunc(dims, func(a, b *string) int {
		switch {
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		return strings.Compare(*a, *b)
	})
	for i, dv := range dims {
		row[key(dv)] = i
		f.Rows = append(f.Rows, valueLabel(l, dv))
	}
	for _, cell := range t.Table.Cells {
		fv, dv := cell.Values[nrm.FactColumn], cell.Values[t.Dim]
		if _, ok := col[key(fv)]; !ok {
			col[key(fv)] = len(f.Columns)
			f.Columns = append(f.Columns, valueLabel(l, fv))
		}
		cells[at{row[key(dv)], col[key(fv)]}] = cell
	}
	for i := range f.Rows {
		texts, hidden := make([]string, len(f.Columns)), make([]bool, len(f.Columns))
		for j := range f.Columns {
			c, ok := cells[at{i, j}]
			switch {
			case !ok:
				texts[j] = "0" // a combination that does not occur
			case c.Count == nil:
				texts[j], hidden[j] = l.T("suppressed"), true
			default:
				texts[j] = strconv.FormatInt(*c.Count, 10)
			}
		}
		f.Cells, f.Hidden = append(f.Cells, texts), append(f.Hidden, hidden)
	}
	return f
}

// chartDesc says a chart's figures in words, for a screen reader.
func chartDesc(l Localizer, c BarChart) string {
	if len(c.Bars) == 0 {
		return l.T("No data.")
	}
	var b bytes.Buffer
	for i, bar := range c.Bars {
		if i > 0 {
			b.WriteString("; ")
		}
		n := l.T("suppressed")
		if bar.Count != nil {
			n = strconv.FormatInt(*bar.Count, 10)
		}
		b.WriteString(bar.Label + ": " + n)
	}
	return b.String()
}

// reportPage serves GET /report: the page, or the report as a file.
func (w *Web) reportPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	q := r.URL.Query()
	year := q.Get("year")
	if year == "" {
		year = strconv.Itoa(w.svc.Today().Time().Year())
	}
	format := q.Get("format")
	if format == "" {
		format = "page"
	}
	if format != "page" && format != "html" && format != "pdf" {
		w.fail(rw, r, s, nrm.Invalid("format", "one of: html, pdf"))
		return
	}
	l := localizerFor(r)
	rep, err := w.svc.YearReport(r.Context(), year, q.Get("k"), format)
	if err != nil {
		if v, ok := formError(err); ok {
			v.Data = reportPageView{Year: year, K: q.Get("k")}
			w.render(rw, r, s, http.StatusUnprocessableEntity, "report", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	if format == "page" {
		doc := w.reportDocOf(l, rep)
		w.render(rw, r, s, http.StatusOK, "report", view{Data: reportPageView{Year: year, K: q.Get("k"), Doc: &doc}})
		return
	}
	var buf bytes.Buffer
	if err := w.writeReport(&buf, l, rep, format); err != nil {
		w.fail(rw, r, s, nrm.Internal(err))
		return
	}
	ctype := "text/html; charset=utf-8"
	if format == "pdf" {
		ctype = "application/pdf"
	}
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="nrm-report-%d.%s"`, rep.Year, format))
	rw.Write(buf.Bytes())
}

type reportPageView struct {
	Year, K string
	Doc     *reportDoc
}

// ReportQuery is the query string of the report's downloads.
func (v reportPageView) ReportQuery(format string) template.URL {
	q := "year=" + v.Year + "&format=" + format
	if v.K != "" {
		q += "&k=" + v.K
	}
	return template.URL(q)
}

// WriteReport writes a report as a self-contained HTML file ("html") or as
// PDF ("pdf"), in English: what `nrm report` prints.
func (w *Web) WriteReport(out io.Writer, r service.YearReport, format string) error {
	return w.writeReport(out, Localizer{lang: "en"}, r, format)
}

// WriteReportIn writes the report in one of the languages (nrm report --lang).
func (w *Web) WriteReportIn(out io.Writer, r service.YearReport, format, lang string) error {
	return w.writeReport(out, newLocalizer(lang), r, format)
}

// KnownLanguage says whether the pages have a catalogue for lang.
func KnownLanguage(lang string) bool { return knownLang(lang) }

func (w *Web) writeReport(out io.Writer, l Localizer, r service.YearReport, format string) error {
	doc := w.reportDocOf(l, r)
	switch format {
	case "html":
		return w.pages["report"].ExecuteTemplate(out, "report-doc", doc)
	case "pdf":
		return writeReportPDF(out, doc, w.svc.Today())
	}
	return nrm.Invalid("format", "one of: html, pdf")
}

// isCountryCode: two capital letters, as statistics keep a country.
func isCountryCode(v string) bool {
	return len(v) == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z'
}
