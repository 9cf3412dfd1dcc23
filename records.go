package nrm

import (
	"errors"
	"time"
)

// The records below are rows as the store keeps them: personal fields are
// sealed ([]byte) and opened only by the service, for a viewer who may read
// them. They live in the domain so that the service depends on an
// interface of the store, never on the store itself.

// DataKeyRecord is a wrapped per-person (or per-user) data key. Wrapped is nil
// once the key has been destroyed.
type DataKeyRecord struct {
	ID          string
	Wrapped     []byte
	KEKVersion  uint32
	DestroyedAt time.Time
}

// PersonRecord is a person as stored: identifying fields sealed.
type PersonRecord struct {
	ID            string
	GivenName     []byte
	FamilyName    []byte
	Aliases       []byte
	DateOfBirth   []byte
	Contact       []byte
	AgeUncertain  bool
	SafeToContact bool
	Sex           string
	Citizenship   []string
	ErasedAt      time.Time
	CreatedAt     time.Time
	Version       int64
}

// CaseRecord is a case joined with its person, as stored.
type CaseRecord struct {
	Case
	EncounterPlace []byte
	Person         PersonRecord
	// PersonKey is the person's wrapped data key, nil once destroyed.
	PersonKey []byte
	// Counts of what hangs off the case, read with it by a single-case read
	// (not by lists) so that a read of a case with one episode, no flags and
	// no clocks (most cases) asks nothing more of the database. They come
	// from the same snapshot as the case.
	Counts CaseCounts
}

// CaseCounts says how many episodes the case's person has (0: not read),
// whether the case has duplicate flags and running clocks, and whether a
// non-punishment record of it is open (raised).
type CaseCounts struct {
	Episodes                           int
	HasFlags, HasClocks, NonPunishment bool
}

// CaseFilter narrows a list of cases. OrgID is required: lists are always
// scoped to the cases one organisation is involved in.
type CaseFilter struct {
	OrgID string
	State State
	After string // id to continue after, for paging (cases are listed newest first)
	Limit int
	// NameIndex holds blind index values of name tokens: only cases whose
	// person has every one of them are listed.
	NameIndex []string
}

// ScreeningRecord is a screening as stored; Evidence is sealed.
type ScreeningRecord struct {
	ID, CaseID, Set, Outcome string
	Indicators, Met          []string
	Evidence                 []byte
	ScreenedOn               Date
	CreatedBy, CreatedOrg    string
	CreatedAt                time.Time
}

// ReferralRecord is a referral as stored; the reasons are sealed.
type ReferralRecord struct {
	Referral
	SealedReason   []byte
	SealedResponse []byte
	PersonID       string
	PersonKey      []byte // the person's wrapped key, to open the reasons
	Child          bool
}

// DecisionRecord is a decision as stored; the reasons are sealed.
type DecisionRecord struct {
	Decision
	SealedReasons []byte
}

// DueFilter selects deadlines up to a date. OrgID "" means every case (the
// coordinator's overview); otherwise the cases the organisation created or
// holds an accepted referral of.
type DueFilter struct {
	OrgID        string
	Until        Date
	Limit        int
	ExcludeKinds []string // kinds the viewer may not see
}

// MatchRecord is a case whose person has a given blind index value.
type MatchRecord struct {
	CaseID   string
	PersonID string
	OrgID    string
	State    State
}

// FlagRecord is a stored flag between two cases.
type FlagRecord struct {
	ID          string
	Kind        string
	CaseID      string
	CaseOrg     string
	MatchedCase string
	MatchedOrg  string
	CreatedAt   time.Time
}

// NoteRecord is a note as stored: the body sealed.
type NoteRecord struct {
	Note
	PersonID string
	Body     []byte
}

// NeedsRecord is a needs assessment as stored; Notes is sealed.
type NeedsRecord struct {
	Needs
	SealedNotes []byte
}

// PlanRecord is a support plan as stored; objectives and action plan are sealed.
type PlanRecord struct {
	Plan
	SealedObjectives []byte
	SealedActionPlan []byte
}

// ServiceRecord is a service given as stored; provider and notes are
// sealed. The provider column is text, so its ciphertext is kept there in
// base64.
type ServiceRecord struct {
	Service
	SealedProvider []byte
	SealedNotes    []byte
}

// SessionRecord is a web sign-in. Only the hash of its secret is stored.
type SessionRecord struct {
	IDHash     string
	UserID     string
	Stage      string // "password" (second factor pending), "enrol" (second factor to set up), "full"
	CSRF       string
	CreatedAt  time.Time
	LastSeenAt time.Time
	User       UserRecord
}

// UserRecord is a user with what sign-in needs. TOTPSecret is sealed.
type UserRecord struct {
	User
	OrgKind       OrgKind
	PasswordHash  string
	TOTPSecret    []byte
	TOTPLastStep  int64
	FailedSignins int
	LockedUntil   time.Time
}

// The kinds of blind index kept of a person.
const (
	IndexName    = "name"     // one row per normalised name token
	IndexNameDOB = "name-dob" // all name tokens, sorted, plus the date of birth
)

// ErrDuplicateReference tells the service to draw another case reference.
var ErrDuplicateReference = errors.New("case reference taken")

// IsDuplicateReference reports whether err is ErrDuplicateReference.
func IsDuplicateReference(err error) bool { return errors.Is(err, ErrDuplicateReference) }
