package nrm

import (
	"slices"
	"strings"
	"time"
)

// The safe-return track (DESIGN.md, "Beside the track"): a return risk
// assessment signed off by a second person, then a voluntary return to a
// named receiving organisation, followed up afterwards. It is in the
// support compartment. No return without a completed risk assessment
// (CETS 197 Art. 16(2), (7): return with due regard for the person's
// rights, safety and dignity; non-refoulement).

// ReturnItem is one item of the structured assessment.
type ReturnItem struct {
	ID     string
	Values []string // nil: free text
	Risk   bool     // a risk item: high bars the return
}

var riskValues = []string{"low", "medium", "high", "unknown"}

// ReturnItems are the items of the assessment (CONTRACT.md, "Safe return"), in order.
var ReturnItems = []ReturnItem{
	{ID: "informed-consent", Values: []string{"yes", "no"}},
	{ID: "alternatives-explained", Values: []string{"yes", "no"}},
	{ID: "protection-claim", Values: []string{"none", "pending", "refused", "granted"}},
	{ID: "risk-from-traffickers", Values: riskValues, Risk: true},
	{ID: "risk-to-family", Values: riskValues, Risk: true},
	{ID: "stigma", Values: riskValues, Risk: true},
	{ID: "prosecution-at-origin", Values: riskValues, Risk: true},
	{ID: "debts", Values: riskValues, Risk: true},
	{ID: "family-involved", Values: []string{"yes", "no", "unknown"}},
	{ID: "health-care-at-origin", Values: []string{"available", "partly", "unavailable", "unknown"}},
	{ID: "documents", Values: []string{"ready", "pending", "none"}},
	{ID: "pending-proceedings", Values: []string{"none", "remote-participation-arranged", "unresolved"}},
	{ID: "receiving-organisation"},
	{ID: "follow-up-plan"},
}

// Return risk levels and assessment statuses.
const (
	RiskLow    = "low"
	RiskMedium = "medium"
	RiskHigh   = "high"

	AssessmentSubmitted = "submitted"
	AssessmentApproved  = "approved"
	AssessmentRejected  = "rejected"

	BestInterestsReturn   = "return-in-best-interests"
	BestInterestsNoReturn = "return-not-in-best-interests"
)

var (
	AssessmentStatuses    = []string{AssessmentSubmitted, AssessmentApproved, AssessmentRejected}
	BestInterestsOutcomes = []string{BestInterestsReturn, BestInterestsNoReturn}
	FollowUpSituations    = []string{"safe", "at-risk", SituationRetrafficked, "unknown"}
)

// SituationRetrafficked in a follow-up re-opens the person's file.
const SituationRetrafficked = "re-trafficked"

// DeadlineReturnFollowUp is the clock of a follow-up after a return.
const DeadlineReturnFollowUp = "return-follow-up"

// FollowUpMonths are when a return is followed up.
var FollowUpMonths = []int{3, 6, 12}

// DefaultAssessmentValidity is how long an approved assessment carries a
// return, in days, unless the jurisdiction profile says otherwise.
const DefaultAssessmentValidity = 90

// BestInterestsInput is a child's best-interests determination (CETS 197
// Art. 16(7)), as given.
type BestInterestsInput struct {
	DoneOn   string `json:"done_on"`
	Guardian string `json:"guardian"`
	Outcome  string `json:"outcome"`
}

// BestInterests is a child's best-interests determination.
type BestInterests struct {
	DoneOn   Date   `json:"done_on"`
	Guardian string `json:"guardian"`
	Outcome  string `json:"outcome"`
}

// AssessmentInput is a return risk assessment as given.
type AssessmentInput struct {
	DestinationCountry string              `json:"destination_country"`
	Answers            map[string]string   `json:"answers"`
	Summary            string              `json:"summary"`
	BestInterests      *BestInterestsInput `json:"best_interests_determination"`
}

// Assessment is a return risk assessment. Answers, summary and the
// determination are sealed under the person's key; risk, barred and the
// status stay plain, so the return gate needs no key.
type Assessment struct {
	ID                 string
	CaseID             string
	DestinationCountry string
	Answers            map[string]string
	Summary            string
	BestInterests      *BestInterests
	Risk               string
	Barred             bool
	Status             string
	AssessedOn         Date
	AuthorID           string
	AuthorOrg          string
	ReviewedBy         string
	ReviewReasons      string
	ReviewedOn         Date
	CreatedAt          time.Time
	Version            int64
}

// ValidateFor checks an assessment of a case (child: a determination is
// required) and computes its risk and whether it bars the return.
func (in AssessmentInput) ValidateFor(child bool, today Date) (Assessment, error) {
	var a Assessment
	var err error
	if a.DestinationCountry, err = ParseCountry("destination_country", in.DestinationCountry, true); err != nil {
		return a, err
	}
	a.Answers = map[string]string{}
	for k := range in.Answers {
		if !slices.ContainsFunc(ReturnItems, func(it ReturnItem) bool { return it.ID == k }) {
			return a, Invalid("answers."+k, "unknown item; the items are: %s", strings.Join(returnItemIDs(), ", "))
		}
	}
	for _, it := range ReturnItems {
		field := "answers." + it.ID
		v, ok := in.Answers[it.ID]
		if !ok || strings.TrimSpace(v) == "" {
			return a, Invalid(field, "missing: every item of the assessment is answered")
		}
		if it.Values == nil {
			if v, err = Text(field, v, maxJusticeText); err != nil {
				return a, err
			}
		} else if v, err = oneOf(field, v, it.Values); err != nil {
			return a, err
		}
		a.Answers[it.ID] = v
	}
	if a.Summary, err = Text("summary", in.Summary, 20000); err != nil {
		return a, err
	}
	if in.BestInterests != nil {
		b := BestInterests{}
		if b.DoneOn, err = PastDate("best_interests_determination.done_on", in.BestInterests.DoneOn, today, true); err != nil {
			return a, err
		}
		if b.Guardian, err = Text("best_interests_determination.guardian", in.BestInterests.Guardian, 200); err != nil {
			return a, err
		}
		if b.Guardian == "" {
			return a, Invalid("best_interests_determination.guardian", "name the child's guardian who took part")
		}
		if b.Outcome, err = oneOf("best_interests_determination.outcome", in.BestInterests.Outcome, BestInterestsOutcomes); err != nil {
			return a, err
		}
		a.BestInterests = &b
	}
	if child && a.BestInterests == nil {
		return a, Invalid("best_interests_determination", "the person is a child (or presumed one): a best-interests determination is required before any return (CETS 197 Art. 16(7))")
	}
	a.Risk, a.Barred = AssessRisk(a.Answers, a.BestInterests)
	a.Status, a.AssessedOn = AssessmentSubmitted, today
	return a, nil
}

func returnItemIDs() []string {
	out := make([]string, len(ReturnItems))
	for i, it := range ReturnItems {
		out[i] = it.ID
	}
	return out
}

// AssessRisk computes the risk of a return from the answers: high when any
// risk item is high; medium when any is medium or unknown, or the person
// would return without documents, health care or a resolved proceeding;
// low otherwise. The return is barred without informed consent, while a
// protection claim is pending, at high risk, or when a child's
// determination finds it not in their best interests.
func AssessRisk(answers map[string]string, bid *BestInterests) (risk string, barred bool) {
	risk = RiskLow
	for _, it := range ReturnItems {
		if !it.Risk {
			continue
		}
		switch answers[it.ID] {
		case "high":
			risk = RiskHigh
		case "medium", "unknown":
			if risk == RiskLow {
				risk = RiskMedium
			}
		}
	}
	if risk == RiskLow && (answers["documents"] == "none" || answers["health-care-at-origin"] == "unavailable" ||
		answers["pending-proceedings"] == "unresolved" || answers["family-involved"] == "yes") {
		risk = RiskMedium
	}
	barred = answers["informed-consent"] == "no" || answers["protection-claim"] == "pending" || risk == RiskHigh ||
		bid != nil && bid.Outcome == BestInterestsNoReturn
	return risk, barred
}

// Why lists why an assessment bars a return (empty when it does not).
func (a Assessment) Why() []string {
	var out []string
	if a.Answers["informed-consent"] == "no" {
		out = append(out, "the person has not given informed consent")
	}
	if a.Answers["protection-claim"] == "pending" {
		out = append(out, "a protection claim is pending")
	}
	for _, it := range ReturnItems {
		if it.Risk && a.Answers[it.ID] == "high" {
			out = append(out, it.ID+" is high")
		}
	}
	if a.BestInterests != nil && a.BestInterests.Outcome == BestInterestsNoReturn {
		out = append(out, "the best-interests determination found return not in the child's best interests")
	}
	if len(out) == 0 && a.Barred {
		out = append(out, "the assessment bars a return")
	}
	return out
}

// ReviewInput approves or rejects an assessment.
type ReviewInput struct {
	Reasons string `json:"reasons"`
}

// CheckReview is the four-eyes rule: a second person signs an assessment
// off, never its author; a barred one is never approved.
func (a Assessment) CheckReview(by string, approve bool) error {
	if a.AuthorID == by {
		return Forbidden("the author of an assessment does not sign it off: a second person reviews it")
	}
	if a.Status != AssessmentSubmitted {
		return Conflict("the assessment is %s already", a.Status)
	}
	if approve && a.Barred {
		return Conflict("the assessment bars a return (%s): it cannot be approved", strings.Join(a.Why(), "; "))
	}
	return nil
}

// ReturnInput is a return as given.
type ReturnInput struct {
	AssessmentID string `json:"assessment_id"`
	Date         string `json:"date"`
	Voluntary    *bool  `json:"voluntary"`
	ReceivingOrg string `json:"receiving_org"`
	PartnerID    string `json:"partner_id"`
}

// Return is a voluntary return of the person to their country of origin.
type Return struct {
	ID                 string
	CaseID             string
	AssessmentID       string
	Date               Date
	DestinationCountry string
	ReceivingOrg       string
	PartnerID          string
	CreatedBy          string
	CreatedOrg         string
	CreatedAt          time.Time
	FollowUps          []FollowUp
}

// gateError is the 409 of the return gate, naming the field at fault.
func gateError(field, format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Field: field, Message: english(format, args), Key: format, Args: args}
}

// Validate checks the form of a return. A removal by the authorities is
// never recorded as a return: it is the closure detained-or-removed.
func (in ReturnInput) Validate(today Date) (Return, error) {
	r := Return{AssessmentID: strings.TrimSpace(in.AssessmentID), ReceivingOrg: strings.TrimSpace(in.ReceivingOrg),
		PartnerID: strings.TrimSpace(in.PartnerID)}
	var err error
	if r.Date, err = PastDate("date", in.Date, today, true); err != nil {
		return r, err
	}
	if in.Voluntary == nil {
		return r, Invalid("voluntary", "say whether the return is voluntary (nrm records voluntary returns only)")
	}
	switch {
	case r.ReceivingOrg == "" && r.PartnerID == "":
		return r, Invalid("receiving_org", "name the organisation that receives the person (receiving_org, or partner_id)")
	case r.ReceivingOrg != "" && r.PartnerID != "":
		return r, Invalid("partner_id", "give receiving_org or partner_id, not both")
	case r.ReceivingOrg != "" && !ValidID(r.ReceivingOrg):
		return r, Invalid("receiving_org", "an organisation id is required")
	case r.PartnerID != "" && !ValidID(r.PartnerID):
		return r, Invalid("partner_id", "a transnational partner's id is required")
	}
	if !*in.Voluntary {
		return r, gateError("voluntary", "nrm records voluntary returns only: a removal by the authorities is the closure %s, "+
			"itself refused while identification is pending or the recovery period runs (CETS 197 Art. 10(2), 13, 16)", CloseDetainedRemoved)
	}
	return r, nil
}

// CheckReturnGate is the rule on a return: it rests on an assessment of
// this case, approved, not barred, no older than validDays, and for a
// child with a best-interests determination. found is false when no
// assessment has that id. The refusal is a 409 naming assessment_id.
func CheckReturnGate(a Assessment, found bool, c Case, today Date, validDays int) error {
	const field = "assessment_id"
	switch {
	case !found || a.CaseID != c.ID:
		return gateError(field, "no return risk assessment with this id on this case: assess the return first (CETS 197 Art. 16)")
	case a.Status == AssessmentRejected:
		return gateError(field, "the assessment was rejected: assess the return again")
	case a.Barred:
		return gateError(field, "the assessment bars a return: %s", strings.Join(a.Why(), "; "))
	case a.Status != AssessmentApproved:
		return gateError(field, "the assessment is not approved yet: a second person (decision-maker or co-ordinator) signs it off")
	case a.AssessedOn.AddDays(validDays).Before(today):
		return gateError(field, "the assessment of %s is older than %d days: assess the return again", a.AssessedOn, validDays)
	case c.Child && a.BestInterests == nil:
		return gateError(field, "the person is a child: the assessment needs a best-interests determination")
	}
	return nil
}

// FollowUpInput is a follow-up report after a return, as given.
type FollowUpInput struct {
	Date      string `json:"date"`
	Reached   bool   `json:"reached"`
	Situation string `json:"situation"`
	Notes     string `json:"notes"`
}

// FollowUp is a report on the person after their return. Notes are sealed.
type FollowUp struct {
	ID         string
	ReturnID   string
	CaseID     string
	Date       Date
	Reached    bool
	Situation  string
	Notes      string
	NewCase    string // the episode a re-trafficking opened
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
}

// Validate checks a follow-up.
func (in FollowUpInput) Validate(today Date) (FollowUp, error) {
	f := FollowUp{Reached: in.Reached}
	var err error
	if f.Date, err = PastDate("date", in.Date, today, true); err != nil {
		return f, err
	}
	if f.Situation, err = oneOf("situation", in.Situation, FollowUpSituations); err != nil {
		return f, err
	}
	if f.Notes, err = Text("notes", in.Notes, 20000); err != nil {
		return f, err
	}
	return f, nil
}

// StepReturn is the recording of a return: it closes the episode as
// returned, so it is refused where that closure is.
const StepReturn Step = "a return"

// returnGuard: a case is closed as returned only by recording a return
// (after an approved assessment), never by a bare closure (CONTRACT.md,
// "Rules every path enforces").
func returnGuard(c Case, step Step, detail string) error {
	if step == StepClose && detail == CloseReturned {
		return Conflict("a case is closed as %s only by recording the return, after an approved return risk assessment (CETS 197 Art. 16)", CloseReturned)
	}
	if step == StepReturn {
		if c.State == StateClosed {
			return ErrTransition(c.State, StepReturn)
		}
		return CheckClosure(c.State, CloseReturned)
	}
	return nil
}

// AssessmentRecord is an assessment as stored: answers, summary and the
// determination sealed together (Details), the review's reasons apart.
type AssessmentRecord struct {
	Assessment
	Details       []byte
	SealedReasons []byte
}

// FollowUpRecord is a follow-up as stored; notes sealed.
type FollowUpRecord struct {
	FollowUp
	SealedNotes []byte
}

// FlagRetrafficked tells every organisation involved in a returned case
// that a follow-up found the person re-trafficked; it points to the new
// episode's organisation.
const FlagRetrafficked = "re-trafficked"
