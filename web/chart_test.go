package web

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func count(n int64) *int64 { return &n }

// svgElements parses an SVG as XML and lists its elements with their
// attributes and text, failing on anything not well-formed.
type svgElement struct {
	Name  string
	Attrs map[string]string
	Text  string
}

func parseSVG(t *testing.T, svg string) []svgElement {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var out []svgElement
	var stack []int
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			e := svgElement{Name: x.Name.Local, Attrs: map[string]string{}}
			for _, a := range x.Attr {
				e.Attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].Text += string(x)
			}
		}
	}
	return out
}

func TestBarChartSVG(t *testing.T) {
	c := BarChart{ID: "by sex", Title: "Cases by sex", Desc: "Female 40, male 20, other suppressed",
		Bars: []Bar{{"Female <&> \"quoted\"", count(40)}, {"Male", count(20)}, {"Other", nil}, {"None", count(0)}}}
	els := parseSVG(t, string(c.SVG()))
	if els[0].Name != "svg" || els[0].Attrs["role"] != "img" || !strings.Contains(els[0].Attrs["aria-labelledby"], "chart-by-sex-title") {
		t.Fatalf("root %+v", els[0])
	}
	var texts []string
	var widths []string
	for _, e := range els {
		switch e.Name {
		case "title":
			if e.Text != "Cases by sex" {
				t.Errorf("title %q", e.Text)
			}
		case "desc":
			if e.Text == "" {
				t.Error("no description")
			}
		case "text":
			texts = append(texts, e.Text)
		case "rect":
			widths = append(widths, e.Attrs["width"])
		}
	}
	want := []string{"Female <&> \"quoted\"", "40", "Male", "20", "Other", "suppressed", "None", "0"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("texts %q, want %q", texts, want)
	}
	// The longest bar fills the room for bars; the others in proportion; a
	// suppressed one is a fixed stub, never a zero-length bar.
	if strings.Join(widths, ",") != "296,148,24,0" {
		t.Errorf("bar widths %v", widths)
	}
	t.Run("empty", func(t *testing.T) {
		els := parseSVG(t, string(BarChart{ID: "x", Title: "Nothing"}.SVG()))
		if els[len(els)-1].Text != "No data" {
			t.Errorf("empty chart %+v", els)
		}
	})
}
