package web

// The forms of the case page, one handler a step; a bad form re-renders the
// page with the message at the input (caseFormFailed).

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

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
