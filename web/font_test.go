package web

import (
	"testing"

	"golang.org/x/image/font/sfnt"
)

// TestPrintFontCoversTheRegionsScripts: the PDFs embed one font, so it must
// have the letters of every language of the region: Cyrillic (Russian,
// Ukrainian, Kazakh), Georgian (Mkhedruli), Armenian, and the Latin letters
// of Turkish, Romanian and Albanian.
func TestPrintFontCoversTheRegionsScripts(t *testing.T) {
	f, err := sfnt.Parse(printFont)
	if err != nil {
		t.Fatal(err)
	}
	var b sfnt.Buffer
	ranges := []struct {
		name     string
		from, to rune
	}{
		{"Cyrillic", 0x0410, 0x044F}, {"Ukrainian", 0x0404, 0x0457}, {"Kazakh", 0x04D8, 0x04E9},
		{"Georgian Mkhedruli", 0x10D0, 0x10FA}, {"Armenian capitals", 0x0531, 0x0556}, {"Armenian small", 0x0561, 0x0587},
	}
	extra := []rune("ğĞıİşŞçÇöÖüÜăĂâÂîÎșȘțȚëË«»–—·№")
	check := func(name string, r rune) {
		i, err := f.GlyphIndex(&b, r)
		if err != nil || i == 0 {
			t.Errorf("%s: the print font has no glyph for %U %c", name, r, r)
		}
	}
	for _, rg := range ranges {
		for r := rg.from; r <= rg.to; r++ {
			check(rg.name, r)
		}
	}
	for _, r := range extra {
		check("Latin and punctuation", r)
	}
}
