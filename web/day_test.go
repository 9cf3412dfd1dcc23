package web_test

// A case worker's day (issue 8): the home page of each role, the case list
// with its filters, the deadlines page after a decision, the referrals
// inbox, the status of a case an NGO supports, assignment, what is new, and
// lists as CSV. Real store on every engine, real keys, real HTTP server.

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// auditCount counts the audit entries of an action.
func auditCount(tb testing.TB, a *testapp.App, action string) int {
	tb.Helper()
	var n int
	if err := a.RawDB(tb).QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = '" + action + "'").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// firstSignIn signs a new user in through the pages, second factor set up
// on the way, and returns the page of recovery codes they land on.
func firstSignIn(tb testing.TB, a *testapp.App, u testapp.User) (*browser, page) {
	tb.Helper()
	b := newBrowser(tb, a)
	wantRedirect(tb, b.post(tb, "/login", url.Values{"email": {u.Email}, "password": {u.Password}}), "/login/enrol")
	p := b.get(tb, "/login/enrol")
	m := reSecret.FindStringSubmatch(p.Body)
	if m == nil {
		tb.Fatalf("no secret on the enrol page:\n%s", p.Body)
	}
	p = b.post(tb, "/login/enrol", url.Values{"csrf": {hidden(tb, p, "csrf")}, "code": {codeAt(tb, m[1], a.Clock.Now())}})
	wantStatus(tb, p, http.StatusOK)
	return b, p
}

var reButton = regexp.MustCompile(`<a class="button" href="([^"]+)">`)

func TestHome(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		coord := a.MustOrg(t, nrm.KindCoordinator)

		t.Run("every_role_lands_on_a_page_of_its_own_not_refused", func(t *testing.T) {
			for _, role := range nrm.Roles {
				org := ngo
				if role == nrm.RoleAuditor || role == nrm.RoleCoordinator {
					org = coord
				}
				b, p := firstSignIn(t, a, a.MustUser(t, org, role))
				m := reButton.FindStringSubmatch(p.Body)
				if m == nil {
					t.Fatalf("%s: the recovery codes page has no way on:\n%s", role, p.Body)
				}
				next := b.get(t, m[1])
				if next.Status != http.StatusOK || strings.Contains(next.Body, "Not allowed") {
					t.Errorf("%s: after the recovery codes, %s answers %d:\n%s", role, m[1], next.Status, next.Body)
				}
				a.Clock.Advance(30 * time.Second) // the next enrolment uses the next code
			}
		})
		t.Run("admin_lands_on_users_not_refused", func(t *testing.T) {
			admin := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleAdmin), "")
			a.MustUser(t, ngo, nrm.RoleCaseWorker)
			p := admin.get(t, "/")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Your organisation", ngo.Name, `href="/admin/users"`, `href="/admin/org"`, "users",
				"have not yet set up their second factor")
			wantAbsent(t, p, "Not allowed", `href="/due"`)
		})
		t.Run("auditor_lands_on_the_log", func(t *testing.T) {
			auditor := signInAs(t, a, a.MustUser(t, coord, nrm.RoleAuditor), "")
			p := auditor.get(t, "/")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, `href="/audit"`, "You read every entry of this instance")
			own := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleAuditor), "")
			wantContains(t, own.get(t, "/"), "You read your organisation&#39;s entries")
		})
		t.Run("case_worker_sees_counts_clocks_referrals_and_flags", func(t *testing.T) {
			police := a.MustOrg(t, nrm.KindPolice)
			officer := a.MustUser(t, police, nrm.RoleLawEnforcement)
			worker := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
			// Two cases of the NGO's own, one with a clock in 5 days.
			id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
			wantRedirect(t, worker.post(t, "/cases/"+id+"/consents", url.Values{"csrf": {worker.CSRF}, "purpose": {"referral"},
				"recipient_org": {police.ID}, "scope": {"identity"}, "expires": {"2026-12-02"}}), "/cases/"+id+"?saved=consent#consent")
			other := caseForm(worker.CSRF)
			other.Set("person.given_name", "Ilinca")
			mustCreateCaseThroughForm(t, worker, other)
			// A referral waiting from the police.
			tok := a.MustToken(t, officer)
			c := a.MustCase(t, tok, testapp.CaseBody("Dorin", "Vasilache", "1990-01-01"))
			k := apiMust(t, a, 201, "POST", "/api/v1/cases/"+c+"/consents", tok, map[string]any{"purpose": "referral", "recipient_org": ngo.ID, "scope": []string{"identity", "support"}})
			apiMust(t, a, 201, "POST", "/api/v1/cases/"+c+"/referrals", tok, map[string]any{"to_org": ngo.ID, "reason": "needs a shelter", "consent_id": k["id"]})
			// The same person registered by the police again: a possible duplicate told to the NGO.
			a.MustCase(t, tok, caseBodyOf(caseForm("")))

			p := worker.get(t, "/")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "What needs you", "<strong>1</strong> referral waiting for your organisation",
				"<strong>1</strong> due within 14 days", "<strong>1</strong> running in all", "next: Consent expires", "cases assigned to you", "<strong>2</strong> open cases assigned to nobody",
				"possible duplicates told to your organisation", "Encountered", `href="/cases?state=encountered"`)
			wantAbsent(t, p, "Not allowed")
			wantAbsent(t, p, personal...)
		})
	})
}

// caseBodyOf is the API body of the same person as a case form.
func caseBodyOf(form url.Values) map[string]any {
	return map[string]any{
		"person": map[string]any{"given_name": form.Get("person.given_name"), "family_name": form.Get("person.family_name"),
			"date_of_birth": form.Get("person.date_of_birth"), "sex": "female", "citizenship": []string{"MD"}},
		"encounter":          map[string]any{"date": "2026-11-20", "place": "Dock 4", "country": "GB"},
		"exploitation_types": []string{"forced-labour"},
	}
}

// decided is a case of an NGO referred to a competent authority, accepted,
// and given a positive reasonable-grounds decision today.
func decided(t *testing.T, a *testapp.App, ngo, ca nrm.Organisation) (caseID string, worker, dm testapp.User) {
	t.Helper()
	worker, dm = a.MustUser(t, ngo, nrm.RoleCaseWorker), a.MustUser(t, ca, nrm.RoleDecisionMaker)
	wt, dt := a.MustToken(t, worker), a.MustToken(t, dm)
	caseID = a.MustCase(t, wt, testapp.CaseBody("Mirela", "Stanciu", "1994-03-03"))
	a.MustShare(t, caseID, wt, ca, "referral", []string{"identity", "support"}, dt)
	apiMust(t, a, 201, "POST", "/api/v1/cases/"+caseID+"/decisions", dt, map[string]any{"kind": "reasonable-grounds", "outcome": "positive",
		"decided_on": a.Clock.Now().Format("2006-01-02"), "reasons": "credible account"})
	return caseID, worker, dm
}

func TestDeadlinesPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, ca := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
		id, worker, dm := decided(t, a, ngo, ca)
		end := a.Clock.Now().AddDate(0, 0, 30).Format("2006-01-02")
		ws, ds := signInAs(t, a, worker, ""), signInAs(t, a, dm, "")

		t.Run("recovery_clock_shows_right_after_the_decision", func(t *testing.T) {
			for _, u := range []signedIn{ws, ds} {
				p := u.get(t, "/due")
				wantStatus(t, p, http.StatusOK)
				wantContains(t, p, "Recovery and reflection period ends", end, "in 30 days", `href="/cases/`+id+`"`)
				wantAbsent(t, p, "Nothing is due")
			}
		})
		t.Run("window_is_a_filter_with_a_clear_empty_message", func(t *testing.T) {
			p := ws.get(t, "/due?within=14")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "No clock runs out within 14 days, and none has run out.", `href="/due"`)
			wantAbsent(t, p, end, "Nothing is due")
		})
		t.Run("soonest_first", func(t *testing.T) {
			worker := ws
			other := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
			wantRedirect(t, worker.post(t, "/cases/"+other+"/consents", url.Values{"csrf": {worker.CSRF}, "purpose": {"referral"},
				"recipient_org": {ca.ID}, "scope": {"identity"}, "expires": {"2026-12-02"}}), "/cases/"+other+"?saved=consent#consent")
			p := worker.get(t, "/due")
			if i, j := strings.Index(p.Body, "2026-12-02"), strings.Index(p.Body, end); i < 0 || j < 0 || i > j {
				t.Errorf("the clock of 2026-12-02 is not listed before the one of %s", end)
			}
		})
	})
}

func TestCaseList(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, ca, shelter := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority), a.MustOrg(t, nrm.KindShelter)
		decidedID, workerU, _ := decided(t, a, ngo, ca)
		worker := signInAs(t, a, workerU, "")
		colleague := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		wt := a.MustToken(t, workerU)
		child := testapp.CaseBody("Sorina", "Lungu", "2013-05-05")
		childID := a.MustCase(t, wt, child)
		adultID := a.MustCase(t, wt, testapp.CaseBody("Petra", "Albu", "1980-01-01"))
		// A case of the shelter shared with the NGO without identity.
		st := a.MustToken(t, a.MustUser(t, shelter, nrm.RoleCaseWorker))
		sharedID := a.MustCase(t, st, testapp.CaseBody("Veronika", "Hollander", "1985-06-06"))
		a.MustShare(t, sharedID, st, ngo, "referral", []string{"support"}, wt)
		if _, err := a.Svc.AssignCase(testapp.As(workerU.Actor), adultID, colleague.ID); err != nil {
			t.Fatal(err)
		}
		ref := func(id string) string {
			c, err := a.Svc.Case(testapp.As(workerU.Actor), id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Reference
		}
		decidedRef, childRef, adultRef, sharedRef := ref(decidedID), ref(childID), ref(adultID), ref(sharedID)

		t.Run("counts_per_state_and_states_as_words", func(t *testing.T) {
			p := worker.get(t, "/cases")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, decidedRef, childRef, adultRef, sharedRef, "4 cases",
				`Recovery period</span> <strong>1</strong>`, `Encountered</span> <strong>3</strong>`,
				"Recovery and reflection period ends", "in 30 days", "Mirela Stanciu")
			for _, slug := range []string{">recovery-period<", ">encountered<", ">awaiting-reasonable-grounds<"} {
				if strings.Contains(p.Body, slug) {
					t.Errorf("the list shows the raw state %s", slug)
				}
			}
		})
		t.Run("filters_state_child_clock_org_assigned", func(t *testing.T) {
			cases := []struct {
				query string
				want  []string
			}{
				{"state=recovery-period", []string{decidedRef}},
				{"child=child", []string{childRef}},
				{"child=adult", []string{decidedRef, adultRef, sharedRef}},
				{"due=30", []string{decidedRef}},
				{"due=7", nil},
				{"org=" + shelter.ID, []string{sharedRef}},
				{"assigned=" + colleague.ID, []string{adultRef}},
				{"assigned=none", []string{decidedRef, childRef, sharedRef}},
			}
			all := []string{decidedRef, childRef, adultRef, sharedRef}
			for _, tc := range cases {
				p := worker.get(t, "/cases?"+tc.query)
				wantStatus(t, p, http.StatusOK)
				for _, r := range all {
					want := false
					for _, w := range tc.want {
						want = want || w == r
					}
					if got := strings.Contains(p.Body, ">"+r+"</a>"); got != want {
						t.Errorf("/cases?%s: lists %s = %v, want %v", tc.query, r, got, want)
					}
				}
				if tc.want == nil {
					wantContains(t, p, "No case matches these filters.")
				}
			}
			wantStatus(t, worker.get(t, "/cases?state=bogus"), http.StatusUnprocessableEntity)
			wantStatus(t, worker.get(t, "/cases?due=999"), http.StatusUnprocessableEntity)
		})
		t.Run("sorted_by_next_clock", func(t *testing.T) {
			p := worker.get(t, "/cases?sort=next-clock")
			if i, j := strings.Index(p.Body, ">"+decidedRef+"<"), strings.Index(p.Body, ">"+childRef+"<"); i < 0 || j < 0 || i > j {
				t.Errorf("the case with a clock is not first when sorted by next clock")
			}
		})
		t.Run("name_search_is_a_post_and_keeps_its_rule", func(t *testing.T) {
			list := worker.get(t, "/cases")
			wantContains(t, list, `<form method="post" action="/cases/search"`)
			p := worker.post(t, "/cases/search", url.Values{"csrf": {worker.CSRF}, "name": {"stanciu mirela"}})
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, decidedRef)
			wantAbsent(t, p, childRef, adultRef)
			// The NGO holds no identity of the shelter's case: its name finds nothing.
			p = worker.post(t, "/cases/search", url.Values{"csrf": {worker.CSRF}, "name": {"Veronika Hollander"}})
			wantContains(t, p, "No case of yours matches that name.")
			wantAbsent(t, p, sharedRef)
			// No name is taken from a URL.
			p = worker.get(t, "/cases?name=Stanciu")
			wantContains(t, p, childRef)
		})
		t.Run("paged", func(t *testing.T) {
			inputs := make([]nrm.CaseInput, 55)
			for i := range inputs {
				inputs[i] = nrm.CaseInput{Person: nrm.PersonInput{GivenName: fmt.Sprintf("P%d", i), FamilyName: "Page", DateOfBirth: "1990-01-01", Sex: "female"},
					Encounter: nrm.EncounterInput{Date: "2026-11-20", Country: "GB"}, ExploitationTypes: []string{"forced-labour"}}
			}
			if _, err := a.Svc.CreateCases(testapp.As(workerU.Actor), inputs); err != nil {
				t.Fatal(err)
			}
			p := worker.get(t, "/cases")
			wantContains(t, p, "59 cases", "page 1 of 2", `href="/cases?page=2"`)
			p2 := worker.get(t, "/cases?page=2")
			wantContains(t, p2, "page 2 of 2", `href="/cases"`)
			if strings.Count(p.Body, `<td class="ref"><a href="/cases/`)+strings.Count(p2.Body, `<td class="ref"><a href="/cases/`) != 59 {
				t.Errorf("the two pages do not hold the 59 cases once each")
			}
		})
		t.Run("my_cases", func(t *testing.T) {
			me := signInAs(t, a, colleague, "")
			p := me.get(t, "/cases?assigned=me")
			wantContains(t, p, "My cases", adultRef, workerU.Name)
			wantAbsent(t, p, ">"+decidedRef+"<", ">"+childRef+"<")
			wantContains(t, me.get(t, "/"), "<strong>1</strong> cases assigned to you")
		})
	})
}

func TestInbox(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		ot := a.MustToken(t, a.MustUser(t, police, nrm.RoleLawEnforcement))
		childCase := a.MustCase(t, ot, testapp.CaseBody("Ana", "Mic", "2014-02-02"))
		apiMust(t, a, 201, "POST", "/api/v1/cases/"+childCase+"/referrals", ot, map[string]any{"to_org": ngo.ID, "reason": "a child alone"})
		a.Clock.Advance(2 * 24 * time.Hour)
		worker := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")

		t.Run("menu_counts_the_referrals_waiting", func(t *testing.T) {
			wantContains(t, worker.get(t, "/cases"), `Referrals <span class="menu-count"><span aria-hidden="true">1</span><span class="sr-only">1 waiting</span>`)
		})
		t.Run("waiting_days_and_child_tag", func(t *testing.T) {
			p := worker.get(t, "/referrals")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "waiting 2 days", `<span class="tag child">Child</span>`, "1 referral is waiting.")
			wantAbsent(t, p, "Mic")
		})
	})
}

func TestCaseStatus(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police, ngo, coordOrg := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCoordinator)
		officer, worker := a.MustUser(t, police, nrm.RoleLawEnforcement), a.MustUser(t, ngo, nrm.RoleCaseWorker)
		ot, wt := a.MustToken(t, officer), a.MustToken(t, worker)
		id := a.MustCase(t, ot, testapp.CaseBody("Elena", "Rusu", "1992-02-02"))
		// Shared with the NGO, which accepts and supports; a consent that expires is a clock.
		c := apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/consents", ot, map[string]any{"purpose": "referral", "recipient_org": ngo.ID,
			"scope": []string{"identity", "support"}, "expires": "2027-01-15"})
		r := apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/referrals", ot, map[string]any{"to_org": ngo.ID, "reason": "support", "consent_id": c["id"]})
		apiMust(t, a, 200, "POST", "/api/v1/referrals/"+r["id"].(string)+"/accept", wt, map[string]any{})

		t.Run("ngo_supported_case_does_not_read_encountered", func(t *testing.T) {
			ws := signInAs(t, a, worker, "")
			p := ws.get(t, "/cases")
			wantContains(t, p, `<span class="tag state state-encountered">In support with your organisation`)
			if rows := p.Body[strings.Index(p.Body, "<tbody>"):]; strings.Contains(rows, `">Encountered</span>`) {
				t.Error("the NGO's case list calls the case it supports Encountered")
			}
			wantContains(t, ws.get(t, "/cases/"+id), `">In support with your organisation; not referred for identification</span>`)
		})
		t.Run("coordinator_held_by_names_every_involved_organisation", func(t *testing.T) {
			p := signInAs(t, a, a.MustUser(t, coordOrg, nrm.RoleCoordinator), "").get(t, "/due")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "<td>"+police.Name+", "+ngo.Name+"</td>")
		})
	})
}

func TestAssignment(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, other := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindShelter)
		worker := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		colleague := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		stranger := a.MustUser(t, other, nrm.RoleCaseWorker)
		admin := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleAdmin), "")
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		assigned := func() string {
			l, err := a.Svc.ListCases(testapp.As(worker.User.Actor), service.CaseListQuery{})
			if err != nil {
				t.Fatal(err)
			}
			return l.Rows[0].AssignedTo
		}

		t.Run("case_page_links_to_the_assignment", func(t *testing.T) {
			wantContains(t, worker.get(t, "/cases/"+id), `href="/cases/`+id+`/assign"`)
		})
		t.Run("assigned_to_a_colleague_and_audited", func(t *testing.T) {
			before := auditCount(t, a, "case.assign")
			p := worker.get(t, "/cases/"+id+"/assign")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, `value="`+colleague.ID+`"`, "nobody")
			wantAbsent(t, p, stranger.ID, admin.User.ID)
			wantRedirect(t, worker.post(t, "/cases/"+id+"/assign", url.Values{"csrf": {worker.CSRF}, "user_id": {colleague.ID}}), "/cases/"+id+"/assign?saved=assigned")
			if got := assigned(); got != colleague.ID {
				t.Fatalf("assigned to %q", got)
			}
			if auditCount(t, a, "case.assign") != before+1 {
				t.Error("the assignment is not in the audit log")
			}
		})
		t.Run("worker_of_another_organisation_refused", func(t *testing.T) {
			p := worker.post(t, "/cases/"+id+"/assign", url.Values{"csrf": {worker.CSRF}, "user_id": {stranger.ID}})
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, "choose a worker of your organisation")
			if got := assigned(); got != colleague.ID {
				t.Errorf("a refused assignment changed it to %q", got)
			}
		})
		t.Run("disabled_colleague_refused", func(t *testing.T) {
			gone := a.MustUser(t, ngo, nrm.RoleCaseWorker)
			if _, err := a.Svc.UpdateUser(testapp.As(admin.User.Actor), gone.ID, service.UserUpdate{Name: gone.Name, Role: string(gone.Role), Disabled: true, Version: gone.Version}); err != nil {
				t.Fatal(err)
			}
			wantStatus(t, worker.post(t, "/cases/"+id+"/assign", url.Values{"csrf": {worker.CSRF}, "user_id": {gone.ID}}), http.StatusUnprocessableEntity)
			wantAbsent(t, worker.get(t, "/cases/"+id+"/assign"), gone.ID)
			if got := assigned(); got != colleague.ID {
				t.Errorf("a refused assignment changed it to %q", got)
			}
		})
		t.Run("admin_of_the_organisation_may_not_assign", func(t *testing.T) {
			wantDenied(t, admin.post(t, "/cases/"+id+"/assign", url.Values{"csrf": {admin.CSRF}, "user_id": {admin.User.ID}}))
			if got := assigned(); got != colleague.ID {
				t.Errorf("a refused assignment changed it to %q", got)
			}
		})
		t.Run("another_organisation_cannot_reach_it", func(t *testing.T) {
			s := signInAs(t, a, stranger, "")
			wantDenied(t, s.post(t, "/cases/"+id+"/assign", url.Values{"csrf": {s.CSRF}, "user_id": {stranger.ID}}))
			wantDenied(t, s.get(t, "/cases/"+id+"/assign"))
		})
		t.Run("assign_to_me_then_nobody", func(t *testing.T) {
			wantRedirect(t, worker.post(t, "/cases/"+id+"/assign", url.Values{"csrf": {worker.CSRF}, "user_id": {"me"}}), "/cases/"+id+"/assign?saved=assigned")
			if got := assigned(); got != worker.User.ID {
				t.Errorf("assigned to %q, not to me", got)
			}
			wantRedirect(t, worker.post(t, "/cases/"+id+"/assign", url.Values{"csrf": {worker.CSRF}, "user_id": {""}}), "/cases/"+id+"/assign?saved=assigned")
			if got := assigned(); got != "" {
				t.Errorf("assigned to %q, not to nobody", got)
			}
		})
	})
}

func TestWhatsNew(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		ot := a.MustToken(t, a.MustUser(t, police, nrm.RoleLawEnforcement))
		refer := func(given string) {
			id := a.MustCase(t, ot, testapp.CaseBody(given, "Nou", "1991-01-01"))
			k := apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/consents", ot, map[string]any{"purpose": "referral", "recipient_org": ngo.ID, "scope": []string{"identity"}})
			apiMust(t, a, 201, "POST", "/api/v1/cases/"+id+"/referrals", ot, map[string]any{"to_org": ngo.ID, "reason": "x", "consent_id": k["id"]})
		}
		worker := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		wantRedirect(t, worker.post(t, "/cases/"+id+"/consents", url.Values{"csrf": {worker.CSRF}, "purpose": {"referral"},
			"recipient_org": {police.ID}, "scope": {"identity"}, "expires": {"2026-12-02"}}), "/cases/"+id+"?saved=consent#consent")
		refer("Unu")
		// The same person registered by the police: a possible duplicate told to the NGO.
		a.MustCase(t, ot, caseBodyOf(caseForm("")))
		count := regexp.MustCompile(`New for you <span class="menu-count"><span aria-hidden="true">(\d+)<`)
		menu := func() string {
			m := count.FindStringSubmatch(worker.get(t, "/cases").Body)
			if m == nil {
				return "0"
			}
			return m[1]
		}

		t.Run("referral_and_clock_in_its_warning_period_are_new", func(t *testing.T) {
			if got := menu(); got != "3" {
				t.Errorf("menu counts %s new, want 3 (a referral, a possible duplicate, a consent expiring in 5 days)", got)
			}
			p := worker.get(t, "/new")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Referral of", police.Name, "Possible duplicate on", `href="/cases/`+id+`"`, "Consent expires", "in 5 days", `<span class="tag new">new</span>`)
			wantAbsent(t, p, personal...)
		})
		t.Run("seen_mark_is_a_post_and_clears_the_count", func(t *testing.T) {
			worker.get(t, "/new")
			if got := menu(); got != "3" {
				t.Errorf("opening the list changed the count to %s", got)
			}
			wantRedirect(t, worker.post(t, "/new/seen", url.Values{"csrf": {worker.CSRF}}), "/new?saved=seen")
			if got := menu(); got != "0" {
				t.Errorf("after marking seen the menu counts %s", got)
			}
			wantAbsent(t, worker.get(t, "/new"), `<span class="tag new">new</span>`)
			wantStatus(t, worker.post(t, "/new/seen", url.Values{}), http.StatusForbidden) // no CSRF token
		})
		t.Run("what_comes_after_the_mark_is_new", func(t *testing.T) {
			a.Clock.Advance(time.Minute)
			refer("Doi")
			if got := menu(); got != "1" {
				t.Errorf("menu counts %s new, want 1", got)
			}
		})
	})
}

func TestCSV(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police, ngo := a.MustOrg(t, nrm.KindPolice), a.MustOrg(t, nrm.KindNGO)
		worker := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		admin := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleAdmin), "")
		form := caseForm(worker.CSRF)
		form.Set("person.given_name", "=HYPERLINK(\"http://x.invalid\")")
		id := mustCreateCaseThroughForm(t, worker, form)
		ot := a.MustToken(t, a.MustUser(t, police, nrm.RoleLawEnforcement))
		c := a.MustCase(t, ot, testapp.CaseBody("Radu", "Pop", "1990-01-01"))
		k := apiMust(t, a, 201, "POST", "/api/v1/cases/"+c+"/consents", ot, map[string]any{"purpose": "referral", "recipient_org": ngo.ID, "scope": []string{"identity"}})
		apiMust(t, a, 201, "POST", "/api/v1/cases/"+c+"/referrals", ot, map[string]any{"to_org": ngo.ID, "reason": "=cmd|' /C calc'!A0", "consent_id": k["id"]})

		t.Run("case_list_as_csv_defused_and_audited", func(t *testing.T) {
			before, reads := auditCount(t, a, "export.csv"), auditCount(t, a, "case.read")
			p := worker.get(t, "/cases.csv")
			wantStatus(t, p, http.StatusOK)
			if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("Content-Type %q", ct)
			}
			wantContains(t, p, "reference,person,status", `"'=HYPERLINK(""http://x.invalid"")`, "Not yet referred for identification")
			if strings.Contains(p.Body, "\n=") || strings.Contains(p.Body, ",=") || strings.Contains(p.Body, `,"=`) {
				t.Errorf("a cell starts with =:\n%s", p.Body)
			}
			if auditCount(t, a, "export.csv") != before+1 || auditCount(t, a, "case.read") != reads+1 {
				t.Error("the export is not audited like the page")
			}
			_ = id
		})
		t.Run("deadlines_and_inbox_as_csv_without_free_text", func(t *testing.T) {
			wantContains(t, worker.get(t, "/due.csv"), "list,due,days_from_today,clock")
			p := worker.get(t, "/referrals.csv")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "reference,from,sent_on", police.Name)
			wantAbsent(t, p, "calc", "Radu")
		})
		t.Run("only_for_those_who_may_read_the_list", func(t *testing.T) {
			for _, path := range []string{"/cases.csv", "/due.csv", "/referrals.csv"} {
				wantDenied(t, admin.get(t, path), "HYPERLINK", "Radu")
			}
		})
	})
}
