package web_test

// Times on the pages are in the deployment's zone, written the same in every
// language; the matches page shows no raw ids.

import (
	"net/http"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

func TestTimesInTheDeploymentsZone(t *testing.T) {
	t.Parallel()
	chisinau, err := time.LoadLocation("Europe/Chisinau")
	if err != nil {
		t.Fatal(err)
	}
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.NewWithPages(t, engine, service.Config{}, web.Options{TimeZone: chisinau})
		bc := mustBusyCase(t, a)
		worker := MustSignIn(t, a, bc.Worker, "")
		// The test clock stands at 10:00 UTC: 12:00 in Chisinau in November.
		local := testapp.Start.In(chisinau).Format("2006-01-02 15:04 MST")
		t.Run("case_page_shows_local_time_with_the_zone", func(t *testing.T) {
			p := worker.get(t, "/cases/"+bc.ID)
			// The machine-readable time carries the offset (html/template writes + as &#43;).
			wantContains(t, p, local, `datetime="2026-11-27T12:00:00&#43;02:00"`)
			if strings.Contains(p.Body, "10:00 UTC") {
				t.Error("the case page still shows UTC")
			}
		})
		t.Run("audit_log_shows_local_time_and_names_the_zone", func(t *testing.T) {
			auditor := signInAs(t, a, a.MustUser(t, bc.NGO, nrm.RoleAuditor), "")
			p := auditor.get(t, "/audit")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, local, "Times are in Europe/Chisinau.")
		})
	})
}

func TestMatchesPageShowsNoRawIDs(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		first := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker), "")
		second := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindShelter), nrm.RoleCaseWorker), "")
		mustCreateCaseThroughForm(t, first, caseForm(first.CSRF))
		mustCreateCaseThroughForm(t, second, caseForm(second.CSRF))
		coordinator := signInAs(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleCoordinator), "")
		p := coordinator.get(t, "/flags")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "FLAG-", "Possible duplicate")
		if id := reUUID.FindString(p.Body[strings.Index(p.Body, "<main>"):]); id != "" {
			t.Errorf("the matches page shows the id %s", id)
		}
		wantAbsent(t, p, "possible-duplicate")
	})
}
