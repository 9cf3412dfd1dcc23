package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// personal strings that must never appear where they do not belong.
var personal = []string{"Ana", "Popescu", "1999-04-02", "Bristol"}

func TestCasesContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police := a.MustOrg(t, nrm.KindPolice)
		officer := a.MustUser(t, police, nrm.RoleFirstResponder)
		token := a.MustToken(t, officer)

		r := a.Do(t, "POST", "/api/v1/cases", token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		created := r.JSON(t)
		id, _ := created["id"].(string)
		ref, _ := created["reference"].(string)
		if !nrm.ValidID(id) || !strings.HasPrefix(ref, "NRM-2026-") || created["state"] != "encountered" {
			t.Fatalf("created: %s", r.Body)
		}
		if loc := r.Header.Get("Location"); loc != "/api/v1/cases/"+id {
			t.Errorf("Location %q", loc)
		}
		for _, p := range personal {
			if strings.Contains(ref, p) {
				t.Errorf("reference %q holds %q", ref, p)
			}
		}

		t.Run("get returns the decrypted person to the creator", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var c struct {
				ID, Reference, State string
				Person               map[string]any
				Encounter            map[string]any
				ExploitationTypes    []string `json:"exploitation_types"`
			}
			json.Unmarshal(r.Body, &c)
			if c.ID != id || c.Reference != ref || c.State != "encountered" || c.Person["given_name"] != "Ana" ||
				c.Person["family_name"] != "Popescu" || c.Person["date_of_birth"] != "1999-04-02" || c.Person["sex"] != "female" ||
				c.Encounter["place"] != "Bristol" || c.Encounter["date"] != "2026-11-20" || len(c.ExploitationTypes) != 1 {
				t.Fatalf("%s", r.Body)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		})
		t.Run("list holds the case", func(t *testing.T) {
			r := a.Do(t, "GET", "/api/v1/cases", token, nil)
			var l struct{ Items []map[string]any }
			json.Unmarshal(r.Body, &l)
			if r.Status != 200 || len(l.Items) != 1 || l.Items[0]["id"] != id {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
		t.Run("a child: under 18 at the encounter, or age uncertain", func(t *testing.T) {
			for _, tc := range []struct {
				person map[string]any
				child  bool
			}{
				{map[string]any{"given_name": "A", "date_of_birth": "2008-11-21"}, true},
				{map[string]any{"given_name": "A", "date_of_birth": "2008-11-20"}, false},
				{map[string]any{"given_name": "A", "age_uncertain": true}, true},
				{map[string]any{"given_name": "A"}, false},
			} {
				body := map[string]any{"person": tc.person, "encounter": map[string]any{"date": "2026-11-20"}}
				r := a.Do(t, "POST", "/api/v1/cases", token, body)
				if r.Status != 201 || r.JSON(t)["child"] != tc.child {
					t.Errorf("%v: %d %s", tc.person, r.Status, r.Body)
				}
			}
		})
	})
}

func TestBadInputNamesTheFieldAndWritesNothing(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
		valid := func() map[string]any { return testapp.CaseBody("Ana", "Popescu", "1999-04-02") }
		with := func(path string, v any) map[string]any {
			b := valid()
			parts := strings.Split(path, ".")
			m := b
			for _, p := range parts[:len(parts)-1] {
				m = m[p].(map[string]any)
			}
			if v == nil {
				delete(m, parts[len(parts)-1])
			} else {
				m[parts[len(parts)-1]] = v
			}
			return b
		}
		for _, tc := range []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"malformed JSON", `{"person": `, 400, "body"},
			{"not an object", `[1,2]`, 400, "body"},
			{"empty body", ``, 400, "body"},
			{"two objects", `{} {}`, 400, "body"},
			{"unknown field", with("person.nickname", "x"), 400, "nickname"},
			{"wrong type", with("person.given_name", 5), 400, "person.given_name"},
			{"wrong type in a list", with("person.citizenship", []int{1}), 400, "person.citizenship"},
			{"no name at all", with("person.given_name", ""), 422, "person.given_name"},
			{"bad date of birth", with("person.date_of_birth", "1999-02-30"), 422, "person.date_of_birth"},
			{"date of birth in the future", with("person.date_of_birth", "2030-01-01"), 422, "person.date_of_birth"},
			{"bad sex", with("person.sex", "f"), 422, "person.sex"},
			{"bad citizenship", with("person.citizenship", []string{"Moldova"}), 422, "person.citizenship"},
			{"encounter date missing", with("encounter.date", nil), 422, "encounter.date"},
			{"encounter in the future", with("encounter.date", "2026-12-25"), 422, "encounter.date"},
			{"encounter before birth", with("encounter.date", "1990-01-01"), 422, "encounter.date"},
			{"bad encounter country", with("encounter.country", "GBR"), 422, "encounter.country"},
			{"unknown exploitation type", with("exploitation_types", []string{"smuggling"}), 422, "exploitation_types"},
			{"control characters", with("person.family_name", "Po\x00pescu"), 422, "person.family_name"},
			{"name too long", with("person.family_name", strings.Repeat("x", 201)), 422, "person.family_name"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.name == "no name at all" {
					b := tc.body.(map[string]any)
					p := b["person"].(map[string]any)
					p["family_name"] = ""
				}
				r := a.Do(t, "POST", "/api/v1/cases", token, tc.body)
				if r.Status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
				}
				var body struct {
					Error struct{ Code, Message, Field string }
				}
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("not JSON: %s", r.Body)
				}
				if body.Error.Code != "invalid_input" || body.Error.Field != tc.field || body.Error.Message == "" {
					t.Fatalf("error %+v, want field %q", body.Error, tc.field)
				}
			})
		}
		r := a.Do(t, "GET", "/api/v1/cases", token, nil)
		if items := r.JSON(t)["items"].([]any); len(items) != 0 {
			t.Fatalf("bad input wrote %d cases", len(items))
		}
	})
}

func TestAnotherOrganisationNeverSeesTheCase(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		owner := a.MustToken(t, a.MustUser(t, police, nrm.RoleFirstResponder))
		id := a.MustCase(t, owner, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))

		for _, tc := range []struct {
			name   string
			org    nrm.Organisation
			role   nrm.Role
			status int
		}{
			{"case worker of another organisation gets 404", ngo, nrm.RoleCaseWorker, 404},
			{"coordinator of another organisation gets 404", ngo, nrm.RoleCoordinator, 404},
			{"admin of the owning organisation gets 403", police, nrm.RoleAdmin, 403},
			{"auditor of the owning organisation gets 403", police, nrm.RoleAuditor, 403},
			{"analyst of the owning organisation gets 403", police, nrm.RoleAnalyst, 403},
		} {
			t.Run(tc.name, func(t *testing.T) {
				token := a.MustToken(t, a.MustUser(t, tc.org, tc.role))
				r := a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
				if r.Status != tc.status {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				l := a.Do(t, "GET", "/api/v1/cases", token, nil)
				for _, body := range [][]byte{r.Body, l.Body} {
					for _, p := range append(personal, id) {
						if strings.Contains(string(body), p) {
							t.Fatalf("answer holds %q: %s", p, body)
						}
					}
				}
			})
		}
		t.Run("an unknown id and a malformed id are 404 too", func(t *testing.T) {
			for _, path := range []string{"/api/v1/cases/" + nrm.NewID(), "/api/v1/cases/not-an-id", "/api/v1/cases/%27%20OR%201=1"} {
				if r := a.Do(t, "GET", path, owner, nil); r.Status != 404 {
					t.Errorf("%s: %d", path, r.Status)
				}
			}
		})
	})
}

func TestAuthentication(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		user := a.MustUser(t, org, nrm.RoleCaseWorker)
		token, err := a.Svc.CreateToken(testapp.System(), user.Email, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ name, header string }{
			{"no header", ""}, {"not bearer", "Basic abc"}, {"unknown token", "Bearer nrm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
			{"garbage", "Bearer ' OR 1=1 --"},
		} {
			t.Run(tc.name+" is 401", func(t *testing.T) {
				req, _ := http.NewRequest("GET", a.URL+"/api/v1/cases", nil)
				if tc.header != "" {
					req.Header.Set("Authorization", tc.header)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") == "" {
					t.Fatalf("%d", res.StatusCode)
				}
			})
		}
		t.Run("an expired token is 401", func(t *testing.T) {
			a.Clock.Advance(61 * 60 * 1e9)
			if r := a.Do(t, "GET", "/api/v1/cases", token, nil); r.Status != 401 {
				t.Fatalf("%d", r.Status)
			}
		})
	})
}

func TestOperationalEndpoints(t *testing.T) {
	a := testapp.New(t, sqlstore.SQLite)
	org := a.MustOrg(t, nrm.KindNGO)
	token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
	id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
	a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
	a.Do(t, "GET", "/api/v1/cases/"+nrm.NewID(), token, nil)

	for _, path := range []string{"/healthz", "/readyz"} {
		if r := a.Do(t, "GET", path, "", nil); r.Status != 200 {
			t.Errorf("%s: %d", path, r.Status)
		}
	}
	t.Run("metrics count by route pattern, never by path", func(t *testing.T) {
		r := a.Do(t, "GET", "/metrics", "", nil)
		m := string(r.Body)
		if !strings.Contains(m, `nrm_http_requests_total{code="200",method="GET",route="GET /api/v1/cases/{id}"} 1`) ||
			!strings.Contains(m, `nrm_http_requests_total{code="404",method="GET",route="GET /api/v1/cases/{id}"} 1`) ||
			!strings.Contains(m, `nrm_http_request_duration_seconds_bucket{method="POST",route="POST /api/v1/cases"`) {
			t.Fatalf("metrics lack the route counts:\n%s", grep(m, "nrm_http"))
		}
		for _, p := range append(personal, id) {
			if strings.Contains(m, p) {
				t.Fatalf("metrics hold %q", p)
			}
		}
	})
	t.Run("logs hold no personal data", func(t *testing.T) {
		logs := a.Logs()
		if !strings.Contains(logs, `"route":"GET /api/v1/cases/{id}"`) {
			t.Fatalf("no request log: %s", logs)
		}
		for _, p := range personal {
			if strings.Contains(logs, p) {
				t.Fatalf("logs hold %q", p)
			}
		}
	})
	t.Run("unknown API paths are JSON 404s", func(t *testing.T) {
		r := a.Do(t, "GET", "/api/v1/nothing", token, nil)
		if r.Status != 404 || r.JSON(t)["error"] == nil {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("the OpenAPI document describes every operation", func(t *testing.T) {
		r := a.Do(t, "GET", "/api/openapi.json", "", nil)
		var doc struct {
			OpenAPI string                               `json:"openapi"`
			Paths   map[string]map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(r.Body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1") {
			t.Fatalf("%v %s", err, doc.OpenAPI)
		}
		for _, op := range []string{"post /api/v1/cases", "get /api/v1/cases", "get /api/v1/cases/{id}"} {
			method, path, _ := strings.Cut(op, " ")
			if doc.Paths[path][method]["operationId"] == nil {
				t.Errorf("%s is not described", op)
			}
		}
	})
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
