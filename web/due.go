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
	Org       string // every organisation involved, on the co-ordinator's overview
	Open      bool   // the viewer may open the case
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
	Within int // 0: every open clock
	CSV    string
	// Recs are the clocks of the team's recommendations (country
	// assessments), beside the cases' and apart from them.
	Recs *recommendationTable
	// FollowUps are the open follow-ups of events (coordination.go).
	FollowUps *followUpTable
}

// dueTables reads the clocks of the organisation's cases, and for a
// co-ordinator every case's (references and organisations only). Without a
// window (within 0) every clock still running is listed, soonest first: a
// recovery period's 30 days show right after the decision that starts it.
func (w *Web) dueTables(r *http.Request, s service.SessionInfo, within int) ([]dueTable, error) {
	if !nrm.Can(s.Actor, nrm.ActDeadlines, nrm.Access{}) && nrm.Can(s.Actor, nrm.ActAssessmentWrite, nrm.Access{}) {
		return nil, nil // an assessment team without case work has its recommendations only
	}
	read := func(all bool) (service.Dashboard, error) {
		if within == 0 {
			return w.svc.OpenClocks(r.Context(), all)
		}
		return w.svc.Deadlines(r.Context(), all, within)
	}
	mine, err := read(false)
	if err != nil {
		return nil, err
	}
	names, err := w.orgNames(r.Context())
	if err != nil {
		return nil, err
	}
	intro := "Every clock still running on the cases your organisation holds, soonest first, and every one that has run out."
	if within > 0 {
		intro = "The clocks of the cases your organisation holds that run out in the days chosen, and every one that has run out."
	}
	own := dueTable{Title: "Your organisation's cases", Board: mine, Intro: intro}
	involved := map[string]bool{}
	for _, it := range mine.Items {
		involved[it.CaseID] = true
		own.Rows = append(own.Rows, dueRowOf(it, mine.Today, names[it.OrgID], true))
	}
	tables := []dueTable{own}
	if nrm.Can(s.Actor, nrm.ActDeadlinesAll, nrm.Access{}) {
		all, err := read(true)
		if err != nil {
			return nil, err
		}
		t := dueTable{Title: "Every case (co-ordinator's overview)", Board: all, ShowOrg: true,
			Intro: "References and the organisations that hold them, nothing of the person. A case opens only where your organisation is involved in it."}
		for _, it := range all.Items {
			t.Rows = append(t.Rows, dueRowOf(it, all.Today, heldBy(all.HeldBy[it.CaseID], it.OrgID, names), involved[it.CaseID] || it.OrgID == s.Actor.OrgID))
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// heldBy names every organisation involved in a case, the one that
// recorded it first.
func heldBy(orgs []string, recordedBy string, names map[string]string) string {
	out := names[recordedBy]
	for _, id := range orgs {
		if id != recordedBy {
			out += ", " + names[id]
		}
	}
	return out
}

// dueWindow reads ?within: a number of days, or nothing for every clock.
func dueWindow(r *http.Request) (int, error) {
	q := r.URL.Query().Get("within")
	if q == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 || n > 366 {
		return 0, nrm.Invalid("within", "a number of days from 1 to 366")
	}
	return n, nil
}

// duePage serves GET /due.
func (w *Web) duePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	within, err := dueWindow(r)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	tables, err := w.dueTables(r, s, within)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	recs, err := w.recommendationTable(r, within)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	p := duePage{Tables: tables, Within: within, CSV: "/due.csv", Recs: recs}
	if p.FollowUps, err = w.followUpTable(r, within); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if within > 0 {
		p.CSV += "?within=" + strconv.Itoa(within)
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
