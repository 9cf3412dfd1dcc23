package main

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// TestStatsExportMicrodata: the cases as k-anonymous CTDC microdata,
// every combination of the columns written re-counted here from the file,
// and the file taken back by nrm stats import --layout ctdc-global.
func TestStatsExportMicrodata(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		_, actor := seedCase(t, in, "Ana")
		o := MustOpen(t, in)
		rng := rand.New(rand.NewPCG(5, 2026))
		pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
		var inputs []nrm.CaseInput
		for i := 0; i < 300; i++ {
			inputs = append(inputs, nrm.CaseInput{
				Person: nrm.PersonInput{GivenName: "P" + fmt.Sprint(i), FamilyName: "Testova", Sex: pick("female", "female", "male", "unknown"),
					DateOfBirth: pick("1990-01-01", "1999-06-01", "2001-03-04", "1975-02-02", "2010-01-01"),
					Citizenship: []string{pick("MD", "MD", "RO", "UA", "VN", "NG", "AL", "ER")}},
				Encounter:         nrm.EncounterInput{Date: pick("2025-11-01", "2026-02-01", "2024-05-05"), Country: pick("GB", "GB", "DE", "IT")},
				ExploitationTypes: []string{pick("forced-labour", "sexual-exploitation", "forced-criminality", "domestic-servitude")},
			})
		}
		if _, err := o.svc.CreateCases(nrm.WithActor(sys(), actor), inputs); err != nil {
			t.Fatal(err)
		}
		o.svc.Close()
		o.store.Close()

		dir := t.TempDir()
		file := filepath.Join(dir, "published.csv")
		lines := MustRun(t, "", in.args("stats", "export", "--layout", "ctdc-global", "--k", "5", "--out", file)...)
		if !strings.HasPrefix(lines[0], "wrote ") || !strings.Contains(lines[0], "(k 5, ") || !strings.HasSuffix(lines[0], file) {
			t.Fatalf("stdout %q", lines)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != strings.Join(nrm.LayoutGlobal.Columns, ",") {
			t.Fatalf("header %v", rows[0])
		}
		groups := map[string]int{}
		for _, r := range rows[1:] {
			groups[strings.Join(r, "\x00")]++
		}
		for key, n := range groups {
			if n < 5 {
				t.Errorf("combination %q: %d rows, under k 5", strings.ReplaceAll(key, "\x00", ","), n)
			}
		}
		published := len(rows) - 1
		if published < 250 {
			t.Errorf("only %d of 301 rows published", published)
		}
		for _, leak := range []string{"Testova", "Ana", "2025-11-01", "1990"} {
			if data, _ := os.ReadFile(file); strings.Contains(string(data), leak) {
				t.Errorf("the microdata holds %q", leak)
			}
		}

		t.Run("re_imports_as_ctdc_global", func(t *testing.T) {
			lines := MustRun(t, "", in.args("stats", "import", "--layout", "ctdc-global", file)...)
			if want := fmt.Sprintf("imported %d rows into published", published); lines[len(lines)-1] != want {
				t.Fatalf("%q, want %q", lines, want)
			}
			want := map[string]int64{}
			gi := indexOf(nrm.LayoutGlobal.Columns, "gender")
			for _, r := range rows[1:] {
				var g *string
				if v := r[gi]; v != "-99" {
					g = sp(v)
				}
				want[key(g)]++
			}
			out := MustRun(t, "", in.args("stats", "--dataset", "published", "--by", "gender", "--format", "json")...)
			got, _ := cellsOf(t, out[0], "gender")
			sameCounts(t, "gender of the re-imported microdata", got, want)
		})
		t.Run("to_standard_output", func(t *testing.T) {
			out := MustRun(t, "", in.args("stats", "export", "--layout", "ctdc-global")...)
			if out[0] != strings.Join(nrm.LayoutGlobal.Columns, ",") {
				t.Errorf("first line %q", out[0])
			}
		})
		t.Run("bad_input_named_nothing_written", func(t *testing.T) {
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--layout", "ctdc-global", "--k", "4"}, "--k: at least 5"},
				{[]string{"--layout", "ctdc-vp"}, "--layout"},
				{[]string{}, "--layout"},
			} {
				target := filepath.Join(dir, "refused.csv")
				r := nrmRun(t, "", in.args(append(append([]string{"stats", "export"}, c.args...), "--out", target)...)...)
				if r.code != 2 || !strings.Contains(r.stderr, c.want) {
					t.Errorf("%v: exit %d %q, want exit 2 naming %q", c.args, r.code, r.stderr, c.want)
				}
				if _, err := os.Stat(target); err == nil {
					t.Errorf("%v: a file was written", c.args)
				}
			}
		})
	})
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// TestPackedRowsMigration: rows imported on SQLite before migration 0015
// (values in c01..c63) are packed by it and counted as before.
func TestPackedRowsMigration(t *testing.T) {
	in := newInstance(t, sqlstore.SQLite)
	MustRun(t, "", in.args("migrate")...)
	db := rawDB(t, in)
	for _, q := range []string{
		"DELETE FROM schema_migrations WHERE version = 15",
		"ALTER TABLE stat_rows DROP COLUMN packed",
		"INSERT INTO stat_datasets (name, layout, row_count, imported_at) VALUES ('old', 'ctdc-global', 3, 0)",
		"INSERT INTO stat_rows (dataset, row_key, c01, c03, c28) VALUES ('old', '0', '2020', 'Female', '1'), ('old', '1', '2020', 'Female', NULL), ('old', '2', '2021', NULL, '1')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	out := MustRun(t, "", in.args("stats", "--dataset", "old", "--by", "gender,yearOfRegistration,isForcedLabour", "--format", "json")...)
	got, _ := cellsOf(t, out[0], "gender", "yearOfRegistration", "isForcedLabour")
	sameCounts(t, "old rows after migration 0015", got, map[string]int64{
		key(sp("Female"), sp("2020"), sp("1")): 1, key(sp("Female"), sp("2020"), nil): 1, key(nil, sp("2021"), sp("1")): 1})
}
