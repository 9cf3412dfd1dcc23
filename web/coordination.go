package web

// Co-ordination pages: events with a form for a new one (GET /events), an
// event with its follow-ups and the buttons to mark one done (GET
// /events/{id}), activities with their form (GET /activities), the
// organisation's calendar feed for admins (GET /calendar) and the
// progress report (progress.go). The forms work without JavaScript: a
// fixed number of empty rows for participants and follow-ups.

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

const (
	participantRows = 5
	followUpRows    = 3
)

// registerCoordination adds the pages of co-ordination.
func (w *Web) registerCoordination(handle func(string, http.Handler)) {
	handle("GET /events", w.signedIn(w.eventsPage))
	handle("POST /events", w.signedIn(w.createEvent))
	handle("GET /events/{id}", w.signedIn(w.eventPage))
	handle("POST /events/{id}/follow-ups/{n}/done", w.signedIn(w.followUpDone))
	handle("GET /activities", w.signedIn(w.activitiesPage))
	handle("POST /activities", w.signedIn(w.createActivity))
	handle("GET /calendar", w.signedIn(w.calendarPage))
	handle("POST /calendar/rotate", w.signedIn(w.rotateCalendar))
	handle("GET /reports/activity", w.signedIn(w.progressPage))
}

// coordForm is the state of a co-ordination page's form and filters:
// values and messages by the service's field names.
type coordForm struct {
	Values, Errs map[string]string
}

func (f coordForm) Val(name string) string { return f.Values[name] }
func (f coordForm) Err(name string) string { return f.Errs[name] }

// Checked says whether a box of a list was ticked.
func (f coordForm) Checked(name, value string) bool { return f.Values[name+"="+value] == "1" }

// Rows are the indexes of a form's fixed rows.
func (coordForm) Rows(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// Field names a row's field as the service names it.
func (coordForm) Field(list string, i int, name string) string {
	return fmt.Sprintf("%s[%d].%s", list, i, name)
}

func newCoordForm(v view) coordForm {
	f := coordForm{Values: v.Form, Errs: v.FieldErrors}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if f.Errs == nil {
		f.Errs = map[string]string{}
	}
	return f
}

type eventsPage struct {
	coordForm
	Events                 []nrm.CoordEvent
	Orgs                   []nrm.Organisation
	Names                  map[string]string
	Kinds, Themes          []string
	Filter                 service.CoordinationQuery
	CanWrite, CanReport    bool
	ParticipantN, FollowUp int
}

func coordinationQueryOf(r *http.Request) service.CoordinationQuery {
	q := r.URL.Query()
	return service.CoordinationQuery{From: q.Get("from"), To: q.Get("to"), Country: q.Get("country"), Kind: q.Get("kind"), Theme: q.Get("theme")}
}

// filterFailed shows a bad filter's message at its field, the list empty.
func filterFailed(err error, v *view) bool {
	e := nrm.AsError(err)
	if e.Code != nrm.CodeInvalid {
		return false
	}
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	v.FieldErrors["filter."+e.Field] = e.Message
	v.Errors = append(v.Errors, e)
	return true
}

func (w *Web) eventsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderEvents(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderEvents(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	q := coordinationQueryOf(r)
	es, err := w.svc.Events(r.Context(), q)
	if err != nil {
		if !filterFailed(err, &v) {
			w.fail(rw, r, s, err)
			return
		}
		status = http.StatusUnprocessableEntity
	}
	orgs, err := w.svc.Orgs(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	p := eventsPage{coordForm: newCoordForm(v), Events: es, Orgs: orgs, Names: map[string]string{}, Kinds: nrm.EventKinds, Themes: nrm.Themes,
		Filter: q, CanWrite: nrm.Can(s.Actor, nrm.ActEventWrite, nrm.Access{}), CanReport: nrm.Can(s.Actor, nrm.ActProgressReport, nrm.Access{}),
		ParticipantN: participantRows, FollowUp: followUpRows}
	for _, o := range orgs {
		p.Names[o.ID] = o.Name
	}
	v.Data = p
	w.render(rw, r, s, status, "events", v)
}

// rowField matches a field of a row: participants[2].count.
var rowField = regexp.MustCompile(`^(participants|follow_ups)\[(\d+)\](.*)$`)

// createEvent: POST /events. Empty rows are left out; a message about a
// row is shown at the row the person filled.
func (w *Web) createEvent(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.CoordEventInput{Kind: f("kind"), Title: f("title"), Date: f("date"), EndDate: f("end_date"), Place: f("place"),
		Country: f("country"), Agenda: f("agenda"), Outcomes: f("outcomes"), Themes: r.PostForm["themes"]}
	values := map[string]string{}
	for _, k := range []string{"kind", "title", "date", "end_date", "place", "country", "agenda", "outcomes", "organisers_other"} {
		values[k] = f(k)
	}
	for _, t := range in.Themes {
		values["themes="+t] = "1"
	}
	for _, id := range r.PostForm["organiser_org"] {
		values["organiser_org="+id] = "1"
		in.Organisers = append(in.Organisers, id)
	}
	for _, line := range strings.Split(f("organisers_other"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Organisers = append(in.Organisers, line)
		}
	}
	rows := map[string][]int{}
	for i := range participantRows {
		field := func(n string) string { return fmt.Sprintf("participants[%d].%s", i, n) }
		org, name, country, count := f(field("org")), f(field("name")), f(field("country")), f(field("count"))
		values[field("org")], values[field("name")], values[field("country")], values[field("count")] = org, name, country, count
		if org == "" && strings.TrimSpace(name) == "" && strings.TrimSpace(country) == "" && strings.TrimSpace(count) == "" {
			continue
		}
		if org == "" {
			org = name
		}
		rows["participants"] = append(rows["participants"], i)
		in.Participants = append(in.Participants, nrm.EventParticipantInput{Organisation: org, Country: country, Count: formInt(count)})
	}
	for i := range followUpRows {
		field := func(n string) string { return fmt.Sprintf("follow_ups[%d].%s", i, n) }
		text, owner, due := f(field("text")), f(field("owner")), f(field("due"))
		values[field("text")], values[field("owner")], values[field("due")] = text, owner, due
		if strings.TrimSpace(text) == "" && owner == "" && strings.TrimSpace(due) == "" {
			continue
		}
		rows["follow_ups"] = append(rows["follow_ups"], i)
		in.FollowUps = append(in.FollowUps, nrm.EventFollowUpInput{Text: text, Owner: owner, Due: due})
	}
	e, err := w.svc.CreateEvent(r.Context(), in)
	if err != nil {
		w.coordFailed(rw, r, s, err, values, rows, w.renderEvents)
		return
	}
	http.Redirect(rw, r, "/events/"+e.ID+"?saved=track", http.StatusSeeOther)
}

// coordFailed draws a form again after the service refused it, the
// message at its field (a row's field at the row the person filled).
func (w *Web) coordFailed(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, values map[string]string,
	rows map[string][]int, render func(http.ResponseWriter, *http.Request, service.SessionInfo, int, view)) {
	e := nrm.AsError(err)
	if e.Code != nrm.CodeInvalid {
		w.fail(rw, r, s, err)
		return
	}
	shown := *e
	if m := rowField.FindStringSubmatch(e.Field); m != nil {
		if k, _ := strconv.Atoi(m[2]); k < len(rows[m[1]]) {
			shown.Field = fmt.Sprintf("%s[%d]%s", m[1], rows[m[1]][k], m[3])
		}
	}
	if strings.HasPrefix(shown.Field, "participants[") && strings.HasSuffix(shown.Field, ".organisation") {
		shown.Field = strings.TrimSuffix(shown.Field, ".organisation") + ".name"
	}
	if strings.HasPrefix(shown.Field, "organisers[") {
		shown.Field = "organisers_other"
	}
	if strings.HasPrefix(shown.Field, "themes[") {
		shown.Field = "themes"
	}
	v := view{Form: values, FieldErrors: map[string]string{shown.Field: e.Message}, Errors: []*nrm.Error{&shown}}
	render(rw, r, s, http.StatusUnprocessableEntity, v)
}

type eventPage struct {
	Event nrm.CoordEvent
	Names map[string]string
	Today nrm.Date
	Org   string // the viewer's organisation
}

// MayMark says whether the viewer's organisation marks a follow-up done.
func (p eventPage) MayMark(f nrm.EventFollowUp) bool {
	return !f.Done() && (f.Owner == p.Org || p.Event.OrgID == p.Org)
}

// Clock is a follow-up's days left (negative: overdue).
func (p eventPage) Clock(f nrm.EventFollowUp) int { return daysBetween(p.Today, f.Due) }

// OrgName names an organiser or participant given by id, or shows the name given.
func (p eventPage) OrgName(s string) string {
	if n, ok := p.Names[s]; ok {
		return n
	}
	return s
}

func daysBetween(from, to nrm.Date) int { return int(to.Time().Sub(from.Time()).Hours() / 24) }

func (w *Web) eventPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	e, err := w.svc.Event(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	names, err := w.orgNames(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v := view{Flash: flash(r), Data: eventPage{Event: e, Names: names, Today: w.svc.Today(), Org: s.Actor.OrgID}}
	w.render(rw, r, s, http.StatusOK, "event", v)
}

// followUpDone: POST /events/{id}/follow-ups/{n}/done.
func (w *Web) followUpDone(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	id := r.PathValue("id")
	if _, err := w.svc.MarkFollowUpDone(r.Context(), id, r.PathValue("n")); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/events/"+id+"?saved=track#follow-ups", http.StatusSeeOther)
}

type activitiesPage struct {
	coordForm
	Activities          []nrm.Activity
	Kinds, Themes       []string
	Filter              service.CoordinationQuery
	CanWrite, CanReport bool
	Names               map[string]string
}

func (w *Web) activitiesPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderActivities(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderActivities(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	q := coordinationQueryOf(r)
	xs, err := w.svc.Activities(r.Context(), q)
	if err != nil {
		if !filterFailed(err, &v) {
			w.fail(rw, r, s, err)
			return
		}
		status = http.StatusUnprocessableEntity
	}
	names, err := w.orgNames(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = activitiesPage{coordForm: newCoordForm(v), Activities: xs, Kinds: nrm.ActivityKinds, Themes: nrm.Themes, Filter: q, Names: names,
		CanWrite: nrm.Can(s.Actor, nrm.ActActivityWrite, nrm.Access{}), CanReport: nrm.Can(s.Actor, nrm.ActProgressReport, nrm.Access{})}
	w.render(rw, r, s, status, "activities", v)
}

// createActivity: POST /activities.
func (w *Web) createActivity(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.ActivityInput{Date: f("date"), Country: f("country"), Theme: f("theme"), Kind: f("kind"), Partners: f("partners"),
		Summary: f("summary"), Results: f("results")}
	values := map[string]string{"date": in.Date, "country": in.Country, "theme": in.Theme, "kind": in.Kind, "partners": in.Partners,
		"summary": in.Summary, "results": in.Results}
	if _, err := w.svc.CreateActivity(r.Context(), in); err != nil {
		w.coordFailed(rw, r, s, err, values, nil, w.renderActivities)
		return
	}
	http.Redirect(rw, r, "/activities?saved=track", http.StatusSeeOther)
}

type calendarPage struct {
	Exists bool
	URL    string // shown once, right after a rotation
}

func (w *Web) calendarPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	ok, err := w.svc.CalendarFeedExists(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "calendar", view{Data: calendarPage{Exists: ok}})
}

// rotateCalendar: POST /calendar/rotate. The new address is shown on this
// answer only: nrm keeps only its hash.
func (w *Web) rotateCalendar(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	token, err := w.svc.RotateCalendarFeed(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	scheme := "https"
	if r.TLS == nil && strings.HasPrefix(r.Host, "127.0.0.1") || strings.HasPrefix(r.Host, "localhost") {
		scheme = "http"
	}
	rw.Header().Set("Cache-Control", "no-store")
	w.render(rw, r, s, http.StatusOK, "calendar", view{Data: calendarPage{Exists: true, URL: scheme + "://" + r.Host + "/api/v1/calendar/" + token}})
}

// Abs is a number of days without its sign (days overdue).
func (eventPage) Abs(n int) int { return max(n, -n) }

// followUpTable is the open follow-ups of the viewer's organisation (owed
// or recorded by it), on the home page and the deadlines page.
type followUpTable struct {
	Board service.FollowUpBoard
	Rows  []followUpRow
}

type followUpRow struct {
	nrm.FollowUpClock
	Days, Abs int
	Overdue   bool
	Owner     string
}

// followUpTable reads the open follow-ups, within days when set (every
// overdue one always); nil for a role that reads no events.
func (w *Web) followUpTable(r *http.Request, within int) (*followUpTable, error) {
	a, _ := nrm.ActorFrom(r.Context())
	if !nrm.Can(a, nrm.ActEventRead, nrm.Access{}) {
		return nil, nil
	}
	b, err := w.svc.FollowUpClocks(r.Context())
	if err != nil {
		return nil, err
	}
	names, err := w.orgNames(r.Context())
	if err != nil {
		return nil, err
	}
	t := &followUpTable{Board: b}
	for _, it := range b.Items {
		days := daysBetween(b.Today, it.Due)
		if within > 0 && days > within {
			continue
		}
		t.Rows = append(t.Rows, followUpRow{FollowUpClock: it, Days: days, Abs: max(days, -days), Overdue: days < 0, Owner: names[it.OwnerID]})
	}
	return t, nil
}
