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
	"net/url"
	"slices"
	"strconv"
	"strings"

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

// casePage is the case file.
type casePage struct {
	labeller
	formState
	Case        nrm.CaseView
	Notes       []nrm.Note
	Today       nrm.Date
	Explain     string
	Next        []nrm.Step
	Clocks      []clock
	Timeline    []eventRow
	Recipients  []nrm.Organisation
	Screenings  []service.Screening
	Set         *screening.Set
	Sets        []string
	Groups      []dimGroup
	Consents    []consentRow
	Referrals   []referralRow
	Decisions   []nrm.Decision
	Can         casePerms
	Previous    *nrm.EpisodeRef
	DecideKind  string
	Purposes    []string
	Scopes      []nrm.Compartment
	Kinds       []string
	Outcomes    []string
	Closures    []string
	OrgName     map[string]string
	ShowDecided bool
	Support     *supportPart // nil for a viewer who may not read support
	PersonPart  *personPart  // nil for a viewer who may not read identity (web/person.go)
}

// caseFile serves GET /cases/{id}.
func (w *Web) caseFile(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderCasePage(rw, r, s, http.StatusOK, view{Flash: flash(r)}, "")
}

// renderCasePage draws the case file; v may carry a form's errors and
// values, failed names that form.
func (w *Web) renderCasePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, failed string) {
	ctx := r.Context()
	id := r.PathValue("id")
	c, err := w.svc.Case(ctx, id)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	p := casePage{Case: c, Today: w.svc.Today(), Explain: stateExplained[c.State], Next: nrm.NextSteps(c.State),
		Purposes: nrm.ConsentPurposes, Scopes: nrm.Compartments, Kinds: []string{nrm.ReasonableGrounds, nrm.ConclusiveGrounds},
		Outcomes: []string{nrm.Positive, nrm.Negative}, Closures: nrm.CloseReasons, OrgName: map[string]string{}}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	if failed == "" && r.URL.Query().Has("set") {
		failed = "screening" // the indicator list was switched
	}
	p.formState = formState{L: localizerFor(r), Errs: v.FieldErrors, Values: v.Form, OpenForm: failed}
	a, acc, live := s.Actor, c.Access, !c.Person.Erased
	p.Can = casePerms{
		Screen:  live && nrm.Can(a, nrm.ActScreen, acc),
		Consent: live && nrm.Can(a, nrm.ActConsentRecord, acc),
		Refer:   live && c.State != nrm.StateClosed && nrm.Can(a, nrm.ActRefer, acc),
		Decide:  live && nrm.Can(a, nrm.ActDecide, acc),
		Close:   nrm.Can(a, nrm.ActClose, acc),
		Note:    live && len(c.Readable.Compartments()) > 0,
		Support: c.Readable.Has(nrm.Support),
		SupportWrite: live && c.State != nrm.StateClosed && c.Readable.Has(nrm.Support) &&
			nrm.Can(a, nrm.ActSupportWrite, acc),
	}
	for _, d := range c.Deadlines {
		p.Clocks = append(p.Clocks, clockOf(d, p.Today))
	}
	slices.SortFunc(p.Clocks, func(x, y clock) int { return x.Days - y.Days })
	for i := range c.Episodes {
		if c.Episodes[i].CaseID == c.PreviousCase {
			p.Previous = &c.Episodes[i]
		}
	}
	orgs, err := w.svc.Orgs(ctx)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	for _, o := range orgs {
		p.OrgName[o.ID] = o.Name
		if o.ID != a.OrgID {
			p.Recipients = append(p.Recipients, o)
		}
	}
	// Competent authorities first: the NRM referral is the usual one.
	slices.SortStableFunc(p.Recipients, func(x, y nrm.Organisation) int {
		return boolRank(x.Kind == nrm.KindCompetentAuthority) - boolRank(y.Kind == nrm.KindCompetentAuthority)
	})

	if p.PersonPart, err = w.personPart(ctx, a, c, v.Form); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if p.Notes, err = w.svc.Notes(ctx, c.ID); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	events, err := w.svc.Timeline(ctx, c.ID)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	for _, e := range events {
		p.Timeline = append(p.Timeline, eventRow{Event: e, Org: p.OrgName[e.ActorOrg]})
	}
	consents, err := w.svc.Consents(ctx, c.ID)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	for _, k := range consents {
		st := k.StatusOn(p.Today)
		p.Consents = append(p.Consents, consentRow{Consent: k, Status: st, Recipient: p.OrgName[k.RecipientOrg], CanUse: st == nrm.ConsentGiven && k.Purpose == nrm.PurposeReferral})
	}
	refs, err := w.svc.Referrals(ctx, c.ID)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	for _, x := range refs {
		p.Referrals = append(p.Referrals, referralRow{Referral: x, To: p.OrgName[x.ToOrg], From: p.OrgName[x.FromOrg],
			Withdraw: live && x.FromOrg == a.OrgID && nrm.Can(a, nrm.ActRefer, acc) &&
				(x.Status == nrm.ReferralPending || x.Status == nrm.ReferralAccepted)})
	}
	if p.Decisions, err = w.svc.Decisions(ctx, c.ID); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if c.Readable.Has(nrm.Identity) {
		if p.Screenings, err = w.svc.Screenings(ctx, c.ID); err != nil {
			w.fail(rw, r, s, err)
			return
		}
	}

	if p.Can.Support {
		prot, err := w.svc.Protection(ctx, c.ID)
		if err != nil {
			w.fail(rw, r, s, err)
			return
		}
		sp := &supportPart{Protection: prot, NeedTypes: nrm.NeedTypes, PlanTypes: nrm.PlanTypes,
			ServiceTypes: nrm.ServiceTypes, Bases: nrm.ResidenceBases}
		for _, x := range prot.Residence {
			sp.Residence = append(sp.Residence, residenceRow{Residence: x, Status: x.StatusOn(p.Today)})
		}
		p.Support = sp
	}

	// The screening form: the set chosen (?set=, or the one sent), else the
	// one for the person's age.
	for _, st := range w.svc.Indicators().Sets() {
		p.Sets = append(p.Sets, st.Name)
	}
	setName := v.Form["screening.indicator_set"]
	if setName == "" {
		setName = r.URL.Query().Get("set")
	}
	set, ok := w.svc.Indicators().Set(setName)
	if !ok {
		def := "adult-labour"
		if c.Child {
			def = "child-labour"
		}
		if set, ok = w.svc.Indicators().Set(def); !ok && len(w.svc.Indicators().Sets()) > 0 {
			set = w.svc.Indicators().Sets()[0]
		}
	}
	if set != nil {
		p.Set = set
		for _, d := range set.Dimensions {
			g := dimGroup{Dimension: d}
			for _, ind := range set.Indicators {
				if ind.Dimension == d {
					g.Indicators = append(g.Indicators, ind)
				}
			}
			p.Groups = append(p.Groups, g)
		}
	}

	p.DecideKind = nrm.ConclusiveGrounds
	if c.State == nrm.StateAwaitingReasonableGrounds {
		p.DecideKind = nrm.ReasonableGrounds
	}
	p.ShowDecided = c.State == nrm.StateAwaitingReasonableGrounds || c.State == nrm.StateRecoveryPeriod ||
		c.State == nrm.StateAwaitingConclusiveGrounds
	today := p.Today.String()
	for k, def := range map[string]string{"decision.decided_on": today, "consent.given_on": today,
		"screening.screened_on": today, "decision.kind": p.DecideKind, "needs.assessed_on": today, "plan.starts_on": today,
		"service.started_on": today, "residence.applied_on": today} {
		if _, ok := v.Form[k]; !ok {
			v.Form[k] = def
		}
	}
	v.Data = p
	w.render(rw, r, s, status, "case", v)
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// caseFormFailed answers a case-page form that failed: bad input re-renders
// the page with 422 and the message at the input, a step out of order with
// 409 and the message; anything else is an error page.
func (w *Web) caseFormFailed(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, form string, values map[string]string) {
	w.formFailed(rw, r, s, err, form, values, func(status int, v view) { w.renderCasePage(rw, r, s, status, v, form) })
}

// formFailed re-renders a page of several forms after one failed: its
// fields are named form.field, so the message stands at the right input.
func (w *Web) formFailed(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, form string,
	values map[string]string, render func(status int, v view)) {
	e := nrm.AsError(err)
	v := view{Form: map[string]string{}, FieldErrors: map[string]string{}}
	for k, val := range values {
		v.Form[form+"."+k] = val
	}
	switch e.Code {
	case nrm.CodeInvalid:
		shown := *e
		if e.Field != "" {
			shown.Field = form + "." + e.Field
			v.FieldErrors[shown.Field] = e.Message
		}
		v.Errors = []*nrm.Error{&shown}
	case nrm.CodeConflict:
		v.Errors = []*nrm.Error{e}
	default:
		w.fail(rw, r, s, err)
		return
	}
	render(statusOf(e.Code), v)
}

func (w *Web) backToCase(rw http.ResponseWriter, r *http.Request, caseID, what, anchor string) {
	http.Redirect(rw, r, "/cases/"+caseID+"?saved="+what+"#"+anchor, http.StatusSeeOther)
}

// screen records a screening: POST /cases/{id}/screenings.
func (w *Web) screen(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := service.ScreeningInput{IndicatorSet: r.PostFormValue("indicator_set"), Indicators: r.PostForm["indicators"],
		ScreenedOn: r.PostFormValue("screened_on"), Evidence: map[string]string{}}
	values := map[string]string{"indicator_set": in.IndicatorSet, "screened_on": in.ScreenedOn}
	for _, id := range in.Indicators {
		values["tick."+id] = "1"
	}
	var bad error
	for k, vals := range r.PostForm {
		id, ok := strings.CutPrefix(k, "evidence.")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		values[k] = vals[0]
		if !slices.Contains(in.Indicators, id) {
			if bad == nil {
				bad = nrm.Invalid(k, "you wrote evidence for an indicator that is not ticked: tick it, or clear the note")
			}
			continue
		}
		in.Evidence[id] = vals[0]
	}
	if bad == nil {
		if _, err := w.svc.Screen(r.Context(), r.PathValue("id"), in); err != nil {
			bad = err
		}
	}
	if bad != nil {
		w.caseFormFailed(rw, r, s, bad, "screening", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "screening", "screening")
}

// recordConsent: POST /cases/{id}/consents.
func (w *Web) recordConsent(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.ConsentInput{Purpose: r.PostFormValue("purpose"), RecipientOrg: r.PostFormValue("recipient_org"),
		Scope: r.PostForm["scope"], Expires: r.PostFormValue("expires"), GivenOn: r.PostFormValue("given_on"),
		Language: r.PostFormValue("language"), Interpreter: r.PostFormValue("interpreter") == "true"}
	values := map[string]string{"purpose": in.Purpose, "recipient_org": in.RecipientOrg, "expires": in.Expires,
		"given_on": in.GivenOn, "language": in.Language, "interpreter": r.PostFormValue("interpreter")}
	for _, sc := range in.Scope {
		values["scope."+sc] = "1"
	}
	if _, err := w.svc.RecordConsent(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "consent", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "consent", "consent")
}

// withdrawConsent: POST /cases/{id}/consents/{consent}/withdraw.
func (w *Web) withdrawConsent(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	k, err := w.svc.WithdrawConsent(r.Context(), r.PathValue("consent"))
	if err != nil {
		w.caseFormFailed(rw, r, s, err, "withdraw-"+r.PathValue("consent"), nil)
		return
	}
	w.backToCase(rw, r, k.CaseID, "withdrawn", "consent")
}

// refer: POST /cases/{id}/referrals.
func (w *Web) refer(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.ReferralInput{ToOrg: r.PostFormValue("to_org"), Reason: r.PostFormValue("reason"), ConsentID: r.PostFormValue("consent_id")}
	values := map[string]string{"to_org": in.ToOrg, "reason": in.Reason, "consent_id": in.ConsentID}
	if _, err := w.svc.Refer(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "referral", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "referral", "referrals")
}

// withdrawReferral: POST /cases/{id}/referrals/{referral}/withdraw.
func (w *Web) withdrawReferral(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	reason := r.PostFormValue("reason")
	x, err := w.svc.WithdrawReferral(r.Context(), r.PathValue("referral"), reason)
	if err != nil {
		w.caseFormFailed(rw, r, s, err, "withdraw-"+r.PathValue("referral"), map[string]string{"reason": reason})
		return
	}
	w.backToCase(rw, r, x.CaseID, "rwithdrawn", "referrals")
}

// decide: POST /cases/{id}/decisions.
func (w *Web) decide(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.DecisionInput{Kind: r.PostFormValue("kind"), Outcome: r.PostFormValue("outcome"),
		DecidedOn: r.PostFormValue("decided_on"), Reasons: r.PostFormValue("reasons")}
	values := map[string]string{"kind": in.Kind, "outcome": in.Outcome, "decided_on": in.DecidedOn, "reasons": in.Reasons}
	if _, _, err := w.svc.Decide(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "decision", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "decision", "decisions")
}

// awaitConclusive: POST /cases/{id}/await-conclusive.
func (w *Web) awaitConclusive(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if _, err := w.svc.AwaitConclusive(r.Context(), r.PathValue("id")); err != nil {
		w.caseFormFailed(rw, r, s, err, "await", nil)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "await", "decisions")
}

// reconsider: POST /cases/{id}/reconsider.
func (w *Web) reconsider(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	reason := r.PostFormValue("reason")
	if _, err := w.svc.Reconsider(r.Context(), r.PathValue("id"), reason); err != nil {
		w.caseFormFailed(rw, r, s, err, "reconsider", map[string]string{"reason": reason})
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "reconsider", "decisions")
}

// closeCase: POST /cases/{id}/close.
func (w *Web) closeCase(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.CloseInput{Reason: r.PostFormValue("reason"), Note: r.PostFormValue("note"), ClosedOn: r.PostFormValue("closed_on")}
	values := map[string]string{"reason": in.Reason, "note": in.Note, "closed_on": in.ClosedOn}
	if _, err := w.svc.CloseCase(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "close", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "closed", "top")
}

// reopenCase: POST /cases/{id}/reopen; the new episode opens.
func (w *Web) reopenCase(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	reason := r.PostFormValue("reason")
	c, err := w.svc.ReopenCase(r.Context(), r.PathValue("id"), nrm.ReopenInput{Reason: reason})
	if err != nil {
		w.caseFormFailed(rw, r, s, err, "reopen", map[string]string{"reason": reason})
		return
	}
	w.backToCase(rw, r, c.ID, "reopened", "top")
}

// caseNote: POST /cases/{id}/notes.
func (w *Web) caseNote(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.NoteInput{Compartment: r.PostFormValue("compartment"), Text: r.PostFormValue("text")}
	if _, err := w.svc.AddNote(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "note", map[string]string{"compartment": in.Compartment, "text": in.Text})
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "note", "notes")
}

// addNeeds: POST /cases/{id}/needs.
func (w *Web) addNeeds(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.NeedsInput{AssessedOn: r.PostFormValue("assessed_on"), Needs: r.PostForm["needs"], Notes: r.PostFormValue("notes")}
	values := map[string]string{"assessed_on": in.AssessedOn, "notes": in.Notes}
	for _, n := range in.Needs {
		values["needs."+n] = "1"
	}
	if _, err := w.svc.AddNeeds(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "needs", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "support", "support")
}

// addPlan: POST /cases/{id}/plans.
func (w *Web) addPlan(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.PlanInput{Type: r.PostFormValue("type"), Objectives: r.PostFormValue("objectives"), ActionPlan: r.PostFormValue("action_plan"),
		StartsOn: r.PostFormValue("starts_on"), PlannedEnd: r.PostFormValue("planned_end"), ReviewOn: r.PostFormValue("review_on")}
	values := map[string]string{"type": in.Type, "objectives": in.Objectives, "action_plan": in.ActionPlan,
		"starts_on": in.StartsOn, "planned_end": in.PlannedEnd, "review_on": in.ReviewOn}
	if _, err := w.svc.AddPlan(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "plan", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "support", "support")
}

// addService: POST /cases/{id}/services.
func (w *Web) addService(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.ServiceInput{Type: r.PostFormValue("type"), Provider: r.PostFormValue("provider"), StartedOn: r.PostFormValue("started_on"),
		EndedOn: r.PostFormValue("ended_on"), Notes: r.PostFormValue("notes")}
	values := map[string]string{"type": in.Type, "provider": in.Provider, "started_on": in.StartedOn, "ended_on": in.EndedOn, "notes": in.Notes}
	if _, err := w.svc.AddService(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "service", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "support", "support")
}

// addResidence: POST /cases/{id}/residence.
func (w *Web) addResidence(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.ResidenceInput{Basis: r.PostFormValue("basis"), AppliedOn: r.PostFormValue("applied_on"),
		GrantedOn: r.PostFormValue("granted_on"), ExpiresOn: r.PostFormValue("expires_on")}
	values := map[string]string{"basis": in.Basis, "applied_on": in.AppliedOn, "granted_on": in.GrantedOn, "expires_on": in.ExpiresOn}
	if _, err := w.svc.AddResidence(r.Context(), r.PathValue("id"), in); err != nil {
		w.caseFormFailed(rw, r, s, err, "residence", values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "support", "support")
}

// renewResidence: POST /cases/{id}/residence/{permit}/renew.
func (w *Web) renewResidence(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := "renew-" + r.PathValue("permit")
	in := nrm.RenewalInput{RenewedOn: r.PostFormValue("renewed_on"), ExpiresOn: r.PostFormValue("expires_on")}
	values := map[string]string{"renewed_on": in.RenewedOn, "expires_on": in.ExpiresOn}
	v, err := formVersion(r)
	if err == nil {
		in.Version = v
		_, err = w.svc.RenewResidence(r.Context(), r.PathValue("permit"), in)
	}
	if err != nil {
		w.caseFormFailed(rw, r, s, err, form, values)
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "support", "support")
}

// ---------------------------------------------------------------------------
// The referrals inbox.

type inboxPage struct {
	labeller
	formState
	Items   []referralRow
	CanRead bool
}

// inboxPage serves GET /referrals: what waits for the viewer's organisation.
func (w *Web) inboxPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderInbox(rw, r, s, http.StatusOK, view{Flash: flash(r)}, "")
}

func (w *Web) renderInbox(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, failed string) {
	if !nrm.Can(s.Actor, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient}) {
		w.fail(rw, r, s, nrm.Forbidden("your role does not answer referrals"))
		return
	}
	items, err := w.svc.Inbox(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	orgs, err := w.svc.Orgs(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	p := inboxPage{formState: formState{L: localizerFor(r), Errs: v.FieldErrors, Values: v.Form, OpenForm: failed}}
	for _, x := range items {
		p.Items = append(p.Items, referralRow{Referral: x, From: names[x.FromOrg], To: names[x.ToOrg]})
	}
	v.Data = p
	w.render(rw, r, s, status, "referrals", v)
}

// acceptReferral: POST /referrals/{id}/accept; the case opens.
func (w *Web) acceptReferral(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	x, err := w.svc.AcceptReferral(r.Context(), r.PathValue("id"))
	if err != nil {
		w.inboxFailed(rw, r, s, err, "accept-"+r.PathValue("id"), nil)
		return
	}
	http.Redirect(rw, r, "/cases/"+x.CaseID+"?saved=accepted", http.StatusSeeOther)
}

// declineReferral: POST /referrals/{id}/decline, with a reason.
func (w *Web) declineReferral(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	reason := r.PostFormValue("reason")
	if _, err := w.svc.DeclineReferral(r.Context(), r.PathValue("id"), reason); err != nil {
		w.inboxFailed(rw, r, s, err, "decline-"+r.PathValue("id"), map[string]string{"reason": reason})
		return
	}
	http.Redirect(rw, r, "/referrals?saved=declined", http.StatusSeeOther)
}

func (w *Web) inboxFailed(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, form string, values map[string]string) {
	w.formFailed(rw, r, s, err, form, values, func(status int, v view) { w.renderInbox(rw, r, s, status, v, form) })
}

// ---------------------------------------------------------------------------
// Due soon / overdue.

type dueRow struct {
	clock
	Reference string
	State     nrm.State
	Org       string
	Open      bool // the viewer may open the case
}

func dueRowOf(it nrm.DueItem, today nrm.Date, org string, open bool) dueRow {
	return dueRow{clock: clockOf(it.Deadline, today), Reference: it.Reference, State: it.State, Org: org, Open: open}
}

type dueTable struct {
	Title, Intro string
	Board        service.Dashboard
	Rows         []dueRow
	ShowOrg      bool
}

type duePage struct {
	labeller
	Tables []dueTable
	Within int
}

// duePage serves GET /due: the clocks of the organisation's cases, and for
// a coordinator every case's (references and organisations only).
func (w *Web) duePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	within := 14
	if q := r.URL.Query().Get("within"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 366 {
			w.fail(rw, r, s, nrm.Invalid("within", "a number of days from 1 to 366"))
			return
		}
		within = n
	}
	mine, err := w.svc.Deadlines(r.Context(), false, within)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	orgs, err := w.svc.Orgs(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	p := duePage{Within: within}
	own := dueTable{Title: "Your organisation's cases", Board: mine,
		Intro: "The clocks of the cases your organisation holds that run out in the days chosen, and every one that has run out."}
	involved := map[string]bool{}
	for _, it := range mine.Items {
		involved[it.CaseID] = true
		own.Rows = append(own.Rows, dueRowOf(it, mine.Today, names[it.OrgID], true))
	}
	p.Tables = append(p.Tables, own)
	if nrm.Can(s.Actor, nrm.ActDeadlinesAll, nrm.Access{}) {
		all, err := w.svc.Deadlines(r.Context(), true, within)
		if err != nil {
			w.fail(rw, r, s, err)
			return
		}
		t := dueTable{Title: "Every case (co-ordinator's overview)", Board: all, ShowOrg: true,
			Intro: "References and the organisations that hold them, nothing of the person. A case opens only where your organisation is involved in it."}
		for _, it := range all.Items {
			t.Rows = append(t.Rows, dueRowOf(it, all.Today, names[it.OrgID], involved[it.CaseID] || it.OrgID == s.Actor.OrgID))
		}
		p.Tables = append(p.Tables, t)
	}
	w.render(rw, r, s, http.StatusOK, "due", view{Data: p})
}

// ---------------------------------------------------------------------------
// Anonymous notification.

type notifyPage struct {
	labeller
	Sexes, AgeBands, Types []string
}

// notifyData offers the adult age bands only: an anonymous notification is
// for an adult (a person of unknown age is presumed a child, and a child is
// referred), so the form neither offers nor presets "unknown".
func notifyData() notifyPage {
	return notifyPage{Sexes: nrm.Sexes, AgeBands: nrm.AdultAgeBands(), Types: nrm.ExploitationTypes}
}

// notifyPage serves GET /notify.
func (w *Web) notifyPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if !nrm.Can(s.Actor, nrm.ActNotify, nrm.Access{}) {
		w.fail(rw, r, s, nrm.Forbidden("your role does not record notifications"))
		return
	}
	form := map[string]string{"notified_on": w.svc.Today().String(), "sex": "unknown", "age_band": "", "exploitation_type": "unknown"}
	w.render(rw, r, s, http.StatusOK, "notify", view{Flash: flash(r), Form: form, Data: notifyData()})
}

// notify: POST /notify.
func (w *Web) notify(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{}
	for _, k := range []string{"notified_on", "sex", "age_band", "nationality", "exploitation_type", "country", "region"} {
		form[k] = r.PostFormValue(k)
	}
	in := nrm.NotificationInput{NotifiedOn: form["notified_on"], Sex: form["sex"], AgeBand: form["age_band"],
		Nationality: form["nationality"], ExploitationType: form["exploitation_type"], Country: form["country"], Region: form["region"]}
	if _, err := w.svc.Notify(r.Context(), in); err != nil {
		if v, ok := formError(err); ok {
			v.Form, v.Data = form, notifyData()
			w.render(rw, r, s, http.StatusUnprocessableEntity, "notify", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/notify?"+url.Values{"saved": {"notified"}}.Encode(), http.StatusSeeOther)
}
