package api_test

// The rules every path enforces (CONTRACT.md, "Rules every path enforces"),
// tried through the API on every engine: each forbidden path gets the
// refusal the contract names, and a refused request changes nothing.

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/jurisdiction"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// caseSnap is what a case holds, as its owner reads it: a refused request
// must leave every part of it as it was.
type caseSnap struct {
	State, ClosedReason, Deadlines          string
	Version                                 float64
	Screenings, Consents, Referrals, Decide int
}

func (w *world) snap(t *testing.T, id, token string) caseSnap {
	t.Helper()
	c := w.must(t, 200, "GET", "/api/v1/cases/"+id, token, nil)
	s := caseSnap{State: c["state"].(string), Deadlines: mustJSON(c["deadlines"]), Version: c["version"].(float64)}
	s.ClosedReason, _ = c["closed_reason"].(string)
	count := func(what string) int {
		return len(w.must(t, 200, "GET", "/api/v1/cases/"+id+"/"+what, token, nil)["items"].([]any))
	}
	s.Screenings, s.Consents, s.Referrals, s.Decide = count("screenings"), count("consents"), count("referrals"), count("decisions")
	return s
}

func (w *world) unchanged(t *testing.T, id, token string, before caseSnap) {
	t.Helper()
	if after := w.snap(t, id, token); after != before {
		t.Fatalf("a refused request changed the case:\n before %+v\n after  %+v", before, after)
	}
}

// partner is an organisation of a kind with one user of a role, for the
// rules that need a third party.
func (w *world) partner(t *testing.T, kind nrm.OrgKind, role nrm.Role) (nrm.Organisation, string) {
	o := w.a.MustOrg(t, kind)
	return o, w.a.MustToken(t, w.a.MustUser(t, o, role))
}

func readable(c map[string]any) []string {
	var out []string
	for _, r := range c["readable"].([]any) {
		out = append(out, r.(string))
	}
	return out
}

func itemIDs(m map[string]any) []string {
	var out []string
	for _, it := range m["items"].([]any) {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func TestPossibleDuplicateIsToldToTheHolderNeverToTheNewcomer(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		holder := w.adultCase(t, w.officer) // org A: the police holds the person
		// Org B registers the same names and date of birth.
		r := w.a.Do(t, "POST", "/api/v1/cases", w.ngoWorker, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		newcomer := r.JSON(t)["id"].(string)
		leaks := []string{w.police.ID, w.police.Name, holder, `"flags"`}
		t.Run("the create answer carries no flag and nothing of the holder", func(t *testing.T) {
			for _, leak := range leaks {
				if strings.Contains(string(r.Body), leak) {
					t.Fatalf("the create answer holds %q: %s", leak, r.Body)
				}
			}
		})
		t.Run("the newcomer's read of its case carries no flag and nothing of the holder", func(t *testing.T) {
			g := w.a.Do(t, "GET", "/api/v1/cases/"+newcomer, w.ngoWorker, nil)
			for _, leak := range leaks {
				if g.Status != 200 || strings.Contains(string(g.Body), leak) {
					t.Fatalf("%d, holds %q: %s", g.Status, leak, g.Body)
				}
			}
			l := w.a.Do(t, "GET", "/api/v1/cases", w.ngoWorker, nil)
			for _, leak := range leaks {
				if strings.Contains(string(l.Body), leak) {
					t.Fatalf("the newcomer's list holds %q: %s", leak, l.Body)
				}
			}
		})
		t.Run("the newcomer's auditor learns nothing of the flag", func(t *testing.T) {
			// The newcomer's own audit entries are its auditor's to read: the
			// flag raised by its registration must not show there either.
			auditor := w.a.MustToken(t, w.a.MustUser(t, w.ngo, nrm.RoleAuditor))
			for _, it := range w.must(t, 200, "GET", "/api/v1/audit/entries", auditor, nil)["items"].([]any) {
				for _, leak := range []string{w.police.ID, holder, nrm.FlagPossibleDuplicate, "case.flag"} {
					if e := mustJSON(it); strings.Contains(e, leak) {
						t.Errorf("the newcomer's audit entries hold %q: %s", leak, e)
					}
				}
			}
		})
		t.Run("the whole log still holds the flag, for a coordinator organisation's auditor", func(t *testing.T) {
			_, auditor := w.partner(t, nrm.KindCoordinator, nrm.RoleAuditor)
			l := w.must(t, 200, "GET", "/api/v1/audit/entries?action=case.flag", auditor, nil)["items"].([]any)
			if len(l) != 1 || l[0].(map[string]any)["object"] != "case/"+holder {
				t.Fatalf("%v", l)
			}
		})
		t.Run("the holder's read of its case shows the flag naming the newcomer", func(t *testing.T) {
			c := w.must(t, 200, "GET", "/api/v1/cases/"+holder, w.officer, nil)
			flags, _ := c["flags"].([]any)
			if len(flags) != 1 {
				t.Fatalf("flags: %v", c["flags"])
			}
			f := flags[0].(map[string]any)
			contact, _ := f["contact"].(map[string]any)
			if f["kind"] != nrm.FlagPossibleDuplicate || contact["id"] != w.ngo.ID || contact["name"] != w.ngo.Name {
				t.Fatalf("flag: %v", f)
			}
			if strings.Contains(mustJSON(c), newcomer) {
				t.Fatal("the holder learns the newcomer's case id")
			}
		})
		t.Run("a coordinator of a coordinator organisation sees it in the overview", func(t *testing.T) {
			l := w.must(t, 200, "GET", "/api/v1/flags", w.coordinator, nil)
			if items := l["items"].([]any); len(items) != 1 || items[0].(map[string]any)["kind"] != nrm.FlagPossibleDuplicate {
				t.Fatalf("overview: %v", l)
			}
			for _, leak := range []string{holder, newcomer, "Popescu"} {
				if strings.Contains(mustJSON(l), leak) {
					t.Fatalf("the overview holds %q", leak)
				}
			}
		})
		t.Run("a coordinator of an NGO gets 403 on the overview", func(t *testing.T) {
			ngoCoordinator := w.a.MustToken(t, w.a.MustUser(t, w.ngo, nrm.RoleCoordinator))
			w.wantError(t, 403, "", "GET", "/api/v1/flags", ngoCoordinator, nil)
			policeCoordinator := w.a.MustToken(t, w.a.MustUser(t, w.police, nrm.RoleCoordinator))
			w.wantError(t, 403, "", "GET", "/api/v1/flags", policeCoordinator, nil)
		})
	})
}

func TestOnwardSharingIsAtMostThePartnersOwnScope(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		shelter, shelterWorker := w.partner(t, nrm.KindShelter, nrm.RoleCaseWorker)
		id := w.adultCase(t, w.ngoWorker) // the NGO owns the case
		// The police holds it with identity only.
		ref := w.refer(t, w.ngoWorker, id, w.police.ID, w.consent(t, w.ngoWorker, id, w.police.ID, []string{"identity"}, ""))
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.detective, nil)
		consents := "/api/v1/cases/" + id + "/consents"
		referrals := "/api/v1/cases/" + id + "/referrals"

		t.Run("a consent for someone else wider than the partner's own scope is 422 naming scope", func(t *testing.T) {
			before := w.snap(t, id, w.ngoWorker)
			w.wantError(t, 422, "scope", "POST", consents, w.detective,
				map[string]any{"purpose": "referral", "recipient_org": shelter.ID, "scope": []string{"identity", "support"}})
			w.wantError(t, 422, "scope", "POST", consents, w.detective,
				map[string]any{"purpose": "referral", "recipient_org": shelter.ID, "scope": []string{"justice"}})
			w.unchanged(t, id, w.ngoWorker, before)
		})
		own := w.consent(t, w.detective, id, shelter.ID, []string{"identity"}, "")
		t.Run("a referral onwards wider than the partner's own scope is 422 naming scope", func(t *testing.T) {
			before := w.snap(t, id, w.ngoWorker)
			w.wantError(t, 422, "scope", "POST", referrals, w.detective, map[string]any{"to_org": shelter.ID,
				"reason": "Needs a bed.", "consent_id": own, "scope": []string{"identity", "support"}})
			w.unchanged(t, id, w.ngoWorker, before)
		})
		t.Run("also on a consent the owner recorded wider than the partner's scope", func(t *testing.T) {
			wide := w.consent(t, w.ngoWorker, id, shelter.ID, []string{"identity", "support"}, "")
			before := w.snap(t, id, w.ngoWorker)
			w.wantError(t, 422, "scope", "POST", referrals, w.detective, map[string]any{"to_org": shelter.ID,
				"reason": "Needs a bed.", "consent_id": wide, "scope": []string{"identity", "support"}})
			w.wantError(t, 422, "scope", "POST", referrals, w.detective, map[string]any{"to_org": shelter.ID,
				"reason": "Needs a bed.", "consent_id": wide, "scope": []string{"support"}})
			w.unchanged(t, id, w.ngoWorker, before)
		})
		t.Run("within the partner's own scope it works, and the recipient reads no more", func(t *testing.T) {
			m := w.must(t, 201, "POST", referrals, w.detective, map[string]any{"to_org": shelter.ID,
				"reason": "Needs a bed.", "consent_id": own, "scope": []string{"identity"}})
			w.must(t, 200, "POST", "/api/v1/referrals/"+m["id"].(string)+"/accept", shelterWorker, nil)
			c := w.must(t, 200, "GET", "/api/v1/cases/"+id, shelterWorker, nil)
			if r := readable(c); !slices.Contains(r, "identity") || slices.Contains(r, "support") || slices.Contains(r, "justice") {
				t.Fatalf("the onward recipient reads %v", r)
			}
			if p := w.a.Do(t, "GET", "/api/v1/cases/"+id+"/protection", shelterWorker, nil); p.Status != 403 && p.Status != 404 {
				t.Fatalf("the onward recipient reads the support compartment: %d %s", p.Status, p.Body)
			}
			w.wantError(t, 403, "", "POST", "/api/v1/cases/"+id+"/notes", shelterWorker, map[string]any{"compartment": "support", "text": "x"})
		})
	})
}

func TestSearchByNameFindsOnlyForIdentityReaders(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		shelter, shelterWorker := w.partner(t, nrm.KindShelter, nrm.RoleCaseWorker)
		id := w.adultCase(t, w.officer)
		// The NGO holds the case for support only.
		w.a.MustShare(t, id, w.officer, w.ngo, "referral", []string{"support"}, w.ngoWorker)
		// The shelter holds it with identity.
		w.a.MustShare(t, id, w.officer, shelter, "referral", []string{"identity"}, shelterWorker)
		search := func(token, name string) []string {
			return itemIDs(w.must(t, 200, "GET", "/api/v1/cases?name="+name, token, nil))
		}
		for _, name := range []string{"Popescu", "Ana", "Ana%20Popescu"} {
			t.Run("a support partner finds nothing by "+name, func(t *testing.T) {
				if got := search(w.ngoWorker, name); len(got) != 0 {
					t.Fatalf("found %v", got)
				}
			})
			t.Run("the owner finds it by "+name, func(t *testing.T) {
				if got := search(w.officer, name); !slices.Contains(got, id) {
					t.Fatalf("found %v", got)
				}
			})
			t.Run("an identity partner finds it by "+name, func(t *testing.T) {
				if got := search(shelterWorker, name); !slices.Contains(got, id) {
					t.Fatalf("found %v", got)
				}
			})
		}
		t.Run("the support partner still lists the case, without the person", func(t *testing.T) {
			l := w.must(t, 200, "GET", "/api/v1/cases", w.ngoWorker, nil)
			if !slices.Contains(itemIDs(l), id) || strings.Contains(mustJSON(l), "Popescu") {
				t.Fatalf("%s", mustJSON(l))
			}
		})
	})
}

func TestNoRemovalWhileIdentificationIsPending(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		close := "/api/v1/cases/" + id + "/close"
		refused := func(t *testing.T, state string) {
			t.Helper()
			before := w.snap(t, id, w.officer)
			if before.State != state {
				t.Fatalf("state %s, want %s", before.State, state)
			}
			for _, reason := range nrm.RemovalReasons {
				w.wantError(t, 409, "", "POST", close, w.officer, map[string]any{"reason": reason})
			}
			w.unchanged(t, id, w.officer, before)
		}
		ref := w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
		t.Run("referred", func(t *testing.T) { refused(t, "referred") })
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
		t.Run("awaiting-reasonable-grounds", func(t *testing.T) { refused(t, "awaiting-reasonable-grounds") })
		w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
			"kind": "reasonable-grounds", "outcome": "positive", "decided_on": w.a.Svc.Today().String(), "reasons": "Credible account."})
		t.Run("recovery-period", func(t *testing.T) { refused(t, "recovery-period") })
		w.must(t, 200, "POST", "/api/v1/cases/"+id+"/await-conclusive", w.decider, map[string]any{})
		t.Run("awaiting-conclusive-grounds", func(t *testing.T) { refused(t, "awaiting-conclusive-grounds") })

		t.Run("once identified the person may be removed, and returned only by a recorded return", func(t *testing.T) {
			w.a.Clock.Advance(31 * 24 * time.Hour)
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "conclusive-grounds", "outcome": "positive", "decided_on": w.a.Svc.Today().String(), "reasons": "Identified as a victim."})
			before := w.snap(t, id, w.officer)
			w.wantError(t, 409, "", "POST", close, w.officer, map[string]any{"reason": nrm.CloseReturned})
			w.unchanged(t, id, w.officer, before)
			w.must(t, 200, "POST", close, w.officer, map[string]any{"reason": nrm.CloseDetainedRemoved})
			if s := w.snap(t, id, w.officer); s.State != "closed" || s.ClosedReason != nrm.CloseDetainedRemoved {
				t.Fatalf("%+v", s)
			}
		})
		for _, reason := range []string{nrm.CloseDetainedRemoved} {
			t.Run("an encountered case may be closed as "+reason, func(t *testing.T) {
				other := w.adultCase(t, w.officer)
				w.must(t, 200, "POST", "/api/v1/cases/"+other+"/close", w.officer, map[string]any{"reason": reason})
				if s := w.snap(t, other, w.officer); s.State != "closed" || s.ClosedReason != reason {
					t.Fatalf("%+v", s)
				}
			})
		}
		t.Run("re-trafficked is no closure reason: 422 naming reason", func(t *testing.T) {
			other := w.adultCase(t, w.officer)
			before := w.snap(t, other, w.officer)
			w.wantError(t, 422, "reason", "POST", "/api/v1/cases/"+other+"/close", w.officer, map[string]any{"reason": nrm.CloseRetrafficked})
			w.unchanged(t, other, w.officer, before)
		})
	})
}

func TestAReferralRestsOnAConsentForReferral(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		for _, purpose := range nrm.ConsentPurposes {
			if purpose == nrm.PurposeReferral || purpose == nrm.PurposeTransnational {
				continue // a transnational referral's consent names a partner instance, not an organisation
			}
			for _, to := range []nrm.Organisation{w.ngo, w.ca} {
				t.Run(purpose+" consent to "+string(to.Kind)+" is 422 naming consent_id", func(t *testing.T) {
					m := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/consents", w.officer,
						map[string]any{"purpose": purpose, "recipient_org": to.ID, "scope": []string{"identity", "support"}})
					before := w.snap(t, id, w.officer)
					w.wantError(t, 422, "consent_id", "POST", "/api/v1/cases/"+id+"/referrals", w.officer,
						map[string]any{"to_org": to.ID, "reason": "Needs help.", "consent_id": m["id"]})
					w.unchanged(t, id, w.officer, before)
				})
			}
		}
		if s := w.snap(t, id, w.officer); s.State != "encountered" || s.Referrals != 0 {
			t.Fatalf("%+v", s)
		}
	})
}

func TestAChildIsScreenedWithAChildSet(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		under18 := testapp.CaseBody("Ion", "Rusu", "2012-05-01") // 14 at the encounter
		uncertain := testapp.CaseBody("Ion", "Rusu", "")
		uncertain["person"].(map[string]any)["age_uncertain"] = true
		for name, body := range map[string]map[string]any{"under 18 at the encounter": under18, "of uncertain age": uncertain} {
			t.Run(name, func(t *testing.T) {
				id := w.a.MustCase(t, w.officer, body)
				if c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil); c["child"] != true {
					t.Fatalf("not a child's case: %v", c)
				}
				p := "/api/v1/cases/" + id + "/screenings"
				before := w.snap(t, id, w.officer)
				w.wantError(t, 422, "indicator_set", "POST", p, w.officer, map[string]any{"indicator_set": "adult-labour", "indicators": []string{"AL01"}})
				w.unchanged(t, id, w.officer, before)
				w.must(t, 201, "POST", p, w.officer, map[string]any{"indicator_set": "child-labour", "indicators": []string{"CL01"}})
			})
		}
	})
}

func TestAnAnonymousNotificationIsForAnAdult(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		count := func() int {
			var n int
			if err := w.a.RawDB(t).QueryRow("SELECT COUNT(*) FROM notifications").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, band := range []string{"unknown", "", "0-11", "12-17"} {
			t.Run("age band "+band+" is 422 naming age_band", func(t *testing.T) {
				w.wantError(t, 422, "age_band", "POST", "/api/v1/notifications", w.officer,
					map[string]any{"sex": "female", "age_band": band, "country": "GB", "exploitation_type": "forced-labour"})
				if n := count(); n != 0 {
					t.Fatalf("%d notifications written by refused requests", n)
				}
			})
		}
		t.Run("an adult band is recorded", func(t *testing.T) {
			w.must(t, 201, "POST", "/api/v1/notifications", w.officer,
				map[string]any{"sex": "female", "age_band": "25-34", "country": "GB", "exploitation_type": "forced-labour"})
			if n := count(); n != 1 {
				t.Fatalf("%d notifications", n)
			}
		})
	})
}

func TestWithdrawalFromTheNRMKeepsTheAuthoritysDecisions(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		consent := w.consent(t, w.officer, id, w.ca.ID, []string{"identity", "support"}, "")
		ref := w.refer(t, w.officer, id, w.ca.ID, consent)
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
		d := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
			"kind": "reasonable-grounds", "outcome": "positive", "decided_on": w.a.Svc.Today().String(), "reasons": "Credible account."})
		if st, dl := w.state(t, id, w.officer); st != "recovery-period" || dl[nrm.DeadlineRecoveryEnd] == "" {
			t.Fatalf("before the withdrawal: %s %v", st, dl)
		}
		if m := w.must(t, 200, "POST", "/api/v1/consents/"+consent+"/withdraw", w.officer, map[string]any{}); m["status"] != "withdrawn" {
			t.Fatalf("%v", m)
		}
		t.Run("the case records the withdrawal from the NRM and its clocks stop", func(t *testing.T) {
			c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
			if c["state"] != "closed" || c["closed_reason"] != nrm.CloseWithdrewFromNRM || len(c["deadlines"].([]any)) != 0 {
				t.Fatalf("state %v, reason %v, deadlines %v", c["state"], c["closed_reason"], c["deadlines"])
			}
		})
		t.Run("the authority still reads the case record, without the person", func(t *testing.T) {
			r := w.a.Do(t, "GET", "/api/v1/cases/"+id, w.decider, nil)
			c := r.JSON(t)
			if r.Status != 200 || c["person"] != nil || strings.Contains(string(r.Body), "Popescu") || strings.Contains(string(r.Body), "Ana") {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if got := readable(c); len(got) != 0 {
				t.Fatalf("the authority still reads %v", got)
			}
		})
		t.Run("the authority still lists its decision", func(t *testing.T) {
			l := w.must(t, 200, "GET", "/api/v1/cases/"+id+"/decisions", w.decider, nil)
			items := l["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["id"] != d["id"] || items[0].(map[string]any)["kind"] != "reasonable-grounds" {
				t.Fatalf("%v", l)
			}
			if items[0].(map[string]any)["reasons"] != "Credible account." {
				t.Fatalf("the authority lost the reasons of its own decision: %v", items[0])
			}
		})
		t.Run("the authority reads nothing else of the file", func(t *testing.T) {
			if r := w.a.Do(t, "GET", "/api/v1/cases/"+id+"/protection", w.decider, nil); r.Status != 403 && r.Status != 404 {
				t.Fatalf("protection: %d %s", r.Status, r.Body)
			}
			if r := w.a.Do(t, "GET", "/api/v1/cases/"+id+"/notes", w.decider, nil); r.Status == 200 && len(r.JSON(t)["items"].([]any)) != 0 || r.Status >= 500 {
				t.Fatalf("notes: %d %s", r.Status, r.Body)
			}
		})
		t.Run("the authority can no longer decide", func(t *testing.T) {
			before := w.snap(t, id, w.officer)
			r := w.a.Do(t, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{
				"kind": "conclusive-grounds", "outcome": "positive", "decided_on": w.a.Svc.Today().String(), "reasons": "Identified as a victim."})
			if r.Status != 403 && r.Status != 409 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			w.unchanged(t, id, w.officer, before)
		})
	})
}

func TestOneStepProfileGivesARecoveryPeriod(t *testing.T) {
	// No built-in profile is one-step (jurisdiction/profiles): one is made here.
	p := jurisdiction.Profile{ID: "one-step-test", Name: "One-step formal identification (test)",
		Steps: []string{jurisdiction.ConclusiveGrounds}, RecoveryDays: 30, Source: "test profile"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{Profile: p})
		id := w.adultCase(t, w.officer)
		ref := w.refer(t, w.officer, id, w.ca.ID, w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, ""))
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil) // Friday 2026-11-27
		st, dl := w.state(t, id, w.decider)
		if st != "recovery-period" || dl[nrm.DeadlineRecoveryEnd] != "2026-12-27" || dl[nrm.DeadlineRG] != "" {
			t.Fatalf("after acceptance: %s %v", st, dl)
		}
		decide := func(on string) map[string]any {
			return map[string]any{"kind": "conclusive-grounds", "outcome": "positive", "decided_on": on, "reasons": "Identified as a victim."}
		}
		path := "/api/v1/cases/" + id + "/decisions"
		t.Run("there is no reasonable-grounds decision to take", func(t *testing.T) {
			w.wantError(t, 422, "kind", "POST", path, w.decider, map[string]any{
				"kind": "reasonable-grounds", "outcome": "positive", "decided_on": "2026-11-27", "reasons": "Credible account."})
		})
		t.Run("a conclusive decision before the end of the recovery period is 409", func(t *testing.T) {
			before := w.snap(t, id, w.officer)
			msg := w.wantError(t, 409, "", "POST", path, w.decider, decide("2026-11-27"))
			if !strings.Contains(msg, "2026-12-27") {
				t.Errorf("the conflict does not say when: %s", msg)
			}
			w.a.Clock.Advance(29 * 24 * time.Hour) // 2026-12-26
			w.wantError(t, 409, "", "POST", path, w.decider, decide("2026-12-26"))
			w.unchanged(t, id, w.officer, before)
		})
		t.Run("after the end it is taken", func(t *testing.T) {
			w.a.Clock.Set(time.Date(2026, 12, 28, 10, 0, 0, 0, time.UTC))
			if c := w.must(t, 201, "POST", path, w.decider, decide("2026-12-28")); c["state"] != "identified" {
				t.Fatalf("%v", c)
			}
			if _, dl := w.state(t, id, w.officer); dl[nrm.DeadlineRecoveryEnd] != "" {
				t.Fatalf("the recovery clock still runs: %v", dl)
			}
		})
	})
}

func TestAnAuditorReadsTheirOwnOrganisationsEntries(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		w.adultCase(t, w.officer)   // activity of the police
		w.adultCase(t, w.ngoWorker) // and of the NGO
		ngoAuditor := w.a.MustUser(t, w.ngo, nrm.RoleAuditor)
		ngoAuditorToken := w.a.MustToken(t, ngoAuditor)
		orgsOf := func(m map[string]any) map[string]int {
			out := map[string]int{}
			for _, it := range m["items"].([]any) {
				out[it.(map[string]any)["actor_org"].(string)]++
			}
			return out
		}
		t.Run("an auditor of an NGO sees only the NGO's entries", func(t *testing.T) {
			for _, q := range []string{"", "?action=case.create", "?actor_org=" + w.police.ID} {
				got := orgsOf(w.must(t, 200, "GET", "/api/v1/audit/entries"+q, ngoAuditorToken, nil))
				if got[w.ngo.ID] == 0 || len(got) != 1 {
					t.Fatalf("%q: entries by organisation %v", q, got)
				}
			}
		})
		t.Run("asking for another organisation's entries is 403", func(t *testing.T) {
			// The API has no actor_org parameter (api/records.go): the
			// service's filter is asked directly.
			_, err := w.a.Svc.AuditEntries(testapp.As(ngoAuditor.Actor), nrm.AuditFilter{ActorOrg: w.police.ID, Limit: 100})
			if nrm.ErrorCode(err) != nrm.CodeForbidden {
				t.Fatalf("%v", err)
			}
			own, err := w.a.Svc.AuditEntries(testapp.As(ngoAuditor.Actor), nrm.AuditFilter{ActorOrg: w.ngo.ID, Limit: 100})
			if err != nil || len(own) == 0 {
				t.Fatalf("%d entries, %v", len(own), err)
			}
		})
		for _, kind := range []nrm.OrgKind{nrm.KindCoordinator, nrm.KindOmbudsman} {
			t.Run("an auditor of a "+string(kind)+" organisation sees both organisations", func(t *testing.T) {
				_, token := w.partner(t, kind, nrm.RoleAuditor)
				got := orgsOf(w.must(t, 200, "GET", "/api/v1/audit/entries?action=case.create", token, nil))
				if got[w.police.ID] == 0 || got[w.ngo.ID] == 0 {
					t.Fatalf("entries by organisation %v", got)
				}
			})
		}
	})
}

func TestTheDeadlinesOverviewIsTheNationalCoordinators(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		w.consent(t, w.officer, id, w.ngo.ID, []string{"identity"}, w.a.Svc.Today().AddDays(5).String())
		ngoCoordinator := w.a.MustToken(t, w.a.MustUser(t, w.ngo, nrm.RoleCoordinator))
		t.Run("a coordinator of an NGO gets 403", func(t *testing.T) {
			w.wantError(t, 403, "", "GET", "/api/v1/deadlines?all=true", ngoCoordinator, nil)
			// Its own organisation's dashboard stays open to it.
			w.must(t, 200, "GET", "/api/v1/deadlines", ngoCoordinator, nil)
		})
		t.Run("a coordinator of a coordinator organisation gets every case's clocks", func(t *testing.T) {
			d := w.must(t, 200, "GET", "/api/v1/deadlines?all=true", w.coordinator, nil)
			if d["due_soon"] != float64(1) || strings.Contains(mustJSON(d), "Popescu") {
				t.Fatalf("%v", d)
			}
		})
		t.Run("the parameter takes true or false", func(t *testing.T) {
			w.wantError(t, 422, "all", "GET", "/api/v1/deadlines?all=1", w.coordinator, nil)
		})
	})
}

// The same rules on the other paths that reach them: an import, a
// correction of the person, a child's referral onwards.
func TestTheRulesHoldOnOtherPaths(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		ngoAuditor := w.a.MustToken(t, w.a.MustUser(t, w.ngo, nrm.RoleAuditor))
		noFlagEntries := func(t *testing.T, leaks ...string) {
			t.Helper()
			for _, it := range w.must(t, 200, "GET", "/api/v1/audit/entries", ngoAuditor, nil)["items"].([]any) {
				for _, leak := range append(leaks, "case.flag", nrm.FlagPossibleDuplicate) {
					if e := mustJSON(it); strings.Contains(e, leak) {
						t.Errorf("the NGO's audit entries hold %q: %s", leak, e)
					}
				}
			}
		}
		t.Run("a possible duplicate found by an import is not told to the importer", func(t *testing.T) {
			holder := w.a.MustCase(t, w.officer, testapp.CaseBody("Mirela", "Vasile", "1991-03-03"))
			r := w.a.Do(t, "POST", "/api/v1/cases/import", w.ngoWorker, map[string]any{"cases": []any{testapp.CaseBody("Mirela", "Vasile", "1991-03-03")}})
			if r.Status != 201 && r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			for _, leak := range []string{w.police.ID, w.police.Name, holder, `"flags"`} {
				if strings.Contains(string(r.Body), leak) {
					t.Fatalf("the import answer holds %q: %s", leak, r.Body)
				}
			}
			noFlagEntries(t, holder, w.police.ID)
			if flags, _ := w.must(t, 200, "GET", "/api/v1/cases/"+holder, w.officer, nil)["flags"].([]any); len(flags) != 1 {
				t.Fatalf("the holder is not told: %v", flags)
			}
		})
		t.Run("a possible duplicate found by a correction is not told to the corrector", func(t *testing.T) {
			holder := w.a.MustCase(t, w.officer, testapp.CaseBody("Elena", "Munteanu", "1993-07-07"))
			id := w.a.MustCase(t, w.ngoWorker, testapp.CaseBody("Elena", "Munteanu", "1993-07-08"))
			r := w.a.Do(t, "PATCH", personPath(id), w.ngoWorker, map[string]any{"date_of_birth": "1993-07-07"})
			g := w.a.Do(t, "GET", "/api/v1/cases/"+id, w.ngoWorker, nil)
			for _, leak := range []string{w.police.ID, w.police.Name, holder, `"flags"`} {
				if r.Status != 200 || strings.Contains(string(r.Body), leak) || strings.Contains(string(g.Body), leak) {
					t.Fatalf("%d; the corrector reads %q: %s\n%s", r.Status, leak, r.Body, g.Body)
				}
			}
			noFlagEntries(t, holder, w.police.ID)
			if flags, _ := w.must(t, 200, "GET", "/api/v1/cases/"+holder, w.officer, nil)["flags"].([]any); len(flags) != 1 {
				t.Errorf("the holder is not told of the match a correction revealed: %v", flags)
			}
		})
		for name, patch := range map[string]map[string]any{"a date of birth under 18": {"date_of_birth": "2011-06-01"}, "age uncertain": {"age_uncertain": true}} {
			t.Run("an adult corrected to "+name+" is screened with a child set", func(t *testing.T) {
				id := w.adultCase(t, w.officer)
				if c := w.must(t, 200, "PATCH", personPath(id), w.officer, patch); c["child"] != true {
					t.Fatalf("%v", c)
				}
				before := w.snap(t, id, w.officer)
				w.wantError(t, 422, "indicator_set", "POST", "/api/v1/cases/"+id+"/screenings", w.officer,
					map[string]any{"indicator_set": "adult-labour", "indicators": []string{"AL01"}})
				w.unchanged(t, id, w.officer, before)
				w.must(t, 201, "POST", "/api/v1/cases/"+id+"/screenings", w.officer, map[string]any{"indicator_set": "child-labour", "indicators": []string{"CL01"}})
			})
		}
		t.Run("a partner refers a child's case onwards, without consent, within its own scope only", func(t *testing.T) {
			shelter, shelterWorker := w.partner(t, nrm.KindShelter, nrm.RoleCaseWorker)
			id := w.a.MustCase(t, w.ngoWorker, testapp.CaseBody("Ion", "Rusu", "2012-05-01"))
			ref := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.ngoWorker,
				map[string]any{"to_org": w.police.ID, "reason": "A child in forced labour.", "scope": []string{"identity"}})
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref["id"].(string)+"/accept", w.detective, nil)
			before := w.snap(t, id, w.ngoWorker)
			for _, scope := range [][]string{{"identity", "support"}, {"support"}, {"justice"}} {
				w.wantError(t, 422, "scope", "POST", "/api/v1/cases/"+id+"/referrals", w.detective,
					map[string]any{"to_org": shelter.ID, "reason": "Needs a bed.", "scope": scope})
			}
			w.unchanged(t, id, w.ngoWorker, before)
			m := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.detective, map[string]any{"to_org": shelter.ID, "reason": "Needs a bed."})
			w.must(t, 200, "POST", "/api/v1/referrals/"+m["id"].(string)+"/accept", shelterWorker, nil)
			if r := readable(w.must(t, 200, "GET", "/api/v1/cases/"+id, shelterWorker, nil)); !slices.Equal(r, []string{"identity"}) {
				t.Fatalf("the onward recipient of the child's case reads %v", r)
			}
		})
		t.Run("child protection notified on a partner's referral or correction gets no more than the partner holds", func(t *testing.T) {
			// The owner's own notification is declined; the police partner,
			// holding identity only, then refers onwards (or corrects the
			// age) and child protection is notified anew, on its behalf.
			for _, how := range []string{"referral", "correction"} {
				shelter, _ := w.partner(t, nrm.KindShelter, nrm.RoleCaseWorker)
				body := testapp.CaseBody("Ion", "Rusu", "2012-05-01")
				if how == "correction" {
					body = testapp.CaseBody("Ion", "Rusu", "1999-05-01")
				}
				id := w.a.MustCase(t, w.ngoWorker, body)
				ref := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.ngoWorker,
					map[string]any{"to_org": w.police.ID, "reason": "Referred to the police.", "scope": []string{"identity"},
						"consent_id": map[bool]any{true: nil, false: w.consent(t, w.ngoWorker, id, w.police.ID, []string{"identity"}, "")}[how == "referral"]})
				w.must(t, 200, "POST", "/api/v1/referrals/"+ref["id"].(string)+"/accept", w.detective, nil)
				for _, it := range w.childProtectionInbox(t) {
					if r := it.(map[string]any); r["case_id"] == id {
						w.must(t, 200, "POST", "/api/v1/referrals/"+r["id"].(string)+"/decline", w.cpWorker, map[string]any{"reason": "Another office."})
					}
				}
				if how == "referral" {
					w.must(t, 201, "POST", "/api/v1/cases/"+id+"/referrals", w.detective, map[string]any{"to_org": shelter.ID, "reason": "Needs a bed."})
				} else {
					w.must(t, 200, "PATCH", personPath(id), w.detective, map[string]any{"date_of_birth": "2011-06-01"})
				}
				var notified []any
				for _, it := range w.childProtectionInbox(t) {
					if it.(map[string]any)["case_id"] == id {
						notified = append(notified, it)
					}
				}
				if len(notified) != 1 {
					t.Fatalf("%s: child protection notifications: %v", how, notified)
				}
				n := notified[0].(map[string]any)
				if got := mustJSON(n["scope"]); n["from_org"] != w.police.ID || got != `["identity"]` {
					t.Fatalf("%s: the partner's notification of child protection shares %s (from %v)", how, got, n["from_org"])
				}
				w.must(t, 200, "POST", "/api/v1/referrals/"+n["id"].(string)+"/accept", w.cpWorker, nil)
				if r := readable(w.must(t, 200, "GET", "/api/v1/cases/"+id, w.cpWorker, nil)); slices.Contains(r, "support") {
					t.Fatalf("%s: child protection reads %v through the partner", how, r)
				}
			}
		})
	})
}

func TestAPartnerCannotWithdrawAnotherOrganisationsConsent(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		toNGO := w.consent(t, w.officer, id, w.ngo.ID, []string{"identity"}, "")
		ref := w.refer(t, w.officer, id, w.ngo.ID, toNGO)
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.ngoWorker, nil)
		toCA := w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, "")
		w.refer(t, w.officer, id, w.ca.ID, toCA)
		w.wantError(t, 403, "", "POST", "/api/v1/consents/"+toCA+"/withdraw", w.ngoWorker, map[string]any{})
		if st, _ := w.state(t, id, w.officer); st != "referred" {
			t.Fatalf("a partner's withdrawal moved the case: %s", st)
		}
		w.must(t, 200, "POST", "/api/v1/consents/"+toCA+"/withdraw", w.officer, map[string]any{})
	})
}
