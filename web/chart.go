package web

// Bar charts drawn as SVG on the server, so that a chart needs no
// JavaScript, prints, and reads on a 390 px phone: one bar per row, its
// label above it and its count beside it in text (a screen reader and a
// colour-blind reader get the numbers, not only the lengths). The chart is
// an image with a title and a description; the table beside it stays the
// full record. The statistics page and the yearly report draw with it;
// other pages (trial findings, assessments) can too.

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
)

// Bar is one bar: its label and its count, nil when suppressed.
type Bar struct {
	Label string
	Count *int64
}

// BarChart is a horizontal bar chart.
type BarChart struct {
	ID         string // unique on the page: the title's and description's ids derive from it
	Title      string
	Desc       string
	Bars       []Bar
	Suppressed string // how a suppressed bar is labelled ("suppressed")
}

// Geometry, in the viewBox's units (the SVG scales to its box's width).
const (
	chartWidth  = 360
	chartRow    = 34 // per bar: a label line and the bar
	chartBarH   = 14
	chartTop    = 4
	chartNumW   = 64 // room right of the longest bar for its count
	chartMaxBar = chartWidth - chartNumW
)

// SVG draws the chart. Every text is escaped for XML: the result is
// well-formed whatever the labels hold.
func (c BarChart) SVG() template.HTML {
	var max int64
	for _, b := range c.Bars {
		if b.Count != nil && *b.Count > max {
			max = *b.Count
		}
	}
	suppressed := c.Suppressed
	if suppressed == "" {
		suppressed = "suppressed"
	}
	id := chartID(c.ID)
	height := chartTop*2 + chartRow*max1(len(c.Bars))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="%s-title %s-desc">`,
		chartWidth, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
	if len(c.Bars) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="%d" font-family="sans-serif" font-size="12" fill="#555">%s</text>`, chartTop+18, esc("No data"))
	}
	for i, bar := range c.Bars {
		y := chartTop + i*chartRow
		fmt.Fprintf(&b, `<text x="0" y="%d" font-family="sans-serif" font-size="12" fill="#222">%s</text>`, y+12, esc(bar.Label))
		by := y + 16
		if bar.Count == nil {
			// A suppressed count is not zero: an outlined, hatched stub and the word.
			fmt.Fprintf(&b, `<rect x="0.5" y="%d.5" width="24" height="%d" fill="#eee" stroke="#777" stroke-dasharray="3 2"/>`, by, chartBarH-1)
			fmt.Fprintf(&b, `<text x="30" y="%d" font-family="sans-serif" font-size="12" font-style="italic" fill="#555">%s</text>`, by+11, esc(suppressed))
			continue
		}
		w := 0
		if max > 0 {
			w = int(*bar.Count * chartMaxBar / max)
		}
		if *bar.Count > 0 && w < 2 {
			w = 2
		}
		fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="#1d5a8c"/>`, by, w, chartBarH)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-family="sans-serif" font-size="12" fill="#222">%s</text>`, w+5, by+11, strconv.FormatInt(*bar.Count, 10))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func esc(s string) string { return html.EscapeString(s) }

// chartID keeps an id to the characters XML names and URLs take.
func chartID(s string) string {
	var b strings.Builder
	b.WriteString("chart-")
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}
