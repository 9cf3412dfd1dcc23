package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/nrmproject/nrm/web"
)

// nrm report --year YYYY [--format html|pdf] [--k K] [--out FILE]: the
// yearly report as the operator, drawn by the same renderer as the page
// GET /report (web/report.go), every figure through disclosure control.
func cmdReport(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("report", &c)
	year := fs.String("year", "", "the year, YYYY")
	format := fs.String("format", "html", "html or pdf")
	k := fs.String("k", "", "suppression threshold (default 10, at least 5)")
	out := fs.String("out", "", "write to FILE instead of standard output")
	lang := fs.String("lang", "en", "language of the report: en, ru, uk, fr, tr, ka, hy, kk, sq, ro")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "year"); err != nil {
		return err
	}
	if !web.KnownLanguage(*lang) {
		return usagef("report: --lang: one of en, ru, uk, fr, tr, ka, hy, kk, sq, ro")
	}
	if *format != "html" && *format != "pdf" {
		return usagef("report: --format: one of html, pdf")
	}
	return withApp(ctx, c, func(a *app) error {
		r, err := a.svc.YearReport(systemCtx(ctx), *year, *k, *format)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := web.New(a.svc, slog.New(slog.DiscardHandler), web.Options{}).WriteReportIn(&buf, r, *format, *lang); err != nil {
			return err
		}
		if *out == "" {
			_, err := stdout.Write(buf.Bytes())
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
			return usagef("report: --out: %v", err)
		}
		fmt.Fprintf(stdout, "wrote the %d report to %s\n", r.Year, *out)
		return nil
	})
}
