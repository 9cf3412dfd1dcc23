package web

// The case lifecycle pages: the case file (header, clocks, timeline and a
// section per part of the track, each with its form), the referrals inbox
// of a receiving organisation, the "due soon / overdue" dashboard and the
// anonymous notification.
//
// Every form on the case page has a name ("consent", "referral", ...). Its
// inputs carry the service's field names, and the ids "form.field", so that
// an error names one input on a page of many forms and the error summary
// links to it. A bad form re-renders the page with 422, the message next to
// the input and what was typed; a step out of order re-renders it with 409
// and the service's message.

import (
	"fmt"
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/screening"
	"github.com/nrmproject/nrm/service"
)

// labels are the English names of the codes the pages show; templates pass
// them through t like every other string. A code without a label shows as itself.
var labels = map[string]string{
	// States.
	string(nrm.StateEncountered):               "Encountered",
	string(nrm.StateReferred):                  "Referred",
	string(nrm.StateAwaitingReasonableGrounds): "Awaiting reasonable-grounds decision",
	string(nrm.StateRecoveryPeriod):            "Recovery period",
	string(nrm.StateAwaitingConclusiveGrounds): "Awaiting conclusive-grounds decision",
	string(nrm.StateIdentified):                "Identified",
	string(nrm.StateNotIdentified):             "Not identified",
	string(nrm.StateClosed):                    "Closed",
	// Clocks.
	nrm.DeadlineRG:            "Reasonable-grounds decision due",
	nrm.DeadlineRecoveryEnd:   "Recovery and reflection period ends",
	nrm.DeadlineCG:            "Conclusive-grounds decision target",
	nrm.DeadlinePermitExpiry:  "Residence permit expires",
	nrm.DeadlinePlanReview:    "Support plan review due",
	nrm.DeadlineConsentExpiry: "Consent expires",
	// The clocks of the justice and return tracks (web/tracks.go).
	nrm.DeadlineHearing:        "Hearing",
	nrm.DeadlineReturnFollowUp: "Follow-up after the return due",
	// Decisions.
	nrm.ReasonableGrounds: "Reasonable grounds",
	nrm.ConclusiveGrounds: "Conclusive grounds",
	nrm.Positive:          "Positive",
	nrm.Negative:          "Negative",
	// Screening.
	screening.DeceptiveRecruitment:              "Deceptive recruitment",
	screening.CoerciveRecruitment:               "Coercive recruitment",
	screening.RecruitmentAbuseOfVulnerability:   "Recruitment by abuse of vulnerability",
	screening.ExploitativeConditions:            "Exploitative conditions of work",
	screening.CoercionAtDestination:             "Coercion at destination",
	screening.AbuseOfVulnerabilityAtDestination: "Abuse of vulnerability at destination",
	screening.TraffickingIndicated:              "Indicators of trafficking: every dimension the ILO/EC rule needs is indicated",
	screening.PartlyIndicated:                   "Some dimensions indicated, not all that the ILO/EC rule needs",
	screening.NotIndicated:                      "No dimension indicated",
	"set:adult-labour":                          "Adult, labour exploitation",
	"set:child-labour":                          "Child, labour exploitation",
	string(screening.Strong):                    "strong",
	string(screening.Medium):                    "medium",
	string(screening.Weak):                      "weak",
	// Consent purposes and statuses.
	"referral":            "Referral",
	"assistance":          "Assistance",
	"information-sharing": "Information sharing",
	"legal-proceedings":   "Legal proceedings",
	"return":              "Return",
	nrm.ConsentGiven:      "Given",
	nrm.ConsentWithdrawn:  "Withdrawn",
	nrm.ConsentExpired:    "Expired",
	// Compartments.
	string(nrm.Identity): "Who the person is",
	string(nrm.Support):  "Support",
	string(nrm.Justice):  "Justice",
	// Referral statuses.
	nrm.ReferralPending:  "Pending",
	nrm.ReferralAccepted: "Accepted",
	nrm.ReferralDeclined: "Declined",
	// Closure reasons.
	"goals-met":     "Support goals met",
	"transferred":   "Transferred to another organisation",
	"withdrew":      "The person withdrew",
	"lost-contact":  "Lost contact",
	"returned":      "Returned to the country of origin",
	"deceased":      "Deceased",
	"re-trafficked": "Re-trafficked",
	"other":         "Other",
	// Timeline.
	"encounter": "Encounter",
	"screening": "Screening",
	"consent":   "Consent",
	"decision":  "Decision",
	"state":     "State",
	"episode":   "Episode",
	"note":      "Note",
	// Sexes, age bands and exploitation types.
	"female":              "Female",
	"male":                "Male",
	"unknown":             "Not known",
	"forced-labour":       "Forced labour",
	"sexual-exploitation": "Sexual exploitation",
	"domestic-servitude":  "Domestic servitude",
	"forced-criminality":  "Forced criminality",
	"forced-begging":      "Forced begging",
	"forced-marriage":     "Forced marriage",
	"organ-removal":       "Organ removal",
	"child-labour":        "Child labour",
	"illegal-adoption":    "Illegal adoption",
	"surrogacy":           "Surrogacy",
	"forced-military":     "Forced military service",
	"55+":                 "55 or older",
	// The protection track.
	"accommodation":                    "Accommodation",
	"medical":                          "Medical care",
	"psychological":                    "Psychological support",
	"legal":                            "Legal advice",
	"interpretation":                   "Interpretation",
	"education":                        "Education",
	"employment":                       "Employment",
	"safety":                           "Safety",
	"documents":                        "Documents",
	"financial":                        "Money",
	"family-contact":                   "Contact with family",
	"Education":                        "Education",
	"Financial":                        "Financial",
	"Health":                           "Health",
	"LabourExploitationRehabilitation": "Rehabilitation after labour exploitation",
	"Legal":                            "Legal",
	"Livelihood":                       "Livelihood",
	"RightsBasedTraining":              "Rights-based training",
	"SexualExploitationRehabilitation": "Rehabilitation after sexual exploitation",
	"SocialCare":                       "Social care",
	"victim-of-trafficking":            "Victim of trafficking",
	"recovery-reflection":              "Recovery and reflection period",
	"humanitarian":                     "Humanitarian grounds",
	"asylum":                           "Asylum",
	nrm.ResidenceApplied:               "Applied for",
	nrm.ResidenceGranted:               "Granted",
	"needs":                            "Needs",
	"support-plan":                     "Support plan",
	"service":                          "Service",
	"residence":                        "Residence",
	// Organisation kinds.
	string(nrm.KindPolice):             "Police",
	string(nrm.KindBorderGuard):        "Border guard",
	string(nrm.KindLabourInspectorate): "Labour inspectorate",
	string(nrm.KindProsecutor):         "Prosecutor",
	string(nrm.KindCourt):              "Court",
	string(nrm.KindSocialServices):     "Social services",
	string(nrm.KindChildProtection):    "Child protection",
	string(nrm.KindNGO):                "NGO",
	string(nrm.KindShelter):            "Shelter",
	string(nrm.KindLegalAid):           "Legal aid",
	string(nrm.KindOmbudsman):          "Ombudsman",
	string(nrm.KindCompetentAuthority): "Competent authority",
	string(nrm.KindCoordinator):        "National co-ordinator",
	string(nrm.KindTrialMonitor):       "Trial monitor",
	string(nrm.KindInternational):      "International organisation",
}

// stateExplained says in plain words what a state means and what is awaited.
var stateExplained = map[nrm.State]string{
	nrm.StateEncountered:               "A possible victim was met. Screen with the indicators if it helps, then refer the case to the competent authority: an adult only with their informed consent (otherwise record an anonymous notification); a child needs no consent.",
	nrm.StateReferred:                  "Referred to the competent authority. Waiting for it to accept the referral.",
	nrm.StateAwaitingReasonableGrounds: "The competent authority has the referral. Waiting for its reasonable-grounds decision.",
	nrm.StateRecoveryPeriod:            "Positive reasonable-grounds decision: the recovery and reflection period runs. The person may not be removed and receives assistance. Waiting for the evidence for the conclusive-grounds decision.",
	nrm.StateAwaitingConclusiveGrounds: "The evidence is gathered. Waiting for the conclusive-grounds decision.",
	nrm.StateIdentified:                "Formally identified as a victim of trafficking. Support goes on until the case is closed.",
	nrm.StateNotIdentified:             "The competent authority did not identify the person. The decision can be reconsidered; support may go on.",
	nrm.StateClosed:                    "The case is closed. If the person needs the mechanism again, re-open it as a new, linked episode.",
}

// saved are the confirmations shown after a form's redirect (?saved=...).
var saved = map[string]string{
	"track":      "Saved.",
	"screening":  "The screening was recorded.",
	"consent":    "The consent was recorded.",
	"withdrawn":  "The consent was withdrawn. Access that rested on it has ended.",
	"referral":   "The referral was sent.",
	"rwithdrawn": "The referral was withdrawn.",
	"decision":   "The decision was recorded.",
	"await":      "The case now awaits the conclusive-grounds decision.",
	"reconsider": "The decision is being reconsidered.",
	"closed":     "The case was closed.",
	"reopened":   "This is the new episode, linked to the closed one.",
	"note":       "The note was added.",
	"accepted":   "You accepted the referral. The case is now shared with your organisation.",
	"declined":   "You declined the referral.",
	"support":    "Saved.",
	"notified":   "The anonymous notification was recorded. It holds no personal data.",
}

func flash(r *http.Request) string {
	if m, ok := saved[r.URL.Query().Get("saved")]; ok {
		return localizerFor(r).T(m)
	}
	return ""
}

// labeller gives templates the label of a code: {{t $.L ($.Data.Label .State)}}.
type labeller struct{}

func (labeller) Label(code any) string {
	c := fmt.Sprint(code)
	if l, ok := labels[c]; ok {
		return l
	}
	return c
}

// input is one labelled input of a named form.
type input struct {
	L                                  Localizer
	ID, Name, Label, Hint, Type, Value string
	Error                              string
}

// formState is what a page of many forms needs to draw each input: the
// values typed and the errors, keyed by "form.field".
type formState struct {
	L        Localizer
	Errs     map[string]string
	Values   map[string]string
	OpenForm string // the form drawn open: the one that failed, or the one asked for
}

// In draws an input of form with the service's field name.
func (f formState) In(form, name, label, hint, typ string) input {
	id := form + "." + name
	return input{L: f.L, ID: id, Name: name, Label: label, Hint: hint, Type: typ, Value: f.Values[id], Error: f.Errs[id]}
}

// Val is the value typed into an input, or "".
func (f formState) Val(id string) string { return f.Values[id] }

// Err is the error of an input, or "".
func (f formState) Err(id string) string { return f.Errs[id] }

// Open says whether a form's <details> is drawn open.
func (f formState) Open(form string) bool { return f.OpenForm == form }

// orgSelect is a select of organisations of a named form.
type orgSelect struct {
	L                                   Localizer
	ID, Name, Label, Hint, Value, Error string
	Orgs                                []orgOption
}

type orgOption struct{ ID, Name, Kind string }

// OrgSelect draws a select of every other organisation.
func (p casePage) OrgSelect(form, name, label, hint string) orgSelect {
	id := form + "." + name
	o := orgSelect{L: p.L, ID: id, Name: name, Label: label, Hint: hint, Value: p.Values[id], Error: p.Errs[id]}
	for _, org := range p.Recipients {
		o.Orgs = append(o.Orgs, orgOption{ID: org.ID, Name: org.Name, Kind: p.Label(org.Kind)})
	}
	return o
}

// choice is a select of codes of a named form.
type choice struct {
	L                                   Localizer
	ID, Name, Label, Hint, Value, Error string
	Options                             []option
}

type option struct{ Value, Label string }

// Select draws a select of codes, each shown by its label.
func (p casePage) Select(form, name, label, hint string, codes []string) choice {
	id := form + "." + name
	c := choice{L: p.L, ID: id, Name: name, Label: label, Hint: hint, Value: p.Values[id], Error: p.Errs[id]}
	for _, code := range codes {
		c.Options = append(c.Options, option{Value: code, Label: p.Label(code)})
	}
	return c
}

// clock is a deadline as a page shows it.
type clock struct {
	nrm.Deadline
	Days    int // from today: negative when overdue
	Overdue bool
}

func clockOf(d nrm.Deadline, today nrm.Date) clock {
	days := int(d.Due.Time().Sub(today.Time()).Hours() / 24)
	return clock{Deadline: d, Days: days, Overdue: days < 0}
}

// Abs is the number of days either way.
func (c clock) Abs() int {
	if c.Days < 0 {
		return -c.Days
	}
	return c.Days
}

type dimGroup struct {
	Dimension  string
	Indicators []screening.Indicator
}

type consentRow struct {
	nrm.Consent
	Status    string
	Recipient string
	CanUse    bool // given and current: a referral may rest on it
}

type referralRow struct {
	nrm.Referral
	To       string
	From     string
	Withdraw bool // the viewer's organisation may withdraw it
}

type eventRow struct {
	nrm.Event
	Org string
}

type casePerms struct {
	Screen, Consent, Refer, Decide, Close, Note bool
	Support                                     bool // reads the protection track
	SupportWrite                                bool // records on it
}

type residenceRow struct {
	nrm.Residence
	Status string
}

// supportPart is the protection track as the case page shows it.
type supportPart struct {
	service.Protection
	Residence                                 []residenceRow
	NeedTypes, PlanTypes, ServiceTypes, Bases []string
}
