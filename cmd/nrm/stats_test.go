package main

import (
	"encoding/json"
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

// vpRow is one row of a Victim–Perpetrator fixture as the test means it:
// a missing value is nil, whatever way the file writes it.
type vpRow map[string]*string

func sp(s string) *string { return &s }

// writeVP writes n rows in the ctdc-vp layout with every quirk of the
// codebook: empty and -99 both missing, flags 1 or empty, ";" multi-values
// (with a blank among them), double-hyphen age bands, a quoted comma, and
// no newline after the last line. It returns what each row means.
func writeVP(t *testing.T, path string, n int) []vpRow {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 2026))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	missing := func(s string) (string, *string) {
		switch s {
		case "":
			return pick("", "-99"), nil
		}
		return s, sp(s)
	}
	var b strings.Builder
	b.WriteString(strings.Join(nrm.LayoutVP.Columns, ","))
	var rows []vpRow
	for i := 0; i < n; i++ {
		r := vpRow{}
		var fields []string
		for _, c := range nrm.LayoutVP.Columns {
			var v string
			switch c {
			case "yearRegister":
				v = pick("2019", "2020", "2021", "")
			case "gender":
				v = pick("Female", "Female", "Male", "")
			case "majorityStatus":
				v = pick("Adult", "Adult", "Minor", "")
			case "IP_Gender":
				v = pick("Female", "Male", "Female;Male", "Male;;Female", "")
			case "IP_ageBroad":
				v = pick("18--20", "30--38", "48+", "18--20;30--38", "")
			case "UN_COE_Region":
				v = pick("Europe", "Latin America, Caribbean", "")
			case "IP_Relation":
				v = pick("Family", "Intimate partner", "Family;Friend", "")
			default:
				if nrm.LayoutVP.Columns[3] == c || strings.HasPrefix(c, "is") || c == "IP_Exploiter" || c == "IP_PayMoney" ||
					c == "IP_RecruiterBroker" || c == "IP_TransactionProcess" || c == "IP_ControlAbuseKidnap" {
					if pick("1", "") == "1" {
						fields, r[c] = append(fields, "1"), sp("1")
					} else {
						fields = append(fields, "")
					}
					continue
				}
				v = pick("Asia", "Africa", "")
			}
			written, meant := missing(v)
			if strings.Contains(written, ",") {
				written = `"` + written + `"`
			}
			fields, r[c] = append(fields, written), meant
		}
		b.WriteString("\n" + strings.Join(fields, ","))
		rows = append(rows, r)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil { // no newline at the end
		t.Fatal(err)
	}
	return rows
}

func key(vals ...*string) string {
	var parts []string
	for _, v := range vals {
		if v == nil {
			parts = append(parts, "<null>")
		} else {
			parts = append(parts, *v)
		}
	}
	return strings.Join(parts, "|")
}

// cellsOf reads a table printed with --format json into counts by key.
func cellsOf(t *testing.T, out string, by ...string) (map[string]int64, nrm.StatTable) {
	t.Helper()
	var tab nrm.StatTable
	if err := json.Unmarshal([]byte(out), &tab); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := map[string]int64{}
	var sum int64
	for _, c := range tab.Cells {
		var vals []*string
		for _, b := range by {
			vals = append(vals, c.Values[b])
		}
		if c.Count == nil {
			got[key(vals...)] = -1
			continue
		}
		got[key(vals...)] = *c.Count
		sum += *c.Count
	}
	if tab.Total != nil && tab.Privacy == nrm.PrivacyNone && *tab.Total != sum {
		t.Errorf("cells sum to %d, total says %d", sum, *tab.Total)
	}
	return got, tab
}

func sameCounts(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d cells, want %d\ngot  %v\nwant %v", what, len(got), len(want), got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: cell %s = %d, want %d", what, k, got[k], n)
		}
	}
}

func TestStatsImportAndCrossTab(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		dir := t.TempDir()
		file := filepath.Join(dir, "vp-fixture.csv")
		rows := writeVP(t, file, 600)

		// Flags after FILE; the dataset takes the file's base name.
		lines := MustRun(t, "", in.args("stats", "import", file, "--layout", "ctdc-vp")...)
		if want := "imported 600 rows into vp-fixture"; lines[len(lines)-1] != want {
			t.Fatalf("last line %q, want %q", lines[len(lines)-1], want)
		}

		t.Run("two_columns_equal_independent_counts", func(t *testing.T) {
			want := map[string]int64{}
			for _, r := range rows {
				want[key(r["gender"], r["majorityStatus"])]++
			}
			out := MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "gender,majorityStatus", "--format", "json")...)
			got, tab := cellsOf(t, out[0], "gender", "majorityStatus")
			sameCounts(t, "gender × majorityStatus", got, want)
			if tab.Total == nil || *tab.Total != 600 {
				t.Errorf("total %v, want 600", tab.Total)
			}
		})
		t.Run("multi_values_count_as_written", func(t *testing.T) {
			want := map[string]int64{}
			for _, r := range rows {
				want[key(r["IP_Gender"])]++
			}
			out := MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "IP_Gender", "--format", "json")...)
			got, _ := cellsOf(t, out[0], "IP_Gender")
			sameCounts(t, "IP_Gender", got, want)
		})
		t.Run("split_counts_each_value_once_blanks_left_out", func(t *testing.T) {
			want := map[string]int64{}
			for _, r := range rows {
				if r["IP_Gender"] == nil {
					continue
				}
				seen := map[string]bool{}
				for _, v := range strings.Split(*r["IP_Gender"], ";") {
					if v = strings.TrimSpace(v); v != "" && !seen[v] {
						seen[v] = true
						want[key(r["yearRegister"], sp(v))]++
					}
				}
			}
			out := MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "yearRegister,IP_Gender", "--split", "IP_Gender", "--format", "json")...)
			got, _ := cellsOf(t, out[0], "yearRegister", "IP_Gender")
			sameCounts(t, "yearRegister × split IP_Gender", got, want)
		})
		t.Run("age_bands_and_quoted_commas_kept", func(t *testing.T) {
			want := map[string]int64{}
			for _, r := range rows {
				want[key(r["IP_ageBroad"], r["UN_COE_Region"], r["isForcedLabour"])]++
			}
			out := MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "IP_ageBroad,UN_COE_Region,isForcedLabour", "--format", "json")...)
			got, _ := cellsOf(t, out[0], "IP_ageBroad", "UN_COE_Region", "isForcedLabour")
			sameCounts(t, "IP_ageBroad × UN_COE_Region × isForcedLabour", got, want)
		})
		t.Run("suppressed_cells_carry_no_count", func(t *testing.T) {
			out := MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "gender,yearRegister,majorityStatus", "--privacy", "suppress", "--k", "12", "--format", "json")...)
			_, tab := cellsOf(t, out[0], "gender")
			hidden := 0
			for _, c := range tab.Cells {
				if c.Suppressed != (c.Count == nil) {
					t.Errorf("cell %v: suppressed %v but count %v", c.Values, c.Suppressed, c.Count)
				}
				if c.Count != nil && *c.Count < 12 {
					t.Errorf("cell %v published with %d, under k", c.Values, *c.Count)
				}
				if c.Suppressed {
					hidden++
				}
			}
			if hidden == 0 {
				t.Errorf("nothing suppressed: the fixture should have small cells")
			}
		})
		t.Run("csv_and_table_formats", func(t *testing.T) {
			out := MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "gender", "--format", "csv")...)
			if out[0] != "gender,count" || len(out) != 4 {
				t.Errorf("csv %q", out)
			}
			out = MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "gender")...)
			if !strings.HasPrefix(out[len(out)-1], "total") || !strings.Contains(out[len(out)-1], "600") {
				t.Errorf("table %q", out)
			}
		})

		bad := []struct{ name, body, want string }{
			{"flag_not_1", "\n2020,Female,Adult,2,,Asia,Europe,,,,,,,,,", "line 3, column isForcedLabour"},
			{"age_band_single_hyphen", "\n2020,Female,Adult,1,,Asia,Europe,1,Male,18-20,Asia,Family,,,,", "line 3, column IP_ageBroad"},
			{"year_not_a_year", "\n2020,Female,Adult,1,,Asia,Europe,1,Male,18--20,Asia,Family,,,,\nlast year,Male,,,,,,,,,,,,,,", "line 4, column yearRegister"},
			{"too_few_columns", "\n2020,Female,Adult", "line 3: 3 columns"},
		}
		for _, b := range bad {
			t.Run("refused_whole_"+b.name, func(t *testing.T) {
				f := filepath.Join(dir, "vp-fixture.csv")
				good := filepath.Join(dir, "good.csv")
				data, _ := os.ReadFile(file)
				os.WriteFile(good, data, 0o600)
				// Many good rows first: nothing of them may stay.
				os.WriteFile(f, []byte(strings.Join(nrm.LayoutVP.Columns, ",")+"\n2021,Male,Adult,,,Asia,Europe,,,,,,,,,"+b.body), 0o600)
				r := nrmRun(t, "", in.args("stats", "import", "--layout", "ctdc-vp", "--dataset", "vp-fixture", f)...)
				if r.code != 1 || !strings.Contains(r.stderr, b.want) {
					t.Errorf("exit %d, stderr %q; want exit 1 naming %q", r.code, r.stderr, b.want)
				}
				out := MustRun(t, "", in.args("stats", "--dataset", "vp-fixture", "--by", "gender", "--format", "json")...)
				if _, tab := cellsOf(t, out[0], "gender"); tab.Total == nil || *tab.Total != 600 {
					t.Errorf("after a refused import the dataset holds %v rows, want the 600 of before", tab.Total)
				}
				os.WriteFile(f, data, 0o600)
			})
		}
		t.Run("bad_input_named", func(t *testing.T) {
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--dataset", "nope", "--by", "gender"}, "--dataset: unknown dataset"},
				{[]string{"--dataset", "vp-fixture", "--by", "colour"}, "--by: unknown column"},
				{[]string{"--dataset", "vp-fixture", "--by", "gender", "--privacy", "loose"}, "--privacy: one of"},
				{[]string{"--dataset", "vp-fixture", "--by", "gender", "--privacy", "suppress", "--k", "4"}, "--k: at least 5"},
				{[]string{"--dataset", "vp-fixture", "--by", "gender", "--privacy", "dp", "--epsilon", "0"}, "--epsilon: must be positive"},
				{[]string{"--dataset", "vp-fixture", "--by", "gender", "--privacy", "dp", "--epsilon", "-1"}, "--epsilon: must be positive"},
			} {
				r := nrmRun(t, "", in.args(append([]string{"stats"}, c.args...)...)...)
				if r.code != 2 || !strings.Contains(r.stderr, c.want) {
					t.Errorf("nrm stats %v: exit %d %q, want exit 2 naming %q", c.args, r.code, r.stderr, c.want)
				}
			}
			r := nrmRun(t, "", in.args("stats", "import", "--layout", "ctdc-nope", file)...)
			if r.code != 2 || !strings.Contains(r.stderr, "--layout") {
				t.Errorf("bad layout: exit %d %q", r.code, r.stderr)
			}
		})
	})
}

// TestStatsImportGlobalLayout: the 63 columns of the global k-anonymised
// layout, -99 and empty missing.
func TestStatsImportGlobalLayout(t *testing.T) {
	in := newInstance(t, sqlstore.SQLite)
	file := filepath.Join(t.TempDir(), "global.csv")
	cols := nrm.LayoutGlobal.Columns
	if len(cols) != 63 {
		t.Fatalf("the global layout has %d columns, want 63", len(cols))
	}
	want := map[string]int64{}
	var b strings.Builder
	b.WriteString(strings.Join(cols, ",") + "\r\n")
	for i := 0; i < 120; i++ {
		f := make([]string, len(cols))
		for j := range f {
			f[j] = "-99"
		}
		f[0] = fmt.Sprint(2015 + i%4)
		gender := []string{"Female", "Male", "-99", ""}[i%4]
		f[2] = gender
		age := []string{"0--8", "9--17", "18--20", "48+", "-99"}[i%5]
		f[3] = age
		var g, a *string
		if gender != "-99" && gender != "" {
			g = sp(gender)
		}
		if age != "-99" {
			a = sp(age)
		}
		if i%3 == 0 {
			f[27] = "1" // isForcedLabour
		} else {
			f[27] = ""
		}
		want[key(g, a)]++
		b.WriteString(strings.Join(f, ","))
		if i < 119 {
			b.WriteString("\r\n")
		}
	}
	os.WriteFile(file, []byte(b.String()), 0o600)
	MustRun(t, "", in.args("stats", "import", "--layout", "ctdc-global", "--dataset", "ctdc", file)...)
	out := MustRun(t, "", in.args("stats", "--dataset", "ctdc", "--by", "gender,ageBroad", "--format", "json")...)
	got, _ := cellsOf(t, out[0], "gender", "ageBroad")
	sameCounts(t, "gender × ageBroad", got, want)
}
