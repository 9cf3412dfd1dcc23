package web_test

// End-to-end tests of the case lifecycle pages, on every engine: each form
// works, each bad input re-renders its form with 422 naming the field and
// writes nothing, a step out of order is a 409 that says why, and nobody
// sees more than their organisation and role may.

import (
	"context"
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
				"2026-11-20", `action="`+path+`/screenings"`, `action="`+path+`/consents"`, `action="`+path+`/referrals"`,
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
				p := worker.get(t, path+"?set=child-labour")
				wantStatus(t, p, http.StatusOK)
				wantContains(t, p, `name="indicator_set" value="child-labour"`, `value="CL01"`)
				if strings.Contains(p.Body, `value="AL01"`) {
					t.Error("the adult list is shown with the child list chosen")
				}
			})
			p := worker.get(t, path)
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
			wantContains(t, p, "state-closed", "withdrew-from-nrm")
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

func TestChildReferralPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		ca := a.MustOrg(t, nrm.KindCompetentAuthority)
		cp := a.MustOrg(t, nrm.KindChildProtection)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		protector := MustSignIn(t, a, a.MustUser(t, cp, nrm.RoleCaseWorker), "")
		f := caseForm(worker.CSRF)
		f.Set("person.date_of_birth", "2012-05-01")
		id := mustCreateCaseThroughForm(t, worker, f)
		path := "/cases/" + id

		p := worker.get(t, path)
		t.Run("page_says_no_consent_is_needed", func(t *testing.T) {
			wantContains(t, p, `class="tag child"`, "A child is referred without consent", "child protection is notified")
			if strings.Contains(section(p, "referrals"), `name="consent_id"`) {
				t.Error("the child's referral form asks for a consent")
			}
			wantContains(t, p, `name="indicator_set" value="child-labour"`)
		})
		t.Run("referral_without_consent_notifies_child_protection", func(t *testing.T) {
			wantRedirect(t, worker.post(t, path+"/referrals", url.Values{"csrf": {worker.CSRF}, "to_org": {ca.ID}, "reason": {"A child in forced labour."}}),
				path+"?saved=referral#referrals")
			p := worker.get(t, path)
			wantContains(t, p, "state-referred", "child protection notified", cp.Name)
			inbox := protector.get(t, "/referrals")
			wantContains(t, inbox, "Child: notification to child protection")
			wantAbsent(t, inbox, personal...)
		})
	})
}

// supportCount counts the protection track's records as a support reader sees them.
func supportCount(tb testing.TB, a *testapp.App, reader nrm.Actor, caseID string) [5]int {
	tb.Helper()
	p, err := a.Svc.Protection(testapp.As(reader), caseID)
	if err != nil {
		tb.Fatal(err)
	}
	renewed := 0
	for _, r := range p.Residence {
		if !r.RenewedOn.IsZero() {
			renewed++
		}
	}
	return [5]int{len(p.Needs), len(p.Plans), len(p.Services), len(p.Residence), renewed}
}

func TestSupportSection(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police := a.MustOrg(t, nrm.KindPolice)
		ngo := a.MustOrg(t, nrm.KindNGO)
		officer := MustSignIn(t, a, a.MustUser(t, police, nrm.RoleLawEnforcement), "")
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		reader := worker.User.Actor
		mine := mustCreateCaseThroughForm(t, officer, caseForm(officer.CSRF))
		id := mustCreateCaseThroughForm(t, worker, caseForm(worker.CSRF))
		path := "/cases/" + id

		t.Run("case_worker_sees_the_support_forms", func(t *testing.T) {
			p := worker.get(t, path)
			wantContains(t, p, `id="support"`, `href="#support"`, `action="`+path+`/needs"`, `action="`+path+`/plans"`,
				`action="`+path+`/services"`, `action="`+path+`/residence"`, `<option value="support"`)
		})

		bad := func(t *testing.T, action, field string, f url.Values) {
			t.Helper()
			before := supportCount(t, a, reader, id)
			rec := mustRecord(t, a, reader, id)
			f.Set("csrf", worker.CSRF)
			wantFieldError(t, worker.post(t, path+action, f), field)
			if after := supportCount(t, a, reader, id); after != before {
				t.Errorf("a refused form changed the protection track: %v -> %v", before, after)
			}
			wantUnchanged(t, a, reader, id, rec)
		}
		t.Run("needs", func(t *testing.T) {
			bad(t, "/needs", "needs.needs", url.Values{"notes": {"x"}})
			bad(t, "/needs", "needs.needs", url.Values{"needs": {"yacht"}})
			bad(t, "/needs", "needs.assessed_on", url.Values{"needs": {"medical"}, "assessed_on": {"2027-01-01"}})
			wantRedirect(t, worker.post(t, path+"/needs", url.Values{"csrf": {worker.CSRF}, "needs": {"medical", "accommodation"},
				"notes": {"Tooth ache; sleeps at a friend's."}}), path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "Medical care", "Accommodation", "sleeps at a friend")
		})
		t.Run("plan", func(t *testing.T) {
			ok := func() url.Values {
				return url.Values{"type": {"Health"}, "objectives": {"Dental care and a safe place."}, "starts_on": {"2026-11-27"}, "review_on": {"2026-12-11"}}
			}
			f := ok()
			f.Del("type")
			bad(t, "/plans", "plan.type", f)
			f = ok()
			f.Set("objectives", "")
			bad(t, "/plans", "plan.objectives", f)
			f = ok()
			f.Set("planned_end", "2026-11-01")
			bad(t, "/plans", "plan.planned_end", f)
			f = ok()
			f.Set("csrf", worker.CSRF)
			wantRedirect(t, worker.post(t, path+"/plans", f), path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "Dental care and a safe place.", "review on 2026-12-11", "Support plan review due")
		})
		t.Run("service", func(t *testing.T) {
			bad(t, "/services", "service.provider", url.Values{"type": {"medical"}, "started_on": {"2026-11-27"}})
			bad(t, "/services", "service.started_on", url.Values{"type": {"medical"}, "provider": {"Clinic"}, "started_on": {"2026-12-27"}})
			bad(t, "/services", "service.type", url.Values{"type": {"spa"}, "provider": {"Clinic"}, "started_on": {"2026-11-27"}})
			wantRedirect(t, worker.post(t, path+"/services", url.Values{"csrf": {worker.CSRF}, "type": {"medical"},
				"provider": {"Harbour Street Clinic"}, "started_on": {"2026-11-27"}}), path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "Harbour Street Clinic", "ongoing")
		})
		t.Run("residence", func(t *testing.T) {
			bad(t, "/residence", "residence.expires_on", url.Values{"basis": {"victim-of-trafficking"}, "applied_on": {"2026-11-20"}, "expires_on": {"2027-11-20"}})
			bad(t, "/residence", "residence.basis", url.Values{"basis": {"tourism"}, "applied_on": {"2026-11-20"}})
			wantRedirect(t, worker.post(t, path+"/residence", url.Values{"csrf": {worker.CSRF}, "basis": {"recovery-reflection"},
				"applied_on": {"2026-11-20"}, "granted_on": {"2026-11-26"}, "expires_on": {"2026-12-26"}}), path+"?saved=support#support")
			p := worker.get(t, path)
			wantContains(t, p, "Recovery and reflection period", "status-granted", "Residence permit expires", "Renew this permit")
			m := regexp.MustCompile(`action="` + path + `/residence/([0-9a-f-]{36})/renew"`).FindStringSubmatch(p.Body)
			if m == nil {
				t.Fatal("no renewal form")
			}
			renew := path + "/residence/" + m[1] + "/renew"
			bad(t, "/residence/"+m[1]+"/renew", "renew-"+m[1]+".expires_on", url.Values{"version": {"1"}, "renewed_on": {"2026-11-27"}, "expires_on": {"2026-12-20"}})
			bad(t, "/residence/"+m[1]+"/renew", "renew-"+m[1]+".renewed_on", url.Values{"version": {"1"}, "renewed_on": {"2027-11-27"}, "expires_on": {"2028-12-20"}})
			wantRedirect(t, worker.post(t, renew, url.Values{"csrf": {worker.CSRF}, "version": {"1"}, "renewed_on": {"2026-11-27"}, "expires_on": {"2027-06-26"}}),
				path+"?saved=support#support")
			wantContains(t, worker.get(t, path), "renewed on 2026-11-27", "expires on 2027-06-26")
			before := supportCount(t, a, reader, id)
			p = worker.post(t, renew, url.Values{"csrf": {worker.CSRF}, "version": {"1"}, "renewed_on": {"2026-11-27"}, "expires_on": {"2027-12-26"}})
			wantStatus(t, p, http.StatusConflict)
			wantContains(t, p, "changed by someone else")
			if after := supportCount(t, a, reader, id); after != before {
				t.Errorf("a stale renewal changed the permit: %v -> %v", before, after)
			}
		})

		t.Run("police_never_see_the_support_section", func(t *testing.T) {
			// Their own case, and a case shared with them in full scope.
			wantRedirect(t, worker.post(t, path+"/consents", url.Values{"csrf": {worker.CSRF}, "purpose": {"referral"},
				"recipient_org": {police.ID}, "scope": {"identity", "support", "justice"}}), path+"?saved=consent#consent")
			consent := reConsentOption2.FindStringSubmatch(worker.get(t, path).Body)
			if consent == nil {
				t.Fatal("no consent to refer with")
			}
			wantRedirect(t, worker.post(t, path+"/referrals", url.Values{"csrf": {worker.CSRF}, "to_org": {police.ID},
				"reason": {"She wants to report the employer."}, "consent_id": {consent[1]}}), path+"?saved=referral#referrals")
			inbox := officer.get(t, "/referrals")
			m := regexp.MustCompile(`action="/referrals/([0-9a-f-]{36})/accept"`).FindStringSubmatch(inbox.Body)
			if m == nil {
				t.Fatalf("no referral in the police inbox:\n%s", inbox.Body)
			}
			wantRedirect(t, officer.post(t, "/referrals/"+m[1]+"/accept", url.Values{"csrf": {officer.CSRF}}), path+"?saved=accepted")
			for _, c := range []string{mine, id} {
				p := officer.get(t, "/cases/"+c)
				wantStatus(t, p, http.StatusOK)
				if strings.Contains(p.Body, `id="support"`) || strings.Contains(p.Body, `href="#support"`) {
					t.Errorf("a police officer sees the Support section of %s", c)
				}
				if strings.Contains(p.Body, `<option value="support"`) {
					t.Error("a police officer may add a support note")
				}
				wantAbsent(t, p, "Harbour Street Clinic", "sleeps at a friend", "Dental care", "Support plan review due", "Residence permit expires")
				wantContains(t, p, `<option value="justice"`)
			}
			wantAbsent(t, officer.get(t, "/due"), "Support plan review due", "Residence permit expires")
		})
		t.Run("police_support_writes_are_refused", func(t *testing.T) {
			before := supportCount(t, a, reader, id)
			for action, f := range map[string]url.Values{
				"/needs":     {"needs": {"medical"}},
				"/plans":     {"type": {"Health"}, "objectives": {"planted"}},
				"/services":  {"type": {"medical"}, "provider": {"planted"}, "started_on": {"2026-11-27"}},
				"/residence": {"basis": {"asylum"}, "applied_on": {"2026-11-27"}},
				"/notes":     {"compartment": {"support"}, "text": {"planted"}},
			} {
				f.Set("csrf", officer.CSRF)
				p := officer.post(t, path+action, f)
				if p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
					t.Errorf("POST %s by the police: %d", action, p.Status)
				}
			}
			if after := supportCount(t, a, reader, id); after != before {
				t.Errorf("the police changed the protection track: %v -> %v", before, after)
			}
		})
	})
}

var reConsentOption2 = regexp.MustCompile(`<option value="([0-9a-f-]{36})"[^>]*>Referral →`)

func TestDuePage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo := a.MustOrg(t, nrm.KindNGO)
		other := a.MustOrg(t, nrm.KindShelter)
		coordOrg := a.MustOrg(t, nrm.KindCoordinator)
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		stranger := MustSignIn(t, a, a.MustUser(t, other, nrm.RoleCaseWorker), "")
		coordinator := signInAs(t, a, a.MustUser(t, coordOrg, nrm.RoleCoordinator), "")
		admin := signInAs(t, a, a.MustUser(t, ngo, nrm.RoleAdmin), "")

		// A consent that expires in five days is a clock.
		consentExpiring := func(s signedIn, to string) string {
			id := mustCreateCaseThroughForm(t, s, caseForm(s.CSRF))
			wantRedirect(t, s.post(t, "/cases/"+id+"/consents", url.Values{"csrf": {s.CSRF}, "purpose": {"referral"},
				"recipient_org": {to}, "scope": {"support"}, "expires": {"2026-12-02"}}), "/cases/"+id+"?saved=consent#consent")
			return id
		}
		mine := consentExpiring(worker, other.ID)
		theirs := consentExpiring(stranger, ngo.ID)
		ref := func(id string) string {
			c, err := a.Svc.Case(testapp.As(worker.User.Actor), id)
			if err != nil {
				c, err = a.Svc.Case(testapp.As(stranger.User.Actor), id)
			}
			if err != nil {
				t.Fatal(err)
			}
			return c.Reference
		}
		mineRef, theirsRef := ref(mine), ref(theirs)

		t.Run("case_worker_sees_own_clocks_only", func(t *testing.T) {
			p := worker.get(t, "/due")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, `href="/cases/`+mine+`"`, mineRef, "Consent expires", "in 5 days", "2026-12-02")
			wantAbsent(t, p, theirsRef, theirs)
			wantAbsent(t, p, personal...)
			if strings.Contains(p.Body, "Every case (co-ordinator&#39;s overview)") {
				t.Error("a case worker sees the co-ordinator's overview")
			}
		})
		t.Run("window_is_chosen_by_days", func(t *testing.T) {
			wantAbsent(t, worker.get(t, "/due?within=3"), mineRef)
			wantStatus(t, worker.get(t, "/due?within=0"), http.StatusUnprocessableEntity)
		})
		t.Run("coordinator_overview_links_no_case_it_cannot_open", func(t *testing.T) {
			p := coordinator.get(t, "/due")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Every case (co-ordinator&#39;s overview)", mineRef, theirsRef, ngo.Name, other.Name)
			wantAbsent(t, p, `href="/cases/`+mine+`"`, `href="/cases/`+theirs+`"`)
			wantAbsent(t, p, personal...)
		})
		t.Run("nav_shows_the_dashboard_to_case_roles_only", func(t *testing.T) {
			wantContains(t, worker.get(t, "/cases"), `href="/due"`)
			wantAbsent(t, admin.get(t, "/admin/users"), `href="/due"`)
			wantStatus(t, admin.get(t, "/due"), http.StatusForbidden)
		})
	})
}

func TestNotifyPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		police := a.MustOrg(t, nrm.KindPolice)
		ca := a.MustOrg(t, nrm.KindCompetentAuthority)
		officer := MustSignIn(t, a, a.MustUser(t, police, nrm.RoleFirstResponder), "")
		dm := signInAs(t, a, a.MustUser(t, ca, nrm.RoleDecisionMaker), "")
		count := func(t *testing.T) int {
			t.Helper()
			var n []nrm.Notification
			if err := a.Store.Read(context.Background(), func(tx *sqlstore.Tx) error {
				var err error
				n, err = tx.Notifications(context.Background(), police.ID, 100)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return len(n)
		}
		form := func() url.Values {
			return url.Values{"csrf": {officer.CSRF}, "notified_on": {"2026-11-26"}, "sex": {"male"}, "age_band": {"25-34"},
				"nationality": {"VN"}, "exploitation_type": {"forced-labour"}, "country": {"GB"}, "region": {"South West"}}
		}
		t.Run("form_explains_it_records_no_personal_data", func(t *testing.T) {
			p := officer.get(t, "/notify")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "This records no personal data.", `action="/notify"`, `name="age_band"`)
			for _, f := range []string{"given_name", "family_name", "date_of_birth", "contact"} {
				if strings.Contains(p.Body, `name="`+f) {
					t.Errorf("the anonymous form asks for %s", f)
				}
			}
		})
		for _, c := range []struct{ name, field, value string }{
			{"nationality", "nationality", "Vietnam"},
			{"country", "country", ""},
			{"age_band", "age_band", "about thirty"},
			{"notified_on", "notified_on", "2027-01-01"},
			{"exploitation_type", "exploitation_type", "smuggling"},
		} {
			t.Run("bad_"+c.name+"_is_422_and_writes_nothing", func(t *testing.T) {
				f := form()
				f.Set(c.field, c.value)
				wantFieldError(t, officer.post(t, "/notify", f), c.field)
				if n := count(t); n != 0 {
					t.Fatalf("%d notifications after a bad form", n)
				}
			})
		}
		t.Run("form_records_the_notification", func(t *testing.T) {
			wantRedirect(t, officer.post(t, "/notify", form()), "/notify?saved=notified")
			wantContains(t, officer.get(t, "/notify?saved=notified"), "The anonymous notification was recorded.")
			if n := count(t); n != 1 {
				t.Fatalf("%d notifications, want 1", n)
			}
		})
		t.Run("decision_maker_does_not_notify", func(t *testing.T) {
			wantStatus(t, dm.get(t, "/notify"), http.StatusForbidden)
			wantStatus(t, dm.post(t, "/notify", url.Values{"csrf": {dm.CSRF}, "country": {"GB"}}), http.StatusForbidden)
			wantAbsent(t, dm.get(t, "/due"), `href="/notify"`)
		})
	})
}
