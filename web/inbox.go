package web

// The referrals inbox of a receiving organisation.

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// ---------------------------------------------------------------------------
// The referrals inbox.

type inboxPage struct {
	labeller
	formState
	Items   []inboxRow
	CanRead bool
}

// inboxRow is a waiting referral with how long it has waited and whether
// it is a child's.
type inboxRow struct {
	referralRow
	Child   bool
	Waiting int // whole days since it was sent
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
	items, err := w.svc.InboxEntries(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	names, err := w.orgNames(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	p := inboxPage{formState: formState{L: localizerFor(r), Errs: v.FieldErrors, Values: v.Form, OpenForm: failed}}
	today := w.svc.Today()
	for _, x := range items {
		p.Items = append(p.Items, inboxRow{referralRow: referralRow{Referral: x.Referral, From: names[x.FromOrg], To: names[x.ToOrg]},
			Child: x.Child, Waiting: daysSince(x.CreatedAt, today)})
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

// daysSince counts the whole days from t's date to today.
func daysSince(t time.Time, today nrm.Date) int {
	return int(today.Time().Sub(nrm.DateOf(t).Time()).Hours() / 24)
}
