package web

// The yearly report as PDF, drawn with go-pdf/fpdf from the same reportDoc
// as the HTML: no browser is needed at run time (a field office's laptop
// has none), and the same figures on the same day give the same bytes
// (the dates in the file are the report's day, not the clock's second).
// The bars are drawn as rectangles from the charts' own data.

import (
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

const (
	pdfLeft  = 18.0
	pdfWidth = 174.0 // A4 less the margins
)

// newReportPDF is an A4 document of a report: its title, the print font
// (DejaVu: Latin, Cyrillic, Georgian, Armenian), the margins and a footer
// of the report's words and the page number on every page.
func newReportPDF(l Localizer, title, footer string, today nrm.Date) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.SetCreator("nrm", true)
	pdf.SetCreationDate(today.Time())
	pdf.SetModificationDate(today.Time())
	pdf.AddUTF8FontFromBytes("dejavu", "", printFont)
	pdf.SetMargins(pdfLeft, 16, pdfLeft)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("dejavu", "", 7.5)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(pdfWidth-30, 4, footer, "T", 0, "L", false, 0, "")
		pdf.CellFormat(30, 4, l.T("page {{.Page}} of {{.Pages}}", "Page", pdf.PageNo(), "Pages", "{nb}"), "T", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	return pdf
}

func writeReportPDF(out io.Writer, doc reportDoc, today nrm.Date) error {
	l := doc.L
	footer := l.T("nrm · yearly report {{.Year}} · counts under {{.K}} suppressed · {{.Date}}", "Year", doc.Year, "K", doc.K, "Date", l.Date(today))
	pdf := newReportPDF(l, l.T("Yearly report {{.Year}}", "Year", doc.Year), footer, today)
	pdf.AddPage()
	pdf.SetFont("dejavu", "", 18)
	pdf.MultiCell(0, 9, l.T("Yearly report {{.Year}}", "Year", doc.Year), "", "L", false)
	pdf.SetFont("dejavu", "", 9.5)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(0, 5, l.T("Year {{.Year}} · counts under {{.K}} suppressed, with any count that could be worked out from the others · targets of the profile {{.Profile}} · no figure names a person.", "Year", doc.Year, "K", doc.K, "Profile", doc.Profile), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	for _, s := range doc.Sections {
		pdfSection(pdf, l, s)
	}
	return pdf.Output(out)
}

func pdfSection(pdf *fpdf.Fpdf, l Localizer, s reportSectionDoc) {
	if pdf.GetY() > 230 {
		pdf.AddPage()
	}
	pdf.Ln(5)
	pdf.SetFont("dejavu", "", 14)
	pdf.SetDrawColor(29, 90, 140)
	pdf.MultiCell(0, 7, s.Title, "B", "L", false)
	pdf.SetDrawColor(0, 0, 0)
	pdf.Ln(1)
	pdf.SetFont("dejavu", "", 9.5)
	pdf.MultiCell(0, 4.8, s.Intro, "", "L", false)
	for _, f := range s.Figures {
		pdfFigure(pdf, l, f)
	}
	if len(s.Money) > 0 {
		pdfMoney(pdf, l, s.Money)
	}
}

// room starts a new page unless h millimetres are left.
func room(pdf *fpdf.Fpdf, h float64) {
	_, ph := pdf.GetPageSize()
	if pdf.GetY()+h > ph-22 {
		pdf.AddPage()
	}
}

func pdfFigure(pdf *fpdf.Fpdf, l Localizer, f reportFigure) {
	rows := len(f.Rows)
	if f.Chart != nil {
		rows = len(f.Chart.Bars) + 1
	}
	room(pdf, 12+5.5*float64(min(rows, 8)))
	pdf.Ln(2.5)
	pdf.SetFont("dejavu", "", 10.5)
	pdf.MultiCell(0, 5.5, f.Title, "", "L", false)
	pdf.SetFont("dejavu", "", 8.5)
	switch {
	case f.Withheld != "":
		pdfMuted(pdf, f.Withheld)
	case f.Chart != nil:
		pdfBars(pdf, l, *f.Chart, f.Total)
	default:
		pdfCross(pdf, f)
	}
}

func pdfMuted(pdf *fpdf.Fpdf, text string) {
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(0, 4.5, text, "", "L", false)
	pdf.SetTextColor(0, 0, 0)
}

// pdfBars draws a headline: label, bar, count, one line each, then the total.
func pdfBars(pdf *fpdf.Fpdf, l Localizer, c BarChart, total *int64) {
	if len(c.Bars) == 0 {
		pdfMuted(pdf, l.T("None in the year."))
		return
	}
	var max int64
	for _, b := range c.Bars {
		if b.Count != nil && *b.Count > max {
			max = *b.Count
		}
	}
	const labelW, barW, lineH = 62.0, 92.0, 5.2
	for _, b := range c.Bars {
		room(pdf, lineH)
		x, y := pdf.GetX(), pdf.GetY()
		pdf.CellFormat(labelW, lineH, b.Label, "", 0, "L", false, 0, "")
		if b.Count == nil {
			pdf.SetDrawColor(120, 120, 120)
			pdf.SetDashPattern([]float64{0.8, 0.6}, 0)
			pdf.Rect(x+labelW, y+1, 8, lineH-2, "D")
			pdf.SetDashPattern([]float64{}, 0)
			pdf.SetDrawColor(0, 0, 0)
			pdf.SetXY(x+labelW+10, y)
			pdf.SetTextColor(90, 90, 90)
			pdf.CellFormat(barW, lineH, c.Suppressed, "", 1, "L", false, 0, "")
			pdf.SetTextColor(0, 0, 0)
			pdf.SetX(x)
			continue
		}
		w := 0.0
		if max > 0 {
			w = barW * float64(*b.Count) / float64(max)
		}
		pdf.SetFillColor(29, 90, 140)
		if w > 0 {
			pdf.Rect(x+labelW, y+1, max2(w, 0.6), lineH-2, "F")
		}
		pdf.SetXY(x+labelW+w+2, y)
		pdf.CellFormat(20, lineH, strconv.FormatInt(*b.Count, 10), "", 1, "L", false, 0, "")
		pdf.SetX(x)
	}
	t := l.T("suppressed")
	if total != nil {
		t = strconv.FormatInt(*total, 10)
	}
	pdf.CellFormat(labelW, 5.2, l.T("Total"), "T", 0, "L", false, 0, "")
	pdf.CellFormat(pdfWidth-labelW, 5.2, t, "T", 1, "L", false, 0, "")
}

func max2(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// pdfCross draws a cross table: the dimension down, the categories across.
func pdfCross(pdf *fpdf.Fpdf, f reportFigure) {
	if len(f.Rows) == 0 {
		pdfMuted(pdf, "—")
		return
	}
	first := 44.0
	w := (pdfWidth - first) / float64(max(len(f.Columns), 1))
	head, lineH := 5.0, 5.0
	if w < 18 {
		head, lineH = 8, 4 // long category names on two lines
	}
	room(pdf, head+4.6)
	x, y := pdf.GetX(), pdf.GetY()
	pdf.SetFillColor(238, 242, 246)
	pdf.Rect(x, y, pdfWidth, head, "F")
	align := "LM"
	if head > lineH {
		align = "LB"
	}
	pdf.CellFormat(first, head, f.DimLabel, "", 0, align, false, 0, "")
	for i, c := range f.Columns {
		pdf.SetXY(x+first+float64(i)*w, y+head-lineH*float64(lines(pdf, c, w)))
		pdf.MultiCell(w, lineH, fit(pdf, c, w, 2), "", "R", false)
	}
	pdf.Line(x, y+head, x+pdfWidth, y+head)
	pdf.SetXY(x, y+head)
	for i, r := range f.Rows {
		room(pdf, 4.6)
		pdf.CellFormat(first, 4.6, fit(pdf, r, first, 1), "B", 0, "L", false, 0, "")
		for j, c := range f.Cells[i] {
			if f.Hidden[i][j] {
				pdf.SetTextColor(110, 110, 110)
			}
			pdf.CellFormat(w, 4.6, fit(pdf, c, w, 1), "B", 0, "R", false, 0, "")
			pdf.SetTextColor(0, 0, 0)
		}
		pdf.Ln(4.6)
	}
}

// lines is how many lines (one or two) a header takes in width w.
func lines(pdf *fpdf.Fpdf, s string, w float64) int {
	if pdf.GetStringWidth(s)+2 > w {
		return 2
	}
	return 1
}

// fit shortens a text to lines lines of width w.
func fit(pdf *fpdf.Fpdf, s string, w float64, lines int) string {
	r := []rune(s)
	for len(r) > 1 && pdf.GetStringWidth(string(r))+2 > w*float64(lines) {
		r = append(r[:len(r)-2], '…')
	}
	return string(r)
}

func pdfMoney(pdf *fpdf.Fpdf, l Localizer, money []service.ReportMoney) {
	room(pdf, 20)
	pdf.Ln(2.5)
	pdf.SetFont("dejavu", "", 10.5)
	pdf.MultiCell(0, 5.5, l.T("Amounts of the claims filed in the year"), "", "L", false)
	pdf.SetFont("dejavu", "", 8.5)
	heads := []string{"Currency", "Claims", "Claimed", "Awards", "Awarded", "Paid claims", "Paid"}
	w := pdfWidth / float64(len(heads))
	pdf.SetFillColor(238, 242, 246)
	for _, h := range heads {
		pdf.CellFormat(w, 5, l.T(h), "B", 0, "R", true, 0, "")
	}
	pdf.Ln(5)
	sup := l.T("suppressed")
	n := func(p *int64) string {
		if p == nil {
			return sup
		}
		return strconv.FormatInt(*p, 10)
	}
	a := func(ok bool, s string) string {
		if !ok {
			return sup
		}
		return s
	}
	for _, m := range money {
		for _, c := range []string{m.Currency, n(m.Claims), a(m.ClaimedOK, m.Claimed), n(m.Awards), a(m.AwardedOK, m.Awarded),
			n(m.Payments), a(m.PaidOK, m.Paid)} {
			pdf.CellFormat(w, 4.6, c, "B", 0, "R", false, 0, "")
		}
		pdf.Ln(4.6)
	}
}
