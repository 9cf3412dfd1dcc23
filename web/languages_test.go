package web_test

// Every page in every language: the pages people work in, rendered with
// ?lang=LL, must show no English fallback. The localizer reports each
// message a language's catalogue lacks; English itself must lack none (its
// catalogue is made from the code). A language whose catalogue is not in
// the repository yet is reported, not failed.

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

func TestEveryPageInEveryLanguage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a, helpOrg := testapp.NewWithHelp(t, engine, service.Config{}, web.Options{}, nrm.KindNGO)
		bc := mustBusyCase(t, a)
		helpDesk := MustSignIn(t, a, a.MustUser(t, helpOrg, nrm.RoleCaseWorker), "")
		worker := MustSignIn(t, a, bc.Worker, "")
		dm := MustSignIn(t, a, bc.DM, "")
		admin := MustSignIn(t, a, a.MustUser(t, bc.NGO, nrm.RoleAdmin), "")
		coord := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleCoordinator), "")
		analyst := MustSignIn(t, a, a.MustUser(t, bc.NGO, nrm.RoleAnalyst), "")
		anon := newBrowser(t, a)
		pages := []struct {
			who  *signedIn
			path string
		}{
			{nil, "/login"}, {nil, "/signed-out"},
			{&worker, "/"}, {&worker, "/cases"}, {&worker, "/cases/new"}, {&worker, "/cases/" + bc.ID},
			{&worker, "/cases/" + bc.ID + "/screening"}, {&worker, "/cases/" + bc.ID + "/justice"},
			{&worker, "/cases/" + bc.ID + "/return"}, {&worker, "/cases/" + bc.ID + "/support/needs"},
			{&worker, "/cases/" + bc.ID + "/assign"}, {&worker, "/due"}, {&worker, "/new"}, {&worker, "/account"},
			{&worker, "/notify"}, {&worker, "/assessments"}, {&worker, "/no-such-page"},
			{&dm, "/referrals"}, {&dm, "/cases/" + bc.ID},
			{&admin, "/admin/users"}, {&admin, "/admin/org"}, {&admin, "/admin/erase"}, {&admin, "/admin/partners"},
			{&admin, "/audit"}, {&admin, "/calendar"},
			{nil, "/help"}, {&helpDesk, "/help/inbox"},
			{&coord, "/directory"}, {&coord, "/library"}, {&coord, "/practices"}, {&coord, "/events"},
			{&coord, "/activities"}, {&coord, "/reports/activity?from=2026-01-01&to=2026-12-31"},
			{&coord, "/trials/findings"}, {&coord, "/assessments"},
			{&analyst, "/statistics"}, {&analyst, "/report"},
		}
		var mu sync.Mutex
		misses := map[string]map[string][]string{} // lang → messages
		web.SetMissHook(func(lang, msg string) {
			mu.Lock()
			defer mu.Unlock()
			if misses[lang] == nil {
				misses[lang] = map[string][]string{}
			}
			misses[lang][msg] = nil
		})
		defer web.SetMissHook(nil)
		for _, lang := range web.Languages {
			for _, p := range pages {
				var got page
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				if p.who == nil {
					got = anon.get(t, p.path+sep+"lang="+lang.Code)
				} else {
					got = p.who.get(t, p.path+sep+"lang="+lang.Code)
				}
				if got.Status >= 500 || got.Status == http.StatusOK && !strings.Contains(got.Body, `<html lang="`+lang.Code+`">`) {
					t.Errorf("%s %s: status %d, or <html lang> is not %s", lang.Code, p.path, got.Status, lang.Code)
				}
			}
		}
		for _, lang := range web.Languages {
			var msgs []string
			for m := range misses[lang.Code] {
				msgs = append(msgs, m)
			}
			slices.Sort(msgs)
			_, err := os.Stat("locales/active." + lang.Code + ".json")
			switch {
			case len(msgs) == 0:
			case err != nil:
				t.Logf("%s: no catalogue yet; %d messages shown in English", lang.Name, len(msgs))
			default:
				t.Errorf("%s: %d messages shown in English, e.g. %q", lang.Name, len(msgs), msgs[:min(len(msgs), 100)])
			}
		}
	})
}
