package web

// The help organisation's inbox of self-referrals (web/help.go is the
// public page that fills it).

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type selfReferralsView struct {
	labeller
	Items []nrm.SelfReferral
}

type selfReferralView struct {
	labeller
	X          nrm.SelfReferral
	CanConvert bool
	Today      string
}

// selfReferralsPage serves GET /help/inbox: dates and states only.
func (w *Web) selfReferralsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	items, err := w.svc.SelfReferrals(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "selfreferrals", view{Flash: flash(r), Data: selfReferralsView{Items: items}})
}

// selfReferralPage serves GET /help/inbox/{id}: one opened (an audited read).
func (w *Web) selfReferralPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderSelfReferral(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderSelfReferral(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	x, err := w.svc.SelfReferral(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if v.Form == nil {
		v.Form = map[string]string{"encounter.date": x.CreatedAt.UTC().Format("2006-01-02")}
	}
	v.Data = selfReferralView{X: x, Today: w.svc.Today().String(),
		CanConvert: nrm.Can(s.Actor, nrm.ActSelfReferralConvert, nrm.Access{}) && nrm.Can(s.Actor, nrm.ActCaseCreate, nrm.Access{})}
	w.render(rw, r, s, status, "selfreferral", v)
}

// convertSelfReferral serves POST /help/inbox/{id}/case: a case opened from it.
func (w *Web) convertSelfReferral(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{}
	for _, k := range []string{"person.given_name", "person.family_name", "encounter.date", "encounter.country"} {
		form[k] = r.PostFormValue(k)
	}
	in := nrm.CaseInput{Person: nrm.PersonInput{GivenName: form["person.given_name"], FamilyName: form["person.family_name"]},
		Encounter: nrm.EncounterInput{Date: form["encounter.date"], Country: form["encounter.country"]}}
	c, err := w.svc.ConvertSelfReferral(r.Context(), r.PathValue("id"), in)
	if err != nil {
		if v, ok := formError(err); ok {
			v.Form = form
			w.renderSelfReferral(rw, r, s, http.StatusUnprocessableEntity, v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/cases/"+c.ID, http.StatusSeeOther)
}

// closeSelfReferral serves POST /help/inbox/{id}/close: no case; shredded.
func (w *Web) closeSelfReferral(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if err := w.svc.CloseSelfReferral(r.Context(), r.PathValue("id")); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/help/inbox?saved=selfreferral-closed", http.StatusSeeOther)
}

func init() {
	saved["selfreferral-closed"] = "Closed without a case. Its content was destroyed."
}
