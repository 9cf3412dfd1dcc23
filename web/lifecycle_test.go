package web_test

// End-to-end tests of the case lifecycle pages, on every engine: each form
// works, each bad input re-renders its form with 422 naming the field and
// writes nothing, a step out of order is a 409 that says why, and nobody
// sees more than their organisation and role may.

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// signInAs signs u in through the pages like MustSignIn, for any role: the
// CSRF token comes from the first page of the list the role may open.
func signInAs(tb testing.TB, a *testapp.App, u testapp.User, secret string) signedIn {
	tb.Helper()
	b := newBrowser(tb, a)
	p := b.post(tb, "/login", url.Values{"email": {u.Email}, "password": {u.Password}})
	if secret == "" {
		wantRedirect(tb, p, "/login/enrol")
		p = b.get(tb, "/login/enrol")
		m := reSecret.FindStringSubmatch(p.Body)
		if m == nil {
			tb.Fatalf("no secret on the enrol page:\n%s", p.Body)
		}
		secret = m[1]
		wantStatus(tb, b.post(tb, "/login/enrol", url.Values{"csrf": {hidden(tb, p, "csrf")}, "code": {codeAt(tb, secret, a.Clock.Now())}}), http.StatusOK)
	} else {
		wantRedirect(tb, p, "/login/code")
		p = b.get(tb, "/login/code")
		wantRedirect(tb, b.post(tb, "/login/code", url.Values{"csrf": {hidden(tb, p, "csrf")}, "code": {codeAt(tb, secret, a.Clock.Now())}}), "/")
	}
	s := signedIn{browser: b, User: u, Secret: secret}
	s.CSRF = s.csrfFrom(tb, "/due", "/cases/new", "/admin/users", "/audit")
	return s
}

// again signs the same user in anew, after the clock moved past the session.
func (s signedIn) again(tb testing.TB, a *testapp.App) signedIn {
	tb.Helper()
	return signInAs(tb, a, s.User, s.Secret)
}

// mustCreateCaseThroughForm posts the new-case form and returns the case id.
func mustCreateCaseThroughForm(tb testing.TB, s signedIn, form url.Values) string {
	tb.Helper()
	p := s.post(tb, "/cases", form)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/cases/") {
		tb.Fatalf("create case: %d to %q\n%s", p.Status, p.Location, p.Body)
	}
	return strings.TrimPrefix(p.Location, "/cases/")
}

// record is what is stored of a case, counted as its owner sees it.
type record struct {
	State                                                     nrm.State
	Screenings, Consents, Referrals, Decisions, Notes, Events int
	Given                                                     int // consents not withdrawn
	Pending                                                   int // referrals pending
}

func mustRecord(tb testing.TB, a *testapp.App, owner nrm.Actor, caseID string) record {
	tb.Helper()
	ctx := testapp.As(owner)
	c, err := a.Svc.Case(ctx, caseID)
	if err != nil {
		tb.Fatal(err)
	}
	r := record{State: c.State}
	sc, err := a.Svc.Screenings(ctx, caseID)
	if err != nil {
		tb.Fatal(err)
	}
	ks, err := a.Svc.Consents(ctx, caseID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, k := range ks {
		if k.Status == nrm.ConsentGiven {
			r.Given++
		}
	}
	rs, err := a.Svc.Referrals(ctx, caseID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, x := range rs {
		if x.Status == nrm.ReferralPending {
			r.Pending++
		}
	}
	ds, err := a.Svc.Decisions(ctx, caseID)
	if err != nil {
		tb.Fatal(err)
	}
	ns, err := a.Svc.Notes(ctx, caseID)
	if err != nil {
		tb.Fatal(err)
	}
	es, err := a.Svc.Timeline(ctx, caseID)
	if err != nil {
		tb.Fatal(err)
	}
	r.Screenings, r.Consents, r.Referrals, r.Decisions, r.Notes, r.Events = len(sc), len(ks), len(rs), len(ds), len(ns), len(es)
	return r
}

// wantFieldError checks a form re-rendered with 422: the error summary
// links to the input, the input is on the page, its message beside it.
func wantFieldError(tb testing.TB, p page, id string) {
	tb.Helper()
	wantStatus(tb, p, http.StatusUnprocessableEntity)
	if !strings.Contains(p.Body, `href="#`+id+`"`) {
		tb.Errorf("the error summary does not link to %s:\n%s", id, errorSummary(p))
	}
	if !strings.Contains(p.Body, `id="`+id+`"`) {
		tb.Errorf("no input %s on the re-rendered page", id)
	}
	if !strings.Contains(p.Body, `class="field-error"`) {
		tb.Errorf("no message beside the field %s", id)
	}
}

func errorSummary(p page) string {
	return regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`).FindString(p.Body)
}

// wantUnchanged checks that a refused form wrote nothing.
func wantUnchanged(tb testing.TB, a *testapp.App, owner nrm.Actor, caseID string, before record) {
	tb.Helper()
	if after := mustRecord(tb, a, owner, caseID); after != before {
		tb.Errorf("a refused form changed the case: %+v -> %+v", before, after)
	}
}

func wantContains(tb testing.TB, p page, subs ...string) {
	tb.Helper()
	for _, s := range subs {
		if !strings.Contains(p.Body, s) {
			tb.Errorf("the page (status %d) lacks %q", p.Status, s)
		}
	}
}

// section returns the HTML of the <section id="id"> of a page, or "".
func section(p page, id string) string {
	i := strings.Index(p.Body, `<section class="card" id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(p.Body[i:], "</section>")
	if j < 0 {
		return p.Body[i:]
	}
	return p.Body[i : i+j]
}

var reConsentOption = regexp.MustCompile(`<option value="([0-9a-f-]{36})"[^>]*>Referral →`)

func TestCaseLifecyclePages(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		ca := a.MustOrg(t, nrm.KindCompetentAuthority)
		shelter := a.MustOrg(t, nrm.KindShelter)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		dm := signInAs(t, a, a.MustUser(t, ca, nrm.RoleDecisionMaker), "")
		owner := worker.User.Actor
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		path := "/cases/" + id

		t.Run("case_page_shows_state_explanation_and_next_steps", func(t *testing.T) {
			p := worker.get(t, path)
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "state-encountered", "A possible victim was met.", "What can happen next",
				string(nrm.StepRefer), `id="clocks"`, "No clock is running", `id="timeline"`, "case recorded: a possible victim was met",
				"2026-11-20", `href="`+path+`/screening"`, `action="`+path+`/consents"`, `action="`+path+`/referrals"`,
				`action="`+path+`/close"`, `action="`+path+`/notes"`)
			if strings.Contains(p.Body, `action="`+path+`/decisions"`) {
				t.Error("a case worker of an NGO is offered the decision form")
			}
			if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		})

		t.Run("screening", func(t *testing.T) {
			form := func(set string, ids ...string) url.Values {
				return url.Values{"csrf": {worker.CSRF}, "indicator_set": {set}, "indicators": ids, "screened_on": {"2026-11-26"}}
			}
			t.Run("set_selector_shows_the_child_list", func(t *testing.T) {
				p := worker.get(t, path+"/screening?set=child-labour")
				wantStatus(t, p, http.StatusOK)
				wantContains(t, p, `name="indicator_set" value="child-labour"`, `value="CL01"`)
				if strings.Contains(p.Body, `value="AL01"`) {
					t.Error("the adult list is shown with the child list chosen")
				}
			})
			p := worker.get(t, path+"/screening")
			wantContains(t, p, `name="indicator_set" value="adult-labour"`, `value="AL01"`, `name="evidence.AL01"`, "Deceptive recruitment", ">strong<")
			before := mustRecord(t, a, owner, id)
			for _, c := range []struct {
				name, field string
				form        url.Values
			}{
				{"unknown_set", "screening.indicator_set", form("adult-sexual", "AL01")},
				{"unknown_indicator", "screening.indicators", form("adult-labour", "AL01", "ZZ99")},
				{"child_indicator_in_the_adult_list", "screening.indicators", form("adult-labour", "CL01")},
				{"future_date", "screening.screened_on", func() url.Values {
					f := form("adult-labour", "AL01")
					f.Set("screened_on", "2027-01-01")
					return f
				}()},
				{"evidence_for_an_indicator_not_ticked", "screening.evidence.AL05", func() url.Values {
					f := form("adult-labour", "AL01")
					f.Set("evidence.AL05", "passport kept by the employer")
					return f
				}()},
			} {
				t.Run("bad_"+c.name+"_is_422_and_writes_nothing", func(t *testing.T) {
					p := worker.post(t, path+"/screenings", c.form)
					wantFieldError(t, p, c.field)
					if slices.Contains(c.form["indicators"], "AL01") && !strings.Contains(p.Body, `id="screening.tick.AL01" checked`) {
						t.Error("the re-rendered form lost the ticks")
					}
					wantUnchanged(t, a, owner, id, before)
				})
			}
			t.Run("form_records_the_result_per_dimension", func(t *testing.T) {
				f := form("adult-labour", "AL01", "AL02")
				f.Set("evidence.AL01", "promised hotel work, put on a farm")
				p := worker.post(t, path+"/screenings", f)
				wantRedirect(t, p, path+"?saved=screening#screening")
				if r := mustRecord(t, a, owner, id); r.Screenings != 1 {
					t.Fatalf("%d screenings", r.Screenings)
				}
				p = worker.get(t, path+"?saved=screening")
				wantContains(t, p, "The screening was recorded.", "Some dimensions indicated", "promised hotel work, put on a farm",
					`<li class="dim met">`, ">indicated<", ">not indicated<", "never a legal finding")
				if strings.Contains(section(p, "screening"), "victim of trafficking") && !strings.Contains(section(p, "screening"), "whether a person is a victim") {
					t.Error("the screening result reads as a legal finding")
				}
			})
		})

		var consentID string
		t.Run("consent", func(t *testing.T) {
			form := func() url.Values {
				return url.Values{"csrf": {worker.CSRF}, "purpose": {"referral"}, "recipient_org": {ca.ID},
					"scope": {"identity", "support"}, "given_on": {"2026-11-27"}, "language": {"ro"}, "interpreter": {"true"}}
			}
			before := mustRecord(t, a, owner, id)
			for _, c := range []struct {
				name, field, key, value string
			}{
				{"no_scope", "consent.scope", "scope", ""},
				{"unknown_scope", "consent.scope", "scope", "everything"},
				{"unknown_purpose", "consent.purpose", "purpose", "marketing"},
				{"no_recipient", "consent.recipient_org", "recipient_org", ""},
				{"unknown_recipient", "consent.recipient_org", "recipient_org", nrm.NewID()},
				{"expiry_in_the_past", "consent.expires", "expires", "2026-01-01"},
				{"given_in_the_future", "consent.given_on", "given_on", "2026-12-24"},
				{"bad_language", "consent.language", "language", "romanian"},
			} {
				t.Run("bad_"+c.name+"_is_422_and_writes_nothing", func(t *testing.T) {
					f := form()
					if c.key == "scope" && c.value == "" {
						f.Del("scope")
					} else {
						f.Set(c.key, c.value)
					}
					p := worker.post(t, path+"/consents", f)
					wantFieldError(t, p, c.field)
					wantUnchanged(t, a, owner, id, before)
				})
			}
			t.Run("form_records_the_consent", func(t *testing.T) {
				p := worker.post(t, path+"/consents", form())
				wantRedirect(t, p, path+"?saved=consent#consent")
				p = worker.get(t, path)
				wantContains(t, p, "Who the person is, Support", "given on 2026-11-27", "informed in ro", "with an interpreter",
					"status-given", "Withdraw this consent")
				m := reConsentOption.FindStringSubmatch(p.Body)
				if m == nil {
					t.Fatalf("the referral form offers no consent:\n%s", section(p, "referrals"))
				}
				consentID = m[1]
			})
		})
		if consentID == "" {
			t.FailNow()
		}

		t.Run("referral", func(t *testing.T) {
			form := func() url.Values {
				return url.Values{"csrf": {worker.CSRF}, "to_org": {ca.ID}, "reason": {"Indicators of forced labour; she asks for help."}, "consent_id": {consentID}}
			}
			before := mustRecord(t, a, owner, id)
			for _, c := range []struct{ name, field, key, value string }{
				{"no_consent", "referral.consent_id", "consent_id", ""},
				{"consent_for_another_recipient", "referral.consent_id", "to_org", shelter.ID},
				{"no_reason", "referral.reason", "reason", "  "},
				{"no_recipient", "referral.to_org", "to_org", ""},
				{"own_organisation", "referral.to_org", "to_org", ngo.ID},
			} {
				t.Run("bad_"+c.name+"_is_422_and_writes_nothing", func(t *testing.T) {
					f := form()
					f.Set(c.key, c.value)
					p := worker.post(t, path+"/referrals", f)
					wantFieldError(t, p, c.field)
					wantUnchanged(t, a, owner, id, before)
				})
			}
			t.Run("form_refers_the_case_to_the_competent_authority", func(t *testing.T) {
				p := worker.post(t, path+"/referrals", form())
				wantRedirect(t, p, path+"?saved=referral#referrals")
				if r := mustRecord(t, a, owner, id); r.State != nrm.StateReferred || r.Pending != 1 {
					t.Fatalf("after the referral: %+v", r)
				}
				p = worker.get(t, path)
				wantContains(t, p, "state-referred", "Waiting for it to accept the referral.", "NRM referral", "status-pending",
					"Withdraw this referral")
			})
			t.Run("second_referral_to_the_same_recipient_is_409", func(t *testing.T) {
				before := mustRecord(t, a, owner, id)
				p := worker.post(t, path+"/referrals", form())
				wantStatus(t, p, http.StatusConflict)
				wantContains(t, p, "pending already")
				wantUnchanged(t, a, owner, id, before)
			})
		})

		var referralID string
		t.Run("recipient_sees_nothing_of_the_person_before_acceptance", func(t *testing.T) {
			p := dm.get(t, "/referrals")
			wantStatus(t, p, http.StatusOK)
			m := regexp.MustCompile(`action="/referrals/([0-9a-f-]{36})/accept"`).FindStringSubmatch(p.Body)
			if m == nil {
				t.Fatalf("the inbox shows no referral:\n%s", p.Body)
			}
			referralID = m[1]
			c, err := a.Svc.Case(testapp.As(owner), id)
			if err != nil {
				t.Fatal(err)
			}
			wantContains(t, p, c.Reference, ngo.Name, "Indicators of forced labour")
			wantAbsent(t, p, personal...)
			wantAbsent(t, p, "promised hotel work", "Moldov")
			wantDenied(t, dm.get(t, path), personal...)
			wantAbsent(t, dm.get(t, "/due"), personal...)
			wantAbsent(t, dm.get(t, "/cases"), append([]string{id}, personal...)...)
		})
		if referralID == "" {
			t.FailNow()
		}
		t.Run("decline_without_a_reason_is_422_and_writes_nothing", func(t *testing.T) {
			before := mustRecord(t, a, owner, id)
			p := dm.post(t, "/referrals/"+referralID+"/decline", url.Values{"csrf": {dm.CSRF}, "reason": {""}})
			wantFieldError(t, p, "decline-"+referralID+".reason")
			wantAbsent(t, p, personal...)
			wantUnchanged(t, a, owner, id, before)
		})
		t.Run("another_organisation_cannot_answer_the_referral", func(t *testing.T) {
			other := MustSignIn(t, a, a.MustUser(t, shelter, nrm.RoleCaseWorker), "")
			before := mustRecord(t, a, owner, id)
			wantDenied(t, other.post(t, "/referrals/"+referralID+"/accept", url.Values{"csrf": {other.CSRF}}), personal...)
			wantUnchanged(t, a, owner, id, before)
		})
		t.Run("accept_opens_the_case_to_the_competent_authority", func(t *testing.T) {
			p := dm.post(t, "/referrals/"+referralID+"/accept", url.Values{"csrf": {dm.CSRF}})
			wantRedirect(t, p, path+"?saved=accepted")
			p = dm.get(t, path+"?saved=accepted")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "You accepted the referral.", "Zyxandra", "state-awaiting-reasonable-grounds",
				"Reasonable-grounds decision due", "2026-12-07", "in 10 days", `action="`+path+`/decisions"`)
			if strings.Contains(p.Body, `action="`+path+`/close"`) {
				t.Error("a partner is offered to close the owner's case")
			}
			wantAbsent(t, dm.get(t, "/referrals"), referralID)
		})
		t.Run("owner_is_not_offered_the_decision", func(t *testing.T) {
			p := worker.get(t, path)
			wantContains(t, p, "state-awaiting-reasonable-grounds", "Reasonable-grounds decision due")
			if strings.Contains(p.Body, `action="`+path+`/decisions"`) {
				t.Error("the NGO is offered the decision form")
			}
			before := mustRecord(t, a, owner, id)
			f := url.Values{"csrf": {worker.CSRF}, "kind": {"reasonable-grounds"}, "outcome": {"positive"}, "decided_on": {"2026-11-27"}, "reasons": {"Credible account, consistent indicators."}}
			wantDenied(t, worker.post(t, path+"/decisions", f))
			wantUnchanged(t, a, owner, id, before)
		})

		decision := func(kind, outcome string) url.Values {
			return url.Values{"csrf": {dm.CSRF}, "kind": {kind}, "outcome": {outcome}, "decided_on": {"2026-11-27"},
				"reasons": {"Credible and consistent account; indicators of deception and coercion."}}
		}
		t.Run("decision", func(t *testing.T) {
			before := mustRecord(t, a, owner, id)
			for _, c := range []struct{ name, field, key, value string }{
				{"short_reasons", "decision.reasons", "reasons", "ok"},
				{"future_date", "decision.decided_on", "decided_on", "2026-12-01"},
				{"before_the_referral_was_accepted", "decision.decided_on", "decided_on", "2026-11-20"},
				{"no_outcome", "decision.outcome", "outcome", ""},
				{"unknown_kind", "decision.kind", "kind", "final"},
			} {
				t.Run("bad_"+c.name+"_is_422_and_writes_nothing", func(t *testing.T) {
					f := decision(nrm.ReasonableGrounds, nrm.Positive)
					f.Set(c.key, c.value)
					wantFieldError(t, dm.post(t, path+"/decisions", f), c.field)
					wantUnchanged(t, a, owner, id, before)
				})
			}
			t.Run("conclusive_before_reasonable_grounds_is_409_saying_why", func(t *testing.T) {
				p := dm.post(t, path+"/decisions", decision(nrm.ConclusiveGrounds, nrm.Positive))
				wantStatus(t, p, http.StatusConflict)
				wantContains(t, p, "not possible now", "awaiting-reasonable-grounds", `id="decisions"`)
				wantUnchanged(t, a, owner, id, before)
			})
			t.Run("positive_reasonable_grounds_starts_the_recovery_period", func(t *testing.T) {
				p := dm.post(t, path+"/decisions", decision(nrm.ReasonableGrounds, nrm.Positive))
				wantRedirect(t, p, path+"?saved=decision#decisions")
				p = dm.get(t, path)
				wantContains(t, p, "state-recovery-period", "recovery and reflection period runs", "Recovery and reflection period ends",
					"2026-12-27", "in 30 days", "Credible and consistent account", "outcome-positive",
					`action="`+path+`/await-conclusive"`)
				wantAbsent(t, p, "Reasonable-grounds decision due")
			})
			t.Run("evidence_gathered_awaits_the_conclusive_decision", func(t *testing.T) {
				wantRedirect(t, dm.post(t, path+"/await-conclusive", url.Values{"csrf": {dm.CSRF}}), path+"?saved=await#decisions")
				if r := mustRecord(t, a, owner, id); r.State != nrm.StateAwaitingConclusiveGrounds {
					t.Fatalf("state %s", r.State)
				}
				before := mustRecord(t, a, owner, id)
				p := dm.post(t, path+"/await-conclusive", url.Values{"csrf": {dm.CSRF}})
				wantStatus(t, p, http.StatusConflict)
				wantUnchanged(t, a, owner, id, before)
			})
			t.Run("conclusive_decision_before_the_earliest_date_is_409", func(t *testing.T) {
				before := mustRecord(t, a, owner, id)
				p := dm.post(t, path+"/decisions", decision(nrm.ConclusiveGrounds, nrm.Positive))
				wantStatus(t, p, http.StatusConflict)
				wantContains(t, p, "at the earliest")
				wantUnchanged(t, a, owner, id, before)
			})
		})

		// A month later: the recovery period has run out.
		a.Clock.Advance(31 * 24 * time.Hour)
		worker, dm = worker.again(t, a), dm.again(t, a)
		decision = func(kind, outcome string) url.Values {
			return url.Values{"csrf": {dm.CSRF}, "kind": {kind}, "outcome": {outcome}, "decided_on": {"2026-12-28"},
				"reasons": {"The evidence gathered supports the account."}}
		}
		t.Run("overdue_clock_is_marked", func(t *testing.T) {
			p := worker.get(t, path)
			wantContains(t, p, `class="clock overdue"`, "overdue by 1 day")
			d := worker.get(t, "/due")
			wantStatus(t, d, http.StatusOK)
			wantContains(t, d, `href="`+path+`"`, "Recovery and reflection period ends", "overdue by 1 day")
		})
		t.Run("negative_conclusive_decision_can_be_reconsidered", func(t *testing.T) {
			wantRedirect(t, dm.post(t, path+"/decisions", decision(nrm.ConclusiveGrounds, nrm.Negative)), path+"?saved=decision#decisions")
			p := dm.get(t, path)
			wantContains(t, p, "state-not-identified", "can be reconsidered", `action="`+path+`/reconsider"`)
			before := mustRecord(t, a, owner, id)
			wantFieldError(t, dm.post(t, path+"/reconsider", url.Values{"csrf": {dm.CSRF}, "reason": {""}}), "reconsider.reason")
			wantUnchanged(t, a, owner, id, before)
			wantRedirect(t, dm.post(t, path+"/reconsider", url.Values{"csrf": {dm.CSRF}, "reason": {"New evidence from the labour inspectorate."}}),
				path+"?saved=reconsider#decisions")
			wantRedirect(t, dm.post(t, path+"/decisions", decision(nrm.ConclusiveGrounds, nrm.Positive)), path+"?saved=decision#decisions")
			wantContains(t, dm.get(t, path), "state-identified", "Formally identified")
		})

		t.Run("notes", func(t *testing.T) {
			before := mustRecord(t, a, owner, id)
			wantFieldError(t, worker.post(t, path+"/notes", url.Values{"csrf": {worker.CSRF}, "compartment": {"support"}, "text": {"  "}}), "note.text")
			wantFieldError(t, worker.post(t, path+"/notes", url.Values{"csrf": {worker.CSRF}, "compartment": {"gossip"}, "text": {"x"}}), "note.compartment")
			wantUnchanged(t, a, owner, id, before)
			wantRedirect(t, worker.post(t, path+"/notes", url.Values{"csrf": {worker.CSRF}, "compartment": {"support"}, "text": {"Needs a dentist."}}),
				path+"?saved=note#notes")
			wantContains(t, worker.get(t, path), "Needs a dentist.")
		})

		t.Run("consent_withdrawn_ends_the_authority's_access", func(t *testing.T) {
			wantRedirect(t, worker.post(t, path+"/consents/"+consentID+"/withdraw", url.Values{"csrf": {worker.CSRF}}), path+"?saved=withdrawn#consent")
			wantContains(t, worker.get(t, path), "status-withdrawn")
			before := mustRecord(t, a, owner, id)
			p := worker.post(t, path+"/consents/"+consentID+"/withdraw", url.Values{"csrf": {worker.CSRF}})
			wantStatus(t, p, http.StatusConflict)
			wantContains(t, p, "withdrawn already")
			wantUnchanged(t, a, owner, id, before)
			wantAbsent(t, dm.get(t, path), personal...)
		})

		t.Run("withdrawal_from_the_NRM_closes_the_identification_track", func(t *testing.T) {
			// The consent the NRM referral rested on was withdrawn above.
			p := worker.get(t, path)
			wantContains(t, p, "state-closed", "The person withdrew from the NRM")
		})

		var episode2 string
		t.Run("close_and_reopen", func(t *testing.T) {
			// A case of its own: the one above closed when the person withdrew from the NRM.
			id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
			path := "/cases/" + id
			before := mustRecord(t, a, owner, id)
			for _, c := range []struct{ name, field, key, value string }{
				{"no_reason", "close.reason", "reason", ""},
				{"unknown_reason", "close.reason", "reason", "bored"},
				{"closed_in_the_future", "close.closed_on", "closed_on", "2027-06-01"},
				{"closed_before_the_encounter", "close.closed_on", "closed_on", "2026-11-01"},
			} {
				t.Run("bad_"+c.name+"_is_422_and_writes_nothing", func(t *testing.T) {
					f := url.Values{"csrf": {worker.CSRF}, "reason": {"goals-met"}, "note": {"Moved on well."}}
					f.Set(c.key, c.value)
					wantFieldError(t, worker.post(t, path+"/close", f), c.field)
					wantUnchanged(t, a, owner, id, before)
				})
			}
			wantRedirect(t, worker.post(t, path+"/close", url.Values{"csrf": {worker.CSRF}, "reason": {"goals-met"}, "note": {"Moved on well."}}),
				path+"?saved=closed#top")
			p := worker.get(t, path)
			wantContains(t, p, "state-closed", "Support goals met", "No clock is running", `action="`+path+`/reopen"`)
			before = mustRecord(t, a, owner, id)
			wantFieldError(t, worker.post(t, path+"/reopen", url.Values{"csrf": {worker.CSRF}, "reason": {""}}), "reopen.reason")
			wantUnchanged(t, a, owner, id, before)
			p = worker.post(t, path+"/reopen", url.Values{"csrf": {worker.CSRF}, "reason": {"She came back: new exploitation."}})
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/cases/") || strings.HasPrefix(p.Location, path) {
				t.Fatalf("re-open: %d to %q\n%s", p.Status, p.Location, errorSummary(p))
			}
			episode2 = strings.TrimSuffix(strings.TrimPrefix(p.Location, "/cases/"), "?saved=reopened#top")
			p = worker.get(t, "/cases/"+episode2)
			wantContains(t, p, "Episode 2", `href="`+path+`"`, "the episode before this one", "state-encountered")
		})
	})
}
