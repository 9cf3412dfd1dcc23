package pdftext_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
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
	t.Run("a page that inflates past the budget is not read", func(t *testing.T) {
		lim := pdftext.DefaultLimits
		lim.MaxStreams = 2000
		text, err := pdftext.Extract(ctx, MustPDF(t, "small page", strings.Repeat("a long page of many words ", 500)), lim)
		if err != nil || !strings.Contains(text, "small") || strings.Contains(text, "many") {
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

// bombPDF is a one-page PDF whose content stream inflates from a few
// hundred kilobytes to inflated bytes of text operators.
func bombPDF(tb testing.TB, inflated int) []byte {
	tb.Helper()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	chunk := bytes.Repeat([]byte("(bomb) Tj "), 1<<16)
	zw.Write([]byte("BT /F1 12 Tf 72 712 Td "))
	for n := 0; n < inflated; n += len(chunk) {
		zw.Write(chunk)
	}
	zw.Write([]byte(" ET"))
	zw.Close()
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
			"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// A file that inflates to 256 MiB (four times the budget) is given up on before its text is
// held in memory.
func TestExtractDecompressionBomb(t *testing.T) {
	small := bombPDF(t, 1<<20)
	text, err := pdftext.Extract(context.Background(), small, pdftext.DefaultLimits)
	if err != nil || !strings.Contains(text, "bomb") {
		t.Fatalf("the small one is read: %d bytes, %v", len(text), err)
	}
	bomb := bombPDF(t, 256<<20)
	start := time.Now()
	text, err = pdftext.Extract(context.Background(), bomb, pdftext.DefaultLimits)
	if err != nil && !errors.Is(err, pdftext.ErrUnreadable) || strings.Contains(text, "bomb") {
		t.Fatalf("%d bytes of text, %v", len(text), err)
	}
	t.Logf("%d bytes inflating to 256 MiB: given up in %s", len(bomb), time.Since(start))
}
