package web

// The one place where codes become words: every page shows a state, a kind,
// a role or an exploitation type by its label, never by its slug. Templates
// call {{label .}} (or a page's .Label) and pass the result through t, so
// that a catalogue translates the label like any other string.

import (
	"fmt"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/screening"
)

// labels are the English names of the codes the pages show; templates pass
// them through t like every other string. A code without a label shows as itself.
var labels = map[string]string{
	"partner-instance": "partner instance abroad",
	// How a profile counts the days of a target (jurisdiction.Counting).
	"business": "working",
	"calendar": "calendar",
	// Themes of the clearinghouse (themes.go).
	"identification":         "Identification",
	"victim-support":         "Support for victims",
	"child-trafficking":      "Trafficking in children",
	"labour-exploitation":    "Labour exploitation",
	"roma-and-minorities":    "Roma and minority communities",
	"self-identification":    "Self-identification",
	"compensation":           "Compensation",
	"access-to-justice":      "Access to justice",
	"non-punishment":         "Non-punishment",
	"prosecution":            "Prosecution",
	"safe-return":            "Safe return",
	"transnational-referral": "Transnational referral",
	"data-and-monitoring":    "Data and monitoring",
	"prevention":             "Prevention",
	"coordination":           "Co-ordination",
	"training":               "Training",
	"legislation":            "Legislation",
	// Kinds of library material (clearinghouse.go; training, legislation and other as above).
	"handbook":  "Handbook",
	"research":  "Research",
	"guideline": "Guideline",
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
	// Closure reasons that had no words of their own (issue 14).
	nrm.CloseWithdrewFromNRM:  "The person withdrew from the NRM",
	nrm.CloseMissing:          "The person went missing",
	nrm.CloseNegativeDecision: "Negative decision",
	nrm.CloseDetainedRemoved:  "Detained or removed",
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
	// Kinds of co-ordination event and of activity (coordination.go).
	"focal-point-meeting":  "Focal-point meeting",
	"roundtable":           "Roundtable",
	"side-event":           "Side event",
	"expert-exchange":      "Exchange of experts",
	"technical-assistance": "Technical assistance",
	"legislative-review":   "Review of legislation",
	"awareness":            "Awareness raising",
	"monitoring":           "Monitoring",
	"meeting":              "Meeting",
	// Self-referrals from the help page (selfreferral.go).
	nrm.SelfReferralNew:       "New",
	nrm.SelfReferralConverted: "Case opened",
	"phone":                   "Phone call",
	"sms":                     "Text message (SMS)",
	"email":                   "E-mail",
	"messenger":               "Messaging app",
	"in-person":               "In person",
}

// roleLabels name the roles; a role is looked up apart from the other codes
// because "coordinator" is also an organisation kind with another label.
var roleLabels = map[nrm.Role]string{
	nrm.RoleAdmin:          "Administrator",
	nrm.RoleCoordinator:    "Co-ordinator",
	nrm.RoleFirstResponder: "First responder",
	nrm.RoleCaseWorker:     "Case worker",
	nrm.RoleDecisionMaker:  "Decision-maker",
	nrm.RoleLegalAdvisor:   "Legal advisor",
	nrm.RoleLawEnforcement: "Law enforcement",
	nrm.RoleTrialMonitor:   "Trial monitor",
	nrm.RoleAnalyst:        "Analyst",
	nrm.RoleAuditor:        "Auditor",
}

// label is the English label of a code, or the code itself when it has none.
func label(code any) string {
	if r, ok := code.(nrm.Role); ok {
		return roleLabel(r)
	}
	c := fmt.Sprint(code)
	if l, ok := labels[c]; ok {
		return l
	}
	if l, ok := trackLabels[c]; ok {
		return l
	}
	return c
}

// roleLabel is the English name of a role (an nrm.Role, or its name as a
// string: the audit log keeps roles as text).
func roleLabel(role any) string {
	r := nrm.Role(fmt.Sprint(role))
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}
