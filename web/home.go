package web

// The home page of each role, and the list of what is new for the user.
// Every signed-in user lands on a page of their own: a case worker on their
// counts and clocks, an admin on their users and organisation, an auditor on
// the log, never on a refusal.

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type homeView struct {
	labeller
	service.Home
	Counts   []stateCount
	Admin    bool
	Auditor  bool
	Inbox    bool
	Overview bool // the co-ordinator's instance-wide views
	// Recs are the clocks of an assessment team's recommendations (nil for others).
	Recs *recommendationTable
	// TrialMonitor: a monitor's trials (trials.go).
	TrialMonitor bool
	// FollowUps: the open follow-ups of events (coordination.go).
	FollowUps *followUpTable
}

// home serves GET /.
func (w *Web) home(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	h, err := w.svc.Home(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v := homeView{Home: h, Admin: nrm.Can(s.Actor, nrm.ActUserManage, nrm.Access{}), Auditor: nrm.Can(s.Actor, nrm.ActAuditRead, nrm.Access{}),
		Inbox:    nrm.Can(s.Actor, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient}),
		Overview: nrm.Can(s.Actor, nrm.ActDeadlinesAll, nrm.Access{}), TrialMonitor: nrm.Can(s.Actor, nrm.ActTrialRead, nrm.Access{})}
	if v.Recs, err = w.recommendationTable(r, 0); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if v.FollowUps, err = w.followUpTable(r, service.HomeDueDays); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	for _, st := range nrm.States {
		if n := h.ByState[st]; n > 0 {
			v.Counts = append(v.Counts, stateCount{State: st, N: n, Href: href("/cases", queryValues(service.CaseListQuery{State: st, Sort: nrm.SortNewest}, 1))})
		}
	}
	w.render(rw, r, s, http.StatusOK, "home", view{Data: v})
}

type newsRow struct {
	service.NewsItem
	From  string
	Clock *clock
}

type newsView struct {
	labeller
	News service.News
	Rows []newsRow
}

// newsPage serves GET /new: what may need the user, what is new marked.
// Opening it changes nothing (no state change through GET): the user marks
// it seen with a button.
func (w *Web) newsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	n, err := w.svc.WhatsNew(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	names, err := w.orgNames(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v := newsView{News: n}
	today := w.svc.Today()
	for _, it := range n.Items {
		row := newsRow{NewsItem: it, From: names[it.FromOrg]}
		if it.Kind == service.NewsClock {
			c := clockOf(it.Clock, today)
			row.Clock = &c
		}
		v.Rows = append(v.Rows, row)
	}
	flashMsg := ""
	if r.URL.Query().Get("saved") == "seen" {
		flashMsg = localizerFor(r).T("Marked as seen: only what comes from now on shows as new.")
	}
	w.render(rw, r, s, http.StatusOK, "news", view{Flash: flashMsg, Data: v})
}

// markSeen: POST /new/seen.
func (w *Web) markSeen(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if err := w.svc.MarkSeen(r.Context()); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/new?saved=seen", http.StatusSeeOther)
}
