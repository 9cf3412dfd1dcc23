package service

// Co-ordination (CONTRACT.md, "Clearinghouse and co-ordination"): events of
// the mechanism's partners with their follow-ups, and activity records.
// Nothing here is about a person, so nothing is sealed; every read and
// write is audited like the rest. A follow-up is a clock of the
// organisation that owes it and of the one that recorded the event, and
// only their staff mark it done.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// CoordinationStore is what co-ordination asks of a transaction
// (sqlstore/coordination.go).
type CoordinationStore interface {
	InsertCoordEvent(ctx context.Context, e nrm.CoordEvent, linked []string) error
	CoordEvent(ctx context.Context, id string) (nrm.CoordEvent, error)
	CoordEvents(ctx context.Context, f nrm.CoordinationFilter) ([]nrm.CoordEvent, error)
	EventsOfOrg(ctx context.Context, orgID string, from nrm.Date, limit int) ([]nrm.CoordEvent, error)
	MarkFollowUpDone(ctx context.Context, eventID string, n int, at time.Time, by string) (bool, error)
	OpenFollowUps(ctx context.Context, orgID string, until nrm.Date, limit int) ([]nrm.FollowUpClock, error)
	InsertActivity(ctx context.Context, a nrm.Activity) error
	Activities(ctx context.Context, f nrm.CoordinationFilter) ([]nrm.Activity, error)
	CalendarFeedHash(ctx context.Context, orgID string) (string, error)
	SetCalendarFeed(ctx context.Context, orgID, hash string, at time.Time) error
	CalendarFeedOrg(ctx context.Context, hash string) (string, error)
}

// CoordinationQuery is the query of the event and activity lists, as given.
type CoordinationQuery struct {
	From, To, Country, Kind, Theme string
}

// parse checks the query: dates, a country, a kind of kinds, a theme.
func (q CoordinationQuery) parse(kinds []string) (nrm.CoordinationFilter, error) {
	var f nrm.CoordinationFilter
	var err error
	if strings.TrimSpace(q.From) != "" {
		if f.From, err = nrm.ParseDate("from", q.From); err != nil {
			return f, err
		}
	}
	if strings.TrimSpace(q.To) != "" {
		if f.To, err = nrm.ParseDate("to", q.To); err != nil {
			return f, err
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, nrm.Invalid("to", "before the first day of the period")
	}
	if f.Country, err = nrm.ParseCountry("country", q.Country, true); err != nil {
		return f, err
	}
	if k := strings.TrimSpace(q.Kind); k != "" {
		if f.Kind, err = oneOfList("kind", k, kinds); err != nil {
			return f, err
		}
	}
	if t := strings.TrimSpace(q.Theme); t != "" {
		if !nrm.ValidTheme(t) {
			return f, nrm.Invalid("theme", "not a theme; the themes: %s", strings.Join(nrm.Themes, ", "))
		}
		f.Theme = t
	}
	return f, nil
}

func oneOfList(field, v string, list []string) (string, error) {
	for _, k := range list {
		if k == v {
			return v, nil
		}
	}
	return "", nrm.Invalid(field, "one of: %s", strings.Join(list, ", "))
}

// CreateEvent records an event of the actor's organisation. Organisers and
// participants given as an id must be organisations in nrm (the event then
// shows in their calendars); so must every follow-up's owner.
func (s *Service) CreateEvent(ctx context.Context, in nrm.CoordEventInput) (nrm.CoordEvent, error) {
	a, err := s.allow(ctx, nrm.ActEventWrite)
	if err != nil {
		return nrm.CoordEvent{}, err
	}
	e, err := in.Validate(s.Today())
	if err != nil {
		return e, err
	}
	e.ID, e.OrgID, e.CreatedBy = nrm.NewID(), a.OrgID, a.UserID
	err = s.write(ctx, func(tx Tx) error {
		known, err := orgIDs(ctx, tx)
		if err != nil {
			return err
		}
		for i, o := range e.Organisers {
			if nrm.ValidID(o) && !known[o] {
				return nrm.Invalid(fmt.Sprintf("organisers[%d]", i), "no organisation in nrm has this id; give a name for one outside it")
			}
		}
		for i, p := range e.Participants {
			if nrm.ValidID(p.Organisation) && !known[p.Organisation] {
				return nrm.Invalid(fmt.Sprintf("participants[%d].organisation", i), "no organisation in nrm has this id; give a name for one outside it")
			}
		}
		for i, f := range e.FollowUps {
			if !known[f.Owner] {
				return nrm.Invalid(fmt.Sprintf("follow_ups[%d].owner", i), "no organisation in nrm has this id")
			}
		}
		e.CreatedAt = tx.Time()
		if err := tx.InsertCoordEvent(ctx, e, e.LinkedOrgs(func(id string) bool { return known[id] })); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "event.create", "event/"+e.ID, outcomeOK,
			fmt.Sprintf("kind %s country %s follow-ups %d", e.Kind, e.Country, len(e.FollowUps))))
	})
	if err != nil {
		return nrm.CoordEvent{}, err
	}
	return e, nil
}

func orgIDs(ctx context.Context, tx Tx) (map[string]bool, error) {
	orgs, err := tx.Orgs(ctx)
	known := make(map[string]bool, len(orgs))
	for _, o := range orgs {
		known[o.ID] = true
	}
	return known, err
}

// Event reads one event.
func (s *Service) Event(ctx context.Context, id string) (nrm.CoordEvent, error) {
	if _, err := s.allow(ctx, nrm.ActEventRead); err != nil {
		return nrm.CoordEvent{}, err
	}
	if !nrm.ValidID(id) {
		return nrm.CoordEvent{}, nrm.NotFound("event")
	}
	var e nrm.CoordEvent
	err := s.read(ctx, func(tx Tx) error {
		var err error
		e, err = tx.CoordEvent(ctx, id)
		return err
	})
	if err != nil {
		return nrm.CoordEvent{}, err
	}
	return e, s.recordRead(ctx, s.entry(ctx, "event.read", "event/"+id, outcomeOK, ""))
}

// Events lists the events of a query, latest first.
func (s *Service) Events(ctx context.Context, q CoordinationQuery) ([]nrm.CoordEvent, error) {
	if _, err := s.allow(ctx, nrm.ActEventRead); err != nil {
		return nil, err
	}
	f, err := q.parse(nrm.EventKinds)
	if err != nil {
		return nil, err
	}
	var out []nrm.CoordEvent
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.CoordEvents(ctx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "event.list", "events", outcomeOK, fmt.Sprintf("events %d", len(out))))
}

// MarkFollowUpDone marks the follow-up n (from 0) of an event done: only
// staff of the organisation that owes it or recorded the event may.
func (s *Service) MarkFollowUpDone(ctx context.Context, eventID, n string) (nrm.CoordEvent, error) {
	a, err := s.allow(ctx, nrm.ActFollowUpDone)
	if err != nil {
		return nrm.CoordEvent{}, err
	}
	i, err := strconv.Atoi(n)
	if !nrm.ValidID(eventID) || err != nil || i < 0 {
		return nrm.CoordEvent{}, nrm.NotFound("follow-up")
	}
	var e nrm.CoordEvent
	object := "event/" + eventID + "/follow-up/" + strconv.Itoa(i)
	err = s.write(ctx, func(tx Tx) error {
		e, err = tx.CoordEvent(ctx, eventID)
		if err != nil {
			return err
		}
		if i >= len(e.FollowUps) {
			return nrm.NotFound("follow-up")
		}
		f := e.FollowUps[i]
		if f.Owner != a.OrgID && e.OrgID != a.OrgID {
			return s.deny(ctx, a, nrm.ActFollowUpDone, object, nrm.Forbidden("only the organisation that owes it or recorded the event marks it done"))
		}
		ok, err := tx.MarkFollowUpDone(ctx, eventID, i, tx.Time(), a.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return nrm.Conflict("the follow-up is marked done already")
		}
		e.FollowUps[i].DoneAt, e.FollowUps[i].DoneBy = tx.Time(), a.UserID
		return s.record(ctx, tx, s.entry(ctx, "event.follow-up.done", object, outcomeOK, ""))
	})
	if err != nil {
		return nrm.CoordEvent{}, err
	}
	return e, nil
}

// FollowUpBoard is an organisation's open follow-ups, soonest first.
type FollowUpBoard struct {
	Today            nrm.Date
	Overdue, Running int
	Items            []nrm.FollowUpClock
}

// FollowUpClocks reads the open follow-ups the actor's organisation owes
// or recorded.
func (s *Service) FollowUpClocks(ctx context.Context) (FollowUpBoard, error) {
	a, err := s.allow(ctx, nrm.ActEventRead)
	if err != nil {
		return FollowUpBoard{}, err
	}
	b := FollowUpBoard{Today: s.Today()}
	err = s.read(ctx, func(tx Tx) error {
		b.Items, err = tx.OpenFollowUps(ctx, a.OrgID, nrm.NewDate(9999, 12, 31), 500)
		return err
	})
	if err != nil {
		return FollowUpBoard{}, err
	}
	for _, it := range b.Items {
		if it.Due.Before(b.Today) {
			b.Overdue++
		} else {
			b.Running++
		}
	}
	return b, s.recordRead(ctx, s.entry(ctx, "event.follow-ups", "", outcomeOK, fmt.Sprintf("open %d", len(b.Items))))
}

// DueFollowUps lists every open follow-up due by until (overdue ones
// included), for the notifier: which event, which follow-up, who owes it
// and by when, without its text. The operator only.
func (s *Service) DueFollowUps(ctx context.Context, until nrm.Date) ([]nrm.FollowUpDue, error) {
	if err := system(ctx); err != nil {
		return nil, err
	}
	var out []nrm.FollowUpDue
	err := s.read(ctx, func(tx Tx) error {
		items, err := tx.OpenFollowUps(ctx, "", until, 10000)
		for _, it := range items {
			out = append(out, it.FollowUpDue)
		}
		return err
	})
	return out, err
}

// CreateActivity records an activity of the actor's organisation.
func (s *Service) CreateActivity(ctx context.Context, in nrm.ActivityInput) (nrm.Activity, error) {
	a, err := s.allow(ctx, nrm.ActActivityWrite)
	if err != nil {
		return nrm.Activity{}, err
	}
	x, err := in.Validate(s.Today())
	if err != nil {
		return x, err
	}
	x.ID, x.OrgID, x.CreatedBy = nrm.NewID(), a.OrgID, a.UserID
	err = s.write(ctx, func(tx Tx) error {
		x.CreatedAt = tx.Time()
		if err := tx.InsertActivity(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "activity.create", "activity/"+x.ID, outcomeOK,
			fmt.Sprintf("kind %s theme %s country %s", x.Kind, x.Theme, x.Country)))
	})
	if err != nil {
		return nrm.Activity{}, err
	}
	return x, nil
}

// Activities lists the activities of a query, latest first.
func (s *Service) Activities(ctx context.Context, q CoordinationQuery) ([]nrm.Activity, error) {
	if _, err := s.allow(ctx, nrm.ActActivityRead); err != nil {
		return nil, err
	}
	f, err := q.parse(nrm.ActivityKinds)
	if err != nil {
		return nil, err
	}
	var out []nrm.Activity
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.Activities(ctx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "activity.list", "activities", outcomeOK, fmt.Sprintf("activities %d", len(out))))
}
