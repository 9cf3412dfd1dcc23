package web

// What the pages of the tracks beside identification share: the justice
// page (justice.go), the return page (returns.go) and the compensation
// report. Each is a page of its own, linked from the case page.

import (
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
