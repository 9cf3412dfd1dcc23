package web

// The referrals inbox of a receiving organisation.

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

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
