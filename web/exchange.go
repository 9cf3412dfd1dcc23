package web

// Transnational referral in the pages: the partner instances with their
// fingerprints grouped for comparison over the phone, and the referrals
// received from them. Every decision is the service's.

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type partnerRow struct {
	nrm.Partner
	Grouped string
}

type partnersPage struct {
	Own         nrm.InstanceIdentity
	OwnGrouped  string
	Gaps        []string
	Partners    []partnerRow
	CanManage   bool
	IdentityVal string
}

// partnersPage serves GET /admin/partners.
func (w *Web) partnersPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderPartners(rw, r, s, http.StatusOK, view{Flash: flash(r)}, "")
}

func (w *Web) renderPartners(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, identity string) {
	ps, err := w.svc.Partners(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	p := partnersPage{CanManage: nrm.Can(s.Actor, nrm.ActPartnerManage, nrm.Access{Relation: nrm.RelNone}), IdentityVal: identity}
	if own, err := w.svc.Identity(); err == nil {
		p.Own, p.OwnGrouped, p.Gaps = own, service.GroupedFingerprint(own.Fingerprint), w.svc.IdentityGaps()
	}
	for _, x := range ps {
		p.Partners = append(p.Partners, partnerRow{Partner: x, Grouped: service.GroupedFingerprint(x.Fingerprint)})
	}
	v.Data = p
	w.render(rw, r, s, status, "partners", v)
}

// addPartner: POST /admin/partners, the partner's identity JSON pasted.
func (w *Web) addPartner(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	identity := r.PostFormValue("identity")
	if _, err := w.svc.AddPartner(r.Context(), []byte(identity)); err != nil {
		w.exchangeFailed(rw, r, s, err, func(status int, v view) { w.renderPartners(rw, r, s, status, v, identity) })
		return
	}
	http.Redirect(rw, r, "/admin/partners?saved=partner-added", http.StatusSeeOther)
}

// removePartner: POST /admin/partners/{id}/remove.
func (w *Web) removePartner(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if err := w.svc.RemovePartner(r.Context(), r.PathValue("id")); err != nil {
		w.exchangeFailed(rw, r, s, err, func(status int, v view) { w.renderPartners(rw, r, s, status, v, "") })
		return
	}
	http.Redirect(rw, r, "/admin/partners?saved=partner-removed", http.StatusSeeOther)
}

type incomingPage struct {
	Items []service.Incoming
	Orgs  []nrm.Organisation
}

// incomingPage serves GET /exchange/incoming: referrals from partners.
func (w *Web) incomingPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderIncoming(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderIncoming(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	items, err := w.svc.IncomingReferrals(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	orgs, err := w.svc.Orgs(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = incomingPage{Items: items, Orgs: orgs}
	w.render(rw, r, s, status, "incoming", v)
}

// acceptIncoming: POST /exchange/incoming/{id}/accept; the local case opens.
func (w *Web) acceptIncoming(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	x, err := w.svc.AcceptIncoming(r.Context(), r.PathValue("id"), r.PostFormValue("assign_to_org"))
	if err != nil {
		w.exchangeFailed(rw, r, s, err, func(status int, v view) { w.renderIncoming(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/exchange/incoming?saved=incoming-accepted#i-"+x.ID, http.StatusSeeOther)
}

// declineIncoming: POST /exchange/incoming/{id}/decline, with a reason.
func (w *Web) declineIncoming(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if _, err := w.svc.DeclineIncoming(r.Context(), r.PathValue("id"), r.PostFormValue("reason")); err != nil {
		w.exchangeFailed(rw, r, s, err, func(status int, v view) { w.renderIncoming(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/exchange/incoming?saved=incoming-declined", http.StatusSeeOther)
}

// exchangeFailed shows a refused form on its page again with the error;
// anything but a bad value or a conflict is the error page.
func (w *Web) exchangeFailed(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, render func(status int, v view)) {
	e := nrm.AsError(err)
	switch e.Code {
	case nrm.CodeInvalid:
		render(http.StatusUnprocessableEntity, view{Errors: []*nrm.Error{e}})
	case nrm.CodeConflict:
		render(http.StatusConflict, view{Errors: []*nrm.Error{e}})
	default:
		w.fail(rw, r, s, err)
	}
}

func init() {
	saved["partner-added"] = "The partner instance is trusted now."
	saved["partner-removed"] = "The partner instance is no longer trusted: nothing more goes to it or comes from it."
	saved["incoming-accepted"] = "The referral was accepted: the case is open here, and the sender is told."
	saved["incoming-declined"] = "The referral was declined: the sender is told why."
}
