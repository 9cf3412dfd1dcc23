package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// TestReportCommand: nrm report draws the yearly report of the demo data as
// HTML on standard output and as PDF into a file, and names each bad flag.
func TestReportCommand(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		a, err := open(context.Background(), common{data: in.data, db: in.db}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		if err := seedDemo(context.Background(), a, 40); err != nil {
			a.close()
			t.Fatal(err)
		}
		a.close()
		year := strconv.Itoa(time.Now().UTC().Year())

		t.Run("html_on_stdout", func(t *testing.T) {
			r := nrmRun(t, "", in.args("report", "--year", year)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, "<!doctype html>") {
				t.Fatalf("not an HTML page: %.80s", r.stdout)
			}
			for _, id := range service.ReportSectionIDs() {
				if !strings.Contains(r.stdout, `id="`+id+`"`) {
					t.Errorf("no section %s", id)
				}
			}
			// The cohort's 40 cases and the demo's three: some figure is published.
			if !regexp.MustCompile(`<td class="num">\d+</td>`).MatchString(r.stdout) {
				t.Error("every figure suppressed")
			}
			for _, personal := range []string{"Demo001", "Alia", "Cohort (fictitious)", "Demo Harbour"} {
				if strings.Contains(r.stdout, personal) {
					t.Errorf("the report holds %q", personal)
				}
			}
		})
		t.Run("html_in_georgian", func(t *testing.T) {
			r := nrmRun(t, "", in.args("report", "--year", year, "--lang", "ka")...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "წლიური ანგარიში "+year) || !strings.Contains(r.stdout, `lang="ka"`) {
				t.Errorf("the report is not in Georgian: %.400s", r.stdout)
			}
			if r := nrmRun(t, "", in.args("report", "--year", year, "--lang", "de")...); r.code == 0 || !strings.Contains(r.stderr, "--lang") {
				t.Errorf("an unknown language was taken: exit %d, %s", r.code, r.stderr)
			}
		})
		t.Run("pdf_into_a_file", func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "report.pdf")
			lines := MustRun(t, "", in.args("report", "--year", year, "--format", "pdf", "--out", out, "--k", "5")...)
			if want := "wrote the " + year + " report to " + out; lines[len(lines)-1] != want {
				t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(b), "%PDF-") || !strings.Contains(string(b), "/Type /Pages") {
				t.Errorf("not a PDF: %.20q", b)
			}
		})
		t.Run("bad_flags_named", func(t *testing.T) {
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"report"}, "--year is required"},
				{[]string{"report", "--year", "1800"}, "--year: a year from 1990"},
				{[]string{"report", "--year", year, "--k", "3"}, "--k: at least 5"},
				{[]string{"report", "--year", year, "--format", "docx"}, "--format: one of html, pdf"},
			} {
				r := nrmRun(t, "", in.args(c.args...)...)
				if r.code != 2 || !strings.Contains(r.stderr, c.want) {
					t.Errorf("%v: exit %d, stderr %q, want %q", c.args, r.code, r.stderr, c.want)
				}
			}
		})
	})
}
