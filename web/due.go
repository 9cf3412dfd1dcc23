package web

// The "due soon / overdue" dashboard and the anonymous notification.

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

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
