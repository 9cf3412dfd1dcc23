package nrm

import (
	"slices"
	"strings"
	"time"
)

// The justice track (DESIGN.md, "Beside the track"): proceedings and their
// events, non-punishment, compensation. All of it is in the justice
// compartment. Assistance never waits on it (CETS 197 Art. 12(6)).

// Value lists of the justice track (CONTRACT.md, "Access to justice").
var (
	ProceedingKinds    = []string{"criminal", "civil", "labour", "administrative"}
	ProceedingStages   = []string{"investigation", "prosecution", "trial", "appeal", "closed"}
	ProceduralRoles    = []string{"injured-party", "witness", "civil-party", "suspect", "none"}
	ProceedingEvents   = []string{EventHearing, EventProtectiveMeasure, EventVerdict, EventSentence, EventAppeal, EventStage}
	ProtectiveMeasures = []string{"closed-session", "video-testimony", "no-contact", "anonymity", "relocation",
		"police-protection", "identity-change"}
	MeasureStatuses       = []string{"requested", "ordered", "applied", "refused"}
	Verdicts              = []string{"convicted-trafficking", "convicted-other", "acquitted", "dismissed"}
	NonPunishmentStatuses = []string{NonPunishmentRaised, NonPunishmentApplied, NonPunishmentRefused}
	CompensationRoutes    = []string{"criminal", "civil", "labour-tribunal", "state-fund", "settlement"}
	ClaimStatuses         = []string{ClaimFiled, ClaimAwarded, ClaimRefused, ClaimPartlyPaid, ClaimPaid}
)

// Proceeding event kinds.
const (
	EventHearing           = "hearing"
	EventProtectiveMeasure = "protective-measure"
	EventVerdict           = "verdict"
	EventSentence          = "sentence"
	EventAppeal            = "appeal"
	EventStage             = "stage"
)

// Non-punishment statuses (CETS 197 Art. 26).
const (
	NonPunishmentRaised  = "raised"
	NonPunishmentApplied = "applied"
	NonPunishmentRefused = "refused"
)

// Compensation claim statuses (CETS 197 Art. 15(3), (4)).
const (
	ClaimFiled      = "filed"
	ClaimAwarded    = "awarded"
	ClaimRefused    = "refused"
	ClaimPartlyPaid = "partly-paid"
	ClaimPaid       = "paid"
)

// DeadlineHearing is the clock of a future hearing.
const DeadlineHearing = "hearing"

const maxJusticeText = 5000

// LawyerInput is the person's lawyer (CETS 197 Art. 15(2): legal aid).
type LawyerInput struct {
	Name     string `json:"name"`
	LegalAid bool   `json:"legal_aid"`
}

// RightsInput says when and in which language the person was told their
// rights (CETS 197 Art. 15(1)).
type RightsInput struct {
	GivenOn     string `json:"given_on"`
	Language    string `json:"language"`
	Interpreter bool   `json:"interpreter"`
}

// ProceedingInput is a proceeding as given.
type ProceedingInput struct {
	Kind              string       `json:"kind"`
	Stage             string       `json:"stage"`
	Authority         string       `json:"authority"`
	Reference         string       `json:"reference"`
	Charges           []string     `json:"charges"`
	PersonRole        string       `json:"person_role"`
	Lawyer            *LawyerInput `json:"lawyer"`
	RightsInformation *RightsInput `json:"rights_information"`
}

// Lawyer is the person's lawyer in a proceeding.
type Lawyer struct {
	Name     string `json:"name"`
	LegalAid bool   `json:"legal_aid"`
}

// RightsInformation is when and how the person was told their rights.
type RightsInformation struct {
	GivenOn     Date   `json:"given_on"`
	Language    string `json:"language"`
	Interpreter bool   `json:"interpreter"`
}

// Proceeding is a criminal, civil, labour or administrative proceeding in
// which the person takes part. Authority, reference and lawyer are sealed
// under the person's key; kind, stage, charges and role stay plain for
// statistics.
type Proceeding struct {
	ID         string
	CaseID     string
	Kind       string
	Stage      string
	Authority  string
	Reference  string
	Charges    []string
	PersonRole string
	Lawyer     *Lawyer
	Rights     *RightsInformation
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
	Version    int64
	Events     []ProceedingEvent
}

func oneOf(field, v string, list []string) (string, error) {
	v = strings.TrimSpace(v)
	if !slices.Contains(list, v) {
		return v, Invalid(field, "one of: %s", strings.Join(list, ", "))
	}
	return v, nil
}

// Validate checks a proceeding.
func (in ProceedingInput) Validate(today Date) (Proceeding, error) {
	var p Proceeding
	var err error
	if p.Kind, err = oneOf("kind", in.Kind, ProceedingKinds); err != nil {
		return p, err
	}
	if p.Stage, err = oneOf("stage", in.Stage, ProceedingStages); err != nil {
		return p, err
	}
	if p.PersonRole, err = oneOf("person_role", in.PersonRole, ProceduralRoles); err != nil {
		return p, err
	}
	if p.Authority, err = Text("authority", in.Authority, 300); err != nil {
		return p, err
	}
	if p.Authority == "" {
		return p, Invalid("authority", "name the police, prosecutor, court or tribunal")
	}
	if p.Reference, err = Text("reference", in.Reference, 200); err != nil {
		return p, err
	}
	if len(in.Charges) > 20 {
		return p, Invalid("charges", "at most 20 charges")
	}
	for _, c := range in.Charges {
		c, err := Text("charges", c, 200)
		if err != nil {
			return p, err
		}
		if c != "" && !slices.Contains(p.Charges, c) {
			p.Charges = append(p.Charges, c)
		}
	}
	if in.Lawyer != nil {
		name, err := Text("lawyer.name", in.Lawyer.Name, 200)
		if err != nil {
			return p, err
		}
		if name == "" {
			return p, Invalid("lawyer.name", "name the lawyer, or leave lawyer out")
		}
		p.Lawyer = &Lawyer{Name: name, LegalAid: in.Lawyer.LegalAid}
	}
	if in.RightsInformation != nil {
		r := RightsInformation{Interpreter: in.RightsInformation.Interpreter}
		if r.GivenOn, err = PastDate("rights_information.given_on", in.RightsInformation.GivenOn, today, true); err != nil {
			return p, err
		}
		if r.Language, err = ParseLanguage("rights_information.language", in.RightsInformation.Language); err != nil {
			return p, err
		}
		if r.Language == "" {
			return p, Invalid("rights_information.language", "the language the person was told their rights in is required")
		}
		p.Rights = &r
	}
	return p, nil
}

// ProceedingEventInput is an event of a proceeding as given. Only the
// fields of its kind may be set.
type ProceedingEventInput struct {
	Kind      string `json:"kind"`
	Date      string `json:"date"`
	Measure   string `json:"measure"`
	Status    string `json:"status"`
	Outcome   string `json:"outcome"`
	Months    *int   `json:"months"`
	Suspended *bool  `json:"suspended"`
	Stage     string `json:"stage"`
	Notes     string `json:"notes"`
}

// ProceedingEvent is a hearing, protective measure, verdict, sentence,
// appeal or change of stage. Notes are sealed.
type ProceedingEvent struct {
	ID           string
	ProceedingID string
	CaseID       string
	Kind         string
	Date         Date
	Measure      string
	Status       string
	Outcome      string
	Months       int
	Suspended    bool
	Stage        string
	Notes        string
	CreatedBy    string
	CreatedOrg   string
	CreatedAt    time.Time
}

// Validate checks an event: only a hearing may lie ahead (it is a clock);
// everything else records what has happened.
func (in ProceedingEventInput) Validate(today Date) (ProceedingEvent, error) {
	var e ProceedingEvent
	var err error
	if e.Kind, err = oneOf("kind", in.Kind, ProceedingEvents); err != nil {
		return e, err
	}
	if e.Kind == EventHearing {
		if strings.TrimSpace(in.Date) == "" {
			return e, Invalid("date", "a date is required")
		}
		e.Date, err = ParseDate("date", in.Date)
	} else {
		e.Date, err = PastDate("date", in.Date, today, true)
	}
	if err != nil {
		return e, err
	}
	// A field of another kind of event is a mistake, not something to drop.
	notFor := func(field string, set bool, kinds ...string) error {
		if set && !slices.Contains(kinds, e.Kind) {
			return Invalid(field, "not for a %s event (only %s)", e.Kind, strings.Join(kinds, ", "))
		}
		return nil
	}
	for _, c := range []error{
		notFor("measure", in.Measure != "", EventProtectiveMeasure),
		notFor("status", in.Status != "", EventProtectiveMeasure),
		notFor("outcome", in.Outcome != "", EventVerdict),
		notFor("months", in.Months != nil, EventSentence),
		notFor("suspended", in.Suspended != nil, EventSentence),
		notFor("stage", in.Stage != "", EventStage),
	} {
		if c != nil {
			return e, c
		}
	}
	switch e.Kind {
	case EventProtectiveMeasure:
		if e.Measure, err = oneOf("measure", in.Measure, ProtectiveMeasures); err != nil {
			return e, err
		}
		if e.Status, err = oneOf("status", in.Status, MeasureStatuses); err != nil {
			return e, err
		}
	case EventVerdict:
		if e.Outcome, err = oneOf("outcome", in.Outcome, Verdicts); err != nil {
			return e, err
		}
	case EventSentence:
		if in.Months == nil || *in.Months < 0 || *in.Months > 1200 {
			return e, Invalid("months", "the sentence in months (0 to 1200) is required")
		}
		e.Months = *in.Months
		e.Suspended = in.Suspended != nil && *in.Suspended
	case EventStage:
		if e.Stage, err = oneOf("stage", in.Stage, ProceedingStages); err != nil {
			return e, err
		}
	}
	if e.Notes, err = Text("notes", in.Notes, maxJusticeText); err != nil {
		return e, err
	}
	return e, nil
}

// NonPunishmentInput is a record of the person's own charges for acts
// they were compelled to commit, as given.
type NonPunishmentInput struct {
	Offence   string `json:"offence"`
	Compelled *bool  `json:"compelled"`
	Status    string `json:"status"`
	Authority string `json:"authority"`
}

// NonPunishment is such a record (CETS 197 Art. 26). Offence and authority
// are sealed; while its status is raised, the case shows a flag.
type NonPunishment struct {
	ID         string
	CaseID     string
	Offence    string
	Compelled  bool
	Status     string
	Authority  string
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64
}

// Validate checks a non-punishment record.
func (in NonPunishmentInput) Validate() (NonPunishment, error) {
	var n NonPunishment
	var err error
	if n.Offence, err = Text("offence", in.Offence, 1000); err != nil {
		return n, err
	}
	if n.Offence == "" {
		return n, Invalid("offence", "name the offence the person is charged with")
	}
	if in.Compelled == nil {
		return n, Invalid("compelled", "say whether the person was compelled to commit it (true)")
	}
	if !*in.Compelled {
		return n, Invalid("compelled", "non-punishment is for acts the person was compelled to commit (CETS 197 Art. 26)")
	}
	n.Compelled = true
	if n.Status, err = oneOf("status", in.Status, NonPunishmentStatuses); err != nil {
		return n, err
	}
	if n.Authority, err = Text("authority", in.Authority, 300); err != nil {
		return n, err
	}
	if n.Authority == "" {
		return n, Invalid("authority", "name the prosecutor or court the provision is raised with")
	}
	return n, nil
}

// NonPunishmentStatusInput moves a non-punishment record on.
type NonPunishmentStatusInput struct {
	Status string `json:"status"`
}

// ClaimInput is a compensation claim as given.
type ClaimInput struct {
	Route   string     `json:"route"`
	FiledOn string     `json:"filed_on"`
	Claimed MoneyInput `json:"claimed"`
}

// Claim is a compensation claim with its award and payments. Amounts are
// plain (they say nothing of who the person is), for the report.
type Claim struct {
	ID         string
	CaseID     string
	Route      string
	FiledOn    Date
	Claimed    Money
	Award      *Award
	Payments   []Payment
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
	Version    int64
}

// Award is the decision on a claim; an award of 0 refuses it.
type Award struct {
	ID        string
	ClaimID   string
	DecidedOn Date
	Awarded   Money
	CreatedBy string
	CreatedAt time.Time
}

// Payment is money the person received on an award.
type Payment struct {
	ID        string
	ClaimID   string
	PaidOn    Date
	Paid      Money
	CreatedBy string
	CreatedAt time.Time
}

// Validate checks a claim: an amount above zero.
func (in ClaimInput) Validate(today Date) (Claim, error) {
	var c Claim
	var err error
	if c.Route, err = oneOf("route", in.Route, CompensationRoutes); err != nil {
		return c, err
	}
	if c.FiledOn, err = PastDate("filed_on", in.FiledOn, today, true); err != nil {
		return c, err
	}
	if c.Claimed, err = ParseMoney("claimed", in.Claimed); err != nil {
		return c, err
	}
	if c.Claimed.Minor == 0 {
		return c, Invalid("claimed.amount", "a claim is for more than 0")
	}
	return c, nil
}

// PaidMinor is the total paid on the claim.
func (c Claim) PaidMinor() int64 {
	var n int64
	for _, p := range c.Payments {
		n += p.Paid.Minor
	}
	return n
}

// Status is where the claim stands, derived from its award and payments.
func (c Claim) Status() string {
	switch {
	case c.Award == nil:
		return ClaimFiled
	case c.Award.Awarded.Minor == 0:
		return ClaimRefused
	case c.PaidMinor() >= c.Award.Awarded.Minor:
		return ClaimPaid
	case c.PaidMinor() > 0:
		return ClaimPartlyPaid
	}
	return ClaimAwarded
}

// AwardInput is the award on a claim as given.
type AwardInput struct {
	DecidedOn string     `json:"decided_on"`
	Awarded   MoneyInput `json:"awarded"`
}

// CheckAward validates an award against its claim: one award a claim, in
// the claim's currency, not before it was filed.
func (c Claim) CheckAward(in AwardInput, today Date) (Award, error) {
	var a Award
	var err error
	if a.DecidedOn, err = PastDate("decided_on", in.DecidedOn, today, true); err != nil {
		return a, err
	}
	if a.Awarded, err = ParseMoney("awarded", in.Awarded); err != nil {
		return a, err
	}
	if a.Awarded.Currency != c.Claimed.Currency {
		return a, Invalid("awarded.currency", "the claim is in %s", c.Claimed.Currency)
	}
	if a.DecidedOn.Before(c.FiledOn) {
		return a, Invalid("decided_on", "before the claim was filed (%s)", c.FiledOn)
	}
	if c.Award != nil {
		return a, Conflict("the claim was decided on %s already", c.Award.DecidedOn)
	}
	return a, nil
}

// PaymentInput is a payment as given.
type PaymentInput struct {
	PaidOn string     `json:"paid_on"`
	Paid   MoneyInput `json:"paid"`
}

// CheckPayment validates a payment against its claim: after an award, in
// its currency, never beyond what was awarded.
func (c Claim) CheckPayment(in PaymentInput, today Date) (Payment, error) {
	var p Payment
	var err error
	if p.PaidOn, err = PastDate("paid_on", in.PaidOn, today, true); err != nil {
		return p, err
	}
	if p.Paid, err = ParseMoney("paid", in.Paid); err != nil {
		return p, err
	}
	if p.Paid.Currency != c.Claimed.Currency {
		return p, Invalid("paid.currency", "the claim is in %s", c.Claimed.Currency)
	}
	if p.Paid.Minor == 0 {
		return p, Invalid("paid.amount", "a payment is of more than 0")
	}
	if c.Award == nil {
		return p, Conflict("nothing was awarded on this claim yet: record the award first")
	}
	if p.PaidOn.Before(c.Award.DecidedOn) {
		return p, Invalid("paid_on", "before the award (%s)", c.Award.DecidedOn)
	}
	total, ok := AddMinor(c.PaidMinor(), p.Paid.Minor)
	if !ok || total > c.Award.Awarded.Minor {
		left := c.Award.Awarded.Minor - c.PaidMinor()
		return p, Invalid("paid.amount", "beyond the award: %s awarded, %s still unpaid",
			c.Award.Awarded, Money{Minor: left, Currency: c.Claimed.Currency})
	}
	return p, nil
}

// ClaimFigures is one claim's amounts, for the report (no case, no person).
type ClaimFigures struct {
	Currency string
	Claimed  int64
	Awarded  int64
	Paid     int64
}

// CurrencyTotals are the report's sums in one currency, in minor units.
type CurrencyTotals struct {
	Claimed, Awarded, Paid, AwardedUnpaid int64
}

// CompensationTotals sums claims per currency. Awarded-but-unpaid is what
// was awarded and not (yet) paid, claim by claim.
func CompensationTotals(claims []ClaimFigures) (map[string]CurrencyTotals, error) {
	out := map[string]CurrencyTotals{}
	for _, c := range claims {
		t := out[c.Currency]
		var ok1, ok2, ok3, ok4 bool
		t.Claimed, ok1 = AddMinor(t.Claimed, c.Claimed)
		t.Awarded, ok2 = AddMinor(t.Awarded, c.Awarded)
		t.Paid, ok3 = AddMinor(t.Paid, c.Paid)
		t.AwardedUnpaid, ok4 = AddMinor(t.AwardedUnpaid, max(c.Awarded-c.Paid, 0))
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, Conflict("the totals in %s overflow", c.Currency)
		}
		out[c.Currency] = t
	}
	return out, nil
}

// ProceedingRecord is a proceeding as stored: authority, reference, lawyer
// and rights information sealed together (Details).
type ProceedingRecord struct {
	Proceeding
	Details []byte
}

// ProceedingEventRecord is an event as stored; notes sealed.
type ProceedingEventRecord struct {
	ProceedingEvent
	SealedNotes []byte
}

// NonPunishmentRecord is a non-punishment record as stored: offence and
// authority sealed together.
type NonPunishmentRecord struct {
	NonPunishment
	Details []byte
}

// UnmarshalText reads YYYY-MM-DD (or "" for the zero date), so that dates
// sealed inside JSON (a determination, rights information) read back.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate("date", string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
