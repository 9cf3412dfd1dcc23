package jurisdiction

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// MustDate parses YYYY-MM-DD as a civil date.
func MustDate(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestAddDays(t *testing.T) {
	cases := []struct {
		name, from string
		days       int
		c          Counting
		want       string
	}{
		// business
		{"Friday + 5 business is the next Friday", "2026-11-27", 5, Business, "2026-12-04"},
		{"Friday + 1 business is Monday, over a month end", "2026-11-27", 1, Business, "2026-11-30"},
		{"Thursday + 1 business over a year end", "2026-12-31", 1, Business, "2027-01-01"},
		{"Thursday + 2 business over a year end and a weekend", "2026-12-31", 2, Business, "2027-01-04"},
		{"Wednesday + 5 business over a year end", "2026-12-30", 5, Business, "2027-01-06"},
		{"Saturday + 1 business is Monday", "2026-11-28", 1, Business, "2026-11-30"},
		{"Sunday + 5 business is Friday", "2026-11-29", 5, Business, "2026-12-04"},
		{"Saturday + 10 business", "2026-11-28", 10, Business, "2026-12-11"},
		{"Friday + 2 business over a leap day", "2028-02-25", 2, Business, "2028-02-29"},
		{"Friday + 1 business over February's end", "2027-02-26", 1, Business, "2027-03-01"},
		{"Monday + 260 business is 52 weeks on", "2026-01-05", 260, Business, "2027-01-04"},
		{"Monday + 0 business", "2026-11-30", 0, Business, "2026-11-30"},
		{"Saturday + 0 business stays", "2026-11-28", 0, Business, "2026-11-28"},
		{"Monday - 1 business is Friday", "2026-11-30", -1, Business, "2026-11-27"},
		{"Monday - 2 business over a year end", "2027-01-04", -2, Business, "2026-12-31"},
		{"Sunday - 1 business is Friday", "2026-11-29", -1, Business, "2026-11-27"},
		// calendar
		{"Friday + 5 calendar", "2026-11-27", 5, Calendar, "2026-12-02"},
		{"Saturday + 1 calendar is Sunday", "2026-11-28", 1, Calendar, "2026-11-29"},
		{"30 calendar over a year end", "2026-12-04", 30, Calendar, "2027-01-03"},
		{"90 calendar over a year end", "2026-12-04", 90, Calendar, "2027-03-04"},
		{"1 calendar over a year end", "2026-12-31", 1, Calendar, "2027-01-01"},
		{"1 calendar onto a leap day", "2028-02-28", 1, Calendar, "2028-02-29"},
		{"1 calendar over February's end", "2027-02-28", 1, Calendar, "2027-03-01"},
		{"31 calendar from January 31", "2027-01-31", 31, Calendar, "2027-03-03"},
		{"- 1 calendar over a year end", "2027-01-01", -1, Calendar, "2026-12-31"},
		{"0 calendar", "2026-11-28", 0, Calendar, "2026-11-28"},
		{"unknown counting counts calendar days", "2026-11-27", 5, Counting("weekly"), "2026-12-02"},
	}
	var p Profile
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := p.AddDays(MustDate(t, tc.from), tc.days, tc.c)
			if want := MustDate(t, tc.want); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("AddDays(%s, %d, %s) = %s (%s), want %s", tc.from, tc.days, tc.c, got.Format(time.DateOnly), got.Weekday(), tc.want)
			}
		})
	}
}

// naive counts business days one by one, skipping weekends and holidays.
func naive(from time.Time, days int, holidays []string) time.Time {
	step := 1
	if days < 0 {
		step, days = -1, -days
	}
	for days > 0 {
		from = from.AddDate(0, 0, step)
		if !isWeekend(from) && !slices.Contains(holidays, from.Format(time.DateOnly)) {
			days--
		}
	}
	return from
}

func TestAddBusinessDaysMatchesCounting(t *testing.T) {
	profiles := map[string]Profile{
		"weekends only": {},
		// England and Wales bank holidays around the 2026 year end, a run
		// of holidays on three weekdays in a row, one on a Saturday (it
		// changes nothing), and one far off, after the whole weeks.
		"with holidays": {Holidays: []string{"2026-12-25", "2026-12-28", "2027-01-01", "2027-01-13",
			"2027-01-14", "2027-01-15", "2027-01-16", "2026-11-27", "2027-02-01"}},
	}
	start := MustDate(t, "2026-12-21")
	for name, p := range profiles {
		t.Run(name, func(t *testing.T) {
			for i := range 14 {
				from := start.AddDate(0, 0, i)
				for days := -40; days <= 40; days++ {
					if got, want := p.AddDays(from, days, Business), naive(from, days, p.Holidays); !got.Equal(want) {
						t.Errorf("%s (%s) %+d business = %s, want %s", from.Format(time.DateOnly), from.Weekday(), days,
							got.Format(time.DateOnly), want.Format(time.DateOnly))
					}
				}
			}
		})
	}
}

func TestHolidays(t *testing.T) {
	plain, _ := Get("uk-england-wales")
	ew := plain
	ew.Holidays = []string{"2026-12-02", "2026-12-25", "2026-12-28", "2027-04-02", "2027-04-05"}
	cases := []struct {
		name, accepted string
		// 5 working days on, the reasonable-grounds target, without and
		// with the holidays.
		without, with string
	}{
		// Monday 30 Nov: Tue 1, (Wed 2), Thu 3, Fri 4, Mon 7, Tue 8.
		{"a holiday in the week lands one day later", "2026-11-30", "2026-12-07", "2026-12-08"},
		// Wednesday 23 Dec: Thu 24, (Fri 25), weekend, (Mon 28), Tue 29,
		// Wed 30, Thu 31, Fri 1 Jan.
		{"a weekend between two holidays", "2026-12-23", "2026-12-30", "2027-01-01"},
		// Thursday 1 April 2027: (Good Friday), weekend, (Easter Monday),
		// Tuesday to Friday, the Monday after.
		{"Easter: a holiday, a weekend and a holiday", "2027-04-01", "2027-04-08", "2027-04-12"},
		{"no holiday in reach", "2027-01-04", "2027-01-11", "2027-01-11"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from := MustDate(t, tc.accepted)
			for _, c := range []struct {
				p    Profile
				want string
			}{{plain, tc.without}, {ew, tc.with}} {
				got, ok := c.p.ReasonableGroundsDue(from)
				if want := MustDate(t, c.want); !ok || !got.Equal(want) {
					t.Errorf("accepted %s, holidays %v: RG due %s (%s), want %s", tc.accepted, c.p.Holidays,
						got.Format(time.DateOnly), got.Weekday(), c.want)
				}
			}
		})
	}
	t.Run("calendar counting ignores holidays", func(t *testing.T) {
		from := MustDate(t, "2026-12-18")
		if got, want := ew.AddDays(from, 10, Calendar), MustDate(t, "2026-12-28"); !got.Equal(want) {
			t.Errorf("10 calendar days: %s, want %s", got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
		if got, want := ew.RecoveryEnd(from), MustDate(t, "2027-01-17"); !got.Equal(want) {
			t.Errorf("recovery ends %s, want %s (30 calendar days, holidays included)", got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
		coe := Default()
		coe.Holidays = ew.Holidays
		if got, _ := coe.ReasonableGroundsDue(from); !got.Equal(MustDate(t, "2026-12-28")) {
			t.Errorf("CoE RG due %s, want 2026-12-28 (10 calendar days, a holiday)", got.Format(time.DateOnly))
		}
	})
	t.Run("zero days on a holiday stays", func(t *testing.T) {
		if got := ew.AddDays(MustDate(t, "2026-12-25"), 0, Business); !got.Equal(MustDate(t, "2026-12-25")) {
			t.Errorf("got %s", got.Format(time.DateOnly))
		}
	})
}

func TestAddDaysUsesTheCivilDate(t *testing.T) {
	// 23:30 on 27 November in UTC+10 is still 27 November there.
	from := time.Date(2026, 11, 27, 23, 30, 0, 0, time.FixedZone("UTC+10", 10*3600))
	got := Default().AddDays(from, 1, Calendar)
	if want := MustDate(t, "2026-11-28"); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("AddDays = %v, want %v", got, want)
	}
}

func TestBuiltin(t *testing.T) {
	ps := Builtin()
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	if want := []string{"coe-minimum", "uk-england-wales", "uk-scotland"}; !slices.Equal(ids, want) {
		t.Fatalf("Builtin ids %v, want %v", ids, want)
	}
	want := map[string]Profile{
		"coe-minimum":      {ReasonableGroundsTarget: 10, ReasonableGroundsCounting: Calendar, RecoveryDays: 30, ConclusiveEarliest: 30},
		"uk-england-wales": {ReasonableGroundsTarget: 5, ReasonableGroundsCounting: Business, RecoveryDays: 30, ConclusiveEarliest: 30},
		"uk-scotland":      {ReasonableGroundsTarget: 5, ReasonableGroundsCounting: Business, RecoveryDays: 90, ConclusiveEarliest: 90},
	}
	for _, p := range ps {
		t.Run(p.ID+" is valid", func(t *testing.T) {
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			got, err := Get(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Steps, []string{ReasonableGrounds, ConclusiveGrounds}) {
				t.Errorf("steps %v", got.Steps)
			}
			w := want[p.ID]
			if got.ReasonableGroundsTarget != w.ReasonableGroundsTarget || got.ReasonableGroundsCounting != w.ReasonableGroundsCounting ||
				got.RecoveryDays != w.RecoveryDays || got.ConclusiveEarliest != w.ConclusiveEarliest || got.ConclusiveTarget != w.ConclusiveTarget {
				t.Errorf("clocks %+v, want %+v", got, w)
			}
			if got.Name == "" || got.Source == "" || strings.ContainsAny(got.Source, "\n\r") {
				t.Errorf("name %q, source %q", got.Name, got.Source)
			}
		})
	}
	if !strings.Contains(Default().Source, "CETS 197") || !strings.Contains(Default().Source, "no deadline") {
		t.Errorf("coe-minimum source does not say the Convention sets no RG deadline: %q", Default().Source)
	}
}

func TestDefaultIsCoEMinimum(t *testing.T) {
	if p := Default(); p.ID != "coe-minimum" || p.RecoveryDays != 30 {
		t.Errorf("Default() = %+v", p)
	}
}

func TestBuiltinReturnsCopies(t *testing.T) {
	Builtin()[0].Steps[0] = "changed"
	p, _ := Get(Builtin()[0].ID)
	p.Steps[1] = "changed"
	if got := Builtin()[0].Steps; !slices.Equal(got, []string{ReasonableGrounds, ConclusiveGrounds}) {
		t.Errorf("a caller's change shows in Builtin(): %v", got)
	}
}

func TestGetUnknown(t *testing.T) {
	_, err := Get("uk-northern-ireland")
	if err == nil {
		t.Fatal("no error for an unknown id")
	}
	for _, s := range []string{`"uk-northern-ireland"`, "coe-minimum", "uk-england-wales", "uk-scotland"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
}

func TestClocks(t *testing.T) {
	ew, _ := Get("uk-england-wales")
	accepted := MustDate(t, "2026-11-27") // a Friday
	if due, ok := ew.ReasonableGroundsDue(accepted); !ok || !due.Equal(MustDate(t, "2026-12-04")) {
		t.Errorf("RG due %v %v, want 2026-12-04", due, ok)
	}
	rg := MustDate(t, "2026-12-04")
	if end := ew.RecoveryEnd(rg); !end.Equal(MustDate(t, "2027-01-03")) {
		t.Errorf("recovery ends %v, want 2027-01-03", end)
	}
	if cg, ok := ew.ConclusiveEarliestDate(rg); !ok || !cg.Equal(MustDate(t, "2027-01-03")) {
		t.Errorf("CG earliest %v %v, want 2027-01-03", cg, ok)
	}
	// Without an earliest day of its own, the end of the recovery period is
	// the earliest; with a later one, that one.
	none, later := ew, ew
	none.ConclusiveEarliest, later.ConclusiveEarliest = 0, 45
	if cg, ok := none.ConclusiveEarliestDate(rg); !ok || !cg.Equal(MustDate(t, "2027-01-03")) {
		t.Errorf("CG earliest without conclusive_earliest %v %v, want the recovery end 2027-01-03", cg, ok)
	}
	if cg, ok := later.ConclusiveEarliestDate(rg); !ok || !cg.Equal(MustDate(t, "2027-01-18")) {
		t.Errorf("CG earliest at 45 days %v %v, want 2027-01-18", cg, ok)
	}
	// A profile value that was never validated still never lets the
	// decision cut the period short.
	early := ew
	early.ConclusiveEarliest = 10
	if cg, _ := early.ConclusiveEarliestDate(rg); !cg.Equal(MustDate(t, "2027-01-03")) {
		t.Errorf("CG earliest at 10 days %v, want the recovery end 2027-01-03", cg)
	}
	if _, ok := ew.ConclusiveTargetDate(rg); ok {
		t.Error("a CG target date without a target")
	}
	sc, _ := Get("uk-scotland")
	if end := sc.RecoveryEnd(rg); !end.Equal(MustDate(t, "2027-03-04")) {
		t.Errorf("Scotland recovery ends %v, want 2027-03-04", end)
	}
	coe := Default()
	if due, _ := coe.ReasonableGroundsDue(accepted); !due.Equal(MustDate(t, "2026-12-07")) {
		t.Errorf("CoE RG due %v, want 2026-12-07 (10 calendar days)", due)
	}
	// A one-step profile's clocks run from the acceptance of the referral.
	one := Profile{ID: "one-step", Steps: []string{ConclusiveGrounds}, RecoveryDays: 30, ConclusiveTarget: 60}
	if _, ok := one.ReasonableGroundsDue(accepted); ok {
		t.Error("a one-step profile has an RG due date")
	}
	if end := one.RecoveryEnd(accepted); !end.Equal(MustDate(t, "2026-12-27")) {
		t.Errorf("one-step recovery ends %v, want 2026-12-27", end)
	}
	if cg, ok := one.ConclusiveEarliestDate(accepted); !ok || !cg.Equal(MustDate(t, "2026-12-27")) {
		t.Errorf("one-step CG earliest %v %v, want the recovery end 2026-12-27", cg, ok)
	}
	if due, ok := one.ConclusiveTargetDate(accepted); !ok || !due.Equal(MustDate(t, "2027-01-26")) {
		t.Errorf("one-step CG target %v %v, want 2027-01-26", due, ok)
	}
}

func validProfile() map[string]any {
	return map[string]any{
		"id":                          "test-profile",
		"name":                        "Test",
		"steps":                       []string{ReasonableGrounds, ConclusiveGrounds},
		"reasonable_grounds_target":   5,
		"reasonable_grounds_counting": "business",
		"recovery_days":               45,
		"conclusive_earliest":         45,
		"conclusive_target":           0,
		"source":                      "A test act, s.1",
	}
}

func writeProfile(tb testing.TB, dir, name string, fields map[string]any) string {
	tb.Helper()
	data, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return writeFile(tb, dir, name, string(data))
}

func writeFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	writeProfile(t, dir, "b.json", validProfile())
	one := validProfile()
	one["id"] = "one-step"
	one["steps"] = []string{ConclusiveGrounds}
	delete(one, "reasonable_grounds_target")
	delete(one, "reasonable_grounds_counting")
	one["conclusive_target"] = 90
	writeProfile(t, dir, "a.json", one)
	writeFile(t, dir, "notes.txt", "not a profile")

	ps, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != "one-step" || ps[1].ID != "test-profile" {
		t.Fatalf("LoadDir = %+v", ps)
	}
	if p := ps[1]; p.RecoveryDays != 45 || p.ReasonableGroundsCounting != Business || p.Source != "A test act, s.1" {
		t.Errorf("profile %+v", p)
	}

	ps, err = LoadDir(filepath.Join(dir, "absent"))
	if err != nil || ps != nil {
		t.Errorf("missing dir: %v, %v", ps, err)
	}
}

func TestLoadDirBadProfile(t *testing.T) {
	cases := []struct {
		name   string
		change func(map[string]any)
		raw    string // used instead of change when set
		field  string
		words  string
	}{
		{"zero recovery days", func(m map[string]any) { m["recovery_days"] = 0 }, "", "recovery_days", "at least 30 days (CETS 197 Art. 13), got 0"},
		{"missing recovery days", func(m map[string]any) { delete(m, "recovery_days") }, "", "recovery_days", "at least 30"},
		{"29 recovery days", func(m map[string]any) { m["recovery_days"], m["conclusive_earliest"] = 29, 29 }, "", "recovery_days", "got 29"},
		{"CG earliest before the recovery end", func(m map[string]any) { m["conclusive_earliest"] = 44 }, "", "conclusive_earliest", "recovery period ends"},
		{"bad holiday", func(m map[string]any) { m["holidays"] = []string{"2026-12-25", "2026-12-32"} }, "", "holidays[1]", `"2026-12-32"`},
		// Named by its place in the file, although the list is sorted after.
		{"duplicate holiday out of order", func(m map[string]any) { m["holidays"] = []string{"2026-12-28", "2026-12-25", "2026-12-28"} }, "", "holidays[2]", "twice"},
		{"holiday not a string", func(m map[string]any) { m["holidays"] = []any{20261225} }, "", "holidays", "wrong type"},
		{"negative RG target", func(m map[string]any) { m["reasonable_grounds_target"] = -5 }, "", "reasonable_grounds_target", "positive"},
		{"unknown counting", func(m map[string]any) { m["reasonable_grounds_counting"] = "weekly" }, "", "reasonable_grounds_counting", `"weekly"`},
		{"missing counting", func(m map[string]any) { delete(m, "reasonable_grounds_counting") }, "", "reasonable_grounds_counting", "unknown counting"},
		{"unknown step", func(m map[string]any) { m["steps"] = []string{ReasonableGrounds, "appeal"} }, "", "steps[1]", `"appeal"`},
		{"steps out of order", func(m map[string]any) { m["steps"] = []string{ConclusiveGrounds, ReasonableGrounds} }, "", "steps[1]", "before"},
		{"step twice", func(m map[string]any) { m["steps"] = []string{ConclusiveGrounds, ConclusiveGrounds} }, "", "steps[1]", "once"},
		{"no steps", func(m map[string]any) { delete(m, "steps") }, "", "steps", "required"},
		{"no conclusive step", func(m map[string]any) { m["steps"] = []string{ReasonableGrounds} }, "", "steps", "last step"},
		{"RG target in a one-step profile", func(m map[string]any) { m["steps"] = []string{ConclusiveGrounds} }, "", "reasonable_grounds_target", "must be 0"},
		{"negative CG earliest", func(m map[string]any) { m["conclusive_earliest"] = -1 }, "", "conclusive_earliest", "positive"},
		{"CG target before earliest", func(m map[string]any) { m["conclusive_target"] = 30 }, "", "conclusive_target", "before"},
		{"bad id", func(m map[string]any) { m["id"] = "Test Profile" }, "", "id", "lower-case"},
		{"built-in id", func(m map[string]any) { m["id"] = "uk-scotland" }, "", "id", "built-in"},
		{"no name", func(m map[string]any) { delete(m, "name") }, "", "name", "required"},
		{"no source", func(m map[string]any) { m["source"] = " " }, "", "source", "required"},
		{"two-line source", func(m map[string]any) { m["source"] = "a\nb" }, "", "source", "one line"},
		{"misspelt field", func(m map[string]any) { m["recovery_day"] = 30 }, "", "recovery_day", "unknown field"},
		{"wrong type", func(m map[string]any) { m["recovery_days"] = "30" }, "", "recovery_days", "wrong type"},
		{"bad JSON", nil, "{\n  \"id\": \"x\",\n  \"name\": \n}\n", "", "bad.json:4"},
		{"two objects", nil, `{"id": "x"} {"id": "y"}`, "", "one profile"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is an error", func(t *testing.T) {
			dir := t.TempDir()
			var file string
			if tc.raw != "" {
				file = writeFile(t, dir, "bad.json", tc.raw)
			} else {
				m := validProfile()
				tc.change(m)
				file = writeProfile(t, dir, "bad.json", m)
			}
			ps, err := LoadDir(dir)
			if err == nil {
				t.Fatalf("no error; loaded %+v", ps)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			if !strings.HasPrefix(ve.File, file) || ve.Field != tc.field {
				t.Errorf("error in %q field %q, want %q field %q", ve.File, ve.Field, file, tc.field)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, file) || !strings.Contains(msg, tc.field) || !strings.Contains(msg, tc.words) {
				t.Errorf("error %q: want it to start with the file and name %q and %q", msg, tc.field, tc.words)
			}
		})
	}
}

func TestLoadDirDuplicateID(t *testing.T) {
	dir := t.TempDir()
	writeProfile(t, dir, "a.json", validProfile())
	second := writeProfile(t, dir, "b.json", validProfile())
	_, err := LoadDir(dir)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.File != second || ve.Field != "id" || !strings.Contains(err.Error(), "a.json") {
		t.Errorf("duplicate id: %v", err)
	}
}

func TestValidateClocks(t *testing.T) {
	two := func(recovery, earliest, target int) Profile {
		return Profile{ID: "test", Name: "Test", Source: "A test act, s.1", Steps: []string{ReasonableGrounds, ConclusiveGrounds},
			ReasonableGroundsTarget: 5, ReasonableGroundsCounting: Business,
			RecoveryDays: recovery, ConclusiveEarliest: earliest, ConclusiveTarget: target}
	}
	one := func(recovery, earliest, target int) Profile {
		p := two(recovery, earliest, target)
		p.Steps, p.ReasonableGroundsTarget, p.ReasonableGroundsCounting = []string{ConclusiveGrounds}, 0, ""
		return p
	}
	holidays := func(hs ...string) Profile {
		p := two(30, 30, 0)
		p.Holidays = hs
		return p
	}
	cases := []struct {
		name  string
		p     Profile
		field string // empty: accepted
		words string
	}{
		{"recovery_days 29 is refused", two(29, 0, 0), "recovery_days", "at least 30 days (CETS 197 Art. 13), got 29"},
		{"recovery_days 30 is accepted", two(30, 30, 0), "", ""},
		{"recovery_days 30 without conclusive_earliest is accepted", two(30, 0, 0), "", ""},
		{"recovery_days 90 is accepted", two(90, 90, 120), "", ""},
		{"one-step recovery_days 20 is refused", one(20, 0, 60), "recovery_days", "got 20"},
		{"one-step recovery_days 30 is accepted", one(30, 0, 60), "", ""},
		{"negative recovery_days is refused", two(-30, 0, 0), "recovery_days", "at least 30"},
		{"conclusive_earliest 10 with recovery 30 is refused", two(30, 10, 0), "conclusive_earliest", "before the recovery period ends"},
		{"conclusive_earliest 29 with recovery 30 is refused", two(30, 29, 0), "conclusive_earliest", "recovery_days 30"},
		{"conclusive_earliest 45 with recovery 30 is accepted", two(30, 45, 0), "", ""},
		{"one-step conclusive_earliest 10 is refused", one(30, 10, 0), "conclusive_earliest", "before the recovery period ends"},
		{"conclusive_target before the recovery end is refused", two(30, 0, 20), "conclusive_target", "before the recovery period ends"},
		{"conclusive_target before conclusive_earliest is refused", two(30, 60, 40), "conclusive_target", "before conclusive_earliest"},
		{"holidays in any order are accepted", holidays("2026-12-28", "2026-12-25"), "", ""},
		{"a holiday past the month's end is refused", holidays("2026-12-25", "2027-02-29"), "holidays[1]", `"2027-02-29" is not a date`},
		{"a holiday in another format is refused", holidays("25/12/2026"), "holidays[0]", "YYYY-MM-DD"},
		{"a holiday without leading zeros is refused", holidays("2026-12-25", "2027-1-1"), "holidays[1]", "not a date"},
		{"a holiday with a time is refused", holidays("2026-12-25T00:00:00Z"), "holidays[0]", "not a date"},
		{"an empty holiday is refused", holidays(""), "holidays[0]", "not a date"},
		{"a holiday twice is refused", holidays("2026-12-25", "2026-12-28", "2026-12-25"), "holidays[2]", "twice (also holidays[0])"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			if ve.Field != tc.field || !strings.Contains(ve.Problem, tc.words) {
				t.Errorf("field %q problem %q, want field %q and %q", ve.Field, ve.Problem, tc.field, tc.words)
			}
		})
	}
}

// The built-in UK file takes a list of bank holidays as it stands: an
// operator copies it under a new id and adds them.
func TestUKProfileTakesHolidays(t *testing.T) {
	data, err := embedded.ReadFile("profiles/uk-england-wales.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["id"] = "uk-england-wales-2026"
	m["holidays"] = []string{"2026-12-28", "2026-12-25", "2027-01-01"}
	dir := t.TempDir()
	writeProfile(t, dir, "uk-england-wales-2026.json", m)
	ps, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || !slices.Equal(ps[0].Holidays, []string{"2026-12-25", "2026-12-28", "2027-01-01"}) {
		t.Fatalf("loaded %+v, want the holidays sorted", ps)
	}
	// Wednesday 23 December 2026: Thu 24, Tue 29, Wed 30, Thu 31, Mon 4.
	if due, _ := ps[0].ReasonableGroundsDue(MustDate(t, "2026-12-23")); !due.Equal(MustDate(t, "2027-01-04")) {
		t.Errorf("RG due %s, want 2027-01-04", due.Format(time.DateOnly))
	}
	for _, p := range Builtin() {
		if len(p.Holidays) != 0 {
			t.Errorf("built-in %s lists holidays %v: nrm ships none", p.ID, p.Holidays)
		}
	}
}
