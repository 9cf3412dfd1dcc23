package web

// A small server-rendered SVG chart for the trial monitoring findings:
// horizontal bars, one a row, each stacked by series. No script and no
// style attribute (the CSP allows neither inline); colours are presentation
// attributes. The chart is an image with a title and a description; the
// same figures stand in a table beside it for those who cannot see it.

import (
	"fmt"
	"html/template"
	"strings"
)

// stackSeries is one stack of every bar: its name and colour.
type stackSeries struct {
	Name, Colour string
}

// stackRow is one bar: its label and a count per series.
type stackRow struct {
	Label  string
	Counts []int
}

const (
	stackWidth  = 640
	stackLabelW = 300 // the labels' column
	stackBarH   = 18
	stackGap    = 8
	stackLegend = 28
)

// stackedBars draws rows as horizontal stacked bars, all scaled to the
// largest total, with a legend of the series.
func stackedBars(id, title, desc string, series []stackSeries, rows []stackRow) template.HTML {
	maxTotal := 0
	for _, r := range rows {
		t := 0
		for _, n := range r.Counts {
			t += n
		}
		maxTotal = max(maxTotal, t)
	}
	height := stackLegend + len(rows)*(stackBarH+stackGap) + stackGap
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" `+
		`aria-labelledby="%s-title %s-desc"><title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`,
		esc(id), stackWidth, height, esc(id), esc(id), esc(id), esc(title), esc(id), esc(desc))
	x := 0
	for _, s := range series { // the legend
		fmt.Fprintf(&b, `<rect x="%d" y="4" width="12" height="12" fill="%s"/><text x="%d" y="15" font-size="12">%s</text>`,
			x, esc(s.Colour), x+16, esc(s.Name))
		x += 24 + 8*len(s.Name)
	}
	barW := stackWidth - stackLabelW - 40
	for i, r := range rows {
		y := stackLegend + i*(stackBarH+stackGap)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, stackLabelW-6, y+13, esc(r.Label))
		left, total := 0, 0
		for j, n := range r.Counts {
			total += n
			if n == 0 || maxTotal == 0 || j >= len(series) {
				continue
			}
			w := n * barW / maxTotal
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s: %s %d</title></rect>`,
				stackLabelW+left, y, max(w, 1), stackBarH, esc(series[j].Colour), esc(r.Label), esc(series[j].Name), n)
			left += w
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12">%d</text>`, stackLabelW+left+4, y+13, total)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above is escaped
}
