package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// coordWorld adds an analyst, an NGO admin and an unrelated organisation
// to the case organisations.
type coordWorld struct {
	*world
	analyst, ngoAdmin, otherWorker string
	ngoAdminUser                   testapp.User
	ngoUser, otherUser             testapp.User
	other                          nrm.Organisation
}

func newCoordWorld(t *testing.T, e sqlstore.Engine) *coordWorld {
	w := &coordWorld{world: newWorld(t, e, service.Config{})}
	a := w.a
	w.analyst = a.MustToken(t, a.MustUser(t, w.coord, nrm.RoleAnalyst))
	w.ngoAdminUser = a.MustUser(t, w.ngo, nrm.RoleAdmin)
	w.ngoAdmin = a.MustToken(t, w.ngoAdminUser)
	w.ngoUser = a.MustUser(t, w.ngo, nrm.RoleCaseWorker)
	w.other = a.MustOrg(t, nrm.KindShelter)
	w.otherUser = a.MustUser(t, w.other, nrm.RoleCaseWorker)
	w.otherWorker = a.MustToken(t, w.otherUser)
	return w
}

func (w *coordWorld) eventBody(date nrm.Date, dues ...nrm.Date) map[string]any {
	var fus []map[string]any
	for i, d := range dues {
		fus = append(fus, map[string]any{"text": fmt.Sprintf("Send the translated handbook %d", i), "owner": w.ngo.ID, "due": d.String()})
	}
	return map[string]any{"kind": "training", "title": "Training of labour inspectors, Chisinau", "date": date.String(),
		"end_date": date.AddDays(1).String(), "place": "Chisinau", "country": "md", "organisers": []string{w.coord.ID, "OSCE ODIHR"},
		"participants": []map[string]any{{"organisation": w.ngo.ID, "country": "MD", "count": 4}, {"organisation": "Labour Inspectorate", "country": "MD", "count": 18}},
		"agenda":       "Indicators of labour exploitation; referral", "outcomes": "A joint checklist", "themes": []string{"labour-exploitation", "training"},
		"follow_ups": fus}
}

func (w *coordWorld) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.a.RawDB(t).QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEventsContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newCoordWorld(t, e)
		today := w.a.Svc.Today()
		var id string
		t.Run("a co-ordinator records an event: 201, read back whole", func(t *testing.T) {
			r := w.a.Do(t, "POST", "/api/v1/events", w.coordinator, w.eventBody(today.AddDays(-20), today.AddDays(-3), today.AddDays(10)))
			if r.Status != 201 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			id, _ = r.JSON(t)["id"].(string)
			if !nrm.ValidID(id) || r.Header.Get("Location") != "/api/v1/events/"+id {
				t.Fatalf("%s", r.Body)
			}
			got := w.must(t, 200, "GET", "/api/v1/events/"+id, w.ngoWorker, nil)
			fus := got["follow_ups"].([]any)
			if got["country"] != "MD" || got["kind"] != "training" || got["end_date"] != today.AddDays(-19).String() ||
				len(got["participants"].([]any)) != 2 || len(got["themes"].([]any)) != 2 || len(fus) != 2 ||
				fus[0].(map[string]any)["owner"] != w.ngo.ID || fus[0].(map[string]any)["done"] != false {
				t.Fatalf("%v", got)
			}
		})
		t.Run("lists filter by period, country, kind and theme", func(t *testing.T) {
			w.must(t, 201, "POST", "/api/v1/events", w.analyst, map[string]any{"kind": "roundtable", "title": "Roundtable on Roma communities",
				"date": today.AddDays(-100).String(), "place": "Tirana", "country": "AL", "themes": []string{"roma-and-minorities"}})
			for q, want := range map[string]int{"": 2, "?country=md": 1, "?kind=roundtable": 1, "?theme=training": 1, "?theme=prevention": 0,
				"?from=" + today.AddDays(-50).String(): 1, "?to=" + today.AddDays(-50).String(): 1,
				"?from=" + today.AddDays(-19).String() + "&to=" + today.AddDays(-19).String(): 1} {
				if n := len(w.must(t, 200, "GET", "/api/v1/events"+q, w.ngoWorker, nil)["items"].([]any)); n != want {
					t.Errorf("%q: %d events, want %d", q, n, want)
				}
			}
		})
		t.Run("bad queries: 422 at the field", func(t *testing.T) {
			for q, field := range map[string]string{"?from=2026-13-01": "from", "?to=yesterday": "to", "?kind=party": "kind",
				"?theme=weather": "theme", "?country=Moldova": "country",
				"?from=" + today.String() + "&to=" + today.AddDays(-1).String(): "to"} {
				w.wantError(t, 422, field, "GET", "/api/v1/events"+q, w.ngoWorker, nil)
			}
		})
		t.Run("refusals store nothing", func(t *testing.T) {
			before := []int{w.count(t, "coord_events"), w.count(t, "coord_follow_ups"), w.count(t, "coord_event_themes")}
			good := func() map[string]any { return w.eventBody(today, today.AddDays(5)) }
			w.wantError(t, 401, "", "POST", "/api/v1/events", "", good())
			w.wantError(t, 401, "", "GET", "/api/v1/events", "", nil)
			w.wantError(t, 403, "", "POST", "/api/v1/events", w.ngoWorker, good())
			w.wantError(t, 403, "", "POST", "/api/v1/events", w.ngoAdmin, good())
			bad := func(field string, change func(m map[string]any)) {
				t.Helper()
				m := good()
				change(m)
				w.wantError(t, 422, field, "POST", "/api/v1/events", w.coordinator, m)
			}
			bad("kind", func(m map[string]any) { m["kind"] = "party" })
			bad("title", func(m map[string]any) { m["title"] = " " })
			bad("date", func(m map[string]any) { m["date"] = "2026-02-30" })
			bad("date", func(m map[string]any) { delete(m, "date") })
			bad("end_date", func(m map[string]any) { m["end_date"] = today.AddDays(-1).String() })
			bad("country", func(m map[string]any) { m["country"] = "Moldova" })
			bad("organisers[0]", func(m map[string]any) { m["organisers"] = []string{nrm.NewID()} })
			bad("participants[1].count", func(m map[string]any) {
				m["participants"] = []map[string]any{{"organisation": "A", "count": 1}, {"organisation": "B", "count": 0}}
			})
			bad("participants[0].organisation", func(m map[string]any) {
				m["participants"] = []map[string]any{{"organisation": nrm.NewID(), "count": 3}}
			})
			bad("themes", func(m map[string]any) { m["themes"] = []string{"training", "weather"} })
			bad("follow_ups[0].owner", func(m map[string]any) {
				m["follow_ups"] = []map[string]any{{"text": "x", "owner": nrm.NewID(), "due": today.AddDays(3).String()}}
			})
			bad("follow_ups[0].owner", func(m map[string]any) {
				m["follow_ups"] = []map[string]any{{"text": "x", "owner": "the NGO", "due": today.AddDays(3).String()}}
			})
			bad("follow_ups[0].due", func(m map[string]any) {
				m["follow_ups"] = []map[string]any{{"text": "x", "owner": w.ngo.ID, "due": "soon"}}
			})
			bad("follow_ups[0].due", func(m map[string]any) {
				m["follow_ups"] = []map[string]any{{"text": "x", "owner": w.ngo.ID, "due": today.AddDays(-1).String()}}
			})
			bad("follow_ups[0].text", func(m map[string]any) { m["follow_ups"] = []map[string]any{{"owner": w.ngo.ID, "due": today.String()}} })
			if r := w.a.Do(t, "POST", "/api/v1/events", w.coordinator, map[string]any{"kind": "training", "title": 3}); r.Status != 422 && r.Status != 400 {
				t.Fatalf("wrong type: %d %s", r.Status, r.Body)
			}
			after := []int{w.count(t, "coord_events"), w.count(t, "coord_follow_ups"), w.count(t, "coord_event_themes")}
			if fmt.Sprint(before) != fmt.Sprint(after) {
				t.Fatalf("a refusal stored something: %v -> %v", before, after)
			}
			w.wantError(t, 404, "", "GET", "/api/v1/events/"+nrm.NewID(), w.ngoWorker, nil)
			w.wantError(t, 404, "", "GET", "/api/v1/events/nonsense", w.ngoWorker, nil)
		})

		ctx := func(u testapp.User) service.FollowUpBoard {
			t.Helper()
			b, err := w.a.Svc.FollowUpClocks(testapp.As(u.Actor))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		t.Run("follow-ups are clocks of the owner, not of an unrelated organisation", func(t *testing.T) {
			b := ctx(w.ngoUser)
			if len(b.Items) != 2 || b.Overdue != 1 || b.Running != 1 || b.Items[0].EventID != id || b.Items[0].Due != today.AddDays(-3) {
				t.Fatalf("%+v", b)
			}
			if b := ctx(w.otherUser); len(b.Items) != 0 {
				t.Fatalf("an unrelated organisation sees %+v", b)
			}
			due, err := w.a.Svc.DueFollowUps(testapp.System(), today)
			if err != nil || len(due) != 1 || due[0].OwnerID != w.ngo.ID || due[0].N != 0 || due[0].EventID != id {
				t.Fatalf("%v %+v", err, due)
			}
			if _, err := w.a.Svc.DueFollowUps(testapp.As(w.ngoUser.Actor), today); err == nil {
				t.Fatal("a user read the notifier's list")
			}
		})
		done := "/api/v1/events/" + id + "/follow-ups/0/done"
		t.Run("marking done: only the owner or the recorder; done removes the clock", func(t *testing.T) {
			snap := mustJSON(w.must(t, 200, "GET", "/api/v1/events/"+id, w.ngoWorker, nil))
			w.wantError(t, 401, "", "POST", done, "", nil)
			w.wantError(t, 403, "", "POST", done, w.otherWorker, nil)
			w.wantError(t, 404, "", "POST", "/api/v1/events/"+id+"/follow-ups/7/done", w.ngoWorker, nil)
			w.wantError(t, 404, "", "POST", "/api/v1/events/"+id+"/follow-ups/x/done", w.ngoWorker, nil)
			if got := mustJSON(w.must(t, 200, "GET", "/api/v1/events/"+id, w.ngoWorker, nil)); got != snap {
				t.Fatalf("a refusal changed the event:\n%s\n%s", snap, got)
			}
			got := w.must(t, 200, "POST", done, w.ngoWorker, nil)
			if f := got["follow_ups"].([]any)[0].(map[string]any); f["done"] != true || f["done_at"] == nil {
				t.Fatalf("%v", got)
			}
			w.wantError(t, 409, "", "POST", done, w.coordinator, nil)
			if b := ctx(w.ngoUser); len(b.Items) != 1 || b.Overdue != 0 || b.Items[0].N != 1 {
				t.Fatalf("%+v", b)
			}
			// The recorder may mark the other one.
			w.must(t, 200, "POST", "/api/v1/events/"+id+"/follow-ups/1/done", w.coordinator, nil)
			if b := ctx(w.ngoUser); len(b.Items) != 0 {
				t.Fatalf("%+v", b)
			}
		})
	})
}

// checkICS checks the RFC 5545 rules the feed relies on: CRLF line ends,
// lines of at most 75 octets, folded lines unfolding into whole UTF-8,
// balanced components, UID and DTSTAMP in each event, all-day dates.
// It returns the unfolded content lines.
func checkICS(t *testing.T, b []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatal("the feed does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	var lines []string
	for _, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("a bare CR or LF in %q", l)
		}
		if len(l) > 75 {
			t.Fatalf("a line of %d octets: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Fatalf("not a calendar: %q … %q", lines[0], lines[len(lines)-1])
	}
	var stack []string
	var uid, stamp, start bool
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" {
			t.Fatalf("not a content line: %q", l)
		}
		if !utf8Valid(value) {
			t.Fatalf("folding broke UTF-8: %q", l)
		}
		switch {
		case name == "BEGIN":
			stack = append(stack, value)
			uid, stamp, start = false, false, false
		case name == "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			if value == "VEVENT" && !(uid && stamp && start) {
				t.Fatalf("an event without UID, DTSTAMP or DTSTART")
			}
			stack = stack[:len(stack)-1]
		case name == "UID":
			uid = true
		case name == "DTSTAMP":
			stamp = len(value) == 16 && strings.HasSuffix(value, "Z")
		case name == "DTSTART;VALUE=DATE":
			start = len(value) == 8
		case name == "DTSTART":
			t.Fatalf("a timed DTSTART: %q", l)
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed %v", stack)
	}
	return lines
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestCalendarFeed(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newCoordWorld(t, e)
		today := w.a.Svc.Today()
		body := w.eventBody(today.AddDays(3), today.AddDays(30))
		body["title"] = "Réunion des points focaux; Chişinău, «Moldova» — a long title that must be folded over seventy-five octets, twice over if need be"
		ev := w.must(t, 201, "POST", "/api/v1/events", w.coordinator, body)
		id := ev["id"].(string)
		feed := func(token string) []string {
			t.Helper()
			r := w.a.Do(t, "GET", "/api/v1/events/calendar.ics", token, nil)
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			return checkICS(t, r.Body)
		}
		has := func(lines []string, want string) bool {
			for _, l := range lines {
				if l == want {
					return true
				}
			}
			return false
		}
		t.Run("bearer: the event and its follow-up in the participant's feed, escaped", func(t *testing.T) {
			lines := feed(w.ngoWorker)
			if !has(lines, "UID:event-"+id+"@nrm") || !has(lines, "UID:follow-up-"+id+"-0@nrm") ||
				!has(lines, "DTSTART;VALUE=DATE:"+today.AddDays(3).Time().Format("20060102")) ||
				!has(lines, "DTEND;VALUE=DATE:"+today.AddDays(5).Time().Format("20060102")) ||
				!has(lines, `SUMMARY:Réunion des points focaux\; Chişinău\, «Moldova» — a long title that must be folded over seventy-five octets\, twice over if need be`) {
				t.Fatalf("%s", strings.Join(lines, "\n"))
			}
			if joined := strings.Join(lines, "\n"); strings.Contains(joined, "Labour Inspectorate") || strings.Contains(joined, "Indicators") {
				t.Fatalf("participants or agenda in the feed: %s", joined)
			}
			if lines := feed(w.otherWorker); has(lines, "UID:event-"+id+"@nrm") {
				t.Fatal("an unrelated organisation's feed has the event")
			}
			w.wantError(t, 401, "", "GET", "/api/v1/events/calendar.ics", "", nil)
		})
		t.Run("secret address: works without a token; a rotated one is refused", func(t *testing.T) {
			if _, err := w.a.Svc.RotateCalendarFeed(testapp.As(w.ngoUser.Actor)); nrm.ErrorCode(err) != nrm.CodeForbidden {
				t.Fatalf("a case worker rotated the feed: %v", err)
			}
			admin := testapp.As(w.ngoAdminUser.Actor)
			old, err := w.a.Svc.RotateCalendarFeed(admin)
			if err != nil {
				t.Fatal(err)
			}
			r := w.a.Do(t, "GET", "/api/v1/calendar/"+old, "", nil)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if lines := checkICS(t, r.Body); !has(lines, "UID:event-"+id+"@nrm") {
				t.Fatal("the feed misses the event")
			}
			var stored string
			w.a.RawDB(t).QueryRow("SELECT token_hash FROM calendar_feeds WHERE org_id = '" + w.ngo.ID + "'").Scan(&stored)
			if stored == "" || strings.Contains(stored, old) || strings.Contains(old, stored) {
				t.Fatalf("the token is not stored hashed: %q", stored)
			}
			fresh, err := w.a.Svc.RotateCalendarFeed(admin)
			if err != nil || fresh == old {
				t.Fatal(err)
			}
			w.wantError(t, 404, "", "GET", "/api/v1/calendar/"+old, "", nil)
			w.wantError(t, 404, "", "GET", "/api/v1/calendar/nrmcal_guess", "", nil)
			if r := w.a.Do(t, "GET", "/api/v1/calendar/"+fresh, "", nil); r.Status != 200 {
				t.Fatalf("%d", r.Status)
			}
		})
	})
}

func TestActivitiesContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newCoordWorld(t, e)
		today := w.a.Svc.Today()
		good := func() map[string]any {
			return map[string]any{"date": today.AddDays(-5).String(), "country": "ge", "theme": "legislation", "kind": "legislative-review",
				"partners": "Ministry of Justice", "summary": "Review of the draft anti-trafficking law", "results": "Twelve comments, nine taken up"}
		}
		t.Run("201, listed and filtered", func(t *testing.T) {
			got := w.must(t, 201, "POST", "/api/v1/activities", w.analyst, good())
			if got["country"] != "GE" || got["kind"] != "legislative-review" || !nrm.ValidID(got["id"].(string)) {
				t.Fatalf("%v", got)
			}
			m := good()
			m["country"], m["theme"], m["kind"], m["date"] = "AM", "training", "training", today.AddDays(-40).String()
			w.must(t, 201, "POST", "/api/v1/activities", w.coordinator, m)
			for q, want := range map[string]int{"": 2, "?country=GE": 1, "?theme=training": 1, "?kind=training": 1,
				"?from=" + today.AddDays(-10).String(): 1, "?to=" + today.AddDays(-10).String(): 1} {
				if n := len(w.must(t, 200, "GET", "/api/v1/activities"+q, w.ngoWorker, nil)["items"].([]any)); n != want {
					t.Errorf("%q: %d, want %d", q, n, want)
				}
			}
			w.wantError(t, 422, "kind", "GET", "/api/v1/activities?kind=party", w.ngoWorker, nil)
			w.wantError(t, 422, "to", "GET", "/api/v1/activities?from="+today.String()+"&to="+today.AddDays(-1).String(), w.ngoWorker, nil)
		})
		t.Run("refusals store nothing", func(t *testing.T) {
			before := w.count(t, "coord_activities")
			w.wantError(t, 401, "", "POST", "/api/v1/activities", "", good())
			w.wantError(t, 401, "", "GET", "/api/v1/activities", "", nil)
			w.wantError(t, 403, "", "POST", "/api/v1/activities", w.ngoWorker, good())
			for field, v := range map[string]any{"date": today.AddDays(1).String(), "country": "", "theme": "weather", "kind": "party", "summary": ""} {
				m := good()
				m[field] = v
				w.wantError(t, 422, field, "POST", "/api/v1/activities", w.coordinator, m)
			}
			m := good()
			delete(m, "date")
			w.wantError(t, 422, "date", "POST", "/api/v1/activities", w.coordinator, m)
			if after := w.count(t, "coord_activities"); after != before {
				t.Fatalf("%d -> %d", before, after)
			}
		})
	})
}
