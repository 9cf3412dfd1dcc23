package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// Co-ordination (CONTRACT.md, "Clearinghouse and co-ordination"): events
// with their follow-ups, activity records, and the organisation's calendar.

// coordinationRoutes are the operations of co-ordination (in routes()).
func (a *API) coordinationRoutes() []route {
	return []route{
		{"POST /api/v1/events", a.createEvent},
		{"GET /api/v1/events", a.listEvents},
		{"GET /api/v1/events/calendar.ics", a.calendar},
		{"GET /api/v1/events/{id}", a.getEvent},
		{"POST /api/v1/events/{id}/follow-ups/{n}/done", a.followUpDone},
		{"POST /api/v1/activities", a.createActivity},
		{"GET /api/v1/activities", a.listActivities},
	}
}

// calendarFeedRoute is the secret feed address of an organisation: no
// bearer token, the address is the secret (served by calendarFeed).
const calendarFeedRoute = "GET /api/v1/calendar/{token}"

type eventFollowUpJSON struct {
	N      int        `json:"n"`
	Text   string     `json:"text"`
	Owner  string     `json:"owner"`
	Due    string     `json:"due"`
	Done   bool       `json:"done"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

type coordEventJSON struct {
	ID           string                 `json:"id"`
	OrgID        string                 `json:"org_id"`
	Kind         string                 `json:"kind"`
	Title        string                 `json:"title"`
	Date         string                 `json:"date"`
	EndDate      string                 `json:"end_date,omitempty"`
	Place        string                 `json:"place"`
	Country      string                 `json:"country"`
	Organisers   []string               `json:"organisers"`
	Participants []nrm.EventParticipant `json:"participants"`
	Agenda       string                 `json:"agenda"`
	Outcomes     string                 `json:"outcomes"`
	Themes       []string               `json:"themes"`
	FollowUps    []eventFollowUpJSON    `json:"follow_ups"`
	CreatedBy    string                 `json:"created_by"`
	CreatedAt    time.Time              `json:"created_at"`
}

func toCoordEventJSON(e nrm.CoordEvent) coordEventJSON {
	out := coordEventJSON{ID: e.ID, OrgID: e.OrgID, Kind: e.Kind, Title: e.Title, Date: e.Date.String(), Place: e.Place, Country: e.Country,
		Organisers: e.Organisers, Participants: e.Participants, Agenda: e.Agenda, Outcomes: e.Outcomes, Themes: e.Themes,
		FollowUps: []eventFollowUpJSON{}, CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt}
	if !e.EndDate.IsZero() {
		out.EndDate = e.EndDate.String()
	}
	if out.Organisers == nil {
		out.Organisers = []string{}
	}
	if out.Participants == nil {
		out.Participants = []nrm.EventParticipant{}
	}
	if out.Themes == nil {
		out.Themes = []string{}
	}
	for _, f := range e.FollowUps {
		j := eventFollowUpJSON{N: f.N, Text: f.Text, Owner: f.Owner, Due: f.Due.String(), Done: f.Done()}
		if f.Done() {
			at := f.DoneAt
			j.DoneAt = &at
		}
		out.FollowUps = append(out.FollowUps, j)
	}
	return out
}

type activityJSON struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Date      string    `json:"date"`
	Country   string    `json:"country"`
	Theme     string    `json:"theme"`
	Kind      string    `json:"kind"`
	Partners  string    `json:"partners"`
	Summary   string    `json:"summary"`
	Results   string    `json:"results"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func toActivityJSON(x nrm.Activity) activityJSON {
	return activityJSON{ID: x.ID, OrgID: x.OrgID, Date: x.Date.String(), Country: x.Country, Theme: x.Theme, Kind: x.Kind,
		Partners: x.Partners, Summary: x.Summary, Results: x.Results, CreatedBy: x.CreatedBy, CreatedAt: x.CreatedAt}
}

func coordinationQuery(r *http.Request) service.CoordinationQuery {
	q := r.URL.Query()
	return service.CoordinationQuery{From: q.Get("from"), To: q.Get("to"), Country: q.Get("country"), Kind: q.Get("kind"), Theme: q.Get("theme")}
}

func (a *API) createEvent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.CoordEventInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	e, err := a.svc.CreateEvent(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/api/v1/events/"+e.ID)
	return http.StatusCreated, toCoordEventJSON(e), nil
}

func (a *API) listEvents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	es, err := a.svc.Events(r.Context(), coordinationQuery(r))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(es, toCoordEventJSON), nil
}

func (a *API) getEvent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	e, err := a.svc.Event(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCoordEventJSON(e), nil
}

func (a *API) followUpDone(w http.ResponseWriter, r *http.Request) (int, any, error) {
	e, err := a.svc.MarkFollowUpDone(r.Context(), r.PathValue("id"), r.PathValue("n"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCoordEventJSON(e), nil
}

func (a *API) createActivity(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ActivityInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.CreateActivity(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toActivityJSON(x), nil
}

func (a *API) listActivities(w http.ResponseWriter, r *http.Request) (int, any, error) {
	xs, err := a.svc.Activities(r.Context(), coordinationQuery(r))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(xs, toActivityJSON), nil
}

func (a *API) calendar(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := a.svc.CalendarICS(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rawBody{contentType: "text/calendar; charset=utf-8", filename: "nrm.ics", data: b}, nil
}

// calendarFeed serves the secret feed address: an unknown or rotated
// token is a 404, whatever it looks like.
func (a *API) calendarFeed(w http.ResponseWriter, r *http.Request) {
	b, err := a.svc.CalendarByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	rawBody{contentType: "text/calendar; charset=utf-8", filename: "nrm.ics", data: b}.write(w, http.StatusOK)
}
