// Package pdftext extracts the plain text of a PDF for the library's
// full-text search. It is the one package that imports the outside PDF
// reader (github.com/ledongthuc/pdf), and it guards the caller against a
// hostile file: a panic in the reader is recovered, pages and text are
// bounded, and a file that takes too long is given up on.
package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Limits bound one extraction.
type Limits struct {
	MaxPages int // pages read; the rest is not searched
	MaxText  int // bytes of text kept
	// MaxStreams bounds the decompressed bytes of the streams read (page
	// contents and fonts' character maps): a small file can inflate to
	// gigabytes, and the reader holds a page's text in memory.
	MaxStreams int64
	Timeout    time.Duration // after this the extraction is given up
}

// DefaultLimits are enough for a handbook of a few hundred pages.
var DefaultLimits = Limits{MaxPages: 1000, MaxText: 4 << 20, MaxStreams: 64 << 20, Timeout: 10 * time.Second}

// ErrUnreadable is returned for a file the reader cannot make sense of.
var ErrUnreadable = errors.New("pdftext: unreadable PDF")

// Extract returns the text of the PDF in data, up to the limits. A file
// that cannot be read gives ErrUnreadable (wrapped), never a panic. The
// reader cannot be interrupted: on a time-out its goroutine is left to
// finish on its own, with nothing to write to.
func Extract(ctx context.Context, data []byte, lim Limits) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("%w: %v", ErrUnreadable, p)}
			}
		}()
		text, err := extract(ctx, data, lim)
		done <- result{text, err}
	}()
	select {
	case r := <-done:
		return r.text, r.err
	case <-ctx.Done():
		return "", fmt.Errorf("%w: %v", ErrUnreadable, ctx.Err())
	}
}

func extract(ctx context.Context, data []byte, lim Limits) (string, error) {
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	var b strings.Builder
	budget := lim.MaxStreams
	n := min(r.NumPage(), lim.MaxPages)
	for i := 1; i <= n && b.Len() < lim.MaxText; i++ {
		if ctx.Err() != nil {
			break
		}
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		// Measure what this page will inflate to before the reader holds
		// it; past the budget the rest of the file is not read.
		if budget -= pageStreams(p, budget); budget < 0 {
			break
		}
		text, err := p.GetPlainText(nil)
		if err != nil {
			continue // one bad page does not hide the others
		}
		b.WriteString(text)
		b.WriteByte('\n')
	}
	text := strings.ReplaceAll(strings.ToValidUTF8(b.String(), " "), "\x00", " ")
	return clip(text, lim.MaxText), nil
}

// pageStreams counts the decompressed bytes of a page's content streams
// and its fonts' character maps, reading at most limit+1 of them.
func pageStreams(p pdf.Page, limit int64) int64 {
	var total int64
	count := func(v pdf.Value) {
		if v.Kind() != pdf.Stream || total > limit {
			return
		}
		rd := v.Reader()
		defer rd.Close()
		n, _ := io.Copy(io.Discard, io.LimitReader(rd, limit-total+1))
		total += n
	}
	c := p.V.Key("Contents")
	if c.Kind() == pdf.Array {
		for i := 0; i < c.Len() && i < 10000; i++ {
			count(c.Index(i))
		}
	} else {
		count(c)
	}
	fonts := p.Resources().Key("Font")
	for _, k := range fonts.Keys() {
		count(fonts.Key(k).Key("ToUnicode"))
	}
	return total
}

// clip cuts s to at most n bytes, at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
