package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// clearWorld has the clearinghouse's writers and readers beside the case
// organisations of world.
type clearWorld struct {
	*world
	ngoCoordinator, admin, analyst string
}

func newClearWorld(t *testing.T, e sqlstore.Engine) *clearWorld {
	w := &clearWorld{world: newWorld(t, e, service.Config{})}
	tok := func(o nrm.Organisation, r nrm.Role) string { return w.a.MustToken(t, w.a.MustUser(t, o, r)) }
	w.ngoCoordinator, w.admin, w.analyst = tok(w.ngo, nrm.RoleCoordinator), tok(w.coord, nrm.RoleAdmin), tok(w.coord, nrm.RoleAnalyst)
	return w
}

// count is the number of rows of a table, to show a refusal stored nothing.
func (w *clearWorld) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.a.RawDB(t).QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func contactBody(name, country string) map[string]any {
	return map[string]any{"name": name, "organisation": "La Strada Moldova", "country": country, "role": "focal point",
		"languages": []string{"ro", "ru"}, "areas": []string{"victim-support", "labour-exploitation"},
		"email": strings.ToLower(strings.Fields(name)[0]) + ".focal@lastrada.example", "phone": "+373 22 123 456"}
}

func TestDirectoryContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newClearWorld(t, e)
		var id string
		t.Run("a coordinator adds a contact: 201, every signed-in user reads it", func(t *testing.T) {
			got := w.must(t, 201, "POST", "/api/v1/directory", w.coordinator, contactBody("Irina Focalova", "md"))
			id, _ = got["id"].(string)
			if !nrm.ValidID(id) || got["country"] != "MD" || got["public"] != false {
				t.Fatalf("%v", got)
			}
			l := w.must(t, 200, "GET", "/api/v1/directory", w.officer, nil)["items"].([]any)
			if len(l) != 1 {
				t.Fatalf("%v", l)
			}
			c := l[0].(map[string]any)
			if c["name"] != "Irina Focalova" || c["email"] != "irina.focal@lastrada.example" || c["phone"] != "+373 22 123 456" ||
				c["organisation"] != "La Strada Moldova" || c["role"] != "focal point" || fmt.Sprint(c["languages"]) != "[ro ru]" ||
				fmt.Sprint(c["areas"]) != "[victim-support labour-exploitation]" {
				t.Fatalf("%v", c)
			}
		})
		t.Run("an admin adds a public help line without a person's name", func(t *testing.T) {
			w.must(t, 201, "POST", "/api/v1/directory", w.admin, map[string]any{"organisation": "National hotline", "country": "MD",
				"languages": []string{"ro"}, "areas": []string{"self-identification"}, "phone": "0 800 77777", "public": true,
				"hours": "every day, 8-20"})
			w.must(t, 201, "POST", "/api/v1/directory", w.ngoCoordinator, contactBody("Oksana Helperko", "UA"))
		})
		t.Run("search by words, country, area and language", func(t *testing.T) {
			for query, want := range map[string]int{
				"": 3, "q=irina": 1, "q=FOCALOVA+strada": 1, "q=nobody": 0, "country=md": 2, "country=UA": 1,
				"area=labour-exploitation": 2, "area=self-identification": 1, "language=ro": 3, "language=ru": 2, "language=en": 0,
				"country=MD&area=victim-support&q=irina": 1, "q=" + url.QueryEscape("100%_"): 0,
			} {
				l := w.must(t, 200, "GET", "/api/v1/directory?"+query, w.analyst, nil)["items"].([]any)
				if len(l) != want {
					t.Errorf("%s: %d entries, want %d", query, len(l), want)
				}
			}
		})
		t.Run("the contact is sealed in the database", func(t *testing.T) {
			var contact []byte
			if err := w.a.RawDB(t).QueryRow("SELECT contact FROM directory_entries WHERE id = '" + id + "'").Scan(&contact); err != nil {
				t.Fatal(err)
			}
			if len(contact) == 0 || strings.Contains(string(contact), "Irina") || strings.Contains(string(contact), "lastrada") {
				t.Fatalf("%q", contact)
			}
		})
		before := w.count(t, "directory_entries")
		t.Run("without a token: 401", func(t *testing.T) {
			w.wantError(t, 401, "", "GET", "/api/v1/directory", "", nil)
			w.wantError(t, 401, "", "POST", "/api/v1/directory", "", contactBody("Anon Ymous", "MD"))
		})
		t.Run("a case worker, an analyst or a first responder may not add: 403", func(t *testing.T) {
			for _, tok := range []string{w.ngoWorker, w.analyst, w.officer} {
				w.wantError(t, 403, "", "POST", "/api/v1/directory", tok, contactBody("Not Allowed", "MD"))
			}
		})
		t.Run("bad input: 422 naming the field", func(t *testing.T) {
			for field, change := range map[string]func(map[string]any){
				"name":         func(b map[string]any) { delete(b, "name") },
				"organisation": func(b map[string]any) { b["organisation"] = " " },
				"country":      func(b map[string]any) { b["country"] = "MDA" },
				"languages":    func(b map[string]any) { b["languages"] = []string{"romanian"} },
				"areas":        func(b map[string]any) { b["areas"] = []string{"smuggling"} },
				"email":        func(b map[string]any) { b["email"] = "irina at lastrada" },
				"phone":        func(b map[string]any) { b["phone"] = "call me" },
				"hours":        func(b map[string]any) { b["hours"] = "a\x00b" },
				"role":         func(b map[string]any) { b["role"] = strings.Repeat("r", 301) },
			} {
				b := contactBody("Bad Input", "MD")
				change(b)
				w.wantError(t, 422, field, "POST", "/api/v1/directory", w.coordinator, b)
			}
			b := contactBody("No Contact", "MD")
			b["email"], b["phone"] = "", ""
			w.wantError(t, 422, "email", "POST", "/api/v1/directory", w.coordinator, b)
			for q, field := range map[string]string{"country=XYZ": "country", "area=nope": "area", "language=eng": "language"} {
				w.wantError(t, 422, field, "GET", "/api/v1/directory?"+q, w.coordinator, nil)
			}
		})
		if n := w.count(t, "directory_entries"); n != before {
			t.Fatalf("refusals stored entries: %d, was %d", n, before)
		}
		t.Run("HelpLines gives the public entries only, to anyone", func(t *testing.T) {
			for country, want := range map[string]int{"": 1, "MD": 1, "UA": 0} {
				hs, err := w.a.Svc.HelpLines(context.Background(), country)
				if err != nil || len(hs) != want {
					t.Fatalf("%q: %v %v", country, hs, err)
				}
				for _, h := range hs {
					if h.Organisation != "National hotline" || h.Phone != "0 800 77777" || h.Hours != "every day, 8-20" || h.Email != "" {
						t.Fatalf("%+v", h)
					}
				}
			}
		})
		t.Run("the contacts never reach the server's logs", func(t *testing.T) {
			logs := w.a.Logs()
			for _, secret := range []string{"Irina", "Focalova", "irina.focal", "123 456", "Oksana", "Helperko"} {
				if strings.Contains(logs, secret) {
					t.Errorf("the logs hold %q", secret)
				}
			}
		})
	})
}

func practiceBody(items ...string) map[string]any {
	if items == nil {
		items = []string{}
	}
	return map[string]any{"title": "Mobile teams at seasonal farms", "country": "md", "theme": "labour-exploitation",
		"source": "ODIHR NRM handbook", "evidence": "identifications rose from 3 to 19 in a year",
		"summary": "Labour inspectors and an NGO visit farms together.", "library_items": items}
}

func TestPracticesContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newClearWorld(t, e)
		item := w.must(t, 201, "POST", "/api/v1/library", w.coordinator, materialBody())["id"].(string)
		t.Run("a coordinator records a practice linked to a material: 201", func(t *testing.T) {
			got := w.must(t, 201, "POST", "/api/v1/practices", w.ngoCoordinator, practiceBody(item))
			if got["country"] != "MD" || fmt.Sprint(got["library_items"]) != "["+item+"]" {
				t.Fatalf("%v", got)
			}
			b := practiceBody()
			b["country"], b["theme"], b["title"] = "UA", "child-trafficking", "Child-friendly interview rooms"
			b["summary"], b["evidence"] = "A quiet room, one interview.", ""
			w.must(t, 201, "POST", "/api/v1/practices", w.admin, b)
		})
		t.Run("search by words, country and theme", func(t *testing.T) {
			for query, want := range map[string]int{"": 2, "country=MD": 1, "theme=child-trafficking": 1, "q=farms": 1,
				"q=INSPECTORS+ngo": 1, "q=%25": 0, "q=_": 0, "country=UA&theme=labour-exploitation": 0} {
				l := w.must(t, 200, "GET", "/api/v1/practices?"+query, w.officer, nil)["items"].([]any)
				if len(l) != want {
					t.Errorf("%s: %d, want %d", query, len(l), want)
				}
			}
			l := w.must(t, 200, "GET", "/api/v1/practices?q=farms", w.officer, nil)["items"].([]any)
			if p := l[0].(map[string]any); fmt.Sprint(p["library_items"]) != "["+item+"]" || p["evidence"] == "" {
				t.Fatalf("%v", p)
			}
		})
		before := w.count(t, "practices")
		t.Run("refusals: 401, 403, 422 naming the field; nothing stored", func(t *testing.T) {
			w.wantError(t, 401, "", "GET", "/api/v1/practices", "", nil)
			w.wantError(t, 401, "", "POST", "/api/v1/practices", "", practiceBody())
			w.wantError(t, 403, "", "POST", "/api/v1/practices", w.ngoWorker, practiceBody())
			w.wantError(t, 422, "library_items", "POST", "/api/v1/practices", w.coordinator, practiceBody(nrm.NewID()))
			w.wantError(t, 422, "library_items", "POST", "/api/v1/practices", w.coordinator, practiceBody("not-an-id"))
			for field, v := range map[string]any{"title": "", "country": "Moldova", "theme": "smuggling", "source": "", "summary": ""} {
				b := practiceBody()
				b[field] = v
				w.wantError(t, 422, field, "POST", "/api/v1/practices", w.coordinator, b)
			}
			w.wantError(t, 422, "theme", "GET", "/api/v1/practices?theme=nope", w.coordinator, nil)
			w.wantError(t, 422, "country", "GET", "/api/v1/practices?country=1", w.coordinator, nil)
		})
		if n := w.count(t, "practices"); n != before || w.count(t, "practice_items") != 1 {
			t.Fatalf("refusals stored practices: %d, was %d", n, before)
		}
	})
}
