package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func countRows(tb testing.TB, a *testapp.App, table string) int {
	tb.Helper()
	var n int
	if err := a.RawDB(tb).QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestCoordinationPages: a co-ordinator records events (with participant
// and follow-up rows, no JavaScript) and activities; bad input is shown at
// its field with nothing stored; a follow-up is a clock on the owner's home
// and deadlines pages, not on an unrelated organisation's, until the owner
// marks it done; the calendar feed's address works until rotated; the
// progress report's figures are the counts the test made, as a page, HTML
// and PDF, and bad periods are shown at their field.
func TestCoordinationPages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		coordOrg, ngo, shelter := a.MustOrg(t, nrm.KindCoordinator), a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindShelter)
		c := MustSignIn(t, a, a.MustUser(t, coordOrg, nrm.RoleCoordinator), "")
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		other := MustSignIn(t, a, a.MustUser(t, shelter, nrm.RoleCaseWorker), "")
		admin := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleAdmin), "")
		today := a.Svc.Today()

		p := c.get(t, "/events")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, `href="/events">`, `action="/events"`, `name="participants[4].count"`, `name="follow_ups[2].due"`, `href="/reports/activity"`)

		form := func(kind, date string, overdue bool) url.Values {
			v := url.Values{"csrf": {c.CSRF}, "kind": {kind}, "title": {"Training of labour inspectors"}, "date": {date},
				"place": {"Chisinau"}, "country": {"MD"}, "organiser_org": {coordOrg.ID}, "organisers_other": {"OSCE ODIHR\n"},
				"themes": {"training", "labour-exploitation"},
				// The second row filled, the first left empty.
				"participants[1].org": {ngo.ID}, "participants[1].country": {"MD"}, "participants[1].count": {"4"},
				"participants[2].name": {"Labour Inspectorate"}, "participants[2].count": {"18"}}
			if overdue {
				v.Set("follow_ups[1].text", "Send the checklist")
				v.Set("follow_ups[1].owner", ngo.ID)
				v.Set("follow_ups[1].due", today.AddDays(-2).String())
			}
			return v
		}
		t.Run("bad input is shown at the row filled, nothing stored", func(t *testing.T) {
			before := countRows(t, a, "coord_events")
			v := form("training", today.AddDays(-10).String(), true)
			v.Set("participants[2].count", "0")
			p := c.post(t, "/events", v)
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `for="participants[2].count">How many took part</label><span class="field-error">how many took part`)
			v = form("training", today.AddDays(-10).String(), true)
			v.Set("follow_ups[1].owner", "")
			p = c.post(t, "/events", v)
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `for="follow_ups[1].owner">Who owes it</label><span class="field-error">the id of the organisation that owes it`)
			v = form("party", "2026-02-30", false)
			wantStatus(t, c.post(t, "/events", v), http.StatusUnprocessableEntity)
			if countRows(t, a, "coord_events") != before {
				t.Fatal("a refused event was stored")
			}
			p = worker.post(t, "/events", form("training", today.String(), false))
			if p.Status != http.StatusForbidden {
				t.Fatalf("a case worker recorded an event: %d", p.Status)
			}
		})
		var id string
		t.Run("an event with a follow-up: a clock of the owner only, until done", func(t *testing.T) {
			p := c.post(t, "/events", form("training", today.AddDays(-10).String(), true))
			wantStatus(t, p, http.StatusSeeOther)
			id = strings.TrimPrefix(strings.SplitN(p.Location, "?", 2)[0], "/events/")
			if !nrm.ValidID(id) {
				t.Fatalf("redirected to %q", p.Location)
			}
			p = worker.get(t, "/events/"+id)
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Training of labour inspectors", "OSCE ODIHR", "Labour Inspectorate", "Overdue by 2 days",
				`action="/events/`+id+`/follow-ups/0/done"`)
			for _, path := range []string{"/", "/due"} {
				wantContains(t, worker.get(t, path), `id="follow-up-clocks"`, "Send the checklist", "Overdue by 2 days")
				if strings.Contains(other.get(t, path).Body, "Send the checklist") {
					t.Errorf("%s of an unrelated organisation shows the follow-up", path)
				}
			}
			if strings.Contains(other.get(t, "/events/"+id).Body, `/follow-ups/0/done"`) {
				t.Error("an unrelated organisation is offered the button")
			}
			p = other.post(t, "/events/"+id+"/follow-ups/0/done", url.Values{"csrf": {other.CSRF}})
			if p.Status != http.StatusForbidden {
				t.Fatalf("an unrelated organisation marked it done: %d", p.Status)
			}
			p = worker.post(t, "/events/"+id+"/follow-ups/0/done", url.Values{"csrf": {worker.CSRF}})
			wantStatus(t, p, http.StatusSeeOther)
			if strings.Contains(worker.get(t, "/due").Body, "Send the checklist") {
				t.Error("a follow-up done is still a clock")
			}
			wantContains(t, worker.get(t, "/events/"+id), ">Done")
		})
		t.Run("activities: bad input at its field, then listed", func(t *testing.T) {
			v := url.Values{"csrf": {c.CSRF}, "date": {today.AddDays(1).String()}, "country": {"GE"}, "theme": {"legislation"},
				"kind": {"legislative-review"}, "summary": {"Review of the draft law"}, "results": {"Nine comments taken up"}}
			p := c.post(t, "/activities", v)
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, "cannot be in the future")
			if countRows(t, a, "coord_activities") != 0 {
				t.Fatal("a refused activity was stored")
			}
			v.Set("date", today.AddDays(-3).String())
			wantStatus(t, c.post(t, "/activities", v), http.StatusSeeOther)
			wantContains(t, worker.get(t, "/activities"), "Review of the draft law", "Nine comments taken up")
			p = worker.get(t, "/activities?from=yesterday")
			wantStatus(t, p, http.StatusUnprocessableEntity)
		})
		t.Run("the calendar feed's address works until it is rotated", func(t *testing.T) {
			p := admin.get(t, "/calendar")
			wantStatus(t, p, http.StatusOK)
			p = admin.post(t, "/calendar/rotate", url.Values{"csrf": {admin.CSRF}})
			wantStatus(t, p, http.StatusOK)
			m := regexp.MustCompile(`value="(https?://[^"]+/api/v1/calendar/(nrmcal_[^"]+))"`).FindStringSubmatch(p.Body)
			if m == nil {
				t.Fatalf("no address shown:\n%s", p.Body)
			}
			get := func(token string) (int, string) {
				res, err := http.Get(a.URL + "/api/v1/calendar/" + token)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b)
			}
			if st, body := get(m[2]); st != 200 || !strings.Contains(body, "UID:event-"+id+"@nrm") || len(res(body)) == 0 {
				t.Fatalf("%d %s", st, body)
			}
			admin.post(t, "/calendar/rotate", url.Values{"csrf": {admin.CSRF}})
			if st, _ := get(m[2]); st != 404 {
				t.Fatalf("a rotated address answers %d", st)
			}
			if p := worker.post(t, "/calendar/rotate", url.Values{"csrf": {worker.CSRF}}); p.Status != http.StatusForbidden {
				t.Fatalf("a case worker rotated the feed: %d", p.Status)
			}
		})
		t.Run("the progress report counts what the test recorded", func(t *testing.T) {
			// Two more events: a roundtable in the period, a training before it.
			wantStatus(t, c.post(t, "/events", form("roundtable", today.AddDays(-5).String(), false)), http.StatusSeeOther)
			wantStatus(t, c.post(t, "/events", form("training", today.AddDays(-400).String(), false)), http.StatusSeeOther)
			q := fmt.Sprintf("/reports/activity?from=%s&to=%s", today.AddDays(-30), today)
			p := c.get(t, q)
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "2 events and 1 activities recorded in the period.", `id="events-by-kind"`, `id="decisions"`, `id="trials"`)
			kinds := between(p.Body, `id="events-by-kind"`, `</table>`)
			if !strings.Contains(kinds, `<th scope="row">Training</th><td class="num">1</td>`) ||
				!strings.Contains(kinds, `<th scope="row">Roundtable</th><td class="num">1</td>`) {
				t.Errorf("events by kind: %s", kinds)
			}
			fu := between(p.Body, `id="follow-ups"`, `</table>`)
			if !strings.Contains(fu, `<th scope="row">Done</th><td class="num">1</td>`) {
				t.Errorf("follow-ups: %s", fu)
			}
			grid := between(p.Body, `id="grid"`, `</table>`)
			if !strings.Contains(grid, `<th scope="row">MD · Training</th><td class="num">2</td><td class="num">0</td>`) ||
				!strings.Contains(grid, `<th scope="row">GE · Legislation</th><td class="num">0</td><td class="num">1</td>`) {
				t.Errorf("grid: %s", grid)
			}
			for _, sec := range []string{"decisions", "trials"} {
				for _, m := range regexp.MustCompile(`<td class="num">(\d+)</td>`).FindAllStringSubmatch(between(p.Body, `id="`+sec+`"`, `</section>`), -1) {
					if m[1] != "0" {
						t.Errorf("%s publishes %s of no data", sec, m[1])
					}
				}
			}
			h := c.get(t, q+"&format=html")
			wantStatus(t, h, http.StatusOK)
			if !strings.HasPrefix(h.Body, "<!doctype html>") || !strings.Contains(h.Body, "2 events and 1 activities") {
				t.Errorf("html: %.200s", h.Body)
			}
			f := c.get(t, q+"&format=pdf")
			wantStatus(t, f, http.StatusOK)
			if !strings.HasPrefix(f.Body, "%PDF-") || !strings.Contains(f.Body, "/Type /Pages") || f.Header.Get("Content-Type") != "application/pdf" {
				t.Errorf("pdf: %.20q %v", f.Body, f.Header)
			}
			for path, field := range map[string]string{
				"/reports/activity?from=2026-13-01&to=2026-12-31": "from",
				"/reports/activity?from=2026-01-01&to=2025-12-31": "to",
				"/reports/activity?from=2026-01-01":               "to",
			} {
				p := c.get(t, path)
				wantStatus(t, p, http.StatusUnprocessableEntity)
				wantContains(t, p, `id="`+field+`" name="`+field+`"`, `aria-invalid="true"`)
			}
			if p := worker.get(t, q); p.Status != http.StatusForbidden {
				t.Errorf("a case worker read the progress report: %d", p.Status)
			}
		})
	})
}

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// res is the content lines of an iCalendar body.
func res(body string) []string { return strings.Split(strings.TrimSpace(body), "\r\n") }
