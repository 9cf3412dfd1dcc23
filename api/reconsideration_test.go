package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func statusOf(t *testing.T, w *world, id, token string) map[string]any {
	t.Helper()
	return w.must(t, 200, "GET", "/api/v1/cases/"+id, token, nil)["status"].(map[string]any)
}

func TestReconsiderationRequests(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		id := w.adultCase(t, w.officer)
		k := w.consent(t, w.officer, id, w.ca.ID, []string{"identity"}, "")
		ref := w.refer(t, w.officer, id, w.ca.ID, k)
		reqs := "/api/v1/cases/" + id + "/reconsideration-requests"

		t.Run("nothing_to_reconsider_before_a_decision_is_409", func(t *testing.T) {
			w.wantError(t, 409, "", "POST", reqs, w.officer, map[string]any{"reason": "Too early."})
		})
		w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/decline", w.decider, map[string]any{"reason": "Not enough detail."})

		t.Run("a_decline_is_recorded_as_such", func(t *testing.T) {
			st := statusOf(t, w, id, w.officer)
			if st["identification_outcome"] != nrm.OutcomeDeclined || st["identification"] != "encountered" || st["episode"] != "open" {
				t.Fatalf("status after a decline: %v", st)
			}
		})
		var reqID string
		t.Run("the_referring_organisation_asks_to_reconsider_the_decline", func(t *testing.T) {
			w.wantError(t, 422, "reason", "POST", reqs, w.officer, map[string]any{"reason": " "})
			w.wantError(t, 404, "", "POST", reqs, w.ngoWorker, map[string]any{"reason": "Not involved."})
			m := w.must(t, 201, "POST", reqs, w.officer, map[string]any{"reason": "The labour inspectorate found more."})
			if m["status"] != "pending" || m["requester"] != nrm.RequesterReferrer || m["subject"] != nrm.SubjectDecline {
				t.Fatalf("request: %v", m)
			}
			reqID = m["id"].(string)
			w.wantError(t, 409, "", "POST", reqs, w.officer, map[string]any{"reason": "Again."})
		})
		t.Run("erasure_is_refused_while_the_request_is_pending_naming_the_hold", func(t *testing.T) {
			admin := w.a.MustToken(t, w.a.MustUser(t, w.police, nrm.RoleAdmin))
			msg := w.wantError(t, 409, "", "POST", "/api/v1/cases/"+id+"/erase", admin, map[string]any{"reason": "Request of 2026-11-27"})
			if !strings.Contains(msg, "reconsideration request") {
				t.Fatalf("the refusal does not name the hold: %q", msg)
			}
			c := w.must(t, 200, "GET", "/api/v1/cases/"+id, w.officer, nil)
			if c["erased"] == true || c["person"].(map[string]any)["family_name"] != "Popescu" {
				t.Fatalf("the person was erased: %v", c)
			}
		})
		answer := "/api/v1/reconsideration-requests/" + reqID + "/answer"
		t.Run("only_the_authority's_decision_maker_answers", func(t *testing.T) {
			w.wantError(t, 404, "", "POST", answer, w.officer, map[string]any{"outcome": "granted", "reasons": "Mine."})
			w.wantError(t, 403, "", "POST", answer, w.caWorker, map[string]any{"outcome": "granted", "reasons": "Mine."})
			w.wantError(t, 422, "outcome", "POST", answer, w.decider, map[string]any{"outcome": "maybe", "reasons": "x"})
		})
		t.Run("granted_the_referral_is_back_in_the_authority's_inbox", func(t *testing.T) {
			m := w.must(t, 200, "POST", answer, w.decider, map[string]any{"outcome": "granted", "reasons": "New evidence."})
			if m["status"] != "granted" {
				t.Fatalf("answer: %v", m)
			}
			w.wantError(t, 409, "", "POST", answer, w.decider, map[string]any{"outcome": "refused", "reasons": "Twice."})
			if st, _ := w.state(t, id, w.officer); st != "referred" {
				t.Fatalf("state %s", st)
			}
			w.must(t, 200, "POST", "/api/v1/referrals/"+ref+"/accept", w.decider, nil)
			if st, dl := w.state(t, id, w.officer); st != "awaiting-reasonable-grounds" || dl[nrm.DeadlineRG] == "" {
				t.Fatalf("after acceptance: %s %v", st, dl)
			}
		})
		today := w.a.Clock.Now().Format("2006-01-02")
		t.Run("a_negative_reasonable_grounds_decision_is_not_a_negative_conclusive_one", func(t *testing.T) {
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{"kind": "reasonable-grounds",
				"outcome": "negative", "decided_on": today, "reasons": "No indicators."})
			if st := statusOf(t, w, id, w.officer); st["identification_outcome"] != nrm.OutcomeRGNegative || st["identification"] != "not-identified" {
				t.Fatalf("status: %v", st)
			}
			m := w.must(t, 201, "POST", reqs, w.officer, map[string]any{"reason": "She was too afraid to speak."})
			w.must(t, 200, "POST", "/api/v1/reconsideration-requests/"+m["id"].(string)+"/answer", w.decider,
				map[string]any{"outcome": "granted", "reasons": "Interview again."})
			if st, dl := w.state(t, id, w.officer); st != "awaiting-reasonable-grounds" || dl[nrm.DeadlineRG] == "" {
				t.Fatalf("after reconsideration: %s %v", st, dl)
			}
		})
		t.Run("reconsidering_a_negative_conclusive_decision_brings_the_clocks_back", func(t *testing.T) {
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{"kind": "reasonable-grounds",
				"outcome": "positive", "decided_on": today, "reasons": "Indicators met."})
			w.a.Clock.Advance(31 * 24 * time.Hour)
			later := w.a.Clock.Now().Format("2006-01-02")
			w.must(t, 201, "POST", "/api/v1/cases/"+id+"/decisions", w.decider, map[string]any{"kind": "conclusive-grounds",
				"outcome": "negative", "decided_on": later, "reasons": "Not on the balance."})
			if st, dl := w.state(t, id, w.officer); st != "not-identified" || dl[nrm.DeadlineRecoveryEnd] != "" {
				t.Fatalf("after the negative decision: %s %v", st, dl)
			}
			lawyer := w.a.MustToken(t, w.a.MustUser(t, w.police, nrm.RoleLegalAdvisor))
			m := w.must(t, 201, "POST", reqs, lawyer, map[string]any{"reason": "The decision ignored the medical report."})
			if m["requester"] != nrm.RequesterReferrer && m["requester"] != nrm.RequesterLawyer {
				t.Fatalf("requester %v", m["requester"])
			}
			w.must(t, 200, "POST", "/api/v1/reconsideration-requests/"+m["id"].(string)+"/answer", w.decider,
				map[string]any{"outcome": "granted", "reasons": "Look again."})
			st, dl := w.state(t, id, w.officer)
			if st != "awaiting-conclusive-grounds" || dl[nrm.DeadlineRecoveryEnd] <= later {
				t.Fatalf("after reconsideration: %s %v", st, dl)
			}
			list := w.must(t, 200, "GET", reqs, w.officer, nil)["items"].([]any)
			if len(list) != 3 {
				t.Fatalf("requests: %v", list)
			}
		})
	})
}
