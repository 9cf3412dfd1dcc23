package screening

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// MustSet returns the named set of the catalog.
func MustSet(tb testing.TB, c *Catalog, name string) *Set {
	tb.Helper()
	s, ok := c.Set(name)
	if !ok {
		tb.Fatalf("set %s not in the catalog", name)
	}
	return s
}

// available counts the indicators of a set's dimension with that strength.
func available(s *Set, dim string, st Strength) int {
	n := 0
	for _, ind := range s.Indicators {
		if ind.Dimension == dim && ind.Strength == st {
			n++
		}
	}
	return n
}

// pick returns the ids of the first n indicators of the set's dimension with
// that strength, as the loaded data has them.
func pick(tb testing.TB, s *Set, dim string, st Strength, n int) []string {
	tb.Helper()
	var ids []string
	for _, ind := range s.Indicators {
		if len(ids) == n {
			break
		}
		if ind.Dimension == dim && ind.Strength == st {
			ids = append(ids, ind.ID)
		}
	}
	if len(ids) < n {
		tb.Fatalf("%s/%s has %d %s indicators, the test needs %d", s.Name, dim, len(ids), st, n)
	}
	return ids
}

type counts struct{ strong, medium, weak int }

func (c counts) fits(s *Set, dim string) bool {
	return available(s, dim, Strong) >= c.strong && available(s, dim, Medium) >= c.medium && available(s, dim, Weak) >= c.weak
}

func (c counts) pick(tb testing.TB, s *Set, dim string) []string {
	tb.Helper()
	ids := pick(tb, s, dim, Strong, c.strong)
	ids = append(ids, pick(tb, s, dim, Medium, c.medium)...)
	return append(ids, pick(tb, s, dim, Weak, c.weak)...)
}

// meet returns ids from the loaded data that meet the dimension, using the
// first of the rule's minimal combinations the data allows.
func meet(tb testing.TB, s *Set, dim string) []string {
	tb.Helper()
	for _, c := range []counts{{2, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 3, 0}, {0, 2, 1}} {
		if c.fits(s, dim) {
			return c.pick(tb, s, dim)
		}
	}
	tb.Fatalf("no combination of %s/%s meets the rule", s.Name, dim)
	return nil
}

func concat(lists ...[]string) []string { return slices.Concat(lists...) }

// MustAssess assesses ids and fails the test on error.
func MustAssess(tb testing.TB, s *Set, ids []string) Result {
	tb.Helper()
	r, err := s.Assess(ids)
	if err != nil {
		tb.Fatalf("Assess(%v): %v", ids, err)
	}
	return r
}

const header = "id,population,exploitation,dimension,strength,indicator\n"

// synthetic builds a set from a CSV string with 4 indicators of each strength
// in one dimension, for the combinations the shipped data cannot build.
func synthetic(tb testing.TB) *Set {
	tb.Helper()
	var b strings.Builder
	b.WriteString(header)
	n := 0
	for _, st := range []Strength{Strong, Medium, Weak} {
		for range 4 {
			n++
			fmt.Fprintf(&b, "T%02d,adult,test,%s,%s,Synthetic indicator %d\n", n, ExploitativeConditions, st, n)
		}
	}
	var c Catalog
	if err := c.Load(strings.NewReader(b.String()), "synthetic.csv"); err != nil {
		tb.Fatal(err)
	}
	return MustSet(tb, &c, "adult-test")
}

func TestDefaultSets(t *testing.T) {
	c := Default()
	var names []string
	for _, s := range c.Sets() {
		names = append(names, s.Name)
	}
	if want := []string{"adult-labour", "child-labour"}; !slices.Equal(names, want) {
		t.Fatalf("Sets() = %v, want %v", names, want)
	}
	dims := []string{DeceptiveRecruitment, CoerciveRecruitment, RecruitmentAbuseOfVulnerability,
		ExploitativeConditions, CoercionAtDestination, AbuseOfVulnerabilityAtDestination}
	for _, tc := range []struct {
		name, pop, prefix string
		n                 int
	}{
		{"adult-labour", Adult, "AL", 67},
		{"child-labour", Child, "CL", 65},
	} {
		s := MustSet(t, c, tc.name)
		if s.Population != tc.pop || s.Exploitation != "labour" || len(s.Indicators) != tc.n {
			t.Errorf("%s: population %q exploitation %q, %d indicators; want %q labour %d",
				tc.name, s.Population, s.Exploitation, len(s.Indicators), tc.pop, tc.n)
		}
		if !slices.Equal(s.Dimensions, dims) {
			t.Errorf("%s: dimensions %v, want %v", tc.name, s.Dimensions, dims)
		}
		for _, ind := range s.Indicators {
			if ind.Set != tc.name || !strings.HasPrefix(ind.ID, tc.prefix) || ind.Text == "" {
				t.Errorf("%s: bad indicator %+v", tc.name, ind)
			}
			if got, ok := s.Indicator(ind.ID); !ok || got != ind {
				t.Errorf("%s: Indicator(%q) = %+v, %v", tc.name, ind.ID, got, ok)
			}
		}
	}
	if ind, ok := MustSet(t, c, "adult-labour").Indicator("AL01"); !ok || ind.Strength != Strong || ind.Dimension != DeceptiveRecruitment {
		t.Errorf("AL01 = %+v, %v", ind, ok)
	}
	if _, ok := MustSet(t, c, "adult-labour").Indicator("CL01"); ok {
		t.Error("a child id is found in the adult set")
	}
}

func TestDefaultReturnsSeparateCopies(t *testing.T) {
	a := Default()
	extra := header + "XS01,adult,sexual,deceptive-recruitment,strong,Extra\n"
	if err := a.Load(strings.NewReader(extra), "extra.csv"); err != nil {
		t.Fatal(err)
	}
	MustSet(t, a, "adult-labour").Indicators[0].Text = "changed"
	b := Default()
	if _, ok := b.Set("adult-sexual"); ok {
		t.Error("a set loaded into one Default() catalog shows in another")
	}
	if MustSet(t, b, "adult-labour").Indicators[0].Text == "changed" {
		t.Error("a change to one Default() catalog shows in another")
	}
}

func TestDimensionMetIsMonotonic(t *testing.T) {
	for s := 0; s <= 5; s++ {
		for m := 0; m <= 5; m++ {
			for w := 0; w <= 5; w++ {
				if !DimensionMet(s, m, w) {
					continue
				}
				if !DimensionMet(s+1, m, w) || !DimensionMet(s, m+1, w) || !DimensionMet(s, m, w+1) {
					t.Errorf("met with %d/%d/%d but not with one more indicator", s, m, w)
				}
				if w > 0 && !DimensionMet(s, m+1, w-1) {
					t.Errorf("met with %d/%d/%d but not with a weak one made medium", s, m, w)
				}
				if m > 0 && !DimensionMet(s+1, m-1, w) {
					t.Errorf("met with %d/%d/%d but not with a medium one made strong", s, m, w)
				}
			}
		}
	}
	for w := 0; w <= 10; w++ {
		if DimensionMet(0, 0, w) {
			t.Errorf("%d weak alone meet a dimension", w)
		}
	}
}

func TestDimensionRule(t *testing.T) {
	cases := []struct {
		name string
		c    counts
		met  bool
		// real: the shipped data must be able to build this combination in
		// some dimension (the test fails if the data stops allowing it).
		real bool
	}{
		{"2 strong", counts{2, 0, 0}, true, true},
		{"1 strong + 1 medium", counts{1, 1, 0}, true, true},
		{"1 strong + 1 weak", counts{1, 0, 1}, true, true},
		{"3 medium", counts{0, 3, 0}, true, true},
		{"2 medium + 1 weak", counts{0, 2, 1}, true, true},
		{"3 strong", counts{3, 0, 0}, true, true},
		{"1 strong + 2 medium", counts{1, 2, 0}, true, true},
		{"4 medium", counts{0, 4, 0}, true, true},
		{"2 medium + 2 weak", counts{0, 2, 2}, true, true},
		{"1 strong alone", counts{1, 0, 0}, false, true},
		{"2 medium", counts{0, 2, 0}, false, true},
		{"1 medium + 1 weak", counts{0, 1, 1}, false, true},
		{"1 medium + 2 weak", counts{0, 1, 2}, false, true},
		{"1 medium", counts{0, 1, 0}, false, true},
		{"1 weak", counts{0, 0, 1}, false, true},
		{"2 weak", counts{0, 0, 2}, false, true},
		{"3 weak", counts{0, 0, 3}, false, false},
		{"4 weak", counts{0, 0, 4}, false, false},
		{"nothing", counts{0, 0, 0}, false, true},
	}
	sets := Default().Sets()
	syn := synthetic(t)
	for _, tc := range cases {
		want := "not met"
		if tc.met {
			want = "met"
		}
		hosts := 0
		check := func(t *testing.T, s *Set, dim string) {
			ids := tc.c.pick(t, s, dim)
			r := MustAssess(t, s, ids)
			for _, d := range r.Dimensions {
				if d.Dimension != dim {
					if d.Met || len(d.Indicators) != 0 {
						t.Errorf("%s has indicators or is met: %+v", d.Dimension, d)
					}
					continue
				}
				if d.Met != tc.met {
					t.Errorf("%v: met = %v, want %v", ids, d.Met, tc.met)
				}
				if d.Strong != tc.c.strong || d.Medium != tc.c.medium || d.Weak != tc.c.weak || len(d.Indicators) != len(ids) {
					t.Errorf("%v: counted %d/%d/%d (%d indicators), want %d/%d/%d",
						ids, d.Strong, d.Medium, d.Weak, len(d.Indicators), tc.c.strong, tc.c.medium, tc.c.weak)
				}
			}
			wantOutcome := NotIndicated
			if tc.met {
				wantOutcome = PartlyIndicated
			}
			if r.Outcome != wantOutcome {
				t.Errorf("%v: outcome %s, want %s", ids, r.Outcome, wantOutcome)
			}
		}
		for _, s := range sets {
			for _, dim := range s.Dimensions {
				if !tc.c.fits(s, dim) {
					continue
				}
				hosts++
				t.Run(fmt.Sprintf("%s is %s/%s/%s", tc.name, want, s.Name, dim), func(t *testing.T) { check(t, s, dim) })
			}
		}
		if tc.real && hosts == 0 {
			t.Errorf("%s: no dimension of the shipped data has the indicators for this combination", tc.name)
		}
		if !tc.real && hosts != 0 {
			t.Errorf("%s: the shipped data can now build this combination: make the case real", tc.name)
		}
		t.Run(fmt.Sprintf("%s is %s/synthetic", tc.name, want), func(t *testing.T) {
			check(t, syn, ExploitativeConditions)
		})
	}
}

func TestDuplicateIDsCountOnce(t *testing.T) {
	s := MustSet(t, Default(), "adult-labour")
	strong := pick(t, s, CoercionAtDestination, Strong, 1)[0]
	r := MustAssess(t, s, []string{strong, strong, strong})
	for _, d := range r.Dimensions {
		if d.Dimension == CoercionAtDestination && (d.Strong != 1 || d.Met || len(d.Indicators) != 1) {
			t.Errorf("one strong indicator given three times: %+v", d)
		}
	}
	if r.Outcome != NotIndicated {
		t.Errorf("outcome %s, want %s", r.Outcome, NotIndicated)
	}
}

func TestAdultOutcome(t *testing.T) {
	s := MustSet(t, Default(), "adult-labour")
	exploitation := meet(t, s, ExploitativeConditions)

	t.Run("indicated with every recruitment and means dimension", func(t *testing.T) {
		for _, rec := range []string{DeceptiveRecruitment, CoerciveRecruitment, RecruitmentAbuseOfVulnerability} {
			for _, means := range []string{CoercionAtDestination, AbuseOfVulnerabilityAtDestination} {
				ids := concat(meet(t, s, rec), exploitation, meet(t, s, means))
				r := MustAssess(t, s, ids)
				if r.Outcome != TraffickingIndicated {
					t.Errorf("%s + exploitation + %s %v: %s, want %s", rec, means, ids, r.Outcome, TraffickingIndicated)
				}
				met := r.Met()
				if len(met) != 6 || !met[rec] || !met[ExploitativeConditions] || !met[means] {
					t.Errorf("Met() = %v", met)
				}
			}
		}
	})

	partly := []struct{ name, missing string }{
		{"partly without recruitment", "recruitment"},
		{"partly without exploitation", ExploitativeConditions},
		{"partly without means at destination", "means"},
	}
	for _, tc := range partly {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			if tc.missing != "recruitment" {
				ids = concat(ids, meet(t, s, DeceptiveRecruitment), meet(t, s, CoerciveRecruitment),
					meet(t, s, RecruitmentAbuseOfVulnerability))
			}
			if tc.missing != ExploitativeConditions {
				ids = concat(ids, exploitation)
			}
			if tc.missing != "means" {
				ids = concat(ids, meet(t, s, CoercionAtDestination), meet(t, s, AbuseOfVulnerabilityAtDestination))
			}
			if r := MustAssess(t, s, ids); r.Outcome != PartlyIndicated {
				t.Errorf("%v: %s, want %s", ids, r.Outcome, PartlyIndicated)
			}
		})
	}

	t.Run("not indicated with one indicator in every dimension", func(t *testing.T) {
		var ids []string
		for _, dim := range s.Dimensions {
			for _, ind := range s.Indicators {
				if ind.Dimension == dim {
					ids = append(ids, ind.ID)
					break
				}
			}
		}
		if r := MustAssess(t, s, ids); r.Outcome != NotIndicated {
			t.Errorf("%v: %s, want %s", ids, r.Outcome, NotIndicated)
		}
	})
	t.Run("not indicated with none", func(t *testing.T) {
		r := MustAssess(t, s, nil)
		if r.Outcome != NotIndicated || r.Set != "adult-labour" || len(r.Dimensions) != 6 {
			t.Errorf("Assess(nil) = %+v", r)
		}
		for i, d := range r.Dimensions {
			if d.Dimension != s.Dimensions[i] {
				t.Errorf("dimension %d is %s, want set order %s", i, d.Dimension, s.Dimensions[i])
			}
		}
	})
}

func TestChildOutcome(t *testing.T) {
	s := MustSet(t, Default(), "child-labour")
	exploitation := meet(t, s, ExploitativeConditions)
	for _, rec := range []string{DeceptiveRecruitment, CoerciveRecruitment, RecruitmentAbuseOfVulnerability} {
		t.Run("indicated without means/"+rec, func(t *testing.T) {
			ids := concat(meet(t, s, rec), exploitation)
			r := MustAssess(t, s, ids)
			if r.Outcome != TraffickingIndicated {
				t.Errorf("%v: %s, want %s", ids, r.Outcome, TraffickingIndicated)
			}
			if met := r.Met(); met[CoercionAtDestination] || met[AbuseOfVulnerabilityAtDestination] {
				t.Errorf("a means dimension is met: %v", met)
			}
		})
	}
	for _, tc := range []struct {
		name string
		ids  []string
		want string
	}{
		{"partly with recruitment only", meet(t, s, CoerciveRecruitment), PartlyIndicated},
		{"partly with exploitation only", exploitation, PartlyIndicated},
		{"partly with recruitment and means", concat(meet(t, s, DeceptiveRecruitment), meet(t, s, CoercionAtDestination)), PartlyIndicated},
		{"partly with exploitation and means", concat(exploitation, meet(t, s, AbuseOfVulnerabilityAtDestination)), PartlyIndicated},
		{"not indicated with none", nil, NotIndicated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := MustAssess(t, s, tc.ids); r.Outcome != tc.want {
				t.Errorf("%v: %s, want %s", tc.ids, r.Outcome, tc.want)
			}
		})
	}
}

func TestUnknownIndicator(t *testing.T) {
	s := MustSet(t, Default(), "adult-labour")
	for _, id := range []string{"XX99", "CL01", "al01", ""} {
		_, err := s.Assess([]string{"AL01", id})
		var u *UnknownIndicatorError
		if !errors.As(err, &u) || u.ID != id {
			t.Errorf("Assess(AL01, %q) error = %v, want *UnknownIndicatorError for %q", id, err, id)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", id)) || !strings.Contains(err.Error(), "adult-labour") {
			t.Errorf("error %q does not name %q and the set", err, id)
		}
	}
}

func TestLoadBadCSV(t *testing.T) {
	good := "T1,adult,test,dim-a,strong,A good row\n"
	cases := []struct {
		name    string
		csv     string
		onto    *Catalog // nil: an empty catalog
		line    int
		field   string
		message string
	}{
		{"unknown strength", header + good + "T2,adult,test,dim-a,strng,Text\n", nil, 3, "strength", `"strng"`},
		{"unknown population", header + good + "T2,elder,test,dim-a,weak,Text\n", nil, 3, "population", `"elder"`},
		{"duplicate id in the file", header + good + "T1,adult,test,dim-b,weak,Text\n", nil, 3, "id", "first on line 2"},
		{"duplicate id in the catalog", header + good + "AL37,adult,test,dim-a,weak,Text\n", Default(), 3, "id", "AL37"},
		{"set already loaded", header + "ZZ1,child,labour,dim-a,weak,Text\n", Default(), 2, "exploitation", "child-labour"},
		{"missing column", "id,population,exploitation,dimension,indicator\nT1,adult,test,dim-a,Text\n", nil, 1, "strength", "missing column"},
		{"short row", header + good + "T2,adult,test\n", nil, 3, "dimension", "missing"},
		{"empty id", header + good + " ,adult,test,dim-a,weak,Text\n", nil, 3, "id", "empty"},
		{"empty text", header + good + "T2,adult,test,dim-a,weak,\n", nil, 3, "indicator", "empty"},
		{"bad dimension", header + good + "T2,adult,test,Dim A,weak,Text\n", nil, 3, "dimension", `"Dim A"`},
		{"bad exploitation", header + good + "T2,adult,,dim-a,weak,Text\n", nil, 3, "exploitation", `""`},
		{"bad quoting", header + good + "T2,adult,test,dim-a,weak,\"Text\n", nil, 3, "", "quote"},
		{"empty file", "", nil, 0, "", "header"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is an error", func(t *testing.T) {
			c := tc.onto
			if c == nil {
				c = &Catalog{}
			}
			before := len(c.Sets())
			err := c.Load(strings.NewReader(tc.csv), "bad.csv")
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load error = %v, want *LoadError", err)
			}
			if le.Source != "bad.csv" || le.Line != tc.line || le.Field != tc.field {
				t.Errorf("error at %s line %d field %q, want bad.csv line %d field %q", le.Source, le.Line, le.Field, tc.line, tc.field)
			}
			msg := err.Error()
			wantPrefix := "bad.csv"
			if tc.line > 0 {
				wantPrefix = fmt.Sprintf("bad.csv:%d", tc.line)
			}
			if !strings.HasPrefix(msg, wantPrefix+":") || !strings.Contains(msg, tc.field) || !strings.Contains(msg, tc.message) {
				t.Errorf("error %q: want it to start %q and name %q and %q", msg, wantPrefix, tc.field, tc.message)
			}
			if len(c.Sets()) != before {
				t.Errorf("a failed Load changed the catalog: %d sets, was %d", len(c.Sets()), before)
			}
			if _, ok := c.Set("adult-test"); ok {
				t.Error("a failed Load added a set")
			}
		})
	}
}

// An extra set with the same dimension names: here, made-up indicators in the
// shape the sexual-exploitation lists will have. Columns in another order, an
// extra column and a byte-order mark are accepted.
const extraCSV = "\ufeffindicator,id,strength,dimension,exploitation,population,notes\n" +
	"Deceived about the nature of the job,XS01,strong,deceptive-recruitment,sexual,adult,\n" +
	"Deceived about conditions of work,XS02,medium,deceptive-recruitment,sexual,adult,\n" +
	"Forced to work in bad conditions,XS03,strong,exploitative-conditions,sexual,adult,\n" +
	"\"Hazardous work, long hours\",XS04,weak,exploitative-conditions,sexual,adult,\n" +
	"Violence on victims,XS05,strong,coercion-at-destination,sexual,adult,\n" +
	"Debt bondage,XS06,strong,coercion-at-destination,sexual,adult,a note\n" +
	"Dependency on exploiters,XS07,medium,abuse-of-vulnerability-at-destination,sexual,adult,\n"

func TestLoadDirAddsSet(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "adult-sexual.csv"), []byte(extraCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("not,a,set\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "old.csv"), 0o700); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range c.Sets() {
		names = append(names, s.Name)
	}
	if want := []string{"adult-labour", "adult-sexual", "child-labour"}; !slices.Equal(names, want) {
		t.Fatalf("Sets() = %v, want %v", names, want)
	}
	s := MustSet(t, c, "adult-sexual")
	if s.Population != Adult || s.Exploitation != "sexual" || len(s.Indicators) != 7 {
		t.Errorf("set = %+v", s)
	}
	if want := []string{DeceptiveRecruitment, ExploitativeConditions, CoercionAtDestination, AbuseOfVulnerabilityAtDestination}; !slices.Equal(s.Dimensions, want) {
		t.Errorf("dimensions %v, want %v", s.Dimensions, want)
	}
	if ind, _ := s.Indicator("XS04"); ind.Text != "Hazardous work, long hours" || ind.Strength != Weak || ind.Set != "adult-sexual" {
		t.Errorf("XS04 = %+v", ind)
	}
	// The rule is by dimension name: it applies to the new set unchanged.
	r := MustAssess(t, s, []string{"XS01", "XS02", "XS03", "XS04", "XS05", "XS06"})
	if r.Outcome != TraffickingIndicated {
		t.Errorf("outcome %s, want %s (%+v)", r.Outcome, TraffickingIndicated, r.Dimensions)
	}
	if r := MustAssess(t, s, []string{"XS01", "XS02", "XS03", "XS04", "XS07"}); r.Outcome != PartlyIndicated {
		t.Errorf("without means: outcome %s, want %s", r.Outcome, PartlyIndicated)
	}

	// Loading the same directory again clashes with what it added.
	err := c.LoadDir(dir)
	var le *LoadError
	if !errors.As(err, &le) || le.Source != filepath.Join(dir, "adult-sexual.csv") || le.Line != 2 || le.Field != "id" {
		t.Errorf("second LoadDir: %v", err)
	}
}

func TestLoadDirMissingIsFine(t *testing.T) {
	c := Default()
	if err := c.LoadDir(filepath.Join(t.TempDir(), "absent")); err != nil {
		t.Fatalf("LoadDir of a missing directory: %v", err)
	}
	if len(c.Sets()) != 2 {
		t.Errorf("%d sets, want 2", len(c.Sets()))
	}
}

func TestHandBuiltSet(t *testing.T) {
	// A Set built in code (no index) works with Indicator and Assess.
	s := &Set{Name: "child-test", Population: Child, Exploitation: "test",
		Dimensions: []string{CoerciveRecruitment, ExploitativeConditions},
		Indicators: []Indicator{
			{ID: "H1", Set: "child-test", Dimension: CoerciveRecruitment, Strength: Strong, Text: "a"},
			{ID: "H2", Set: "child-test", Dimension: CoerciveRecruitment, Strength: Weak, Text: "b"},
			{ID: "H3", Set: "child-test", Dimension: ExploitativeConditions, Strength: Medium, Text: "c"},
			{ID: "H4", Set: "child-test", Dimension: ExploitativeConditions, Strength: Medium, Text: "d"},
			{ID: "H5", Set: "child-test", Dimension: ExploitativeConditions, Strength: Medium, Text: "e"},
		}}
	if _, ok := s.Indicator("H3"); !ok {
		t.Error("Indicator(H3) not found")
	}
	if r := MustAssess(t, s, []string{"H1", "H2", "H3", "H4", "H5"}); r.Outcome != TraffickingIndicated {
		t.Errorf("outcome %s, want %s", r.Outcome, TraffickingIndicated)
	}
	s.Population = "elder"
	if _, err := s.Assess(nil); err == nil {
		t.Error("a set with an unknown population assessed without error")
	}
}
