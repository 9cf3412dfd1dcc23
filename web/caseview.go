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
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/screening"
	"github.com/nrmproject/nrm/service"
)

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

// labeller gives templates the label of a code: {{t $.L ($.Data.Label .State)}}
// (web/labels.go holds the labels).
type labeller struct{}

func (labeller) Label(code any) string { return label(code) }

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
