package web

// What the pages of the tracks beside identification share: the justice
// page (justice.go), the return page (returns.go) and the compensation
// report. Each is a page of its own, linked from the case page.

import (
	"fmt"
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// trackForms draws the inputs of a page of several forms.
type trackForms struct {
	labeller
	formState
}

// Select draws a select of codes of a named form.
func (f trackForms) Select(form, name, label, hint string, codes []string) choice {
	id := form + "." + name
	c := choice{L: f.L, ID: id, Name: name, Label: label, Hint: hint, Value: f.Values[id], Error: f.Errs[id]}
	for _, code := range codes {
		c.Options = append(c.Options, option{Value: code, Label: f.Label(code)})
	}
	return c
}

// OrgChoice draws a select of organisations.
func (f trackForms) OrgChoice(form, name, label, hint string, orgs []nrm.Organisation) orgSelect {
	id := form + "." + name
	o := orgSelect{L: f.L, ID: id, Name: name, Label: label, Hint: hint, Value: f.Values[id], Error: f.Errs[id]}
	for _, org := range orgs {
		o.Orgs = append(o.Orgs, orgOption{ID: org.ID, Name: org.Name, Kind: f.Label(org.Kind)})
	}
	return o
}

func newTrackForms(r *http.Request, v *view, failed string) trackForms {
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	return trackForms{formState: formState{L: localizerFor(r), Errs: v.FieldErrors, Values: v.Form, OpenForm: failed}}
}

// registerTracks adds the pages of the justice and return tracks.
func (w *Web) registerTracks(handle func(string, http.Handler)) {
	handle("GET /cases/{id}/justice", w.signedIn(w.justicePage))
	handle("POST /cases/{id}/justice/proceedings", w.signedIn(w.addProceeding))
	handle("POST /cases/{id}/justice/proceedings/{p}/events", w.signedIn(w.addProceedingEvent))
	handle("POST /cases/{id}/justice/non-punishment", w.signedIn(w.addNonPunishment))
	handle("POST /cases/{id}/justice/non-punishment/{n}/status", w.signedIn(w.setNonPunishmentStatus))
	handle("POST /cases/{id}/justice/claims", w.signedIn(w.addClaim))
	handle("POST /cases/{id}/justice/claims/{c}/awards", w.signedIn(w.addAward))
	handle("POST /cases/{id}/justice/claims/{c}/payments", w.signedIn(w.addPayment))
	handle("GET /cases/{id}/return", w.signedIn(w.returnPage))
	handle("POST /cases/{id}/return/assessments", w.signedIn(w.addAssessment))
	handle("POST /cases/{id}/return/assessments/{a}/review", w.signedIn(w.reviewAssessment))
	handle("POST /cases/{id}/return/returns", w.signedIn(w.recordReturn))
	handle("POST /cases/{id}/return/returns/{r}/follow-ups", w.signedIn(w.addFollowUp))
	handle("GET /reports/compensation", w.signedIn(w.compensationReportPage))
}

// trackFailed re-renders a track's page after a form failed: bad input
// with the message at the input (422), a refusal by the rules with its
// message (409); anything else is the error page.
func (w *Web) trackFailed(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, form string, values map[string]string,
	render func(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, failed string)) {
	w.formFailed(rw, r, s, err, form, values, func(status int, v view) { render(rw, r, s, status, v, form) })
}

func backTo(rw http.ResponseWriter, r *http.Request, path, anchor string) {
	http.Redirect(rw, r, path+"?saved=track#"+anchor, http.StatusSeeOther)
}

// trackLabels name the codes of the justice and return tracks on the pages.
var trackLabels = map[string]string{
	"criminal": "Criminal", "civil": "Civil", "labour": "Labour", "administrative": "Administrative",
	"investigation": "Investigation", "prosecution": "Prosecution", "trial": "Trial", "appeal": "Appeal",
	"injured-party": "Injured party", "witness": "Witness", "civil-party": "Civil party", "suspect": "Suspect", "none": "None",
	"hearing": "Hearing", "protective-measure": "Protective measure", "verdict": "Verdict", "sentence": "Sentence", "stage": "Change of stage",
	"closed-session": "Closed session", "video-testimony": "Video testimony", "no-contact": "No contact", "anonymity": "Anonymity",
	"relocation": "Relocation", "police-protection": "Police protection", "identity-change": "Change of identity",
	"requested": "Requested", "ordered": "Ordered", "applied": "Applied", "refused": "Refused", "raised": "Raised",
	"convicted-trafficking": "Convicted of trafficking", "convicted-other": "Convicted of another offence", "acquitted": "Acquitted",
	"dismissed": "Dismissed", "labour-tribunal": "Labour tribunal", "state-fund": "State compensation fund", "settlement": "Settlement",
	"filed": "Filed", "awarded": "Awarded", "partly-paid": "Partly paid", "paid": "Paid",
	"submitted": "Submitted", "approved": "Approved", "rejected": "Rejected", "low": "Low", "medium": "Medium", "high": "High",
	"return-in-best-interests": "Return is in the child's best interests", "return-not-in-best-interests": "Return is not in the child's best interests",
	"informed-consent": "Informed consent to the return", "alternatives-explained": "Alternatives to return explained",
	"protection-claim": "Protection claim (asylum)", "risk-from-traffickers": "Risk from the traffickers", "risk-to-family": "Risk to the family",
	"stigma": "Stigma", "prosecution-at-origin": "Prosecution in the country of origin", "debts": "Debts",
	"family-involved": "Family involved in the trafficking", "health-care-at-origin": "Health care in the country of origin",
	"pending-proceedings": "Proceedings pending here", "receiving-organisation": "Receiving organisation", "follow-up-plan": "Follow-up plan",
	"yes": "Yes", "no": "No", "pending": "Pending", "granted": "Granted", "available": "Available", "partly": "Partly",
	"unavailable": "Unavailable", "ready": "Ready", "remote-participation-arranged": "Remote participation arranged", "unresolved": "Unresolved",
	"safe": "Safe", "at-risk": "At risk", "re-trafficked": "Re-trafficked", "unknown": "Unknown",
}

// Label names a code of the tracks, else as the case page does.
func (f trackForms) Label(code any) string {
	if l, ok := trackLabels[fmt.Sprint(code)]; ok {
		return l
	}
	return f.labeller.Label(code)
}
