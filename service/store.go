package service

import (
	"context"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// Store is what the service needs of a database: transactions that fix
// "now", and a consistent snapshot of the audit log. The service decides
// every access; the store only keeps and returns rows (cmd/nrm wires
// sqlstore in).
type Store interface {
	// Write runs fn in a read-write transaction, committed when fn returns nil.
	Write(ctx context.Context, fn func(Tx) error) error
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// ReadOne runs a single-statement read without a transaction.
	ReadOne(ctx context.Context, fn func(Tx) error) error
	// Now is the store's clock (injectable in tests).
	Now() time.Time
	// OpenAuditSource opens a consistent snapshot of the audit log.
	OpenAuditSource(ctx context.Context) (AuditSource, error)
	// Compact reclaims the space of erased rows.
	Compact(ctx context.Context) error
}

// AuditSource is a snapshot of the audit log for verification.
type AuditSource interface {
	auditlog.Source
	Close() error
}

// Tx is one transaction of the store. Its Now is fixed for the whole
// transaction.

type Tx interface {
	Time() time.Time
	ExchangeStore
	// Justice and safe return (service/justice_store.go).
	JusticeTx
	StatsStore
	ReportStore  // the yearly report (service/report.go)
	ReindexStore // name indexes of an older normalisation (service/reindex.go)
	// NRM country assessments (service/assessments.go).
	AssessmentStore
	// Trial monitoring (service/trials.go).
	TrialStore
	// Exports: HTCDS and k-anonymous microdata (service/exports.go).
	ExportStore
	// Single sign-on and passkeys (service/sso_store.go).
	SSOTx
	// Co-ordination: events, follow-ups, activities (service/coordination.go).
	CoordinationStore
	// The clearinghouse (service/clearinghouse.go).
	ClearinghouseStore
	// Self-referrals and the mail outbox (service/help_store.go).
	HelpStore
	// Reconsideration requests (sqlstore/reconsideration.go).
	InsertReconsideration(ctx context.Context, x nrm.ReconsiderationRecord) error
	Reconsideration(ctx context.Context, id string) (nrm.ReconsiderationRecord, error)
	Reconsiderations(ctx context.Context, caseID string) ([]nrm.ReconsiderationRecord, error)
	AnswerReconsideration(ctx context.Context, id, status string, sealed []byte, by string) error
	ReopenReferral(ctx context.Context, id string) error
	// OpenChildCaseCountries counts open children's cases by encounter country.
	OpenChildCaseCountries(ctx context.Context) (map[string]int, error)
	// AccessFacts returns what decides an organisation's access to a case.
	AccessFacts(ctx context.Context, caseID, orgID string) (nrm.AccessFacts, error)
	// AccessFactsOfMany is AccessFactsOf for a page of cases, in two queries.
	AccessFactsOfMany(ctx context.Context, cases []nrm.Case, orgID string) (map[string]nrm.AccessFacts, error)
	// AccessFactsOf is AccessFacts for a case already read.
	AccessFactsOf(ctx context.Context, c nrm.Case, orgID string) (nrm.AccessFacts, error)
	// AllFlags returns the newest flags, for coordinators.
	AllFlags(ctx context.Context, limit int) ([]nrm.FlagRecord, error)
	// AppendAudit appends entries to the audit log inside this transaction and
	AppendAudit(ctx context.Context, signer *auditlog.Signer, entries []auditlog.Entry) (auditlog.Checkpoint, error)
	// AuditEntries lists entries newest first.
	AuditEntries(ctx context.Context, f nrm.AuditFilter) ([]auditlog.StoredEntry, error)
	// Case returns one case with its person.
	Case(ctx context.Context, id string) (nrm.CaseRecord, error)
	// CaseFlags returns the flags on either side of a case.
	CaseFlags(ctx context.Context, caseID string) ([]nrm.FlagRecord, error)
	// CaseReferences returns the references of cases, by id (audit log page).
	CaseReferences(ctx context.Context, ids []string) (map[string]string, error)
	// CaseIDByReference finds a case by its human-readable reference.
	CaseIDByReference(ctx context.Context, ref string) (string, error)
	// CaseIDs lists every case id, for maintenance and benchmark tools.
	CaseIDs(ctx context.Context) ([]string, error)
	// Cases lists the cases an organisation is involved in, newest first.
	Cases(ctx context.Context, f nrm.CaseFilter) ([]nrm.CaseRecord, error)
	// Checkpoint returns the signed checkpoint of one tree size.
	CheckpointAt(ctx context.Context, size uint64) ([]byte, error)
	// ClearDeadline stops a clock; refID "" with kind stops every clock of that kind.
	ClearDeadline(ctx context.Context, caseID, kind, refID string) error
	// ClearDeadlines stops every clock of a case (it is closed).
	ClearDeadlines(ctx context.Context, caseID string) error
	// CountDataKeysUnder counts live keys still wrapped under a KEK version.
	CountDataKeysUnder(ctx context.Context, version uint32) (int, error)
	// CountDue counts the filter's deadlines overdue (before today) and due from today on.
	CountDue(ctx context.Context, f nrm.DueFilter, today nrm.Date) (overdue, soon int, err error)
	// DataKeysUnder lists up to limit live keys wrapped under a KEK version other than current.
	DataKeysNotUnder(ctx context.Context, current uint32, limit int) ([]nrm.DataKeyRecord, error)
	// DeadlinesOf returns the clocks of several cases, by case.
	DeadlinesOf(ctx context.Context, caseIDs []string) (map[string][]nrm.Deadline, error)
	// DeleteExpiredSessions removes sessions idle since before idle or created before absolute.
	DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) error
	// DeleteUserSessions signs a user out everywhere (disabled, or password changed).
	DeleteUserSessions(ctx context.Context, userID string) error
	// DestroyDataKey overwrites a wrapped key: crypto-shredding.
	DestroyDataKey(ctx context.Context, id string) error
	// DueDeadlines lists deadlines due on or before Until, soonest (most overdue) first.
	DueDeadlines(ctx context.Context, f nrm.DueFilter) ([]nrm.DueItem, error)
	// Episodes lists every case of a person, oldest first.
	Episodes(ctx context.Context, personID string) ([]nrm.EpisodeRef, error)
	// Erase removes everything sealed or indexed about a person, once its data
	Erase(ctx context.Context, personID, caseID, reason, by string) error
	// ErasePerson removes every sealed field of a person, after the key is gone.
	ErasePerson(ctx context.Context, id string) error
	// Events returns a case's timeline, oldest first, without the events of
	Events(ctx context.Context, caseID string, scope nrm.Scope) ([]nrm.Event, error)
	// InsertCase stores a new case; its person must be inserted first.
	InsertCase(ctx context.Context, c nrm.CaseRecord) error
	// InsertPersonIndex stores blind index values of a person.
	InsertPersonIndex(ctx context.Context, personID, kind string, values []string) error
	// LatestCheckpoint returns the newest signed checkpoint, or nil when the log is empty.
	LatestCheckpoint(ctx context.Context) ([]byte, error)
	// LeafHashes returns the stored leaf hashes 0..size-1, for proofs.
	LeafHashes(ctx context.Context, size uint64) ([][]byte, error)
	// MatchingCases finds cases of other persons with the same index value.
	MatchingCases(ctx context.Context, kind, value, excludePerson string) ([]nrm.MatchRecord, error)
	// NeedsAssessments lists a case's needs assessments, oldest first.
	NeedsAssessments(ctx context.Context, caseID string) ([]nrm.NeedsRecord, error)
	// Notes returns a case's notes in the given compartments, oldest first.
	Notes(ctx context.Context, caseID string, compartments []nrm.Compartment) ([]nrm.NoteRecord, error)
	// Notifications lists an organisation's anonymous notifications, newest first.
	Notifications(ctx context.Context, orgID string, limit int) ([]nrm.Notification, error)
	// Org returns one organisation, or a not-found error.
	Org(ctx context.Context, id string) (nrm.Organisation, error)
	// Plans lists a case's support plans, oldest first.
	Plans(ctx context.Context, caseID string) ([]nrm.PlanRecord, error)
	// ReferralsTo lists an organisation's incoming referrals in a status, oldest first.
	ReferralsTo(ctx context.Context, orgID, status string, limit int) ([]nrm.ReferralRecord, error)
	// RenewResidence records a renewal if the permit is still at the version read.
	RenewResidence(ctx context.Context, p nrm.Residence) error
	// ReplaceRecoveryCodes stores new hashed codes and forgets the old ones.
	ReplaceRecoveryCodes(ctx context.Context, userID string, hashes []string) error
	// ResidencePermit loads one permit.
	ResidencePermit(ctx context.Context, id string) (nrm.Residence, error)
	// ResidencePermits lists a case's residence permits, oldest first.
	ResidencePermits(ctx context.Context, caseID string) ([]nrm.Residence, error)
	// RespondReferral settles a pending referral at the version read.
	RespondReferral(ctx context.Context, id string, version int64, status string, sealedReason []byte, by string) error
	// RewrapDataKey replaces a wrapped key, only if it is still the one read.
	RewrapDataKey(ctx context.Context, id string, old, wrapped []byte, version uint32) error
	// Services lists the services given in a case, oldest first.
	Services(ctx context.Context, caseID string) ([]nrm.ServiceRecord, error)
	// nrm.SessionRecord returns a session with its user and the user's organisation kind.
	Session(ctx context.Context, idHash string) (nrm.SessionRecord, error)
	// SetDeadline starts (or moves) a clock.
	SetDeadline(ctx context.Context, d nrm.Deadline) error
	// SetTOTP stores a sealed seed; enabled is set once the user proves a code.
	SetTOTP(ctx context.Context, userID string, sealed []byte, enabled bool, step int64) error
	// SigninFailed counts a failure and locks the account until the given time.
	SigninFailed(ctx context.Context, userID string, lockedUntil time.Time) error
	// Sign-in failures of addresses without an active account (issue 15:
	// the same work whether or not an address has an account).
	AddressFailures(ctx context.Context, addressHash string) (failures int, lockedUntil time.Time, err error)
	AddressSigninFailed(ctx context.Context, addressHash string, lockedUntil time.Time) error
	// TokenUser returns the user of an unexpired token.
	TokenUser(ctx context.Context, hash string) (nrm.UserRecord, error)
	// UpdateCaseState moves a case on the track, if the version still matches.
	UpdateCaseState(ctx context.Context, c nrm.Case) error
	// UpdateOrg saves name and country if the version still matches.
	UpdateOrg(ctx context.Context, o nrm.Organisation) error
	// UpdateUser saves name, role and disabled if the version still matches.
	UpdateUser(ctx context.Context, u nrm.User) error
	// UseRecoveryCode marks an unused code used; false when there is none.
	UseRecoveryCode(ctx context.Context, userID, hash string) (bool, error)
	// UseTOTPStep records that the code of a time step was used. It fails when
	UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error)
	// Users lists an organisation's users, or everyone's when orgID is "".
	Users(ctx context.Context, orgID string) ([]nrm.User, error)
	// WithdrawConsent ends a consent if it is still given at the version read.
	WithdrawConsent(ctx context.Context, id string, version int64, by string) error
	// WithdrawReferral ends a pending or accepted referral at the version read.
	WithdrawReferral(ctx context.Context, id string, version int64, by string, sealedReason []byte) error
	Consent(ctx context.Context, id string) (nrm.Consent, error)
	Consents(ctx context.Context, caseID string) ([]nrm.Consent, error)
	DataKey(ctx context.Context, id string) (nrm.DataKeyRecord, error)
	Deadlines(ctx context.Context, caseID string) ([]nrm.Deadline, error)
	Decisions(ctx context.Context, caseID string) ([]nrm.DecisionRecord, error)
	DeleteSession(ctx context.Context, idHash string) error
	InsertConsent(ctx context.Context, c nrm.Consent) error
	InsertDataKey(ctx context.Context, k nrm.DataKeyRecord) error
	InsertDecision(ctx context.Context, d nrm.DecisionRecord) error
	InsertEvent(ctx context.Context, e nrm.Event) error
	InsertFlag(ctx context.Context, f nrm.FlagRecord) error
	InsertNeeds(ctx context.Context, n nrm.NeedsRecord) error
	InsertNote(ctx context.Context, n nrm.NoteRecord) error
	InsertNotification(ctx context.Context, n nrm.Notification) error
	InsertOrg(ctx context.Context, o nrm.Organisation) error
	InsertPerson(ctx context.Context, p nrm.PersonRecord) error
	InsertPlan(ctx context.Context, p nrm.PlanRecord) error
	InsertReferral(ctx context.Context, r nrm.ReferralRecord) error
	InsertResidence(ctx context.Context, p nrm.Residence) error
	InsertScreening(ctx context.Context, s nrm.ScreeningRecord) error
	InsertService(ctx context.Context, s nrm.ServiceRecord) error
	InsertSession(ctx context.Context, s nrm.SessionRecord) error
	InsertToken(ctx context.Context, hash, userID string, expires time.Time) error
	InsertUser(ctx context.Context, u nrm.UserRecord) error
	Orgs(ctx context.Context) ([]nrm.Organisation, error)
	Referral(ctx context.Context, id string) (nrm.ReferralRecord, error)
	Referrals(ctx context.Context, caseID string) ([]nrm.ReferralRecord, error)
	Screenings(ctx context.Context, caseID string) ([]nrm.ScreeningRecord, error)
	SetPassword(ctx context.Context, userID, hash string) error
	SigninSucceeded(ctx context.Context, userID string) error
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	UnusedRecoveryCodes(ctx context.Context, userID string) (int, error)
	User(ctx context.Context, id string) (nrm.UserRecord, error)
	UserByEmail(ctx context.Context, email string) (nrm.UserRecord, error)

	// Corrections of a person and a child's guardian (service/person.go).

	// UpdatePerson saves a corrected person if it is still at the version read and not erased.
	UpdatePerson(ctx context.Context, p nrm.PersonRecord) error
	// DeletePersonIndex removes every blind index value of a person.
	DeletePersonIndex(ctx context.Context, personID string) error
	// SetCaseChild records whether a case is a child's, if still at the version read.
	SetCaseChild(ctx context.Context, caseID string, child bool, version int64) error
	// InsertPersonHistory keeps one correction of a person.
	InsertPersonHistory(ctx context.Context, h nrm.PersonHistoryRecord) error
	// PersonHistory lists the corrections of a person, oldest first.
	PersonHistory(ctx context.Context, personID string) ([]nrm.PersonHistoryRecord, error)
	// SetGuardian records (or replaces) the guardian of a case.
	SetGuardian(ctx context.Context, g nrm.GuardianRecord) error
	// Guardian returns the guardian of a case, or a not-found error.
	Guardian(ctx context.Context, caseID string) (nrm.GuardianRecord, error)

	// A case worker's day (sqlstore/caselist.go).

	// CaseList reads one page of an organisation's case list and its counts, in one query.
	CaseList(ctx context.Context, f nrm.CaseListFilter) (nrm.CaseListResult, error)
	// InvolvedOrgs lists, per case, every organisation involved in it.
	InvolvedOrgs(ctx context.Context, caseIDs []string) (map[string][]string, error)
	// SetAssignment assigns a case, for one organisation, to one of its users.
	SetAssignment(ctx context.Context, a nrm.Assignment) error
	// ClearAssignment leaves a case assigned to nobody of the organisation.
	ClearAssignment(ctx context.Context, caseID, orgID string) error
	// Assignment returns an organisation's assignment of a case, or a not-found error.
	Assignment(ctx context.Context, caseID, orgID string) (nrm.Assignment, error)
	// SeenAt is when the user last opened their list of what is new (zero: never).
	SeenAt(ctx context.Context, userID string) (time.Time, error)
	// SetSeen marks what is new as seen by the user.
	SetSeen(ctx context.Context, userID string, at time.Time) error
	// CountReferralsTo counts incoming referrals in a status, and those that came after since.
	CountReferralsTo(ctx context.Context, orgID, status string, since time.Time) (all, after int, err error)
	// FlagsHeldBy lists the newest flags told to an organisation.
	FlagsHeldBy(ctx context.Context, orgID string, limit int) ([]nrm.FlagRecord, error)
	// SetUserLang records the language a user chose for the pages (issue 14).
	SetUserLang(ctx context.Context, userID, lang string) error
}
