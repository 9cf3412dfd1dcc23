package nrm_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
)

// microFixture generates projected rows as the store holds them: a few
// common profiles and a long tail of rare ones (a 15-year-old boy from one
// country, exploited in one other).
func microFixture(n int, seed uint64) []nrm.StatRow {
	rng := rand.New(rand.NewPCG(seed, 11))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var rows []nrm.StatRow
	for i := 0; i < n; i++ {
		band := pick("18-24", "25-34", "25-34", "35-44", "12-17", "0-11", "55+", "unknown")
		maj := "adult"
		switch band {
		case "12-17", "0-11":
			maj = "minor"
		case "unknown":
			maj = pick("unknown", "minor")
		}
		r := nrm.StatRow{"record": "case", "year": pick("2024", "2025", "2026"), "sex": pick("female", "female", "male", "other", "unknown"),
			"age_band": band, "majority": maj,
			"citizenship":             pick("MD", "MD", "RO", "UA", "VN", "NG", "AL", "MD;RO", "BR", "", "PH", "ER"),
			"country_of_exploitation": pick("GB", "GB", "GB", "DE", "IT", "FR", "", "TR"),
			"exploitation_type": pick("forced-labour", "sexual-exploitation", "forced-criminality", "domestic-servitude",
				"forced-labour;sexual-exploitation", "forced-marriage", "organ-removal", "unknown", "")}
		for k, v := range r {
			if v == "" {
				delete(r, k)
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// quasiKey is a row's combination of every column the export writes: the
// test counts them itself, from the written rows.
func quasiKey(row []string) string { return strings.Join(row, "\x00") }

func TestMicrodataIsKAnonymous(t *testing.T) {
	for _, c := range []struct {
		name string
		n, k int
	}{{"small_instance_k10", 400, 10}, {"larger_k5", 5000, 5}, {"larger_k25", 5000, 25}, {"fewer_rows_than_k", 7, 10}} {
		t.Run(c.name, func(t *testing.T) {
			rows := microFixture(c.n, uint64(c.n))
			m, err := nrm.KAnonymousMicrodata(rows, c.k)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.Columns, nrm.LayoutGlobal.Columns) {
				t.Fatalf("columns %v", m.Columns)
			}
			groups := map[string]int{}
			for _, r := range m.Rows {
				if len(r) != len(nrm.LayoutGlobal.Columns) {
					t.Fatalf("a row of %d fields", len(r))
				}
				groups[quasiKey(r)]++
			}
			for key, n := range groups {
				if n < c.k {
					t.Errorf("combination %q has %d rows, under k %d", strings.ReplaceAll(key, "\x00", ","), n, c.k)
				}
			}
			if len(m.Rows)+m.Suppressed != c.n || m.Total != c.n {
				t.Errorf("%d rows + %d suppressed, of %d", len(m.Rows), m.Suppressed, c.n)
			}
			if c.n >= 50*c.k && m.Suppressed*nrm.MicrodataMaxSuppressedShare > c.n {
				t.Errorf("%d of %d rows suppressed: generalising should have kept more", m.Suppressed, c.n)
			}
			if c.n < c.k && len(m.Rows) != 0 {
				t.Errorf("fewer rows than k, yet %d published", len(m.Rows))
			}
			t.Log(m.MicrodataSummary())
		})
	}
}

// Each step of a hierarchy is what it says: a region is written for a
// country, the majority for an age band, a band with a double hyphen.
func TestMicrodataGeneralisesStepByStep(t *testing.T) {
	var rows []nrm.StatRow
	// 12 people from four Eastern European countries: no country reaches
	// k = 5 with the rest of their profile, their sub-region does.
	for _, cc := range []string{"MD", "RO", "UA", "BG", "MD", "RO", "UA", "BG", "MD", "RO", "UA", "BG"} {
		rows = append(rows, nrm.StatRow{"year": "2026", "sex": "female", "age_band": "25-34", "majority": "adult",
			"citizenship": cc, "country_of_exploitation": "GB", "exploitation_type": "forced-labour"})
	}
	for i := 0; i < 20; i++ {
		rows = append(rows, nrm.StatRow{"year": "2026", "sex": "female", "age_band": "25-34", "majority": "adult",
			"citizenship": "MD", "country_of_exploitation": "GB", "exploitation_type": "forced-labour"})
	}
	m, err := nrm.KAnonymousMicrodata(rows, 5)
	if err != nil {
		t.Fatal(err)
	}
	col := func(r []string, name string) string { return r[slices.Index(nrm.LayoutGlobal.Columns, name)] }
	if m.Steps["citizenship"] != "UN sub-region" {
		t.Fatalf("steps %v", m.Steps)
	}
	for _, r := range m.Rows {
		if col(r, "citizenship") != "Eastern Europe" || col(r, "ageBroad") != "25--34" || col(r, "majorityStatus") != "Adult" ||
			col(r, "isForcedLabour") != "1" || col(r, "isSexualExploit") != "" || col(r, "gender") != "Female" || col(r, "Datasource") != "-99" {
			t.Errorf("row %v", r)
		}
	}
	if len(m.Rows) != 32 {
		t.Errorf("%d rows published, want all 32", len(m.Rows))
	}
}

func TestMicrodataRefusesKUnder5(t *testing.T) {
	_, err := nrm.KAnonymousMicrodata(microFixture(100, 1), 4)
	if e := nrm.AsError(err); e == nil || e.Field != "k" || e.Code != nrm.CodeInvalid {
		t.Errorf("k 4: %v, want an error naming k", err)
	}
}

// Every country code nrm may meet has a UN sub-region and region.
func TestM49CoversCountries(t *testing.T) {
	for _, cc := range []string{"GB", "MD", "RO", "UA", "VN", "NG", "AL", "BR", "PH", "ER", "US", "AU", "FJ", "KZ", "TR", "XK"} {
		if nrm.M49Region(nrm.M49SubRegion(cc)) == "" {
			t.Errorf("%s has no UN region", cc)
		}
	}
}

// A control character is refused (U+001F joins a stored row's values).
func TestCTDCRefusesControlCharacters(t *testing.T) {
	file := strings.Join(nrm.LayoutVP.Columns, ",") + "\n2020,Fe\x1fmale,Adult,,,Asia,Europe,,,,,,,,,"
	_, err := nrm.LayoutVP.Read(strings.NewReader(file), func([]*string) error { return nil })
	var ie *nrm.ImportError
	if !errors.As(err, &ie) || ie.Line != 2 || ie.Column != "gender" {
		t.Errorf("%v, want line 2, column gender", err)
	}
}
