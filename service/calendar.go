package service

// The calendar feed of an organisation (RFC 5545): its events (recorded,
// organised or attended, as coord_event_orgs links them) and its open
// follow-ups, as all-day entries. A calendar app reads it from a secret
// address without signing in, so the feed holds what an event's page
// shows anyone signed in, and nothing of a person: no participant, no
// agenda. The address's token is kept only as its SHA-256.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nrmproject/nrm"
)

// calendarDays is how far back the feed reaches.
const calendarDays = 400

// CalendarICS is the feed of the actor's organisation.
func (s *Service) CalendarICS(ctx context.Context) ([]byte, error) {
	a, err := s.allow(ctx, nrm.ActEventRead)
	if err != nil {
		return nil, err
	}
	out, err := s.calendarOf(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "calendar.read", "calendar/"+a.OrgID, outcomeOK, "bearer"))
}

// CalendarByToken is the feed a secret address names; any other token is
// not found.
func (s *Service) CalendarByToken(ctx context.Context, token string) ([]byte, error) {
	if !strings.HasPrefix(token, "nrmcal_") || len(token) > 100 {
		return nil, nrm.NotFound("calendar feed")
	}
	var orgID string
	err := s.store.ReadOne(ctx, func(tx Tx) error {
		var err error
		orgID, err = tx.CalendarFeedOrg(ctx, tokenHash(token))
		return err
	})
	if err != nil {
		return nil, err
	}
	out, err := s.calendarOf(ctx, orgID)
	if err != nil {
		return nil, err
	}
	// Read without a user: the entry names the organisation's feed.
	feed := nrm.WithActor(ctx, nrm.Actor{OrgID: orgID})
	return out, s.recordRead(feed, s.entry(feed, "calendar.read", "calendar/"+orgID, outcomeOK, "feed address"))
}

// CalendarFeedExists says whether the actor's organisation has a feed
// address (admins only).
func (s *Service) CalendarFeedExists(ctx context.Context) (bool, error) {
	a, err := s.allow(ctx, nrm.ActCalendarManage)
	if err != nil {
		return false, err
	}
	var h string
	err = s.read(ctx, func(tx Tx) error {
		h, err = tx.CalendarFeedHash(ctx, a.OrgID)
		return err
	})
	return h != "", err
}

// RotateCalendarFeed gives the actor's organisation a new feed address and
// returns its token, shown once: the old address stops working.
func (s *Service) RotateCalendarFeed(ctx context.Context) (string, error) {
	a, err := s.allow(ctx, nrm.ActCalendarManage)
	if err != nil {
		return "", err
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := "nrmcal_" + base64.RawURLEncoding.EncodeToString(b)
	err = s.write(ctx, func(tx Tx) error {
		if err := tx.SetCalendarFeed(ctx, a.OrgID, tokenHash(token), tx.Time()); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "calendar.rotate", "calendar/"+a.OrgID, outcomeOK, ""))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func (s *Service) calendarOf(ctx context.Context, orgID string) ([]byte, error) {
	var events []nrm.CoordEvent
	var names map[string]string
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if events, err = tx.EventsOfOrg(ctx, orgID, s.Today().AddDays(-calendarDays), 2000); err != nil {
			return err
		}
		orgs, err := tx.Orgs(ctx)
		names = map[string]string{}
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return WriteICS(events, orgID, names, s.store.Now()), nil
}

// WriteICS draws events and the open follow-ups orgID owes or recorded as
// an iCalendar object. now is its DTSTAMP.
func WriteICS(events []nrm.CoordEvent, orgID string, names map[string]string, now time.Time) []byte {
	var b bytes.Buffer
	stamp := now.UTC().Format("20060102T150405Z")
	day := func(d nrm.Date) string { return d.Time().Format("20060102") }
	line := func(name, value string) { icsLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//nrm//co-ordination//EN")
	line("CALSCALE", "GREGORIAN")
	line("X-WR-CALNAME", ICSText("nrm · "+names[orgID]))
	for _, e := range events {
		line("BEGIN", "VEVENT")
		line("UID", "event-"+e.ID+"@nrm")
		line("DTSTAMP", stamp)
		icsLine(&b, "DTSTART;VALUE=DATE:"+day(e.Date))
		icsLine(&b, "DTEND;VALUE=DATE:"+day(e.LastDay().AddDays(1))) // exclusive
		line("SUMMARY", ICSText(e.Title))
		if loc := strings.TrimSpace(strings.Join(nonEmpty(e.Place, e.Country), ", ")); loc != "" {
			line("LOCATION", ICSText(loc))
		}
		line("CATEGORIES", ICSText(e.Kind))
		var orgs []string
		for _, o := range e.Organisers {
			if n, ok := names[o]; ok {
				o = n
			}
			orgs = append(orgs, o)
		}
		if len(orgs) > 0 {
			line("DESCRIPTION", ICSText(fmt.Sprintf("%s · %s", e.Kind, strings.Join(orgs, "; "))))
		}
		line("END", "VEVENT")
		for _, f := range e.FollowUps {
			if f.Done() || (f.Owner != orgID && e.OrgID != orgID) {
				continue
			}
			line("BEGIN", "VEVENT")
			line("UID", fmt.Sprintf("follow-up-%s-%d@nrm", e.ID, f.N))
			line("DTSTAMP", stamp)
			icsLine(&b, "DTSTART;VALUE=DATE:"+day(f.Due))
			icsLine(&b, "DTEND;VALUE=DATE:"+day(f.Due.AddDays(1)))
			line("SUMMARY", ICSText("Follow-up: "+f.Text))
			line("DESCRIPTION", ICSText(fmt.Sprintf("%s · %s", e.Title, names[f.Owner])))
			line("CATEGORIES", "follow-up")
			line("END", "VEVENT")
		}
	}
	line("END", "VCALENDAR")
	return b.Bytes()
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// ICSText escapes a TEXT value (RFC 5545, 3.3.11).
func ICSText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// icsLine writes a content line folded at 75 octets (RFC 5545, 3.1),
// never inside a UTF-8 sequence, ended by CRLF.
func icsLine(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
