package nrm

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Co-ordination (CONTRACT.md, "Clearinghouse and co-ordination"): the
// meetings, trainings, roundtables and side events of the mechanism's
// partners, their follow-ups (clocks of the owner organisation), and the
// record of what was done, where, with whom and with what result. None of
// it is about a person: participants are organisations and head counts,
// never names, so nothing here is sealed.

// EventKinds are the kinds of co-ordination event.
var EventKinds = []string{"focal-point-meeting", "training", "roundtable", "side-event", "expert-exchange", "other"}

// ActivityKinds are the kinds of activity recorded.
var ActivityKinds = []string{"training", "technical-assistance", "legislative-review", "research", "awareness", "monitoring", "meeting", "other"}

const (
	maxEventTitle    = 300
	maxEventText     = 5000
	maxEventRows     = 100
	maxParticipants  = 100000
	maxEventDays     = 60 // an event lasts at most two months
	maxActivityText  = 5000
	maxEventPastDays = 3660
)

// EventParticipantInput is one participating organisation as given:
// Organisation is an organisation's id in nrm or the name of one outside it.
type EventParticipantInput struct {
	Organisation string `json:"organisation"`
	Country      string `json:"country"`
	Count        *int   `json:"count"`
}

// EventFollowUpInput is one follow-up as given: Owner is the id of the
// organisation that owes it.
type EventFollowUpInput struct {
	Text  string `json:"text"`
	Owner string `json:"owner"`
	Due   string `json:"due"`
}

// CoordEventInput is an event as given. Organisers are, each, an organisation's
// id in nrm (checked to exist, and the event then shows in its calendar) or
// the name of an organisation outside it (kept as text).
type CoordEventInput struct {
	Kind         string                  `json:"kind"`
	Title        string                  `json:"title"`
	Date         string                  `json:"date"`
	EndDate      string                  `json:"end_date"`
	Place        string                  `json:"place"`
	Country      string                  `json:"country"`
	Organisers   []string                `json:"organisers"`
	Participants []EventParticipantInput `json:"participants"`
	Agenda       string                  `json:"agenda"`
	Outcomes     string                  `json:"outcomes"`
	Themes       []string                `json:"themes"`
	FollowUps    []EventFollowUpInput    `json:"follow_ups"`
}

// EventParticipant is one participating organisation.
type EventParticipant struct {
	Organisation string `json:"organisation"`
	Country      string `json:"country"`
	Count        int    `json:"count"`
}

// EventFollowUp is what an event left someone to do by a day: a clock on the
// dashboard of the owner organisation and of the one that recorded it.
type EventFollowUp struct {
	N      int // its place in the event's list, from 0
	Text   string
	Owner  string // organisation id
	Due    Date
	DoneAt time.Time // zero while open
	DoneBy string
}

// Done reports whether the follow-up was marked done.
func (f EventFollowUp) Done() bool { return !f.DoneAt.IsZero() }

// CoordEvent is a co-ordination event, recorded by OrgID.
type CoordEvent struct {
	ID           string
	OrgID        string
	Kind         string
	Title        string
	Date         Date
	EndDate      Date // zero for an event of one day
	Place        string
	Country      string
	Organisers   []string
	Participants []EventParticipant
	Agenda       string
	Outcomes     string
	Themes       []string
	FollowUps    []EventFollowUp
	CreatedBy    string
	CreatedAt    time.Time
}

// LastDay is the event's last day.
func (e CoordEvent) LastDay() Date {
	if e.EndDate.IsZero() {
		return e.Date
	}
	return e.EndDate
}

// LinkedOrgs are the organisations in nrm an event concerns: the one that
// recorded it, the organisers and participants named by id, and the
// owners of its follow-ups. isOrg tells an id of an organisation.
func (e CoordEvent) LinkedOrgs(isOrg func(string) bool) []string {
	out := []string{e.OrgID}
	add := func(id string) {
		if isOrg(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, o := range e.Organisers {
		add(o)
	}
	for _, p := range e.Participants {
		add(p.Organisation)
	}
	for _, f := range e.FollowUps {
		add(f.Owner)
	}
	return out
}

// Validate checks an event. Whether the organisations named by id exist is
// the service's to check. today bounds the dates: an event is recorded
// from ten years back to two years ahead.
func (in CoordEventInput) Validate(today Date) (CoordEvent, error) {
	var e CoordEvent
	var err error
	if e.Kind, err = oneOf("kind", in.Kind, EventKinds); err != nil {
		return e, err
	}
	if e.Title, err = Text("title", in.Title, maxEventTitle); err != nil {
		return e, err
	}
	if e.Title == "" {
		return e, Invalid("title", "give the event a title")
	}
	if e.Date, err = eventDate("date", in.Date, today); err != nil {
		return e, err
	}
	if strings.TrimSpace(in.EndDate) != "" {
		if e.EndDate, err = ParseDate("end_date", in.EndDate); err != nil {
			return e, err
		}
		if e.EndDate.Before(e.Date) {
			return e, Invalid("end_date", "before the first day (%s)", e.Date)
		}
		if e.EndDate.After(e.Date.AddDays(maxEventDays)) {
			return e, Invalid("end_date", "an event of at most %d days", maxEventDays)
		}
		if e.EndDate == e.Date {
			e.EndDate = Date{}
		}
	}
	if e.Place, err = Text("place", in.Place, maxEventTitle); err != nil {
		return e, err
	}
	if e.Country, err = ParseCountry("country", in.Country, false); err != nil {
		return e, err
	}
	if len(in.Organisers) > maxEventRows {
		return e, Invalid("organisers", "at most %d organisers", maxEventRows)
	}
	for i, o := range in.Organisers {
		o, err := Text(fmt.Sprintf("organisers[%d]", i), o, maxEventTitle)
		if err != nil {
			return e, err
		}
		if o != "" && !slices.Contains(e.Organisers, o) {
			e.Organisers = append(e.Organisers, o)
		}
	}
	if len(in.Participants) > maxEventRows {
		return e, Invalid("participants", "at most %d participating organisations", maxEventRows)
	}
	for i, p := range in.Participants {
		field := fmt.Sprintf("participants[%d]", i)
		var q EventParticipant
		if q.Organisation, err = Text(field+".organisation", p.Organisation, maxEventTitle); err != nil {
			return e, err
		}
		if q.Organisation == "" {
			return e, Invalid(field+".organisation", "name the organisation")
		}
		if q.Country, err = ParseCountry(field+".country", p.Country, true); err != nil {
			return e, err
		}
		if p.Count == nil || *p.Count < 1 || *p.Count > maxParticipants {
			return e, Invalid(field+".count", "how many took part, 1 to %d", maxParticipants)
		}
		q.Count = *p.Count
		e.Participants = append(e.Participants, q)
	}
	if e.Agenda, err = Text("agenda", in.Agenda, maxEventText); err != nil {
		return e, err
	}
	if e.Outcomes, err = Text("outcomes", in.Outcomes, maxEventText); err != nil {
		return e, err
	}
	if e.Themes, err = ParseThemes("themes", in.Themes); err != nil {
		return e, err
	}
	if len(in.FollowUps) > maxEventRows {
		return e, Invalid("follow_ups", "at most %d follow-ups", maxEventRows)
	}
	for i, f := range in.FollowUps {
		field := fmt.Sprintf("follow_ups[%d]", i)
		u := EventFollowUp{N: i}
		if u.Text, err = Text(field+".text", f.Text, maxEventTitle); err != nil {
			return e, err
		}
		if u.Text == "" {
			return e, Invalid(field+".text", "say what is to be done")
		}
		u.Owner = strings.TrimSpace(f.Owner)
		if !ValidID(u.Owner) {
			return e, Invalid(field+".owner", "the id of the organisation that owes it")
		}
		if strings.TrimSpace(f.Due) == "" {
			return e, Invalid(field+".due", "the day it is due is required")
		}
		if u.Due, err = ParseDate(field+".due", f.Due); err != nil {
			return e, err
		}
		if u.Due.Before(e.Date) {
			return e, Invalid(field+".due", "before the event (%s)", e.Date)
		}
		if u.Due.After(today.AddDays(3660)) {
			return e, Invalid(field+".due", "at most ten years ahead")
		}
		e.FollowUps = append(e.FollowUps, u)
	}
	return e, nil
}

// eventDate reads a required date within ten years back and two ahead.
func eventDate(field, s string, today Date) (Date, error) {
	if strings.TrimSpace(s) == "" {
		return Date{}, Invalid(field, "the day is required")
	}
	d, err := ParseDate(field, s)
	if err != nil {
		return d, err
	}
	if d.Before(today.AddDays(-maxEventPastDays)) {
		return d, Invalid(field, "at most ten years back")
	}
	if d.After(today.AddDays(731)) {
		return d, Invalid(field, "at most two years ahead")
	}
	return d, nil
}

// ActivityInput is an activity as given.
type ActivityInput struct {
	Date     string `json:"date"`
	Country  string `json:"country"`
	Theme    string `json:"theme"`
	Kind     string `json:"kind"`
	Partners string `json:"partners"`
	Summary  string `json:"summary"`
	Results  string `json:"results"`
}

// Activity is what was done, where, with whom and with what result.
type Activity struct {
	ID        string
	OrgID     string
	Date      Date
	Country   string
	Theme     string
	Kind      string
	Partners  string
	Summary   string
	Results   string
	CreatedBy string
	CreatedAt time.Time
}

// Validate checks an activity: it was done, so its day is not ahead.
func (in ActivityInput) Validate(today Date) (Activity, error) {
	var a Activity
	var err error
	if strings.TrimSpace(in.Date) == "" {
		return a, Invalid("date", "the day is required")
	}
	if a.Date, err = PastDate("date", in.Date, today, true); err != nil {
		return a, err
	}
	if a.Date.Before(today.AddDays(-maxEventPastDays)) {
		return a, Invalid("date", "at most ten years back")
	}
	if a.Country, err = ParseCountry("country", in.Country, false); err != nil {
		return a, err
	}
	if a.Theme, err = oneOf("theme", in.Theme, Themes); err != nil {
		return a, err
	}
	if a.Kind, err = oneOf("kind", in.Kind, ActivityKinds); err != nil {
		return a, err
	}
	if a.Partners, err = Text("partners", in.Partners, maxEventTitle); err != nil {
		return a, err
	}
	if a.Summary, err = Text("summary", in.Summary, maxActivityText); err != nil {
		return a, err
	}
	if a.Summary == "" {
		return a, Invalid("summary", "say what was done")
	}
	if a.Results, err = Text("results", in.Results, maxActivityText); err != nil {
		return a, err
	}
	return a, nil
}

// CoordinationFilter narrows lists of events and activities: a period
// (zero ends: open), a country, a kind and a theme ("" for any).
type CoordinationFilter struct {
	From, To             Date
	Country, Kind, Theme string
	Limit                int
}

// FollowUpDue is a follow-up as the notifier sees it: which event, which
// one of its follow-ups, who owes it, by when. No text.
type FollowUpDue struct {
	EventID string
	N       int
	OwnerID string
	OrgID   string // the organisation that recorded the event
	Due     Date
}

// FollowUpClock is an open follow-up on a dashboard.
type FollowUpClock struct {
	FollowUpDue
	Text       string
	EventTitle string
	EventKind  string
}
