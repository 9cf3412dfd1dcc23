package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// Co-ordination: events, follow-ups, activities and calendar feeds. Rows
// only; the service decides who reads and writes.

// eventBody is what of an event is kept as one JSON column.
type eventBody struct {
	Organisers   []string               `json:"organisers"`
	Participants []nrm.EventParticipant `json:"participants"`
	Agenda       string                 `json:"agenda"`
	Outcomes     string                 `json:"outcomes"`
}

const coordEventColumns = `e.id, e.org_id, e.kind, e.on_date, e.end_date, e.country, e.title, e.place, e.body, e.created_by, e.created_at`

func scanCoordEvent(r scanner) (nrm.CoordEvent, error) {
	var e nrm.CoordEvent
	var on, end, body string
	var at int64
	err := r.Scan(&e.ID, &e.OrgID, &e.Kind, &on, &end, &e.Country, &e.Title, &e.Place, &body, &e.CreatedBy, &at)
	e.Date, e.CreatedAt = date(on), fromMicros(at)
	if end != "" {
		e.EndDate = date(end)
	}
	var b eventBody
	_ = json.Unmarshal([]byte(body), &b)
	e.Organisers, e.Participants, e.Agenda, e.Outcomes = b.Organisers, b.Participants, b.Agenda, b.Outcomes
	return e, err
}

// InsertCoordEvent stores an event, its themes, follow-ups and the
// organisations it concerns.
func (tx *Tx) InsertCoordEvent(ctx context.Context, e nrm.CoordEvent, linked []string) error {
	end := ""
	if !e.EndDate.IsZero() {
		end = e.EndDate.String()
	}
	body, _ := json.Marshal(eventBody{Organisers: e.Organisers, Participants: e.Participants, Agenda: e.Agenda, Outcomes: e.Outcomes})
	if err := tx.execErr(ctx, "INSERT INTO coord_events (id, org_id, kind, on_date, end_date, country, title, place, body, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, e.OrgID, e.Kind, e.Date.String(), end, e.Country, e.Title, e.Place, string(body), e.CreatedBy, micros(e.CreatedAt)); err != nil {
		return err
	}
	for _, t := range e.Themes {
		if err := tx.execErr(ctx, "INSERT INTO coord_event_themes (event_id, theme) VALUES (?, ?)", e.ID, t); err != nil {
			return err
		}
	}
	for _, o := range linked {
		if err := tx.execErr(ctx, "INSERT INTO coord_event_orgs (event_id, org_id) VALUES (?, ?)", e.ID, o); err != nil {
			return err
		}
	}
	for _, f := range e.FollowUps {
		if err := tx.execErr(ctx, "INSERT INTO coord_follow_ups (event_id, n, owner_org, org_id, due, text, done_at, done_by) VALUES (?, ?, ?, ?, ?, ?, 0, '')",
			e.ID, f.N, f.Owner, e.OrgID, f.Due.String(), f.Text); err != nil {
			return err
		}
	}
	return nil
}

// CoordEvent loads one event with its themes and follow-ups.
func (tx *Tx) CoordEvent(ctx context.Context, id string) (nrm.CoordEvent, error) {
	e, err := one(tx.queryRow(ctx, "SELECT "+coordEventColumns+" FROM coord_events e WHERE e.id = ?", id), scanCoordEvent, "event")
	if err != nil {
		return e, err
	}
	es := []nrm.CoordEvent{e}
	err = tx.completeCoordEvents(ctx, es)
	return es[0], err
}

// CoordEvents lists the events of a filter, latest first.
func (tx *Tx) CoordEvents(ctx context.Context, f nrm.CoordinationFilter) ([]nrm.CoordEvent, error) {
	where, args := []string{"1 = 1"}, []any{}
	if !f.From.IsZero() {
		// An event of several days counts from any of them.
		where, args = append(where, "(e.on_date >= ? OR e.end_date >= ?)"), append(args, f.From.String(), f.From.String())
	}
	if !f.To.IsZero() {
		where, args = append(where, "e.on_date <= ?"), append(args, f.To.String())
	}
	if f.Country != "" {
		where, args = append(where, "e.country = ?"), append(args, f.Country)
	}
	if f.Kind != "" {
		where, args = append(where, "e.kind = ?"), append(args, f.Kind)
	}
	if f.Theme != "" {
		where, args = append(where, "EXISTS (SELECT 1 FROM coord_event_themes t WHERE t.event_id = e.id AND t.theme = ?)"), append(args, f.Theme)
	}
	return tx.coordEventList(ctx, strings.Join(where, " AND "), f.Limit, args...)
}

// EventsOfOrg lists the events an organisation is linked to that end on
// or after from, latest first (its calendar).
func (tx *Tx) EventsOfOrg(ctx context.Context, orgID string, from nrm.Date, limit int) ([]nrm.CoordEvent, error) {
	return tx.coordEventList(ctx, "e.id IN (SELECT event_id FROM coord_event_orgs WHERE org_id = ?) AND (e.on_date >= ? OR e.end_date >= ?)",
		limit, orgID, from.String(), from.String())
}

func (tx *Tx) coordEventList(ctx context.Context, where string, limit int, args ...any) ([]nrm.CoordEvent, error) {
	if limit <= 0 || limit > 5000 {
		limit = 5000
	}
	es, err := collect(tx, ctx, scanCoordEvent, "SELECT "+coordEventColumns+" FROM coord_events e WHERE "+where+
		" ORDER BY e.on_date DESC, e.created_at DESC, e.id LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	return es, tx.completeCoordEvents(ctx, es)
}

// completeCoordEvents adds the themes and follow-ups of events.
func (tx *Tx) completeCoordEvents(ctx context.Context, es []nrm.CoordEvent) error {
	if len(es) == 0 {
		return nil
	}
	ids := make([]string, len(es))
	at := map[string]int{}
	for i, e := range es {
		ids[i], at[e.ID] = e.ID, i
		es[i].Themes = []string{}
	}
	marks, args := inList(ids)
	type theme struct{ event, theme string }
	ts, err := collect(tx, ctx, func(r scanner) (theme, error) {
		var t theme
		return t, r.Scan(&t.event, &t.theme)
	}, "SELECT event_id, theme FROM coord_event_themes WHERE event_id IN ("+marks+") ORDER BY event_id, theme", args...)
	if err != nil {
		return err
	}
	for _, t := range ts {
		es[at[t.event]].Themes = append(es[at[t.event]].Themes, t.theme)
	}
	type fu struct {
		event string
		f     nrm.EventFollowUp
	}
	fs, err := collect(tx, ctx, func(r scanner) (fu, error) {
		var x fu
		var due string
		var done int64
		err := r.Scan(&x.event, &x.f.N, &x.f.Owner, &due, &x.f.Text, &done, &x.f.DoneBy)
		x.f.Due = date(due)
		if done != 0 {
			x.f.DoneAt = fromMicros(done)
		}
		return x, err
	}, "SELECT event_id, n, owner_org, due, text, done_at, done_by FROM coord_follow_ups WHERE event_id IN ("+marks+") ORDER BY event_id, n", args...)
	for _, x := range fs {
		es[at[x.event]].FollowUps = append(es[at[x.event]].FollowUps, x.f)
	}
	return err
}

// MarkFollowUpDone marks an open follow-up done; false when it was done
// already (or is none).
func (tx *Tx) MarkFollowUpDone(ctx context.Context, eventID string, n int, at time.Time, by string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE coord_follow_ups SET done_at = ?, done_by = ? WHERE event_id = ? AND n = ? AND done_at = 0",
		micros(at), by, eventID, n)
	if err != nil {
		return false, nrm.Internal(err)
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// OpenFollowUps lists the follow-ups still open that are due by until,
// soonest first: those an organisation owes or recorded, or with orgID
// "" every organisation's.
func (tx *Tx) OpenFollowUps(ctx context.Context, orgID string, until nrm.Date, limit int) ([]nrm.FollowUpClock, error) {
	where, args := "f.done_at = 0 AND f.due <= ?", []any{until.String()}
	if orgID != "" {
		where, args = where+" AND (f.owner_org = ? OR f.org_id = ?)", append(args, orgID, orgID)
	}
	return collect(tx, ctx, func(r scanner) (nrm.FollowUpClock, error) {
		var c nrm.FollowUpClock
		var due string
		err := r.Scan(&c.EventID, &c.N, &c.OwnerID, &c.OrgID, &due, &c.Text, &c.EventTitle, &c.EventKind)
		c.Due = date(due)
		return c, err
	}, "SELECT f.event_id, f.n, f.owner_org, f.org_id, f.due, f.text, e.title, e.kind FROM coord_follow_ups f JOIN coord_events e ON e.id = f.event_id WHERE "+
		where+" ORDER BY f.due, f.event_id, f.n LIMIT ?", append(args, limit)...)
}

const activityColumns = `id, org_id, on_date, country, theme, kind, partners, summary, results, created_by, created_at`

func scanActivity(r scanner) (nrm.Activity, error) {
	var a nrm.Activity
	var on string
	var at int64
	err := r.Scan(&a.ID, &a.OrgID, &on, &a.Country, &a.Theme, &a.Kind, &a.Partners, &a.Summary, &a.Results, &a.CreatedBy, &at)
	a.Date, a.CreatedAt = date(on), fromMicros(at)
	return a, err
}

// InsertActivity stores an activity.
func (tx *Tx) InsertActivity(ctx context.Context, a nrm.Activity) error {
	return tx.execErr(ctx, "INSERT INTO coord_activities ("+activityColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		a.ID, a.OrgID, a.Date.String(), a.Country, a.Theme, a.Kind, a.Partners, a.Summary, a.Results, a.CreatedBy, micros(a.CreatedAt))
}

// Activities lists the activities of a filter, latest first.
func (tx *Tx) Activities(ctx context.Context, f nrm.CoordinationFilter) ([]nrm.Activity, error) {
	where, args := []string{"1 = 1"}, []any{}
	if !f.From.IsZero() {
		where, args = append(where, "on_date >= ?"), append(args, f.From.String())
	}
	if !f.To.IsZero() {
		where, args = append(where, "on_date <= ?"), append(args, f.To.String())
	}
	for _, c := range []struct{ col, v string }{{"country", f.Country}, {"theme", f.Theme}, {"kind", f.Kind}} {
		if c.v != "" {
			where, args = append(where, c.col+" = ?"), append(args, c.v)
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 5000
	}
	return collect(tx, ctx, scanActivity, "SELECT "+activityColumns+" FROM coord_activities WHERE "+strings.Join(where, " AND ")+
		" ORDER BY on_date DESC, created_at DESC, id LIMIT ?", append(args, limit)...)
}

// CalendarFeedHash returns the hash of an organisation's feed token, ""
// when it has none.
func (tx *Tx) CalendarFeedHash(ctx context.Context, orgID string) (string, error) {
	h, err := one(tx.queryRow(ctx, "SELECT token_hash FROM calendar_feeds WHERE org_id = ?", orgID), func(r scanner) (string, error) {
		var h string
		return h, r.Scan(&h)
	}, "calendar feed")
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return "", nil
	}
	return h, err
}

// SetCalendarFeed sets (or replaces) an organisation's feed token hash.
func (tx *Tx) SetCalendarFeed(ctx context.Context, orgID, hash string, at time.Time) error {
	if err := tx.execErr(ctx, "DELETE FROM calendar_feeds WHERE org_id = ?", orgID); err != nil {
		return err
	}
	return tx.execErr(ctx, "INSERT INTO calendar_feeds (org_id, token_hash, created_at) VALUES (?, ?, ?)", orgID, hash, micros(at))
}

// CalendarFeedOrg returns the organisation whose feed token has hash.
func (tx *Tx) CalendarFeedOrg(ctx context.Context, hash string) (string, error) {
	return one(tx.queryRow(ctx, "SELECT org_id FROM calendar_feeds WHERE token_hash = ?", hash), func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, "calendar feed")
}
