package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nrmproject/nrm"
)

// nrm stats export --layout ctdc-global [--k 10] [--out FILE]: the cases
// projection as k-anonymous rows of CTDC's global layout, for publication
// (issue 11, "Exchange"). The operator at the command line is no user of
// any organisation, so the export of identified records in HTCDS field
// names is the API's (GET /api/v1/exports/htcds), where the caller's own
// access decides every case and field.
func cmdStatsExport(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("stats export", &c)
	layout := fs.String("layout", "", "ctdc-global")
	k := fs.String("k", "", "every combination of quasi-identifiers has at least k rows (default 10, at least 5)")
	out := fs.String("out", "", "write the CSV to FILE (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "layout"); err != nil {
		return err
	}
	if *layout != nrm.LayoutGlobal.Name {
		return usagef("stats export: --layout: ctdc-global")
	}
	return withApp(ctx, c, func(a *app) error {
		m, err := a.svc.ExportMicrodata(systemCtx(ctx), *layout, *k)
		if err != nil {
			return err
		}
		w := stdout
		var f *os.File
		if *out != "" {
			// Written beside the target and renamed, so a failed export
			// leaves no half file to be published by mistake.
			f, err = os.CreateTemp(filepath.Dir(*out), ".nrm-export-*")
			if err != nil {
				return err
			}
			defer os.Remove(f.Name())
			w = f
		}
		cw := csv.NewWriter(w)
		cw.Write(m.Columns)
		cw.WriteAll(m.Rows)
		if err := cw.Error(); err != nil {
			return err
		}
		if f != nil {
			if err := f.Close(); err != nil {
				return err
			}
			if err := os.Rename(f.Name(), *out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s to %s\n", m.MicrodataSummary(), *out)
		}
		return nil
	})
}
