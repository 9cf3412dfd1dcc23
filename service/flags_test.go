package service_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestDuplicateFlagRevealsOnlyWhomToContact(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		first := a.MustToken(t, a.MustUser(t, police, nrm.RoleFirstResponder))
		second := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCaseWorker))
		coordOrg := a.MustOrg(t, nrm.KindCoordinator)
		coordinator := a.MustToken(t, a.MustUser(t, coordOrg, nrm.RoleCoordinator))

		firstBody := testapp.CaseBody("Ana", "Popescu", "1999-04-02")
		firstBody["person"].(map[string]any)["contact"] = "+373 555 0100"
		firstID := a.MustCase(t, first, firstBody)
		unrelated := a.MustCase(t, second, testapp.CaseBody("Ana", "Popescu", "1999-04-03")) // another birthday: no match
		// The same person entered by another organisation, spelled another way.
		r := a.Do(t, "POST", "/api/v1/cases", second, testapp.CaseBody("ANA", "Popéscu", "1999-04-02"))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var created struct {
			ID    string
			Flags []struct {
				ID, Kind string
				Contact  struct{ ID, Name string }
			}
		}
		json.Unmarshal(r.Body, &created)

		t.Run("the organisation registering the new case is not told who holds the person", func(t *testing.T) {
			// Where a victim is sheltered must not be learned by registering
			// their name: the holder is told and decides whether to make contact.
			if len(created.Flags) != 0 || strings.Contains(string(r.Body), police.ID) {
				t.Fatalf("the registering organisation learns of the holder: %s", r.Body)
			}
			g := a.Do(t, "GET", "/api/v1/cases/"+created.ID, second, nil)
			if strings.Contains(string(g.Body), police.ID) || strings.Contains(string(g.Body), `"flags"`) {
				t.Fatalf("the new case's page names the holder: %s", g.Body)
			}
		})
		t.Run("the first organisation sees the flag on its case, naming the second", func(t *testing.T) {
			g := a.Do(t, "GET", "/api/v1/cases/"+firstID, first, nil)
			var c struct {
				Flags []struct {
					ID, Kind string
					Contact  struct{ ID string }
				}
			}
			json.Unmarshal(g.Body, &c)
			if len(c.Flags) != 1 || c.Flags[0].Contact.ID != ngo.ID || c.Flags[0].Kind != nrm.FlagPossibleDuplicate {
				t.Fatalf("%s", g.Body)
			}
		})
		t.Run("neither side learns the other's case", func(t *testing.T) {
			g := a.Do(t, "GET", "/api/v1/cases/"+created.ID, second, nil)
			for _, leak := range []string{firstID, "+373 555 0100", "Bristol NRM"} {
				if strings.Contains(string(g.Body), leak) {
					t.Fatalf("the second organisation sees %q: %s", leak, g.Body)
				}
			}
			if r := a.Do(t, "GET", "/api/v1/cases/"+firstID, second, nil); r.Status != 404 {
				t.Fatalf("the flag opened the other case: %d", r.Status)
			}
			f := a.Do(t, "GET", "/api/v1/cases/"+firstID, first, nil)
			if strings.Contains(string(f.Body), created.ID) {
				t.Fatal("the first organisation sees the second's case id")
			}
		})
		t.Run("a different birthday is no match", func(t *testing.T) {
			g := a.Do(t, "GET", "/api/v1/cases/"+unrelated, second, nil)
			if strings.Contains(string(g.Body), `"flags"`) {
				t.Fatalf("%s", g.Body)
			}
		})
		t.Run("coordinators see every flag, with organisations only", func(t *testing.T) {
			l := a.Do(t, "GET", "/api/v1/flags", coordinator, nil)
			if l.Status != 200 || !strings.Contains(string(l.Body), nrm.FlagPossibleDuplicate) {
				t.Fatalf("%d %s", l.Status, l.Body)
			}
			for _, leak := range []string{firstID, created.ID, "Ana", "Popescu"} {
				if strings.Contains(string(l.Body), leak) {
					t.Fatalf("coordinator overview holds %q", leak)
				}
			}
			if r := a.Do(t, "GET", "/api/v1/flags", second, nil); r.Status != 403 {
				t.Fatalf("a case worker read the overview: %d", r.Status)
			}
			// The overview is the national co-ordinator's: a coordinator of
			// an NGO sees its own cases' flags only.
			ngoCoordinator := a.MustToken(t, a.MustUser(t, ngo, nrm.RoleCoordinator))
			if r := a.Do(t, "GET", "/api/v1/flags", ngoCoordinator, nil); r.Status != 403 {
				t.Fatalf("a coordinator of an NGO read the instance's flags: %d", r.Status)
			}
		})
	})
}

func TestSearchByNameFindsOnlyVisibleCases(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		mine, theirs := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindShelter)
		me := a.MustToken(t, a.MustUser(t, mine, nrm.RoleCaseWorker))
		them := a.MustToken(t, a.MustUser(t, theirs, nrm.RoleCaseWorker))
		target := a.MustCase(t, me, testapp.CaseBody("Олена", "Шевченко", "1990-05-05"))
		a.MustCase(t, me, testapp.CaseBody("Olena", "Bondarenko", "1991-05-05"))
		hidden := a.MustCase(t, them, testapp.CaseBody("Olena", "Shevchenko", "1992-05-05"))
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"shevchenko", 1}, {"OLENA shevchenko", 1}, {"Шевченко Олена", 1}, {"olena", 2}, {"petrenko", 0},
		} {
			t.Run(tc.query, func(t *testing.T) {
				r := a.Do(t, "GET", "/api/v1/cases?name="+urlEscape(tc.query), me, nil)
				items := r.JSON(t)["items"].([]any)
				if len(items) != tc.want {
					t.Fatalf("%d results: %s", len(items), r.Body)
				}
				if strings.Contains(string(r.Body), hidden) {
					t.Fatal("another organisation's case found")
				}
				if tc.want == 1 && tc.query != "olena" && items[0].(map[string]any)["id"] != target {
					t.Fatalf("wrong case: %s", r.Body)
				}
			})
		}
		if r := a.Do(t, "GET", "/api/v1/cases?name="+urlEscape("  -- "), me, nil); r.Status != 422 {
			t.Fatalf("empty search: %d", r.Status)
		}
	})
}

func urlEscape(s string) string { return url.QueryEscape(s) }
