package nrm

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// State is a case's place on the identification track (DESIGN.md, "Case lifecycle").
type State string

const (
	StateEncountered               State = "encountered"
	StateReferred                  State = "referred"
	StateAwaitingReasonableGrounds State = "awaiting-reasonable-grounds"
	StateRecoveryPeriod            State = "recovery-period"
	StateAwaitingConclusiveGrounds State = "awaiting-conclusive-grounds"
	StateIdentified                State = "identified"
	StateNotIdentified             State = "not-identified"
	StateClosed                    State = "closed"
)

var States = []State{
	StateEncountered, StateReferred, StateAwaitingReasonableGrounds, StateRecoveryPeriod,
	StateAwaitingConclusiveGrounds, StateIdentified, StateNotIdentified, StateClosed,
}

func (s State) Valid() bool { return slices.Contains(States, s) }

// Sex values, as the contract names them.
var Sexes = []string{"female", "male", "other", "unknown"}

// ExploitationTypes follows HTCDS, plus forced criminality.
var ExploitationTypes = []string{
	"forced-labour", "sexual-exploitation", "domestic-servitude", "forced-criminality",
	"forced-begging", "forced-marriage", "organ-removal", "child-labour", "illegal-adoption",
	"surrogacy", "forced-military", "other", "unknown",
}

// AdultAge is the age of majority for the presumption of childhood (CETS 197 Art. 10(3)).
const AdultAge = 18

// Person is who a case is about. The identifying fields are sealed at rest;
// Sex and Citizenship stay plain so statistics need not decrypt anyone.
type Person struct {
	ID           string
	GivenName    string
	FamilyName   string
	Aliases      []string
	DateOfBirth  Date
	AgeUncertain bool
	Sex          string
	Citizenship  []string
	Contact      string
	// SafeToContact: the person confirmed that Contact may be used (a
	// phone can be in the hands of whoever exploits them).
	SafeToContact bool
	Erased        bool
}

// Encounter is where and when a first responder met the person.
type Encounter struct {
	Date    Date
	Place   string // sealed: a place can point to where someone is
	Country string
}

// Case is one episode of a person's passage through the mechanism.
type Case struct {
	ID                string
	Reference         string
	OrgID             string // the organisation that created it
	State             State
	Child             bool // under 18 at the encounter, or age uncertain: presumed a child
	Person            Person
	Encounter         Encounter
	ExploitationTypes []string
	CreatedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Version           int64

	Episode       int    // 1 for a person's first case; re-opening makes the next
	PreviousCase  string // the episode before, when re-opened
	Profile       string // the jurisdiction profile whose clocks apply
	ClosedReason  string
	ClosedOn      Date
	NRMAcceptedOn Date // when the competent authority accepted the NRM referral

	// The identification track's own status, kept apart from the
	// episode's: closing a case keeps where identification stood.
	IdentificationState State  // never StateClosed
	Outcome             string // Outcome*: what the track ended in, "" while under way
}

// What the identification track came to. A decline by the competent
// authority and a negative reasonable-grounds decision are each what they
// are, never a negative conclusive decision.
const (
	OutcomeDeclined      = "declined-by-authority"
	OutcomeRGPositive    = "positive-reasonable-grounds"
	OutcomeRGNegative    = "negative-reasonable-grounds"
	OutcomeCGPositive    = "positive-conclusive-grounds"
	OutcomeCGNegative    = "negative-conclusive-grounds"
	OutcomeWithdrewNRM   = "withdrew-from-nrm"
	OutcomeReconsidering = "reconsideration"
)

// Outcomes lists every identification outcome.
var Outcomes = []string{OutcomeDeclined, OutcomeRGPositive, OutcomeRGNegative, OutcomeCGPositive, OutcomeCGNegative,
	OutcomeWithdrewNRM, OutcomeReconsidering}

// EpisodeStatus is "open" or "closed": the case file's own status.
func (c Case) EpisodeStatus() string {
	if c.State == StateClosed {
		return "closed"
	}
	return "open"
}

// Identification is the identification state, also of a closed case.
func (c Case) Identification() State {
	if c.IdentificationState == "" && c.State != StateClosed {
		return c.State
	}
	return c.IdentificationState
}

// PersonInput and CaseInput hold a request as given; Validate turns them
// into domain values and names the first bad field.
type PersonInput struct {
	GivenName    string   `json:"given_name"`
	FamilyName   string   `json:"family_name"`
	Aliases      []string `json:"aliases"`
	DateOfBirth  string   `json:"date_of_birth"`
	AgeUncertain bool     `json:"age_uncertain"`
	Sex          string   `json:"sex"`
	Citizenship  []string `json:"citizenship"`
	Contact      string   `json:"contact"`
	// SafeToContact says the contact may be used; absent means not known to be safe.
	SafeToContact bool `json:"safe_to_contact"`
}

type EncounterInput struct {
	Date    string `json:"date"`
	Place   string `json:"place"`
	Country string `json:"country"`
}

type CaseInput struct {
	Person            PersonInput    `json:"person"`
	Encounter         EncounterInput `json:"encounter"`
	ExploitationTypes []string       `json:"exploitation_types"`
}

// Validate checks a new case against today's date and returns it normalised.
func (in CaseInput) Validate(today Date) (Case, error) {
	p, err := in.Person.validate(today)
	if err != nil {
		return Case{}, err
	}
	enc, err := in.Encounter.validate(today)
	if err != nil {
		return Case{}, err
	}
	if !p.DateOfBirth.IsZero() && enc.Date.Before(p.DateOfBirth) {
		return Case{}, Invalid("encounter.date", "the encounter cannot be before the date of birth")
	}
	types, err := validateExploitation(in.ExploitationTypes)
	if err != nil {
		return Case{}, err
	}
	c := Case{Person: p, Encounter: enc, ExploitationTypes: types, State: StateEncountered}
	c.Child = PresumedChild(p, enc.Date)
	return c, nil
}

// PresumedChild applies CETS 197 Art. 10(3): uncertain age means a child.
func PresumedChild(p Person, at Date) bool {
	if p.AgeUncertain {
		return true
	}
	if p.DateOfBirth.IsZero() {
		return false
	}
	return p.DateOfBirth.YearsAt(at) < AdultAge
}

func (in PersonInput) validate(today Date) (Person, error) {
	var p Person
	var err error
	if p.GivenName, err = Text("person.given_name", in.GivenName, 200); err != nil {
		return p, err
	}
	if p.FamilyName, err = Text("person.family_name", in.FamilyName, 200); err != nil {
		return p, err
	}
	if len(in.Aliases) > 20 {
		return p, Invalid("person.aliases", "at most 20 aliases")
	}
	for _, a := range in.Aliases {
		a, err := Text("person.aliases", a, 200)
		if err != nil {
			return p, err
		}
		if a != "" {
			p.Aliases = append(p.Aliases, a)
		}
	}
	if p.GivenName == "" && p.FamilyName == "" && len(p.Aliases) == 0 {
		// The message speaks of what every form has (a given or family
		// name); the API's aliases count too, but the new-case form has none.
		return p, Invalid("person.given_name", "a name is required: record the name the person gives, even if only a first name or the name they go by")
	}
	if in.DateOfBirth != "" {
		if p.DateOfBirth, err = ParseDate("person.date_of_birth", in.DateOfBirth); err != nil {
			return p, err
		}
		if p.DateOfBirth.After(today) {
			return p, Invalid("person.date_of_birth", "cannot be in the future")
		}
	}
	p.AgeUncertain = in.AgeUncertain
	p.Sex = strings.TrimSpace(in.Sex)
	if p.Sex == "" {
		p.Sex = "unknown"
	}
	if !slices.Contains(Sexes, p.Sex) {
		return p, Invalid("person.sex", "one of: %s", strings.Join(Sexes, ", "))
	}
	if len(in.Citizenship) > 5 {
		return p, Invalid("person.citizenship", "at most 5 citizenships")
	}
	for _, c := range in.Citizenship {
		cc, err := ParseCountry("person.citizenship", c, false)
		if err != nil {
			return p, err
		}
		if !slices.Contains(p.Citizenship, cc) {
			p.Citizenship = append(p.Citizenship, cc)
		}
	}
	if p.Contact, err = Text("person.contact", in.Contact, 1000); err != nil {
		return p, err
	}
	p.SafeToContact = in.SafeToContact
	return p, nil
}

func (in EncounterInput) validate(today Date) (Encounter, error) {
	var e Encounter
	var err error
	if strings.TrimSpace(in.Date) == "" {
		return e, Invalid("encounter.date", "the date of the encounter is required")
	}
	if e.Date, err = ParseDate("encounter.date", in.Date); err != nil {
		return e, err
	}
	if e.Date.After(today) {
		return e, Invalid("encounter.date", "cannot be in the future")
	}
	if e.Place, err = Text("encounter.place", in.Place, 200); err != nil {
		return e, err
	}
	if e.Country, err = ParseCountry("encounter.country", in.Country, true); err != nil {
		return e, err
	}
	return e, nil
}

func validateExploitation(in []string) ([]string, error) {
	if len(in) == 0 {
		return []string{"unknown"}, nil
	}
	var out []string
	for _, t := range in {
		t = strings.TrimSpace(t)
		if !slices.Contains(ExploitationTypes, t) {
			return nil, Invalid("exploitation_types", "unknown type %q; one of: %s", t, strings.Join(ExploitationTypes, ", "))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Text trims a free-text value and checks that it is valid UTF-8 without
// control characters and no longer than max runes.
func Text(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", Invalid(field, "not valid UTF-8 text")
	}
	if utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "at most %d characters", max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return "", Invalid(field, "control characters are not allowed")
		}
	}
	return s, nil
}

// CaseView is a case as one actor may see it: Person is filled only when
// Readable holds the identity compartment.
type CaseView struct {
	Case
	Access    Access
	Readable  Scope
	Flags     []Flag
	Deadlines []Deadline
	Episodes  []EpisodeRef // the person's other episodes this viewer may know of
	// Warnings name what the mechanism cannot do for this case (no
	// child-protection body to notify, ...); never personal data.
	Warnings []Warning
	// Guardian is a child's guardian, for viewers who read identity.
	Guardian *Guardian
	// NonPunishment is "raised" while a non-punishment record of the case
	// is open, for viewers who read justice (CETS 197 Art. 26).
	NonPunishment string
}

// EpisodeRef points to another episode of the same person.
type EpisodeRef struct {
	CaseID    string
	Reference string
	Episode   int
	State     State
}

// Flag kinds.
const (
	FlagPossibleDuplicate     = "possible-duplicate"      // the person matches a person of an open case
	FlagPossibleRetrafficking = "possible-re-trafficking" // the person matches a person of a closed case
)

// Flag tells an organisation that a person it holds matches a person known
// elsewhere. It carries no data of the other case: only which organisation
// to contact, and the flag's id to quote.
type Flag struct {
	ID        string
	Kind      string
	CaseID    string // the viewer's case
	OtherOrg  Organisation
	CreatedAt time.Time
	// For the coordinator's overview: both sides' organisations.
	NewCaseOrg     Organisation
	MatchedCaseOrg Organisation
}

// Note is free text in one compartment of a case, sealed at rest.
type Note struct {
	ID          string
	CaseID      string
	Compartment Compartment
	Text        string
	AuthorID    string
	AuthorOrg   string
	CreatedAt   time.Time
}

// NoteInput is a new note as given.
type NoteInput struct {
	Compartment string `json:"compartment"`
	Text        string `json:"text"`
}

// Validate checks a note.
func (in NoteInput) Validate() (Note, error) {
	c := Compartment(in.Compartment)
	if !c.Valid() {
		return Note{}, Invalid("compartment", "one of: identity, support, justice")
	}
	t, err := Text("text", in.Text, 20000)
	if err != nil {
		return Note{}, err
	}
	if t == "" {
		return Note{}, Invalid("text", "the note is empty")
	}
	return Note{Compartment: c, Text: t}, nil
}
