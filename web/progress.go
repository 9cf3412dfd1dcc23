package web

// The progress report of a period (service/progress.go) as a page, a
// self-contained HTML file and a PDF. Its figures are the yearly report's
// (reportFigure, drawn by report_pdf.go); events and activities are listed
// under them.

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// progressDoc is the report laid out for drawing, in one language.
type progressDoc struct {
	L        Localizer
	From, To nrm.Date
	K        int
	Sections []progressSection
}

// progressSection is a section of figures (as the yearly report's) and,
// for events and activities, a list.
type progressSection struct {
	reportSectionDoc
	Items []progressItem
}

type progressItem struct{ Head, Text string }

// crossOf lays plain counts out as a cross table of the report (none
// hidden: these count events and activities, not people).
func crossOf(id, title, dimLabel string, columns, rows []string, counts [][]int) reportFigure {
	f := reportFigure{ID: id, Title: title, DimLabel: dimLabel, Columns: columns, Rows: rows}
	for _, rc := range counts {
		texts := make([]string, len(rc))
		for j, n := range rc {
			texts[j] = strconv.Itoa(n)
		}
		f.Cells, f.Hidden = append(f.Cells, texts), append(f.Hidden, make([]bool, len(rc)))
	}
	return f
}

func progressDocOf(l Localizer, r service.ProgressReport) progressDoc {
	doc := progressDoc{L: l, From: r.From, To: r.To, K: r.K}
	name := func(s string) string {
		if n, ok := r.OrgNames[s]; ok {
			return n
		}
		return s
	}
	// Summary: events by kind, follow-ups, assessments.
	sum := progressSection{reportSectionDoc: reportSectionDoc{ID: "summary", Title: l.T("Summary"),
		Intro: l.T("{{.Events}} events and {{.Activities}} activities recorded in the period.", "Events", len(r.Events), "Activities", len(r.Activities))}}
	var kinds []string
	var kindCounts [][]int
	for _, k := range nrm.EventKinds {
		if n := r.EventsByKind[k]; n > 0 {
			kinds, kindCounts = append(kinds, l.T(label(k))), append(kindCounts, []int{n})
		}
	}
	sum.Figures = append(sum.Figures, crossOf("events-by-kind", l.T("Events by kind"), l.T("Kind"), []string{l.T("Events")}, kinds, kindCounts),
		crossOf("follow-ups", l.T("Follow-ups of the period's events"), l.T("State"), []string{l.T("Follow-ups")},
			[]string{l.T("Done"), l.T("Open"), l.T("Overdue")}, [][]int{{r.FollowUpsDone}, {r.FollowUpsOpen}, {r.FollowUpsOverdue}}))
	doc.Sections = append(doc.Sections, sum)
	// By country and theme.
	grid := progressSection{reportSectionDoc: reportSectionDoc{ID: "by-country-and-theme", Title: l.T("By country and theme"),
		Intro: l.T("What was done in each country under each theme. An event counts under each of its themes.")}}
	var rows []string
	var counts [][]int
	for _, c := range r.Grid {
		theme := l.T("No theme")
		if c.Theme != "" {
			theme = l.T(label(c.Theme))
		}
		rows, counts = append(rows, c.Country+" · "+theme), append(counts, []int{c.Events, c.Activities})
	}
	grid.Figures = append(grid.Figures, crossOf("grid", l.T("Events and activities"), l.T("Country · theme"),
		[]string{l.T("Events"), l.T("Activities")}, rows, counts))
	doc.Sections = append(doc.Sections, grid)
	// Events and activities, as recorded.
	ev := progressSection{reportSectionDoc: reportSectionDoc{ID: "events", Title: l.T("Events"),
		Intro: l.T("Meetings, trainings, roundtables and side events of the period, with their outcomes.")}}
	for _, e := range r.Events {
		when := e.Date.String()
		if !e.EndDate.IsZero() {
			when += " – " + e.EndDate.String()
		}
		text := e.Outcomes
		var orgs []string
		for _, o := range e.Organisers {
			orgs = append(orgs, name(o))
		}
		if len(orgs) > 0 {
			text = l.T("Organised by {{.Orgs}}.", "Orgs", joinNames(orgs)) + " " + text
		}
		ev.Items = append(ev.Items, progressItem{Head: fmt.Sprintf("%s · %s · %s · %s", when, e.Country, l.T(label(e.Kind)), e.Title), Text: text})
	}
	doc.Sections = append(doc.Sections, ev)
	ac := progressSection{reportSectionDoc: reportSectionDoc{ID: "activities", Title: l.T("Activities"),
		Intro: l.T("What was done, where, with whom and with what result.")}}
	for _, a := range r.Activities {
		text := a.Summary
		if a.Partners != "" {
			text += " " + l.T("With {{.Partners}}.", "Partners", a.Partners)
		}
		if a.Results != "" {
			text += " " + l.T("Result: {{.Results}}", "Results", a.Results)
		}
		ac.Items = append(ac.Items, progressItem{Head: fmt.Sprintf("%s · %s · %s · %s", a.Date, a.Country, l.T(label(a.Theme)), l.T(label(a.Kind))), Text: text})
	}
	doc.Sections = append(doc.Sections, ac)
	// Country assessments.
	as := progressSection{reportSectionDoc: reportSectionDoc{ID: "assessments", Title: l.T("Country assessments"),
		Intro: l.T("{{.Made}} recommendations made and {{.Implemented}} implemented in the period.", "Made", r.RecommendationsMade, "Implemented", r.RecommendationsImplemented)}}
	var arows []string
	var acounts [][]int
	for _, x := range r.Assessments {
		arows, acounts = append(arows, x.Country+" · "+x.Framework+" · "+x.PublishedOn.String()), append(acounts, []int{x.Recommendations, x.Implemented})
	}
	as.Figures = append(as.Figures, crossOf("assessments-table", l.T("Published assessments"), l.T("Country · framework · published"),
		[]string{l.T("Recommendations made"), l.T("Implemented")}, arows, acounts))
	doc.Sections = append(doc.Sections, as)
	// Figures about people, through disclosure control.
	for _, s := range r.Statistics {
		sd := reportSectionDoc{ID: s.ID, Title: l.T(s.Title), Intro: l.tWords(s.Intro, s.IntroArgs)}
		for _, t := range s.Tables {
			sd.Figures = append(sd.Figures, figureOf(l, t))
		}
		doc.Sections = append(doc.Sections, progressSection{reportSectionDoc: sd})
	}
	return doc
}

func joinNames(names []string) string {
	var b bytes.Buffer
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
	}
	return b.String()
}

type progressPageView struct {
	From, To string
	Doc      *progressDoc
}

// Query is the query string of the report's downloads.
func (v progressPageView) Query(format string) template.URL {
	return template.URL("from=" + v.From + "&to=" + v.To + "&format=" + format)
}

// progressPage serves GET /reports/activity: the page (a period of the
// last year unless asked), or the report as a file (format=html|pdf).
func (w *Web) progressPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	q := r.URL.Query()
	from, to, format := q.Get("from"), q.Get("to"), q.Get("format")
	if from == "" && to == "" {
		today := w.svc.Today()
		from, to = today.AddDays(-364).String(), today.String()
	}
	if format == "" {
		format = "page"
	}
	pv := progressPageView{From: from, To: to}
	if format != "page" && format != "html" && format != "pdf" {
		w.render(rw, r, s, http.StatusUnprocessableEntity, "progress", view{Data: pv, FieldErrors: map[string]string{"format": localizerFor(r).T("one of: html, pdf")}})
		return
	}
	rep, err := w.svc.ProgressReport(r.Context(), from, to, format)
	if err != nil {
		if v, ok := formError(err); ok {
			v.Data = pv
			w.render(rw, r, s, http.StatusUnprocessableEntity, "progress", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	l := localizerFor(r)
	doc := progressDocOf(l, rep)
	if format == "page" {
		pv.Doc = &doc
		w.render(rw, r, s, http.StatusOK, "progress", view{Data: pv})
		return
	}
	var buf bytes.Buffer
	if err := w.writeProgress(&buf, doc, format); err != nil {
		w.fail(rw, r, s, nrm.Internal(err))
		return
	}
	ctype := "text/html; charset=utf-8"
	if format == "pdf" {
		ctype = "application/pdf"
	}
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="nrm-progress-%s-%s.%s"`, rep.From, rep.To, format))
	rw.Write(buf.Bytes())
}

func (w *Web) writeProgress(out io.Writer, doc progressDoc, format string) error {
	if format == "pdf" {
		return writeProgressPDF(out, doc, w.svc.Today())
	}
	return w.pages["progress"].ExecuteTemplate(out, "progress-doc", doc)
}

// writeProgressPDF draws the report as the yearly report is drawn
// (report_pdf.go): the same font, sections and figures; the lists of
// events and activities below their section's figures.
func writeProgressPDF(out io.Writer, doc progressDoc, today nrm.Date) error {
	l := doc.L
	title := l.T("Progress report {{.From}} to {{.To}}", "From", doc.From, "To", doc.To)
	footer := l.T("nrm · progress report · counts of people under {{.K}} suppressed · {{.Day}}", "K", doc.K, "Day", l.Date(today))
	pdf := newReportPDF(l, title, footer, today)
	pdf.AddPage()
	pdf.SetFont("dejavu", "", 18)
	pdf.MultiCell(0, 9, title, "", "L", false)
	pdf.SetFont("dejavu", "", 9.5)
	pdfMuted(pdf, progressMeta(l, doc))
	for _, s := range doc.Sections {
		pdfSection(pdf, l, s.reportSectionDoc)
		for _, it := range s.Items {
			room(pdf, 12)
			pdf.Ln(1.5)
			pdf.SetFont("dejavu", "", 9.5)
			pdf.MultiCell(0, 4.8, it.Head, "", "L", false)
			pdf.SetFont("dejavu", "", 8.5)
			if it.Text != "" {
				pdf.MultiCell(0, 4.4, it.Text, "", "L", false)
			}
		}
	}
	return pdf.Output(out)
}

func progressMeta(l Localizer, doc progressDoc) string {
	return l.T("From {{.From}} to {{.To}} · counts of people under {{.K}} suppressed, with any count that could be worked out from the others · no figure names a person.",
		"From", doc.From, "To", doc.To, "K", doc.K)
}

// Meta is the line under the report's title.
func (doc progressDoc) Meta() string { return progressMeta(doc.L, doc) }

// WriteProgress writes a progress report as a self-contained HTML file
// ("html") or as PDF ("pdf"), in English.
func (w *Web) WriteProgress(out io.Writer, r service.ProgressReport, format string) error {
	if format != "html" && format != "pdf" {
		return nrm.Invalid("format", "one of: html, pdf")
	}
	return w.writeProgress(out, progressDocOf(Localizer{lang: "en"}, r), format)
}
