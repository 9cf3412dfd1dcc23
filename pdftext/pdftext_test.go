package pdftext_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/nrmproject/nrm/pdftext"
)

// MustPDF makes a PDF of one page per text.
func MustPDF(tb testing.TB, pages ...string) []byte {
	tb.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetFont("Helvetica", "", 12)
	for _, text := range pages {
		p.AddPage()
		p.MultiCell(0, 6, text, "", "L", false)
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestExtract(t *testing.T) {
	ctx := context.Background()
	t.Run("the text of every page is found", func(t *testing.T) {
		text, err := pdftext.Extract(ctx, MustPDF(t, "Handbook on zanzibarite referrals", "second page quokka"), pdftext.DefaultLimits)
		if err != nil || !strings.Contains(text, "zanzibarite") || !strings.Contains(text, "quokka") {
			t.Fatalf("%q %v", text, err)
		}
	})
	t.Run("pages past the limit are not read", func(t *testing.T) {
		lim := pdftext.DefaultLimits
		lim.MaxPages = 1
		text, err := pdftext.Extract(ctx, MustPDF(t, "first", "second"), lim)
		if err != nil || strings.Contains(text, "second") {
			t.Fatalf("%q %v", text, err)
		}
	})
	t.Run("text past the limit is cut", func(t *testing.T) {
		lim := pdftext.DefaultLimits
		lim.MaxText = 10
		text, err := pdftext.Extract(ctx, MustPDF(t, strings.Repeat("word ", 100)), lim)
		if err != nil || len(text) > 10 {
			t.Fatalf("%q %v", text, err)
		}
	})
	t.Run("garbage and truncated files are unreadable, not a panic", func(t *testing.T) {
		good := MustPDF(t, "text")
		for _, data := range [][]byte{
			[]byte("%PDF-1.4\nnot really a pdf"),
			good[:len(good)/2],
			append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("<<<<[[[("), 10000)...),
			bytes.ReplaceAll(good, []byte("obj"), []byte("ojb")),
		} {
			_, err := pdftext.Extract(ctx, data, pdftext.Limits{MaxPages: 10, MaxText: 1 << 20, Timeout: 5 * time.Second})
			if err != nil && !errors.Is(err, pdftext.ErrUnreadable) {
				t.Fatalf("%v", err)
			}
		}
	})
}

func FuzzExtract(f *testing.F) {
	f.Add(MustPDF(f, "seed"))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj trailer << /Root 1 0 R >>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := pdftext.Extract(context.Background(), data, pdftext.Limits{MaxPages: 5, MaxText: 1 << 16, Timeout: 2 * time.Second})
		if err != nil && !errors.Is(err, pdftext.ErrUnreadable) {
			t.Fatal(err)
		}
	})
}
