package web_test

// The audit log page read by a person: names and case references instead of
// ids, filters by what an auditor knows, and nothing of users or cases the
// auditor does not audit.

import (
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

var reUUID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// entriesOf is the table body of the audit page.
func entriesOf(p page) string {
	i := strings.Index(p.Body, `<table class="audit">`)
	if i < 0 {
		return ""
	}
	j := strings.Index(p.Body[i:], "</table>")
	return p.Body[i : i+j]
}

func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		bc := mustBusyCase(t, a)
		worker := MustSignIn(t, a, bc.Worker, "")
		wantStatus(t, worker.get(t, "/cases/"+bc.ID), http.StatusOK) // a case read to find
		colleague := a.MustUser(t, bc.NGO, nrm.RoleCaseWorker)
		auditor := signInAs(t, a, a.MustUser(t, bc.NGO, nrm.RoleAuditor), "")
		coord := a.MustOrg(t, nrm.KindCoordinator)
		national := signInAs(t, a, a.MustUser(t, coord, nrm.RoleAuditor), "")

		t.Run("entries_name_the_user_and_the_case_reference_not_ids", func(t *testing.T) {
			p := auditor.get(t, "/audit")
			wantStatus(t, p, http.StatusOK)
			rows := entriesOf(p)
			for _, want := range []string{bc.Worker.Name, bc.NGO.Name, "Case worker", "Read a case", bc.Reference} {
				if !strings.Contains(rows, want) {
					t.Errorf("the entries lack %q", want)
				}
			}
			if id := reUUID.FindString(rows); id != "" {
				t.Errorf("the entries show the id %s", id)
			}
			wantAbsent(t, p, bc.Worker.Email, "Zyxandra")
		})
		t.Run("filter_lists_users_by_name_and_finds_one_chosen", func(t *testing.T) {
			p := auditor.get(t, "/audit")
			wantContains(t, p, `<option value="`+bc.Worker.ID+`"`, `<option value="`+colleague.ID+`"`)
			p = auditor.get(t, "/audit?user="+bc.Worker.ID)
			wantStatus(t, p, http.StatusOK)
			if rows := entriesOf(p); !strings.Contains(rows, bc.Worker.Name) || strings.Contains(rows, "Nobody signed in") {
				t.Errorf("the entries of one user hold others':\n%s", rows)
			}
		})
		t.Run("filter_by_part_of_a_name", func(t *testing.T) {
			// Both case workers are called "Test case-worker": the page says
			// so and asks to choose; the auditor's own name is unique.
			p := auditor.get(t, "/audit?user_name=case-worker")
			wantFieldError(t, p, "user_name")
			wantContains(t, p, "choose one from the list")
			p = auditor.get(t, "/audit?user_name=AUDITOR")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, `<option value="`+auditor.User.ID+`" selected`, "Read the audit log")
		})
		t.Run("filter_by_case_reference_and_action", func(t *testing.T) {
			p := auditor.get(t, "/audit?case="+url.QueryEscape(strings.ToLower(bc.Reference))+"&action=case.read")
			wantStatus(t, p, http.StatusOK)
			rows := entriesOf(p)
			if !strings.Contains(rows, bc.Reference) || strings.Contains(rows, "Read the audit log") || strings.Contains(rows, "No entries match") {
				t.Errorf("the case filter shows other entries, or none:\n%s", rows)
			}
			wantFieldError(t, auditor.get(t, "/audit?case=NRM-2026-NOSUCH"), "case")
		})
		t.Run("filter_by_date_range", func(t *testing.T) {
			day := testapp.Start.Format("2006-01-02")
			if rows := entriesOf(auditor.get(t, "/audit?from="+day+"&to="+day)); strings.Contains(rows, "No entries match") {
				t.Error("the day of the entries shows none")
			}
			if rows := entriesOf(auditor.get(t, "/audit?from=2026-12-01")); !strings.Contains(rows, "No entries match") {
				t.Error("a range after every entry shows some")
			}
			wantFieldError(t, auditor.get(t, "/audit?from=2026-12-01&to=2026-11-01"), "to")
		})
		t.Run("auditor_of_an_organisation_never_sees_other_organisations_users", func(t *testing.T) {
			p := auditor.get(t, "/audit")
			wantAbsent(t, p, bc.DM.Name, bc.CA.Name, coord.Name)
			p = auditor.get(t, "/audit?user="+bc.DM.ID)
			wantFieldError(t, p, "user")
			wantAbsent(t, p, bc.CA.Name)
		})
		t.Run("auditor_of_the_coordinator_reads_every_organisations_entries_by_name", func(t *testing.T) {
			rows := entriesOf(national.get(t, "/audit"))
			for _, want := range []string{bc.Worker.Name, bc.DM.Name, bc.CA.Name, bc.Reference} {
				if !strings.Contains(rows, want) {
					t.Errorf("the whole log lacks %q", want)
				}
			}
		})
		t.Run("checkpoint_block_is_reachable_by_keyboard", func(t *testing.T) {
			wantContains(t, auditor.get(t, "/audit"), `<pre class="checkpoint" tabindex="0" role="region" aria-labelledby="checkpoint-h">`)
		})
		t.Run("case_worker_may_not_read_the_log", func(t *testing.T) {
			wantDenied(t, worker.get(t, "/audit"), bc.Reference)
		})
	})
}
