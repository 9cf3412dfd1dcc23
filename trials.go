package nrm

import (
	"slices"
	"strings"
	"time"
)

// Trial monitoring (CONTRACT.md, "Trial monitoring"): independent monitors
// (role trial-monitor of a trial-monitor organisation) observe trafficking
// trials hearing by hearing. They never read case files, and a trial has no
// field for a victim's name: people appear only as the parties' roles and
// the pseudonyms the monitor chooses. Court, case number, charges and notes
// are sealed under the trial's own data key; the codes of the sheet and the
// outcome stay plain for the findings.

// The items of the monitoring sheet, in the contract's order.
var TrialSheetItems = []string{
	"victim-identified", "recovery-period-respected", "rights-informed", "interpreter", "legal-representation",
	"protective-measures-ordered", "protective-measures-applied", "secondary-victimisation", "intimidation",
	"non-punishment-raised", "compensation-claimed", "immigration-status-secured",
}

// Values of a sheet item.
const (
	SheetYes           = "yes"
	SheetNo            = "no"
	SheetNotApplicable = "not-applicable"
	SheetNotObserved   = "not-observed"
)

var TrialSheetValues = []string{SheetYes, SheetNo, SheetNotApplicable, SheetNotObserved}

// TrialVerdicts are the outcomes of a trial (the justice track's verdicts).
var TrialVerdicts = Verdicts

const (
	maxTrialText  = 300
	maxTrialNotes = 5000
	maxTrialCount = 10000
	maxSentence   = 1200 // months: a hundred years
)

// TrialInput is a trial as given.
type TrialInput struct {
	Court      string   `json:"court"`
	Country    string   `json:"country"`
	CaseNumber string   `json:"case_number"`
	Charges    []string `json:"charges"`
	OpenedOn   string   `json:"opened_on"`
	Victims    *int     `json:"victims"`
	Defendants *int     `json:"defendants"`
}

// Trial is a trial observed by a monitoring organisation.
type Trial struct {
	ID         string
	OrgID      string
	Court      string
	Country    string
	CaseNumber string
	Charges    []string
	OpenedOn   Date
	Victims    int
	Defendants int
	CreatedBy  string
	CreatedAt  time.Time
	Hearings   []TrialHearing
	Outcome    *TrialOutcome
}

// TrialRecord is a trial as stored: court, case number and charges sealed.
type TrialRecord struct {
	Trial
	Details []byte
}

// TrialHearingInput is one hearing's monitoring sheet as given.
type TrialHearingInput struct {
	Date  string            `json:"date"`
	Sheet map[string]string `json:"sheet"`
	Notes string            `json:"notes"`
}

// TrialHearing is one hearing observed: every item of the sheet has a
// value (an item left out was not observed).
type TrialHearing struct {
	ID        string
	TrialID   string
	Date      Date
	Sheet     map[string]string
	Notes     string
	CreatedBy string
	CreatedAt time.Time
}

// TrialHearingRecord is a hearing as stored: the notes sealed.
type TrialHearingRecord struct {
	TrialHearing
	SealedNotes []byte
}

// TrialOutcomeInput is the outcome of a trial as given.
type TrialOutcomeInput struct {
	Date                string      `json:"date"`
	Verdict             string      `json:"verdict"`
	SentenceMonths      *int        `json:"sentence_months"`
	Suspended           *bool       `json:"suspended"`
	CompensationAwarded *MoneyInput `json:"compensation_awarded"`
}

// TrialOutcome is the first-instance outcome of a trial. Compensation is
// nil when none was awarded.
type TrialOutcome struct {
	ID                  string
	TrialID             string
	Date                Date
	Verdict             string
	SentenceMonths      int
	Suspended           bool
	CompensationAwarded *Money
	CreatedBy           string
	CreatedAt           time.Time
}

// Convicted reports whether the verdict is a conviction.
func (o TrialOutcome) Convicted() bool { return strings.HasPrefix(o.Verdict, "convicted-") }

// Validate checks a trial.
func (in TrialInput) Validate(today Date) (Trial, error) {
	var t Trial
	var err error
	if t.Court, err = Text("court", in.Court, maxTrialText); err != nil {
		return t, err
	}
	if t.Court == "" {
		return t, Invalid("court", "name the court")
	}
	if t.Country, err = ParseCountry("country", in.Country, false); err != nil {
		return t, err
	}
	if t.CaseNumber, err = Text("case_number", in.CaseNumber, 100); err != nil {
		return t, err
	}
	if len(in.Charges) > 20 {
		return t, Invalid("charges", "at most 20 charges")
	}
	for _, c := range in.Charges {
		c, err := Text("charges", c, 200)
		if err != nil {
			return t, err
		}
		if c != "" && !slices.Contains(t.Charges, c) {
			t.Charges = append(t.Charges, c)
		}
	}
	if t.OpenedOn, err = PastDate("opened_on", in.OpenedOn, today, true); err != nil {
		return t, err
	}
	if in.Victims == nil || *in.Victims < 0 || *in.Victims > maxTrialCount {
		return t, Invalid("victims", "the number of victims, 0 to %d", maxTrialCount)
	}
	if in.Defendants == nil || *in.Defendants < 1 || *in.Defendants > maxTrialCount {
		return t, Invalid("defendants", "the number of defendants, 1 to %d", maxTrialCount)
	}
	t.Victims, t.Defendants = *in.Victims, *in.Defendants
	return t, nil
}

// Validate checks a hearing's sheet. The order of dates against the trial
// is the service's to check, with the trial read.
func (in TrialHearingInput) Validate(today Date) (TrialHearing, error) {
	var h TrialHearing
	var err error
	if h.Date, err = PastDate("date", in.Date, today, true); err != nil {
		return h, err
	}
	h.Sheet = make(map[string]string, len(TrialSheetItems))
	for _, item := range TrialSheetItems {
		h.Sheet[item] = SheetNotObserved
	}
	// Sorted, so that of several bad items the same one is named each time.
	items := make([]string, 0, len(in.Sheet))
	for item := range in.Sheet {
		items = append(items, item)
	}
	slices.Sort(items)
	for _, item := range items {
		if !slices.Contains(TrialSheetItems, item) {
			return h, Invalid("sheet."+item, "not an item of the monitoring sheet; the items: %s", strings.Join(TrialSheetItems, ", "))
		}
		v := strings.TrimSpace(in.Sheet[item])
		if !slices.Contains(TrialSheetValues, v) {
			return h, Invalid("sheet."+item, "one of: %s", strings.Join(TrialSheetValues, ", "))
		}
		h.Sheet[item] = v
	}
	if h.Notes, err = Text("notes", in.Notes, maxTrialNotes); err != nil {
		return h, err
	}
	return h, nil
}

// Validate checks an outcome: a sentence belongs to a conviction.
func (in TrialOutcomeInput) Validate(today Date) (TrialOutcome, error) {
	var o TrialOutcome
	var err error
	if o.Date, err = PastDate("date", in.Date, today, true); err != nil {
		return o, err
	}
	if o.Verdict, err = oneOf("verdict", in.Verdict, TrialVerdicts); err != nil {
		return o, err
	}
	if in.SentenceMonths != nil {
		if *in.SentenceMonths < 0 || *in.SentenceMonths > maxSentence {
			return o, Invalid("sentence_months", "0 to %d months", maxSentence)
		}
		o.SentenceMonths = *in.SentenceMonths
	}
	if in.Suspended != nil {
		o.Suspended = *in.Suspended
	}
	if !o.Convicted() {
		if o.SentenceMonths != 0 {
			return o, Invalid("sentence_months", "only a conviction carries a sentence")
		}
		if o.Suspended {
			return o, Invalid("suspended", "only a conviction carries a sentence to suspend")
		}
	} else if in.SentenceMonths == nil {
		return o, Invalid("sentence_months", "the sentence of a conviction, in months")
	}
	if o.Suspended && o.SentenceMonths == 0 {
		return o, Invalid("suspended", "a sentence of 0 months has nothing to suspend")
	}
	if in.CompensationAwarded != nil {
		m, err := ParseMoney("compensation_awarded", *in.CompensationAwarded)
		if err != nil {
			return o, err
		}
		if m.Minor > 0 {
			o.CompensationAwarded = &m
		}
	}
	return o, nil
}

// TrialFindings aggregate monitored trials of one country (or all) over a
// period (CONTRACT.md, "Trial monitoring"). A trial counts when it opened,
// had a hearing or had its outcome in the period; hearings and items count
// the hearings held in the period; verdicts count the outcomes given in it.
// The shares are over the trials whose outcome was given in the period
// (nil when there is none): suspended_share is the part of them whose
// sentence was suspended, compensation_awarded_share the part that awarded
// the victims compensation.
type TrialFindings struct {
	Country                  string
	From, To                 Date
	Trials                   int
	Hearings                 int
	Items                    map[string]map[string]int
	Verdicts                 map[string]int
	Outcomes                 int
	Suspended                int
	CompensationAwarded      int
	SuspendedShare           *float64
	CompensationAwardedShare *float64
}

// TrialFacts are the plain facts of one trial the findings count.
type TrialFacts struct {
	TrialID  string
	Country  string
	OpenedOn Date
	Hearings []TrialHearing // date and sheet only
	Outcome  *TrialOutcome
}

// NewTrialFindings is an empty answer, every item and verdict at zero.
func NewTrialFindings(country string, from, to Date) TrialFindings {
	f := TrialFindings{Country: country, From: from, To: to, Items: map[string]map[string]int{}, Verdicts: map[string]int{}}
	for _, item := range TrialSheetItems {
		f.Items[item] = map[string]int{}
		for _, v := range TrialSheetValues {
			f.Items[item][v] = 0
		}
	}
	for _, v := range TrialVerdicts {
		f.Verdicts[v] = 0
	}
	return f
}

// Count adds one trial's facts to the findings.
func (f *TrialFindings) Count(t TrialFacts) {
	in := func(d Date) bool { return !d.Before(f.From) && !d.After(f.To) }
	if f.Country != "" && t.Country != f.Country {
		return
	}
	seen := in(t.OpenedOn)
	for _, h := range t.Hearings {
		if !in(h.Date) {
			continue
		}
		seen = true
		f.Hearings++
		for item, v := range h.Sheet {
			if m, ok := f.Items[item]; ok {
				m[v]++
			}
		}
	}
	if o := t.Outcome; o != nil && in(o.Date) {
		seen = true
		f.Verdicts[o.Verdict]++
		f.Outcomes++
		if o.Suspended {
			f.Suspended++
		}
		if o.CompensationAwarded != nil {
			f.CompensationAwarded++
		}
	}
	if seen {
		f.Trials++
	}
	if f.Outcomes > 0 {
		s, c := float64(f.Suspended)/float64(f.Outcomes), float64(f.CompensationAwarded)/float64(f.Outcomes)
		f.SuspendedShare, f.CompensationAwardedShare = &s, &c
	}
}
