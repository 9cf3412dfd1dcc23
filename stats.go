package nrm

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Statistics (CONTRACT.md, "Statistics"): a statistical dataset is a table
// of rows that hold no names, no dates finer than the year, no free text
// and no case id in any answer. The dataset "cases" is nrm's own cases and
// anonymous notifications, kept by the store as a projection (StatRowOf);
// others are imported files in a CTDC layout.

// CasesDataset is the name of nrm's own projection.
const CasesDataset = "cases"

// CaseStatColumns are the columns of the dataset "cases", in order.
var CaseStatColumns = []string{
	"record", "year", "sex", "age_band", "majority", "citizenship", "country_of_exploitation",
	"exploitation_type", "referring_org_kind", "state", "identification_outcome",
	"rg_outcome", "cg_outcome", "days_to_rg", "days_to_cg", "closure_reason",
}

// Privacy modes of a release.
const (
	PrivacyNone     = "none"
	PrivacySuppress = "suppress"
	PrivacyDP       = "dp"
)

// DefaultK is the default small-cell threshold; MinK the lowest allowed.
const (
	DefaultK = 10
	MinK     = 5
)

// StatDataset describes one dataset.
type StatDataset struct {
	Name    string   `json:"name"`
	Layout  string   `json:"layout"`
	Rows    int64    `json:"rows"`
	Columns []string `json:"columns"`
}

// Has reports whether the dataset has a column.
func (d StatDataset) Has(col string) bool { return slices.Contains(d.Columns, col) }

// StatQuery is one cross-tabulation asked for.
type StatQuery struct {
	Dataset string
	By      []string
	Split   string
	Privacy string
	K       int
	Epsilon *big.Rat // dp only
}

// StatQueryInput is a query as the CLI, the API and the pages take it.
type StatQueryInput struct {
	Dataset, By, Split, Privacy, K, Epsilon string
}

// ParseStatQuery checks what does not need the dataset: the privacy mode,
// k and epsilon. Column names are checked against the dataset (Check).
func ParseStatQuery(in StatQueryInput) (StatQuery, error) {
	q := StatQuery{Dataset: strings.TrimSpace(in.Dataset), Split: strings.TrimSpace(in.Split), Privacy: strings.TrimSpace(in.Privacy), K: DefaultK}
	if q.Dataset == "" {
		return q, Invalid("dataset", "a dataset is required")
	}
	for _, c := range strings.Split(in.By, ",") {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(q.By, c) {
			q.By = append(q.By, c)
		}
	}
	if len(q.By) == 0 {
		return q, Invalid("by", "at least one column is required")
	}
	if len(q.By) > 4 {
		return q, Invalid("by", "at most 4 columns")
	}
	if q.Split != "" && !slices.Contains(q.By, q.Split) {
		q.By = append(q.By, q.Split)
	}
	if q.Privacy == "" {
		q.Privacy = PrivacyNone
	}
	if !slices.Contains([]string{PrivacyNone, PrivacySuppress, PrivacyDP}, q.Privacy) {
		return q, Invalid("privacy", "one of: none, suppress, dp")
	}
	if s := strings.TrimSpace(in.K); s != "" {
		k, err := strconv.Atoi(s)
		if err != nil {
			return q, Invalid("k", "a whole number")
		}
		if k < MinK {
			return q, Invalid("k", "at least %d", MinK)
		}
		q.K = k
	}
	if q.Privacy == PrivacyDP {
		e, err := ParseEpsilon(in.Epsilon)
		if err != nil {
			return q, err
		}
		q.Epsilon = e
	} else if strings.TrimSpace(in.Epsilon) != "" {
		return q, Invalid("epsilon", "only with privacy dp")
	}
	return q, nil
}

// ParseEpsilon reads a positive decimal or fraction exactly ("0.5", "1/4").
func ParseEpsilon(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, Invalid("epsilon", "required with privacy dp")
	}
	e, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, Invalid("epsilon", "a number such as 0.5")
	}
	if e.Sign() <= 0 {
		return nil, Invalid("epsilon", "must be positive")
	}
	if e.Cmp(big.NewRat(100, 1)) > 0 || e.Denom().Cmp(big.NewInt(1_000_000)) > 0 {
		return nil, Invalid("epsilon", "at most 100, with at most 6 decimals")
	}
	return e, nil
}

// Check holds a query to the columns of its dataset.
func (q StatQuery) Check(d StatDataset) error {
	if q.Split != "" && !d.Has(q.Split) {
		return Invalid("split", "unknown column %q of dataset %s", q.Split, d.Name)
	}
	for _, c := range q.By {
		if !d.Has(c) {
			return Invalid("by", "unknown column %q of dataset %s", c, d.Name)
		}
	}
	return nil
}

// StatCell is one combination of values and its count. A nil value is a
// missing one, a category of its own. Count is nil when suppressed.
type StatCell struct {
	Values     map[string]*string `json:"values"`
	Count      *int64             `json:"count"`
	Suppressed bool               `json:"suppressed,omitempty"`
}

// StatTable is one release (CONTRACT.md): its cells sum to Total, unless
// suppression hid the total.
type StatTable struct {
	Dataset string     `json:"dataset"`
	By      []string   `json:"by"`
	Split   string     `json:"split,omitempty"`
	Privacy string     `json:"privacy"`
	K       int        `json:"k,omitempty"`
	Epsilon string     `json:"epsilon,omitempty"`
	Total   *int64     `json:"total"`
	Cells   []StatCell `json:"cells"`
}

// RawCell is a cell as the database counted it, values in By order.
type RawCell struct {
	Values []*string
	Count  int64
}

// StatRelease is one differentially private release in the ledger.
type StatRelease struct {
	Dataset    string `json:"dataset"`
	By         string `json:"by"`
	Epsilon    string `json:"epsilon"`
	ReleasedOn string `json:"released_on"`
}

// StatBudget is what a dataset's privacy budget allows and has spent.
type StatBudget struct {
	Dataset   string `json:"dataset"`
	Budget    string `json:"budget"`
	Spent     string `json:"spent"`
	Remaining string `json:"remaining"`
}

// RatString writes a rational as a short decimal when exact, else a fraction.
func RatString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	for p := 1; p <= 6; p++ {
		if s := r.FloatString(p); mustRat(s).Cmp(r) == 0 {
			return s
		}
	}
	return r.RatString()
}

func mustRat(s string) *big.Rat {
	r, _ := new(big.Rat).SetString(s)
	return r
}

// CaseStatFacts are what the store reads of one case to project it.
type CaseStatFacts struct {
	EncounterDate        Date
	Sex                  string
	Citizenship          []string
	Country              string
	ExploitationTypes    []string
	OrgKind              string
	State                State
	Child                bool
	AgeBand              string // "" when not known here (kept from before)
	IdentificationOut    string
	ClosureReason        string
	AcceptedOn           Date
	RGOutcome, CGOutcome string
	RGOn, CGOn           Date
}

// StatRow is one row of the dataset "cases", by CaseStatColumns.
type StatRow map[string]string

// StatRowOf projects a case: categories only, the year alone of every
// date, days to each decision in bands.
func StatRowOf(f CaseStatFacts) StatRow {
	band := f.AgeBand
	if band == "" {
		band = "unknown"
	}
	majority := "unknown"
	switch {
	case f.Child:
		majority = "minor"
	case band != "unknown":
		majority = "adult"
	}
	from := f.AcceptedOn
	if from.IsZero() {
		from = f.EncounterDate
	}
	r := StatRow{
		"record": "case", "sex": f.Sex, "age_band": band, "majority": majority,
		"citizenship": strings.Join(f.Citizenship, ";"), "country_of_exploitation": f.Country,
		"exploitation_type": strings.Join(f.ExploitationTypes, ";"), "referring_org_kind": f.OrgKind,
		"state": string(f.State), "identification_outcome": f.IdentificationOut,
		"rg_outcome": f.RGOutcome, "cg_outcome": f.CGOutcome, "closure_reason": f.ClosureReason,
		"days_to_rg": DaysBand(from, f.RGOn), "days_to_cg": DaysBand(from, f.CGOn),
	}
	if !f.EncounterDate.IsZero() {
		r["year"] = strconv.Itoa(f.EncounterDate.Time().Year())
	}
	return r
}

// NotificationStatRow projects an anonymous notification.
func NotificationStatRow(n Notification, orgKind string) StatRow {
	r := StatRow{"record": "notification", "sex": n.Sex, "age_band": n.AgeBand, "majority": "adult",
		"citizenship": n.Nationality, "country_of_exploitation": n.Country, "exploitation_type": n.ExploitationType,
		"referring_org_kind": orgKind, "state": "notified"}
	if !n.NotifiedOn.IsZero() {
		r["year"] = strconv.Itoa(n.NotifiedOn.Time().Year())
	}
	return r
}

// DayBands are the bands of days to a decision.
var DayBands = []string{"0-5", "6-10", "11-30", "31-45", "46-90", "91+"}

// DaysBand is the band of days from one date to another ("" when either is missing).
func DaysBand(from, to Date) string {
	if from.IsZero() || to.IsZero() {
		return ""
	}
	d := int(to.Time().Sub(from.Time()).Hours() / 24)
	switch {
	case d <= 5:
		return "0-5"
	case d <= 10:
		return "6-10"
	case d <= 30:
		return "11-30"
	case d <= 45:
		return "31-45"
	case d <= 90:
		return "46-90"
	}
	return "91+"
}

// AgeBandAt is a person's age band on a date: "unknown" without a date of
// birth, or "" when nothing is known here (a band kept from before stays).
func AgeBandAt(p Person, at Date) string {
	if p.DateOfBirth.IsZero() || at.IsZero() {
		if p.AgeUncertain {
			return "unknown"
		}
		return ""
	}
	return AgeBand(p.DateOfBirth.YearsAt(at))
}

// Header and Records lay a table out in rows, for CSV and spreadsheets: one
// column per dimension, then the count ("" for a missing value, the word
// "suppressed" for a suppressed count, never 0).
func (t StatTable) Header() []string { return append(append([]string{}, t.By...), "count") }

func (t StatTable) Records() [][]string {
	var out [][]string
	for _, c := range t.Cells {
		var r []string
		for _, b := range t.By {
			v := ""
			if p := c.Values[b]; p != nil {
				v = *p
			}
			r = append(r, v)
		}
		if c.Count == nil {
			r = append(r, "suppressed")
		} else {
			r = append(r, strconv.FormatInt(*c.Count, 10))
		}
		out = append(out, r)
	}
	return out
}

// FactColumn is the column of the yearly report's facts: the category of
// each event (a decision's outcome, a service's type...), beside the
// columns of the cases projection it is counted with.
const FactColumn = "fact"

// StatFact is one anonymous event of a year: the projection's row it
// belongs to and its category; From and On are the dates a decision's
// timeliness is judged by. Facts never leave the service: only their
// counts, through disclosure control.
type StatFact struct {
	Row, Value string
	From, On   Date
}

// CompensationTotal sums a year's compensation claims in one currency:
// how many were filed, awarded and paid, and the amounts in minor units.
type CompensationTotal struct {
	Currency                 string
	Claims, Awards, Payments int64
	Claimed, Awarded, Paid   int64
}

// The yearly report's measures: each is one query of the store
// (sqlstore/report.go) listing a year's facts.
const (
	MeasureRegistered = "registered" // cases and notifications of the year, by record
	MeasureReferrals  = "referrals"  // referrals made, by the recipient's kind of organisation
	MeasureRG         = "rg"         // reasonable-grounds decisions taken, by outcome
	MeasureCG         = "cg"         // conclusive-grounds decisions taken, by outcome
	MeasureServices   = "services"   // services started, by type
	MeasureReturns    = "returns"    // returns made
	MeasureFollowUps  = "follow-ups" // follow-ups after a return, by the person's situation
	MeasureClaims     = "claims"     // compensation claims filed, by route
)
