package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nrmproject/nrm"
)

// nrm stats ...: cross-tabulations and imports of statistical datasets
// (CONTRACT.md, "Statistics"), as the operator.
func cmdStats(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "import" {
		return cmdStatsImport(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "export" {
		return cmdStatsExport(ctx, args[1:], stdout) // cmd/nrm/exports.go
	}
	var c common
	fs := newFlags("stats", &c)
	dataset := fs.String("dataset", "", "the dataset: cases, or an imported one")
	by := fs.String("by", "", "columns, comma-separated")
	split := fs.String("split", "", "a multi-valued column to count under each of its values")
	privacy := fs.String("privacy", "none", "none, suppress or dp")
	k := fs.String("k", "", "suppression threshold (default 10, at least 5)")
	epsilon := fs.String("epsilon", "", "privacy loss of a dp release")
	format := fs.String("format", "table", "json, csv or table")
	if len(args) > 0 && args[0] == nrm.CasesDataset {
		args = append([]string{"--dataset", nrm.CasesDataset}, args[1:]...)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "dataset", "by"); err != nil {
		return err
	}
	if *format != "json" && *format != "csv" && *format != "table" {
		return usagef("stats: --format: one of json, csv, table")
	}
	return withApp(ctx, c, func(a *app) error {
		t, err := a.svc.Statistics(systemCtx(ctx), nrm.StatQueryInput{Dataset: *dataset, By: *by, Split: *split,
			Privacy: *privacy, K: *k, Epsilon: *epsilon})
		if err != nil {
			return err
		}
		return writeStatTable(stdout, t, *format)
	})
}

// writeStatTable prints a table as JSON (the API's object), CSV or aligned text.
func writeStatTable(w io.Writer, t nrm.StatTable, format string) error {
	switch format {
	case "json":
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(b))
		return err
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(t.Header())
		for _, r := range t.Records() {
			cw.Write(r)
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.Header(), "\t"))
	for _, r := range t.Records() {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	total := "suppressed"
	if t.Total != nil {
		total = strconv.FormatInt(*t.Total, 10)
	}
	fmt.Fprintf(tw, "total%s\t%s\n", strings.Repeat("\t", len(t.By)-1), total)
	return tw.Flush()
}

// nrm stats import --layout ctdc-vp|ctdc-global FILE [--dataset NAME]; the
// flags may stand before or after FILE.
func cmdStatsImport(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("stats import", &c)
	layout := fs.String("layout", "", "ctdc-vp or ctdc-global")
	dataset := fs.String("dataset", "", "the dataset's name (default: the file's base name)")
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return usagef("stats import: see 'nrm help'")
			}
			return usagef("stats import: %v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return usagef("stats import: one FILE is required")
	}
	if err := required(fs, "layout"); err != nil {
		return err
	}
	if nrm.Layouts[*layout] == nil {
		return usagef("stats import: --layout: one of ctdc-vp, ctdc-global")
	}
	name := *dataset
	if name == "" {
		base := filepath.Base(files[0])
		name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	f, err := os.Open(files[0])
	if err != nil {
		return usagef("stats import: %v", err)
	}
	defer f.Close()
	return withApp(ctx, c, func(a *app) error {
		n, err := a.svc.ImportStats(systemCtx(ctx), *layout, name, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %d rows into %s\n", n, name)
		return nil
	})
}
