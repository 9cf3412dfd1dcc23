package nrm

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Decision kinds and outcomes.
const (
	ReasonableGrounds = "reasonable-grounds"
	ConclusiveGrounds = "conclusive-grounds"
	Positive          = "positive"
	Negative          = "negative"
)

// Step is something that can happen next to a case on the identification
// track. A 409 names the state and the steps allowed from it.
type Step string

const (
	StepRefer             Step = "referral to the competent authority"
	StepAccept            Step = "acceptance of the referral by the competent authority"
	StepRGDecision        Step = "a reasonable-grounds decision"
	StepAwaitCG           Step = "moving on to await the conclusive-grounds decision"
	StepCGDecision        Step = "a conclusive-grounds decision"
	StepReconsider        Step = "reconsideration of the negative decision"
	StepClose             Step = "closure"
	StepReopen            Step = "re-opening as a new episode"
	StepReferralWithdrawn Step = "withdrawal or decline of the referral"
)

// NextSteps lists what may happen to a case in a state.
func NextSteps(s State) []Step {
	switch s {
	case StateEncountered:
		return []Step{StepRefer, StepClose}
	case StateReferred:
		return []Step{StepAccept, StepReferralWithdrawn, StepClose}
	case StateAwaitingReasonableGrounds:
		return []Step{StepRGDecision, StepClose}
	case StateRecoveryPeriod:
		return []Step{StepAwaitCG, StepCGDecision, StepClose}
	case StateAwaitingConclusiveGrounds:
		return []Step{StepCGDecision, StepClose}
	case StateIdentified:
		return []Step{StepClose}
	case StateNotIdentified:
		return []Step{StepReconsider, StepClose}
	case StateClosed:
		return []Step{StepReopen}
	}
	return nil
}

// ErrTransition is the 409 for a step out of order.
func ErrTransition(s State, tried Step) *Error {
	// The steps and the state go in as codes (phrases), so that pages show
	// them by their translated labels, never as an English sentence.
	var next []Phrase
	for _, n := range NextSteps(s) {
		next = append(next, Phrase(n))
	}
	const key = "%s is not possible now: the case is %s; allowed next: %s"
	args := []any{Phrase(tried), Phrase(s), next}
	return &Error{Code: CodeConflict, Key: key, Args: args, Message: fmt.Sprintf(key, tried, s, strings.Join(stepStrings(next), "; "))}
}

// DecisionInput is a decision as given.
type DecisionInput struct {
	Kind      string `json:"kind"`
	Outcome   string `json:"outcome"`
	DecidedOn string `json:"decided_on"`
	Reasons   string `json:"reasons"`
}

// Decision is a reasonable-grounds or conclusive-grounds decision.
type Decision struct {
	ID        string
	CaseID    string
	Kind      string
	Outcome   string
	DecidedOn Date
	Reasons   string
	By        string
	OrgID     string
	CreatedAt time.Time
}

// Validate checks a decision; every decision gives its reasons.
func (in DecisionInput) Validate(today Date) (Decision, error) {
	d := Decision{Kind: strings.TrimSpace(in.Kind), Outcome: strings.TrimSpace(in.Outcome)}
	if d.Kind != ReasonableGrounds && d.Kind != ConclusiveGrounds {
		return d, Invalid("kind", "one of: %s, %s", ReasonableGrounds, ConclusiveGrounds)
	}
	if d.Outcome != Positive && d.Outcome != Negative {
		return d, Invalid("outcome", "one of: %s, %s", Positive, Negative)
	}
	var err error
	if d.DecidedOn, err = PastDate("decided_on", in.DecidedOn, today, true); err != nil {
		return d, err
	}
	if d.Reasons, err = Text("reasons", in.Reasons, 20000); err != nil {
		return d, err
	}
	if len(d.Reasons) < 10 {
		return d, Invalid("reasons", "a decision states its reasons (at least a sentence)")
	}
	return d, nil
}

// PastDate parses the date of something that has happened: not after today.
func PastDate(field, s string, today Date, required bool) (Date, error) {
	if strings.TrimSpace(s) == "" {
		if required {
			return Date{}, Invalid(field, "a date is required")
		}
		return Date{}, nil
	}
	d, err := ParseDate(field, s)
	if err != nil {
		return d, err
	}
	if d.After(today) {
		return d, Invalid(field, "cannot be in the future: this records something that has happened")
	}
	return d, nil
}

// FutureDate parses an optional date that must not be in the past.
func FutureDate(field, s string, today Date) (Date, error) {
	if strings.TrimSpace(s) == "" {
		return Date{}, nil
	}
	d, err := ParseDate(field, s)
	if err != nil {
		return d, err
	}
	if d.Before(today) {
		return d, Invalid(field, "cannot be in the past")
	}
	return d, nil
}

// ParseScope reads a list of compartment names.
func ParseScope(field string, names []string) (Scope, error) {
	var s Scope
	for _, n := range names {
		c := Compartment(strings.TrimSpace(n))
		if !c.Valid() {
			return 0, Invalid(field, "unknown compartment %q; one of: identity, support, justice", n)
		}
		s |= ScopeOf(c)
	}
	if s == 0 {
		return 0, Invalid(field, "name at least one of: identity, support, justice")
	}
	return s, nil
}

// Consent purposes.
var ConsentPurposes = []string{PurposeReferral, "assistance", "information-sharing", "legal-proceedings", "return", PurposeTransnational}

// PurposeReferral is the purpose of the consent a referral within the
// country rests on.
const PurposeReferral = "referral"

// PurposeTransnational is the purpose of the consent a transnational
// referral rests on: it names a partner instance (RecipientPartner), not an
// organisation of this country.
const PurposeTransnational = "transnational-referral"

// ConsentInput is an informed consent as given.
type ConsentInput struct {
	Purpose      string `json:"purpose"`
	RecipientOrg string `json:"recipient_org"`
	// RecipientPartner names the partner instance of a transnational
	// referral's consent, instead of RecipientOrg.
	RecipientPartner string   `json:"recipient_partner"`
	Scope            []string `json:"scope"`
	Expires          string   `json:"expires"`
	GivenOn          string   `json:"given_on"`
	Language         string   `json:"language"`
	Interpreter      bool     `json:"interpreter"`
}

// Consent is the person's informed consent to share their file with one
// organisation, within a scope, until withdrawn or expired.
type Consent struct {
	ID           string
	CaseID       string
	Purpose      string
	RecipientOrg string
	// RecipientPartner: the partner instance (transnational-referral only).
	RecipientPartner string
	Scope            Scope
	GivenOn          Date
	Expires          Date // zero: no expiry
	Language         string
	Interpreter      bool
	RecordedBy       string
	RecordedOrg      string
	Status           string // given, withdrawn
	WithdrawnAt      time.Time
	CreatedAt        time.Time
	Version          int64
}

// Consent statuses.
const (
	ConsentGiven     = "given"
	ConsentWithdrawn = "withdrawn"
	ConsentExpired   = "expired" // derived from the date, never stored
)

// StatusOn is the consent's status on a date: an expired consent is over
// from the day after its expiry date.
func (c Consent) StatusOn(today Date) string {
	if c.Status == ConsentGiven && !c.Expires.IsZero() && c.Expires.Before(today) {
		return ConsentExpired
	}
	return c.Status
}

// Validate checks a consent.
func (in ConsentInput) Validate(today Date) (Consent, error) {
	c := Consent{Purpose: strings.TrimSpace(in.Purpose), RecipientOrg: strings.TrimSpace(in.RecipientOrg),
		RecipientPartner: strings.TrimSpace(in.RecipientPartner), Interpreter: in.Interpreter}
	if !slices.Contains(ConsentPurposes, c.Purpose) {
		return c, Invalid("purpose", "one of: %s", strings.Join(ConsentPurposes, ", "))
	}
	switch {
	case c.Purpose == PurposeTransnational && c.RecipientOrg != "":
		return c, Invalid("recipient_org", "a transnational referral's consent names recipient_partner, not an organisation")
	case c.Purpose == PurposeTransnational && !ValidID(c.RecipientPartner):
		return c, Invalid("recipient_partner", "a partner instance id is required")
	case c.Purpose != PurposeTransnational && c.RecipientPartner != "":
		return c, Invalid("recipient_partner", "only a consent for a transnational-referral names a partner instance")
	case c.Purpose != PurposeTransnational && !ValidID(c.RecipientOrg):
		return c, Invalid("recipient_org", "an organisation id is required")
	}
	var err error
	if c.Scope, err = ParseScope("scope", in.Scope); err != nil {
		return c, err
	}
	if c.GivenOn, err = PastDate("given_on", in.GivenOn, today, false); err != nil {
		return c, err
	}
	if c.GivenOn.IsZero() {
		c.GivenOn = today
	}
	if c.Expires, err = FutureDate("expires", in.Expires, today); err != nil {
		return c, err
	}
	if c.Language, err = ParseLanguage("language", in.Language); err != nil {
		return c, err
	}
	return c, nil
}

// ParseLanguage accepts an ISO 639-1 (two letters) or 639-3 (three
// letters) code: the language the person was informed in. Optional.
func ParseLanguage(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if len(s) < 2 || len(s) > 3 {
		return "", Invalid(field, "an ISO 639 language code (two or three letters) is required")
	}
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return "", Invalid(field, "an ISO 639 language code (two or three letters) is required")
		}
	}
	return s, nil
}

// Referral statuses.
const (
	ReferralPending   = "pending"
	ReferralAccepted  = "accepted"
	ReferralDeclined  = "declined"
	ReferralWithdrawn = "withdrawn"
)

// ReferralInput is a referral as given.
type ReferralInput struct {
	ToOrg     string   `json:"to_org"`
	Reason    string   `json:"reason"`
	ConsentID string   `json:"consent_id"`
	Scope     []string `json:"scope"` // a child's referral (no consent): what the recipient may read
}

// Referral passes a case to another organisation.
type Referral struct {
	ID              string
	CaseID          string
	Reference       string // the case's reference, for the recipient
	FromOrg         string
	ToOrg           string
	Reason          string
	ConsentID       string
	Scope           Scope
	Status          string
	ResponseReason  string
	NRM             bool // to a competent authority: the NRM referral
	ChildProtection bool // made by nrm to notify child protection
	CreatedBy       string
	CreatedAt       time.Time
	RespondedBy     string
	RespondedAt     time.Time
	Version         int64
}

// Validate checks the form of a referral; consent is checked against the case.
func (in ReferralInput) Validate() (Referral, error) {
	r := Referral{ToOrg: strings.TrimSpace(in.ToOrg), ConsentID: strings.TrimSpace(in.ConsentID)}
	if !ValidID(r.ToOrg) {
		return r, Invalid("to_org", "an organisation id is required")
	}
	var err error
	if r.Reason, err = Text("reason", in.Reason, 5000); err != nil {
		return r, err
	}
	if r.Reason == "" {
		return r, Invalid("reason", "say why you refer the case")
	}
	if r.ConsentID != "" && !ValidID(r.ConsentID) {
		return r, Invalid("consent_id", "not a consent id")
	}
	if len(in.Scope) > 0 {
		if r.Scope, err = ParseScope("scope", in.Scope); err != nil {
			return r, err
		}
	}
	return r, nil
}

// ResponseInput is an acceptance, decline or withdrawal.
type ResponseInput struct {
	Reason string `json:"reason"`
}

// Closure reasons (HTCDS and practice). Re-trafficking is not one: it
// re-opens the person's file as a new episode.
const (
	CloseGoalsMet         = "goals-met"
	CloseTransferred      = "transferred"
	CloseWithdrew         = "withdrew"
	CloseWithdrewFromNRM  = "withdrew-from-nrm" // the person withdrew the consent their NRM referral rested on
	CloseNegativeDecision = "negative-decision"
	CloseLostContact      = "lost-contact"
	CloseMissing          = "missing"
	CloseReturned         = "returned"
	CloseDetainedRemoved  = "detained-or-removed"
	CloseDeceased         = "deceased"
	CloseOther            = "other"
	// CloseRetrafficked is kept for episodes closed so before re-opening
	// replaced it; no new closure takes it.
	CloseRetrafficked = "re-trafficked"
)

// CloseReasons are the structured reasons a case is closed for.
var CloseReasons = []string{CloseGoalsMet, CloseTransferred, CloseWithdrew, CloseWithdrewFromNRM, CloseNegativeDecision,
	CloseLostContact, CloseMissing, CloseReturned, CloseDetainedRemoved, CloseDeceased, CloseOther}

// RemovalReasons are the closures that take the person out of the country.
var RemovalReasons = []string{CloseReturned, CloseDetainedRemoved}

// IdentificationPending reports whether the identification track is under
// way: referred to the authority and not yet decided, or in the recovery
// period.
func IdentificationPending(s State) bool {
	switch s {
	case StateReferred, StateAwaitingReasonableGrounds, StateRecoveryPeriod, StateAwaitingConclusiveGrounds:
		return true
	}
	return false
}

// CheckClosure is the rule on a closure reason in a state: no removal while
// identification is pending or the recovery period runs (CETS 197 Art.
// 10(2), 13(1), 16); a negative-decision closure only after one. The
// error is a 422 naming reason for an unknown reason, a 409 otherwise.
func CheckClosure(s State, reason string) error {
	switch {
	case reason == CloseRetrafficked:
		return Invalid("reason", "re-trafficking re-opens the person's file as a new episode; it does not close it")
	case !slices.Contains(CloseReasons, reason):
		return Invalid("reason", "one of: %s", strings.Join(CloseReasons, ", "))
	case s == StateClosed:
		return ErrTransition(s, StepClose)
	case slices.Contains(RemovalReasons, reason) && IdentificationPending(s):
		return Conflict("the case is %s: nobody is returned or removed while identification is pending or the recovery period runs (CETS 197 Art. 10(2), 13)", s)
	case reason == CloseNegativeDecision && s != StateNotIdentified:
		return Conflict("the case is %s: close it as %s only after a negative decision", s, CloseNegativeDecision)
	}
	return nil
}

// CloseInput closes a case.
type CloseInput struct {
	Reason   string `json:"reason"`
	Note     string `json:"note"`
	ClosedOn string `json:"closed_on"`
}

// ReopenInput re-opens a closed case as a new episode.
type ReopenInput struct {
	Reason string `json:"reason"`
}

// Event is one line of a case's timeline. Summary never holds personal
// data; what is personal stays in the sealed record the event points to.
type Event struct {
	ID          string
	CaseID      string
	At          time.Time
	On          Date // the date the thing happened, when given
	Kind        string
	Compartment Compartment // "" for the record itself (any viewer of the case)
	Actor       string
	ActorOrg    string
	Summary     string
	RefID       string
}

// Deadline is a clock running on a case.
type Deadline struct {
	CaseID string
	Kind   string
	Due    Date
	RefID  string
}

// Deadline kinds.
const (
	DeadlineRG            = "reasonable-grounds-decision"
	DeadlineRecoveryEnd   = "recovery-period-end"
	DeadlineCG            = "conclusive-grounds-decision"
	DeadlinePermitExpiry  = "residence-permit-expiry"
	DeadlinePlanReview    = "support-plan-review"
	DeadlineConsentExpiry = "consent-expiry"
)

// DeadlineKinds lists every kind of clock.
var DeadlineKinds = []string{DeadlineRG, DeadlineRecoveryEnd, DeadlineCG, DeadlinePermitExpiry, DeadlinePlanReview, DeadlineConsentExpiry,
	DeadlineHearing, DeadlineReturnFollowUp}

// DeadlineKindsIn lists the kinds of clock that belong to a compartment.
func DeadlineKindsIn(c Compartment) []string {
	var out []string
	for _, k := range DeadlineKinds {
		if DeadlineCompartment(k) == c {
			out = append(out, k)
		}
	}
	return out
}

// AgeBands for anonymous notifications and statistics.
var AgeBands = []string{"0-11", "12-17", "18-24", "25-34", "35-44", "45-54", "55+", "unknown"}

// AdultAgeBands are the bands an anonymous notification may take.
func AdultAgeBands() []string { return []string{"18-24", "25-34", "35-44", "45-54", "55+"} }

// AgeBand returns the band of an age in years.
func AgeBand(years int) string {
	switch {
	case years < 0:
		return "unknown"
	case years < 12:
		return "0-11"
	case years < 18:
		return "12-17"
	case years < 25:
		return "18-24"
	case years < 35:
		return "25-34"
	case years < 45:
		return "35-44"
	case years < 55:
		return "45-54"
	}
	return "55+"
}

// NotificationInput is an anonymous notification of a possible victim who
// does not consent to a referral: only what statistics need.
type NotificationInput struct {
	NotifiedOn       string `json:"notified_on"`
	Sex              string `json:"sex"`
	AgeBand          string `json:"age_band"`
	Nationality      string `json:"nationality"`
	ExploitationType string `json:"exploitation_type"`
	Country          string `json:"country"`
	Region           string `json:"region"`
}

// Notification is an anonymous notification. It holds no personal data.
type Notification struct {
	ID               string
	OrgID            string
	NotifiedOn       Date
	Sex              string
	AgeBand          string
	Nationality      string
	ExploitationType string
	Country          string
	Region           string
	CreatedAt        time.Time
}

// Validate checks an anonymous notification.
func (in NotificationInput) Validate(today Date) (Notification, error) {
	var n Notification
	var err error
	if n.NotifiedOn, err = PastDate("notified_on", in.NotifiedOn, today, false); err != nil {
		return n, err
	}
	if n.NotifiedOn.IsZero() {
		n.NotifiedOn = today
	}
	n.Sex = strings.TrimSpace(in.Sex)
	if n.Sex == "" {
		n.Sex = "unknown"
	}
	if !slices.Contains(Sexes, n.Sex) {
		return n, Invalid("sex", "one of: %s", strings.Join(Sexes, ", "))
	}
	n.AgeBand = strings.TrimSpace(in.AgeBand)
	if !slices.Contains(AgeBands, n.AgeBand) {
		return n, Invalid("age_band", "one of: %s", strings.Join(AdultAgeBands(), ", "))
	}
	// A person whose age is not known is presumed a child (CETS 197 Art.
	// 10(3)): a child is referred, never only notified.
	if n.AgeBand == "unknown" {
		return n, Invalid("age_band", "a person of unknown age is presumed a child: refer them (child protection is notified) instead of an anonymous notification")
	}
	if n.AgeBand == "0-11" || n.AgeBand == "12-17" {
		return n, Invalid("age_band", "a child needs no consent: refer the child (child protection is notified) instead of an anonymous notification")
	}
	if n.Nationality, err = ParseCountry("nationality", in.Nationality, true); err != nil {
		return n, err
	}
	n.ExploitationType = strings.TrimSpace(in.ExploitationType)
	if n.ExploitationType == "" {
		n.ExploitationType = "unknown"
	}
	if !slices.Contains(ExploitationTypes, n.ExploitationType) {
		return n, Invalid("exploitation_type", "one of: %s", strings.Join(ExploitationTypes, ", "))
	}
	if n.Country, err = ParseCountry("country", in.Country, false); err != nil {
		return n, err
	}
	if n.Region, err = Text("region", in.Region, 100); err != nil {
		return n, err
	}
	return n, nil
}

func stepStrings(ps []Phrase) []string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return s
}
