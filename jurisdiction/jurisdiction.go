// Package jurisdiction holds the profiles of a National Referral Mechanism's
// decision steps and clocks: which decisions the competent authority takes, and
// how many days each deadline and period runs.
//
// Profiles are data, not code: the built-in ones are embedded from
// profiles/*.json, and an operator can add more JSON files of the same shape
// (see LoadDir). The built-ins are "coe-minimum" (the default),
// "uk-england-wales" and "uk-scotland".
//
// Dates are civil dates: a time.Time at midnight UTC, as the law counts days.
// Business days skip Saturdays, Sundays and the public holidays the profile
// lists (Holidays); a profile that lists none counts weekends only, so its
// "working day" deadlines may fall a holiday early. Calendar days count every
// day, holidays included.
package jurisdiction

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nrmproject/nrm/internal/datadir"
)

// Counting is how days of a deadline are counted.
type Counting string

const (
	Business Counting = "business" // Monday to Friday, less the profile's holidays
	Calendar Counting = "calendar" // every day
)

// The decision kinds a profile's Steps may name.
const (
	ReasonableGrounds = "reasonable-grounds"
	ConclusiveGrounds = "conclusive-grounds"
)

// DefaultID is the id of the default profile, the Council of Europe minimum.
const DefaultID = "coe-minimum"

// MinRecoveryDays is the shortest recovery and reflection period a profile
// may set: "at least 30 days" (CETS 197 Art. 13(1)), for every profile,
// one-step ones included.
const MinRecoveryDays = 30

// Profile is one jurisdiction's decision steps and clocks.
//
// In a profile without a reasonable-grounds step (a one-step formal
// identification), the clocks that run "from a positive reasonable-grounds
// decision" (the recovery period, the earliest and the target conclusive
// dates) run from the authority's acceptance of the referral instead: the
// caller passes that date to RecoveryEnd, ConclusiveEarliestDate and
// ConclusiveTargetDate. CETS 197 Art. 13(1) gives the period once there are
// reasonable grounds to believe the person is a victim; a one-step profile
// has no such decision, so the person gets the period from the moment the
// authority takes the referral, never later.
type Profile struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Steps are the decision kinds in order: "reasonable-grounds",
	// "conclusive-grounds"; a one-step profile has only "conclusive-grounds".
	Steps []string `json:"steps"`
	// ReasonableGroundsTarget is the number of days from the authority's
	// acceptance of the referral to the target date of the reasonable-grounds
	// decision, counted as ReasonableGroundsCounting says. Both are zero in a
	// profile without a reasonable-grounds step.
	ReasonableGroundsTarget   int      `json:"reasonable_grounds_target"`
	ReasonableGroundsCounting Counting `json:"reasonable_grounds_counting"`
	// RecoveryDays is the recovery and reflection period, in calendar days
	// from a positive reasonable-grounds decision: at least MinRecoveryDays.
	RecoveryDays int `json:"recovery_days"`
	// ConclusiveEarliest is the earliest conclusive-grounds decision, in
	// calendar days after a positive reasonable-grounds decision: 0, or at
	// least RecoveryDays. Whatever it says, no conclusive decision comes
	// before the recovery period ends (see ConclusiveEarliestDate).
	ConclusiveEarliest int `json:"conclusive_earliest"`
	// ConclusiveTarget is the target for the conclusive-grounds decision, in
	// calendar days after a positive reasonable-grounds decision (0 = none).
	ConclusiveTarget int `json:"conclusive_target"`
	// ReturnAssessmentDays is how long an approved return risk assessment
	// carries a return (0: nrm's default of 90 days).
	ReturnAssessmentDays int `json:"return_assessment_days,omitempty"`
	// Holidays are the public holidays, as YYYY-MM-DD civil dates, that
	// Business counting skips besides weekends; sorted when read from a
	// file. They are the operator's to list: bank holidays differ by nation
	// and year (in the UK, the Banking and Financial Dealings Act 1971 Sch. 1
	// and yearly proclamations), so nrm ships none.
	Holidays []string `json:"holidays,omitempty"`
	// Source is the legal basis, one line, saying where nrm chose a value the
	// law does not set.
	Source string `json:"source"`
}

// Civil returns the civil date of t (its year, month and day in t's own
// location) as a time.Time at midnight UTC.
func Civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the civil date days after from (before it, for negative
// days). With Business counting only Monday to Friday count, less the
// profile's Holidays: 5 business days after a Friday is the next Friday (or
// the Monday after it, with one holiday in that week), and 1 business day
// after a Saturday or a Sunday is the Monday. Any other Counting counts
// calendar days, holidays included. Adding 0 days returns the civil date of
// from, even on a weekend or a holiday.
func (p Profile) AddDays(from time.Time, days int, c Counting) time.Time {
	d := Civil(from)
	if c != Business {
		return d.AddDate(0, 0, days)
	}
	step := 1
	if days < 0 {
		step, days = -1, -days
	}
	off := p.holidaySet()
	for days > 0 {
		// Whole weeks at once from a weekday: any 7 days hold 5 weekdays,
		// of which the holidays among them do not count.
		if weeks := days / 5; weeks > 0 && !isWeekend(d) {
			next := d.AddDate(0, 0, 7*step*weeks)
			days -= 5*weeks - countWeekdayHolidays(off, d, next)
			d = next
			continue
		}
		d = d.AddDate(0, 0, step)
		if !isWeekend(d) && !off[d.Format(time.DateOnly)] {
			days--
		}
	}
	return d
}

// holidaySet is the profile's Holidays as a set; nil without any.
func (p Profile) holidaySet() map[string]bool {
	if len(p.Holidays) == 0 {
		return nil
	}
	set := make(map[string]bool, len(p.Holidays))
	for _, h := range p.Holidays {
		set[h] = true
	}
	return set
}

// countWeekdayHolidays counts the holidays on a weekday after from, up to
// and including to (to may come before from, counting backwards).
func countWeekdayHolidays(off map[string]bool, from, to time.Time) int {
	lo, hi := from.Format(time.DateOnly), to.Format(time.DateOnly)
	n := 0
	for h := range off {
		// YYYY-MM-DD sorts as the dates do.
		in := lo < h && h <= hi
		if hi < lo {
			in = hi <= h && h < lo
		}
		if d, err := time.Parse(time.DateOnly, h); in && err == nil && !isWeekend(d) {
			n++
		}
	}
	return n
}

func isWeekend(t time.Time) bool {
	wd := t.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// HasStep reports whether the profile has the decision kind among its Steps.
func (p Profile) HasStep(kind string) bool { return slices.Contains(p.Steps, kind) }

// ReasonableGroundsDue is the target date of the reasonable-grounds decision
// for a referral the authority accepted on that date; false when the profile
// has no reasonable-grounds step.
func (p Profile) ReasonableGroundsDue(accepted time.Time) (time.Time, bool) {
	if !p.HasStep(ReasonableGrounds) {
		return time.Time{}, false
	}
	return p.AddDays(accepted, p.ReasonableGroundsTarget, p.ReasonableGroundsCounting), true
}

// RecoveryEnd is the date the recovery and reflection period ends, in
// calendar days (CETS 197 Art. 13(1)): decided + RecoveryDays, where decided
// is the date of the positive reasonable-grounds decision or, in a one-step
// profile, of the authority's acceptance of the referral.
func (p Profile) RecoveryEnd(decided time.Time) time.Time {
	return p.AddDays(decided, p.RecoveryDays, Calendar)
}

// ConclusiveEarliestDate is the earliest date of the conclusive-grounds
// decision, decided being as for RecoveryEnd: decided + ConclusiveEarliest,
// but never before RecoveryEnd(decided), so that the decision does not cut
// the recovery period short (CETS 197 Art. 13(1)); a profile that sets no
// earliest day still waits for the period's end. It is always
// found: the bool stays for callers written when it could be false.
func (p Profile) ConclusiveEarliestDate(decided time.Time) (time.Time, bool) {
	earliest := p.AddDays(decided, p.ConclusiveEarliest, Calendar)
	if end := p.RecoveryEnd(decided); earliest.Before(end) {
		earliest = end
	}
	return earliest, true
}

// ConclusiveTargetDate is the target date of the conclusive-grounds
// decision, decided being as for RecoveryEnd; false when the profile sets
// none.
func (p Profile) ConclusiveTargetDate(decided time.Time) (time.Time, bool) {
	if p.ConclusiveTarget <= 0 {
		return time.Time{}, false
	}
	return p.AddDays(decided, p.ConclusiveTarget, Calendar), true
}

func (p Profile) clone() Profile {
	p.Steps = slices.Clone(p.Steps)
	p.Holidays = slices.Clone(p.Holidays)
	return p
}

// ValidationError is a bad profile: the file (empty when validating a Profile
// value) and the JSON field at fault. Error() gives "file: field: problem".
type ValidationError struct {
	File    string
	Field   string // JSON name, e.g. "recovery_days"; "steps[1]" for one step
	Problem string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

var idRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks a profile: an id of lower-case words joined by '-', a name
// and a one-line source; known steps, in order, ending with the conclusive
// decision; a positive reasonable-grounds target with a known counting when
// there is a reasonable-grounds step (and none without one); a recovery
// period of at least MinRecoveryDays; conclusive days not negative, the
// earliest (when set) and the target (when set) not before the recovery
// period ends, the target not before the earliest; holidays that are real
// YYYY-MM-DD dates, each once, in any order (a profile read from a file has
// them sorted). The error is a *ValidationError naming the field.
func (p Profile) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ValidationError{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	switch {
	case p.ID == "":
		return bad("id", "required")
	case !idRE.MatchString(p.ID):
		return bad("id", "%q: lower-case letters and digits, words joined by '-'", p.ID)
	case strings.TrimSpace(p.Name) == "":
		return bad("name", "required")
	case strings.TrimSpace(p.Source) == "":
		return bad("source", "required: the legal basis")
	case strings.ContainsAny(p.Source, "\r\n"):
		return bad("source", "one line only")
	case len(p.Steps) == 0:
		return bad("steps", "required: %q, or %q alone", []string{ReasonableGrounds, ConclusiveGrounds}, ConclusiveGrounds)
	}
	order := map[string]int{ReasonableGrounds: 1, ConclusiveGrounds: 2}
	for i, s := range p.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		if order[s] == 0 {
			return bad(field, "unknown step %q (known: %s, %s)", s, ReasonableGrounds, ConclusiveGrounds)
		}
		if i > 0 && order[s] <= order[p.Steps[i-1]] {
			return bad(field, "%q after %q: each step once, %s before %s", s, p.Steps[i-1], ReasonableGrounds, ConclusiveGrounds)
		}
	}
	if p.Steps[len(p.Steps)-1] != ConclusiveGrounds {
		return bad("steps", "the last step must be %q", ConclusiveGrounds)
	}
	if p.HasStep(ReasonableGrounds) {
		if p.ReasonableGroundsTarget <= 0 {
			return bad("reasonable_grounds_target", "must be a positive number of days, got %d", p.ReasonableGroundsTarget)
		}
		if p.ReasonableGroundsCounting != Business && p.ReasonableGroundsCounting != Calendar {
			return bad("reasonable_grounds_counting", "unknown counting %q (known: %s, %s)", p.ReasonableGroundsCounting, Business, Calendar)
		}
	} else {
		if p.ReasonableGroundsTarget != 0 {
			return bad("reasonable_grounds_target", "must be 0 without a %s step, got %d", ReasonableGrounds, p.ReasonableGroundsTarget)
		}
		if p.ReasonableGroundsCounting != "" {
			return bad("reasonable_grounds_counting", "must be empty without a %s step, got %q", ReasonableGrounds, p.ReasonableGroundsCounting)
		}
	}
	switch {
	// CETS 197 Art. 13(1): "at least 30 days", whatever the steps.
	case p.RecoveryDays < MinRecoveryDays:
		return bad("recovery_days", "must be at least %d days (CETS 197 Art. 13), got %d", MinRecoveryDays, p.RecoveryDays)
	case p.ConclusiveEarliest < 0:
		return bad("conclusive_earliest", "must be a positive number of days, or 0 for none; got %d", p.ConclusiveEarliest)
	// A conclusive decision during the period would end it early (as the
	// Scottish Act s.9(2)(b) does): none before its end (Art. 13(1)).
	case p.ConclusiveEarliest > 0 && p.ConclusiveEarliest < p.RecoveryDays:
		return bad("conclusive_earliest", "%d days is before the recovery period ends (recovery_days %d): a conclusive decision comes no earlier than its end (CETS 197 Art. 13)", p.ConclusiveEarliest, p.RecoveryDays)
	case p.ConclusiveTarget < 0:
		return bad("conclusive_target", "must be a positive number of days, or 0 for none; got %d", p.ConclusiveTarget)
	case p.ConclusiveTarget > 0 && p.ConclusiveTarget < p.ConclusiveEarliest:
		return bad("conclusive_target", "%d days is before conclusive_earliest (%d days)", p.ConclusiveTarget, p.ConclusiveEarliest)
	case p.ConclusiveTarget > 0 && p.ConclusiveTarget < p.RecoveryDays:
		return bad("conclusive_target", "%d days is before the recovery period ends (recovery_days %d), when the decision may come at the earliest", p.ConclusiveTarget, p.RecoveryDays)
	}
	seen := make(map[string]int, len(p.Holidays))
	for i, h := range p.Holidays {
		field := fmt.Sprintf("holidays[%d]", i)
		// time.Parse refuses days past a month's end (2027-02-29); the
		// round trip refuses what it would otherwise read loosely.
		d, err := time.Parse(time.DateOnly, h)
		if err != nil || d.Format(time.DateOnly) != h {
			return bad(field, "%q is not a date YYYY-MM-DD", h)
		}
		if j, dup := seen[h]; dup {
			return bad(field, "%s is listed twice (also holidays[%d])", h, j)
		}
		seen[h] = i
	}
	return nil
}

// decode reads one profile from JSON, strictly: unknown fields and trailing
// data are errors. The error names the file and, where it can, the field.
func decode(data []byte, file string) (Profile, error) {
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&p)
	if err == nil {
		if _, e := dec.Token(); e != io.EOF {
			err = errors.New("data after the profile object: one profile a file")
		}
	}
	if err != nil {
		ve := &ValidationError{File: file, Problem: err.Error()}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			ve.File = fmt.Sprintf("%s:%d", file, 1+bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n")))
		case errors.As(err, &te):
			ve.Field = te.Field
			ve.Problem = fmt.Sprintf("wrong type: JSON %s where %s is required", te.Value, te.Type)
		default:
			if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
				ve.Field = strings.Trim(f, `"`)
				ve.Problem = "unknown field"
			}
		}
		return Profile{}, ve
	}
	if err := p.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.File = file
		}
		return Profile{}, err
	}
	// After Validate, so that holidays[i] in an error is the file's i.
	slices.Sort(p.Holidays)
	return p, nil
}

//go:embed profiles/*.json
var embedded embed.FS

var builtin = sync.OnceValues(func() ([]Profile, error) {
	names, err := fs.Glob(embedded, "profiles/*.json")
	if err != nil {
		return nil, err
	}
	var out []Profile
	for _, name := range names {
		data, err := embedded.ReadFile(name)
		if err != nil {
			return nil, err
		}
		p, err := decode(data, "jurisdiction/"+name)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); p.ID != want {
			return nil, &ValidationError{File: "jurisdiction/" + name, Field: "id", Problem: fmt.Sprintf("%q differs from the file name", p.ID)}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Profile) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
})

func mustBuiltin() []Profile {
	ps, err := builtin()
	if err != nil {
		panic("jurisdiction: embedded profiles: " + err.Error())
	}
	return ps
}

// Builtin returns the embedded profiles, sorted by id. Each call returns a
// fresh copy.
func Builtin() []Profile {
	ps := mustBuiltin()
	out := make([]Profile, len(ps))
	for i, p := range ps {
		out[i] = p.clone()
	}
	return out
}

// Get returns the built-in profile with that id. An unknown id is an error
// listing the known ones.
func Get(id string) (Profile, error) {
	ps := mustBuiltin()
	ids := make([]string, len(ps))
	for i, p := range ps {
		if p.ID == id {
			return p.clone(), nil
		}
		ids[i] = p.ID
	}
	return Profile{}, fmt.Errorf("unknown jurisdiction profile %q (known: %s)", id, strings.Join(ids, ", "))
}

// Default returns the Council of Europe minimum profile, "coe-minimum".
func Default() Profile {
	p, err := Get(DefaultID)
	if err != nil {
		panic("jurisdiction: " + err.Error())
	}
	return p
}

// LoadDir reads every *.json file in dir as one extra profile each, in file
// name order, and validates it. A missing directory gives no profiles and no
// error. Errors name the file and the field (a *ValidationError where the
// problem is in the content). An id may not repeat one in another file or a
// built-in one: a changed rule is a new profile, so that cases decided under
// the old one keep their clocks.
func LoadDir(dir string) ([]Profile, error) {
	files, err := datadir.JSONFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("jurisdiction: %w", err)
	}
	seen := map[string]string{}
	for _, p := range mustBuiltin() {
		seen[p.ID] = "a built-in profile"
	}
	var out []Profile
	for _, df := range files {
		file, data := df.Path, df.Data
		p, err := decode(data, file)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[p.ID]; ok {
			return nil, &ValidationError{File: file, Field: "id", Problem: fmt.Sprintf("%q is already %s: choose another id", p.ID, prev)}
		}
		seen[p.ID] = "used by " + file
		out = append(out, p)
	}
	return out, nil
}
