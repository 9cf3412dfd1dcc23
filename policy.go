package nrm

import "slices"

// Compartment is a part of a case file that roles read separately (DESIGN.md, "Need to know").
type Compartment string

const (
	Identity Compartment = "identity" // who the person is
	Support  Compartment = "support"  // needs, services, health, notes
	Justice  Compartment = "justice"  // proceedings, statements
)

var Compartments = []Compartment{Identity, Support, Justice}

func (c Compartment) Valid() bool { return slices.Contains(Compartments, c) }

// Scope is a set of compartments.
type Scope uint8

func ScopeOf(cs ...Compartment) Scope {
	var s Scope
	for _, c := range cs {
		s |= c.bit()
	}
	return s
}

// FullScope is what the organisation that created a case holds.
var FullScope = ScopeOf(Identity, Support, Justice)

func (c Compartment) bit() Scope {
	switch c {
	case Identity:
		return 1
	case Support:
		return 2
	case Justice:
		return 4
	}
	return 0
}

func (s Scope) Has(c Compartment) bool { return c.bit() != 0 && s&c.bit() != 0 }

func (s Scope) Compartments() []Compartment {
	var out []Compartment
	for _, c := range Compartments {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// Relation is how the actor's organisation stands to a case.
type Relation string

const (
	RelNone      Relation = "none"      // no involvement
	RelOwner     Relation = "owner"     // created the case
	RelPartner   Relation = "partner"   // accepted a referral of it, within a scope
	RelRecipient Relation = "recipient" // has a referral of it pending
)

var Relations = []Relation{RelNone, RelOwner, RelPartner, RelRecipient}

// Access is the actor organisation's standing on one case.
type Access struct {
	Relation Relation
	Scope    Scope // compartments a partner may read; FullScope for the owner
	// Retained: a partner whose sharing ended but who keeps the record of its
	// own decisions (Scope is then empty).
	Retained bool
}

// Action is something an actor asks to do.
type Action string

const (
	ActCaseCreate    Action = "case.create"
	ActCaseList      Action = "case.list"
	ActCaseView      Action = "case.view" // the record: reference, state, dates; no identity
	ActReadIdentity  Action = "case.read.identity"
	ActReadSupport   Action = "case.read.support"
	ActReadJustice   Action = "case.read.justice"
	ActCaseErase     Action = "case.erase"
	ActOrgManage     Action = "org.manage"     // own organisation's settings
	ActUserManage    Action = "user.manage"    // own organisation's users
	ActAuditRead     Action = "audit.read"     // the entries of the auditor's own organisation
	ActAuditReadAll  Action = "audit.read.all" // every entry of the instance
	ActFlagsOverview Action = "flags.overview" // every duplicate flag, without case data

	// The case lifecycle.
	ActScreen          Action = "case.screen"
	ActConsentRecord   Action = "consent.record" // record or withdraw
	ActRefer           Action = "referral.create"
	ActReferralRespond Action = "referral.respond" // accept or decline, by the recipient
	ActDecide          Action = "decision.create"
	ActAskReconsider   Action = "reconsideration.request" // by the referring side, a support provider or a lawyer
	ActSupportWrite    Action = "support.write"           // needs, plans, services, residence
	ActClose           Action = "case.close"              // close, or re-open as a new episode
	ActNotify          Action = "notification.create"
	ActDeadlines       Action = "deadlines.read"     // the organisation's dashboard
	ActDeadlinesAll    Action = "deadlines.overview" // every case's clocks, without case data

	// Corrections of who the person is (spelling, date of birth, contact)
	// and the guardian of a child: writes to the identity compartment.
	ActPersonCorrect Action = "person.correct"

	// Transnational referral (exchange/format.md): trusting a partner
	// instance, and answering the referrals it sends.
	ActPartnerManage   Action = "exchange.partner.manage"
	ActExchangeRespond Action = "exchange.incoming.respond"

	// Assigning a case, for the actor's organisation, to one of its workers
	// (or to nobody): the day's work of an organisation, never another's.
	ActCaseAssign Action = "case.assign"

	// The justice track (justice.go) and safe return (returns.go).
	ActJusticeWrite       Action = "justice.write"       // proceedings, events, non-punishment, compensation
	ActCompensationReport Action = "compensation.report" // sums per currency, no case data
	ActReturnAssess       Action = "return.assess"       // submit a return risk assessment
	ActReturnReview       Action = "return.review"       // approve or reject one (never its author)
	ActReturnRecord       Action = "return.record"       // a return, and its follow-ups

	// Statistics (CONTRACT.md, "Statistics"): cross-tabulations, the
	// yearly report and the privacy ledger, which never carry a person;
	// importing a statistical dataset (no case or person is created).
	ActStatsRead   Action = "statistics.read"
	ActStatsImport Action = "statistics.import"

	// NRM country assessments (assessment.go): the teams write them;
	// frameworks, findings and published summaries are every signed-in
	// user's to read.
	ActAssessmentWrite Action = "assessment.write"
	ActAssessmentRead  Action = "assessment.read"
	// Trial monitoring (trials.go): trials observed by a monitoring
	// organisation, written and read by its monitors only; the findings,
	// which name no trial and no person, are for every signed-in user.
	ActTrialWrite        Action = "trial.write"
	ActTrialRead         Action = "trial.read"
	ActTrialFindingsRead Action = "trial.findings.read"
	// Single sign-on and passkeys (sso.go): an admin maps a provider's
	// claims to their organisation and confirms first sign-ins; every user
	// manages their own passkeys.
	ActSSOManage     Action = "sso.manage"
	ActPasskeyManage Action = "passkey.manage"
	// Co-ordination (coordination.go): co-ordinators and analysts record
	// events and activities, which every signed-in user reads; staff of a
	// follow-up's owner or recorder mark it done (the organisation is the
	// service's to check); the progress report is for co-ordinators,
	// analysts and admins; an admin sees and rotates the calendar feed.
	ActEventWrite     Action = "event.write"
	ActEventRead      Action = "event.read"
	ActFollowUpDone   Action = "event.follow-up.done"
	ActActivityWrite  Action = "activity.write"
	ActActivityRead   Action = "activity.read"
	ActProgressReport Action = "report.progress"
	ActCalendarManage Action = "calendar.manage"
	// The clearinghouse (clearinghouse.go): every signed-in user reads the
	// directory, the library and the practices; co-ordinators and admins
	// of any organisation write them (the national co-ordinator keeps the
	// directory, an NGO's co-ordinator adds its own handbook).
	ActDirectoryRead  Action = "directory.read"
	ActDirectoryWrite Action = "directory.write"
	ActLibraryRead    Action = "library.read"
	ActLibraryWrite   Action = "library.write"
	ActPracticeRead   Action = "practice.read"
	ActPracticeWrite  Action = "practice.write"
	// Help without an account (selfreferral.go): the inbox of the help
	// organisation; converting a self-referral also needs ActCaseCreate.
	ActSelfReferralRead    Action = "selfreferral.read"
	ActSelfReferralConvert Action = "selfreferral.convert" // open a case from it, or close it
)

// rule says who may do an action: which roles, on which relations to the
// case (nil for actions not about one case), and which compartment a partner
// must hold in scope.
type rule struct {
	roles       []Role
	relations   []Relation
	compartment Compartment
	// noLawEnforcementOrg: staff of police-type bodies never do this
	// (support stays apart from the justice track, CETS 197 Art. 12(6)).
	noLawEnforcementOrg bool
	// orgKinds, when set, are the only kinds of organisation whose staff may.
	orgKinds []OrgKind
}

var (
	caseRoles = []Role{RoleCoordinator, RoleFirstResponder, RoleCaseWorker, RoleDecisionMaker, RoleLegalAdvisor, RoleLawEnforcement}
	involved  = []Relation{RelOwner, RelPartner}
	// justiceRoles read and write the justice compartment.
	justiceRoles = []Role{RoleCaseWorker, RoleLegalAdvisor, RoleLawEnforcement, RoleDecisionMaker, RoleCoordinator}
	// returnRoles assess and record returns: support, so never staff of a
	// police-type body (CETS 197 Art. 12(6)).
	returnRoles = []Role{RoleCaseWorker, RoleCoordinator, RoleDecisionMaker}
)

var rules = map[Action]rule{
	ActCaseCreate:   {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement, RoleDecisionMaker}},
	ActCaseList:     {roles: caseRoles},
	ActCaseView:     {roles: caseRoles, relations: involved},
	ActReadIdentity: {roles: caseRoles, relations: involved, compartment: Identity},
	ActReadSupport: {roles: []Role{RoleCoordinator, RoleCaseWorker, RoleDecisionMaker},
		relations: involved, compartment: Support, noLawEnforcementOrg: true},
	// CONTRACT.md, "Access to justice": the readers of the justice compartment.
	ActReadJustice: {roles: justiceRoles, relations: involved, compartment: Justice},
	ActCaseErase:   {roles: []Role{RoleAdmin}, relations: []Relation{RelOwner}},
	ActOrgManage:   {roles: []Role{RoleAdmin}},
	ActUserManage:  {roles: []Role{RoleAdmin}},
	ActAuditRead:   {roles: []Role{RoleAuditor}},
	// The instance-wide views are the national co-ordinator's: a
	// coordinator of another kind of organisation sees its own cases only.
	ActFlagsOverview: {roles: []Role{RoleCoordinator}, orgKinds: []OrgKind{KindCoordinator}},

	ActScreen: {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement, RoleDecisionMaker},
		relations: involved, compartment: Identity},
	ActConsentRecord: {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement, RoleLegalAdvisor, RoleDecisionMaker},
		relations: involved, compartment: Identity},
	ActPersonCorrect: {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement, RoleLegalAdvisor, RoleDecisionMaker},
		relations: involved, compartment: Identity},
	ActRefer: {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement, RoleLegalAdvisor, RoleDecisionMaker, RoleCoordinator},
		relations: involved, compartment: Identity},
	ActReferralRespond: {roles: caseRoles, relations: []Relation{RelRecipient}},
	// Only a decision-maker of a competent authority that accepted a
	// referral of the case decides.
	ActDecide: {roles: []Role{RoleDecisionMaker}, relations: []Relation{RelPartner}, compartment: Identity,
		orgKinds: []OrgKind{KindCompetentAuthority}},
	ActAskReconsider: {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement, RoleLegalAdvisor, RoleCoordinator},
		relations: involved},
	ActSupportWrite: {roles: []Role{RoleCoordinator, RoleCaseWorker}, relations: involved, compartment: Support,
		noLawEnforcementOrg: true},
	ActClose: {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement, RoleDecisionMaker, RoleCoordinator},
		relations: []Relation{RelOwner}},
	ActNotify: {roles: []Role{RoleFirstResponder, RoleCaseWorker, RoleLawEnforcement}},
	// Any case role of an involved organisation hands out, takes on or
	// gives back its own organisation's work on a case.
	ActCaseAssign:   {roles: caseRoles, relations: involved},
	ActDeadlines:    {roles: caseRoles},
	ActDeadlinesAll: {roles: []Role{RoleCoordinator}, orgKinds: []OrgKind{KindCoordinator}},
	// An auditor of a coordinator or ombudsman organisation reads the whole
	// log; any other auditor, their own organisation's entries (ActAuditRead).
	ActAuditReadAll: {roles: []Role{RoleAuditor}, orgKinds: []OrgKind{KindCoordinator, KindOmbudsman}},
	// Trust in another country's instance is the national co-ordinator's to
	// give: its admin registers partners, its co-ordinators answer them.
	ActPartnerManage:   {roles: []Role{RoleAdmin}, orgKinds: []OrgKind{KindCoordinator}},
	ActExchangeRespond: {roles: []Role{RoleCoordinator}, orgKinds: []OrgKind{KindCoordinator}},

	ActJusticeWrite:       {roles: justiceRoles, relations: involved, compartment: Justice},
	ActCompensationReport: {roles: []Role{RoleCoordinator, RoleAnalyst}},
	ActReturnAssess:       {roles: returnRoles, relations: involved, compartment: Support, noLawEnforcementOrg: true},
	// The second person who signs an assessment off (four eyes, CETS 197 Art. 16(2)).
	ActReturnReview: {roles: []Role{RoleDecisionMaker, RoleCoordinator}, relations: involved, compartment: Support,
		noLawEnforcementOrg: true},
	ActReturnRecord: {roles: returnRoles, relations: involved, compartment: Support, noLawEnforcementOrg: true},

	// Statistics are the analysts' and the co-ordinators'.
	ActStatsRead:   {roles: []Role{RoleAnalyst, RoleCoordinator}},
	ActStatsImport: {roles: []Role{RoleAnalyst, RoleCoordinator}},

	// NRM country assessments: a team is the analysts and co-ordinators of
	// a national co-ordinator, an ombudsman, an international organisation
	// or a trial-monitoring organisation.
	ActAssessmentWrite: {roles: []Role{RoleAnalyst, RoleCoordinator}, orgKinds: AssessmentTeamKinds},
	ActAssessmentRead:  {roles: Roles},
	// Trial monitoring: monitors of a monitoring organisation, and no case
	// action at all for them (they never read case files).
	ActTrialWrite:        {roles: []Role{RoleTrialMonitor}, orgKinds: []OrgKind{KindTrialMonitor}},
	ActTrialRead:         {roles: []Role{RoleTrialMonitor}, orgKinds: []OrgKind{KindTrialMonitor}},
	ActTrialFindingsRead: {roles: Roles},
	// Single sign-on: the admin of the organisation a mapping names decides.
	ActSSOManage:     {roles: []Role{RoleAdmin}},
	ActPasskeyManage: {roles: Roles},

	ActEventWrite:     {roles: []Role{RoleCoordinator, RoleAnalyst}},
	ActEventRead:      {roles: Roles},
	ActFollowUpDone:   {roles: followUpRoles},
	ActActivityWrite:  {roles: []Role{RoleCoordinator, RoleAnalyst}},
	ActActivityRead:   {roles: Roles},
	ActProgressReport: {roles: []Role{RoleCoordinator, RoleAnalyst, RoleAdmin}},
	ActCalendarManage: {roles: []Role{RoleAdmin}},
	// The clearinghouse: read by all, written by co-ordinators and admins.
	ActDirectoryRead:  {roles: Roles},
	ActDirectoryWrite: {roles: clearinghouseEditors},
	ActLibraryRead:    {roles: Roles},
	ActLibraryWrite:   {roles: clearinghouseEditors},
	ActPracticeRead:   {roles: Roles},
	ActPracticeWrite:  {roles: clearinghouseEditors},
	// The people who answer a help line: never staff of a police-type body,
	// so that asking for help is not reporting to the police.
	ActSelfReferralRead: {roles: []Role{RoleCoordinator, RoleCaseWorker, RoleFirstResponder},
		noLawEnforcementOrg: true},
	ActSelfReferralConvert: {roles: []Role{RoleCaseWorker, RoleFirstResponder}, noLawEnforcementOrg: true},
}

// followUpRoles mark an event's follow-up done: everyone but auditors,
// who only read.
var followUpRoles = []Role{RoleAdmin, RoleCoordinator, RoleFirstResponder, RoleCaseWorker, RoleDecisionMaker,
	RoleLegalAdvisor, RoleLawEnforcement, RoleTrialMonitor, RoleAnalyst}

// clearinghouseEditors write the directory, the library and the practices.
var clearinghouseEditors = []Role{RoleCoordinator, RoleAdmin}

// Actions lists every action the policy knows.
func Actions() []Action {
	out := make([]Action, 0, len(rules))
	for a := range rules {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Can decides whether actor may do act on a case it stands to as acc.
// Anything the rules do not allow is denied. For actions not about a case,
// acc is ignored. The system actor (the command line) is not decided here:
// the service allows it the administrative commands only.
func Can(actor Actor, act Action, acc Access) bool {
	r, ok := rules[act]
	if !ok || actor.System || actor.UserID == "" {
		return false
	}
	if !slices.Contains(r.roles, actor.Role) {
		return false
	}
	if r.noLawEnforcementOrg && actor.OrgKind.LawEnforcement() {
		return false
	}
	if r.orgKinds != nil && !slices.Contains(r.orgKinds, actor.OrgKind) {
		return false
	}
	if r.relations == nil {
		return true
	}
	if !slices.Contains(r.relations, acc.Relation) {
		return false
	}
	if r.compartment != "" && !acc.Scope.Has(r.compartment) {
		return false
	}
	return true
}
