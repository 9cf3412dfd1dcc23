package web

// The case list: filters (state, child, clock due, recording organisation,
// assigned worker), sorting, counts per state, the next clock of each case,
// pages; "my cases" is the list assigned to the viewer. The filters hold no
// personal data and live in the URL; a search by name is a POST, so that no
// name is ever written into a URL, a browser's history or a proxy's log.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type caseRow struct {
	service.CaseListRow
	Status string
	Clock  *clock // the next clock, or nil
}

type stateCount struct {
	State   nrm.State
	N       int
	Href    string
	Current bool
}

type casesView struct {
	labeller
	List     service.CaseList
	Query    service.CaseListQuery
	Rows     []caseRow
	Counts   []stateCount
	Name     string // the name searched for (POST only)
	Orgs     []orgOption
	Workers  []nrm.User
	States   []nrm.State
	Sorts    []nrm.CaseSort
	Prev     string
	Next     string
	CSV      string
	Filtered bool
	Mine     bool
}

// DueChoices are the windows the clock filter offers, in days.
func (casesView) DueChoices() []int { return []int{3, 7, 14, 30, 90} }

var sortLabels = map[nrm.CaseSort]string{
	nrm.SortNewest:    "Newest first",
	nrm.SortOldest:    "Oldest first",
	nrm.SortNextClock: "Next clock, soonest first",
	nrm.SortReference: "Reference",
}

// SortLabel names an order of the list.
func (casesView) SortLabel(s nrm.CaseSort) string { return sortLabels[s] }

// caseQuery reads the list's filters from the URL; none is personal data.
func caseQuery(r *http.Request) (service.CaseListQuery, error) {
	v := r.URL.Query()
	q := service.CaseListQuery{State: nrm.State(v.Get("state")), Child: v.Get("child"), RecordedBy: v.Get("org"),
		Assigned: v.Get("assigned"), Sort: nrm.CaseSort(v.Get("sort"))}
	for name, dst := range map[string]*int{"due": &q.DueWithin, "page": &q.Page} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, nrm.Invalid(name, "a number")
			}
			*dst = n
		}
	}
	return q, q.Check()
}

// values is the URL form of a query, on another page.
func queryValues(q service.CaseListQuery, page int) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("state", string(q.State))
	set("child", q.Child)
	set("org", q.RecordedBy)
	set("assigned", q.Assigned)
	if q.Sort != nrm.SortNewest {
		set("sort", string(q.Sort))
	}
	if q.DueWithin > 0 {
		v.Set("due", strconv.Itoa(q.DueWithin))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

func href(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// casesPage serves GET /cases: the filtered list.
func (w *Web) casesPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	q, err := caseQuery(r)
	if err != nil {
		w.casesFailed(rw, r, s, err, q, "")
		return
	}
	list, err := w.svc.ListCases(r.Context(), q)
	if err != nil {
		w.casesFailed(rw, r, s, err, q, "")
		return
	}
	w.renderCases(rw, r, s, http.StatusOK, q, list, "")
}

// searchCases serves POST /cases/search: the list found by a name, first
// page only (a name narrows the list to a few cases).
func (w *Web) searchCases(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" {
		http.Redirect(rw, r, "/cases", http.StatusSeeOther)
		return
	}
	q := service.CaseListQuery{Name: name, PerPage: 200}
	if err := q.Check(); err != nil {
		w.casesFailed(rw, r, s, err, q, name)
		return
	}
	list, err := w.svc.ListCases(r.Context(), q)
	if err != nil {
		w.casesFailed(rw, r, s, err, q, name)
		return
	}
	w.renderCases(rw, r, s, http.StatusOK, q, list, name)
}

func (w *Web) casesFailed(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, q service.CaseListQuery, name string) {
	v, ok := formError(err)
	if !ok {
		w.fail(rw, r, s, err)
		return
	}
	cv := casesView{Query: q, Name: name, States: nrm.States, Sorts: nrm.CaseSorts}
	v.Data = cv
	w.render(rw, r, s, http.StatusUnprocessableEntity, "cases", v)
}

func (w *Web) renderCases(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, q service.CaseListQuery, list service.CaseList, name string) {
	orgs, err := w.svc.Orgs(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	workers, err := w.svc.Colleagues(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	cv := casesView{List: list, Query: q, Name: name, Workers: workers, States: nrm.States, Sorts: nrm.CaseSorts,
		Mine: q.Assigned == service.AssignedMe}
	for _, o := range orgs {
		cv.Orgs = append(cv.Orgs, orgOption{ID: o.ID, Name: o.Name, Kind: string(o.Kind)})
	}
	for _, row := range list.Rows {
		cr := caseRow{CaseListRow: row, Status: caseStatus(row.CaseView)}
		if !row.NextClock.Due.IsZero() {
			c := clockOf(row.NextClock, list.Today)
			cr.Clock = &c
		}
		cv.Rows = append(cv.Rows, cr)
	}
	if name == "" {
		cv.Filtered = len(queryValues(service.CaseListQuery{State: q.State, Child: q.Child, RecordedBy: q.RecordedBy,
			Assigned: q.Assigned, DueWithin: q.DueWithin, Sort: nrm.SortNewest}, 1)) > 0
		for _, st := range nrm.States {
			other := q
			other.State = st
			if q.State == st {
				other.State = ""
			}
			cv.Counts = append(cv.Counts, stateCount{State: st, N: list.ByState[st], Current: q.State == st,
				Href: href("/cases", queryValues(other, 1))})
		}
		if q.Page > 1 {
			cv.Prev = href("/cases", queryValues(q, q.Page-1))
		}
		if q.Page < list.Pages {
			cv.Next = href("/cases", queryValues(q, q.Page+1))
		}
		cv.CSV = href("/cases.csv", queryValues(q, q.Page))
	}
	w.render(rw, r, s, status, "cases", view{Data: cv})
}
