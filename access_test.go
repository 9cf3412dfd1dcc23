package nrm_test

import (
	"testing"

	"github.com/nrmproject/nrm"
)

func d(s string) nrm.Date {
	v, err := nrm.ParseDate("", s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestAccessOf(t *testing.T) {
	today := d("2026-11-27")
	id, sup := nrm.ScopeOf(nrm.Identity), nrm.ScopeOf(nrm.Support)
	accepted := func(scope, consent nrm.Scope, status string, expiry string) nrm.ReferralFact {
		r := nrm.ReferralFact{Status: nrm.ReferralAccepted, Scope: scope, ConsentID: "k", ConsentStatus: status, ConsentScope: consent}
		if expiry != "" {
			r.ConsentExpiry = d(expiry)
		}
		return r
	}
	for _, tc := range []struct {
		name string
		f    nrm.AccessFacts
		want nrm.Access
	}{
		{"the creator owns the whole file", nrm.AccessFacts{OrgID: "a", OwnerOrg: "a"}, nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope}},
		{"no involvement, nothing", nrm.AccessFacts{OrgID: "b", OwnerOrg: "a"}, nrm.Access{Relation: nrm.RelNone}},
		{"a pending referral makes a recipient who reads nothing",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Referrals: []nrm.ReferralFact{{Status: nrm.ReferralPending, Scope: id}}},
			nrm.Access{Relation: nrm.RelRecipient}},
		{"an accepted referral shares what the consent covers",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Today: today, Referrals: []nrm.ReferralFact{accepted(id|sup, id, nrm.ConsentGiven, "")}},
			nrm.Access{Relation: nrm.RelPartner, Scope: id}},
		{"a withdrawn consent ends the sharing at once",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Today: today, Referrals: []nrm.ReferralFact{accepted(id, id, nrm.ConsentWithdrawn, "")}},
			nrm.Access{Relation: nrm.RelNone}},
		{"an expired consent ends it the day after its expiry",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Today: today, Referrals: []nrm.ReferralFact{accepted(id, id, nrm.ConsentGiven, "2026-11-26")}},
			nrm.Access{Relation: nrm.RelNone}},
		{"a consent expiring today still holds",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Today: today, Referrals: []nrm.ReferralFact{accepted(id, id, nrm.ConsentGiven, "2026-11-27")}},
			nrm.Access{Relation: nrm.RelPartner, Scope: id}},
		{"a referral and a consent with nothing in common share nothing",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Today: today, Referrals: []nrm.ReferralFact{accepted(sup, id, nrm.ConsentGiven, "")}},
			nrm.Access{Relation: nrm.RelNone}},
		{"a child's referral rests on no consent",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Child: true, Referrals: []nrm.ReferralFact{{Status: nrm.ReferralAccepted, Scope: id | sup}}},
			nrm.Access{Relation: nrm.RelPartner, Scope: id | sup}},
		{"a declined or withdrawn referral gives nothing",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Child: true, Referrals: []nrm.ReferralFact{{Status: nrm.ReferralDeclined, Scope: id}, {Status: nrm.ReferralWithdrawn, Scope: id}}},
			nrm.Access{Relation: nrm.RelNone}},
		{"an authority that decided keeps the record of its decisions after the consent is withdrawn",
			nrm.AccessFacts{OrgID: "ca", OwnerOrg: "a", Today: today, Decided: true, Referrals: []nrm.ReferralFact{accepted(id, id, nrm.ConsentWithdrawn, "")}},
			nrm.Access{Relation: nrm.RelPartner, Retained: true}},
		{"scopes of several referrals add up",
			nrm.AccessFacts{OrgID: "b", OwnerOrg: "a", Today: today, Referrals: []nrm.ReferralFact{accepted(id, id, nrm.ConsentGiven, ""), accepted(sup, sup, nrm.ConsentGiven, "")}},
			nrm.Access{Relation: nrm.RelPartner, Scope: id | sup}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nrm.AccessOf(tc.f); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	t.Run("record-only standing reads no compartment and cannot decide", func(t *testing.T) {
		dm := nrm.Actor{UserID: "u", OrgID: "ca", OrgKind: nrm.KindCompetentAuthority, Role: nrm.RoleDecisionMaker}
		acc := nrm.Access{Relation: nrm.RelPartner, Retained: true}
		if nrm.Readable(dm, acc) != 0 || nrm.Can(dm, nrm.ActDecide, acc) || !nrm.Can(dm, nrm.ActCaseView, acc) {
			t.Fatal("record-only standing")
		}
	})
}

func TestOnwardScope(t *testing.T) {
	id, sup, jus := nrm.ScopeOf(nrm.Identity), nrm.ScopeOf(nrm.Support), nrm.ScopeOf(nrm.Justice)
	for _, tc := range []struct {
		name string
		acc  nrm.Access
		want nrm.Scope
		ok   bool
	}{
		{"the owner passes on any part", nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope}, nrm.FullScope, true},
		{"a partner passes on what it reads", nrm.Access{Relation: nrm.RelPartner, Scope: id | jus}, id | jus, true},
		{"a partner passes on less than it reads", nrm.Access{Relation: nrm.RelPartner, Scope: id | jus}, id, true},
		{"a partner cannot pass on support it does not hold", nrm.Access{Relation: nrm.RelPartner, Scope: id}, id | sup, false},
		{"a recipient passes on nothing", nrm.Access{Relation: nrm.RelRecipient}, id, false},
		{"a record-only standing passes on nothing", nrm.Access{Relation: nrm.RelPartner, Retained: true}, id, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := nrm.CheckOnwardScope(tc.acc, tc.want)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v", err)
			}
			if err != nil && nrm.AsError(err).Field != "scope" {
				t.Fatalf("names %q, want scope", nrm.AsError(err).Field)
			}
		})
	}
}

func TestConsentPurpose(t *testing.T) {
	today := d("2026-11-27")
	base := nrm.Consent{ID: "k", CaseID: "c", Purpose: nrm.PurposeReferral, RecipientOrg: "b", Status: nrm.ConsentGiven}
	with := func(f func(*nrm.Consent)) nrm.Consent { k := base; f(&k); return k }
	for _, tc := range []struct {
		name string
		k    nrm.Consent
		ok   bool
	}{
		{"a referral consent to the recipient founds the referral", base, true},
		{"a consent for assistance does not found a referral", with(func(k *nrm.Consent) { k.Purpose = "assistance" }), false},
		{"a consent for legal proceedings does not either", with(func(k *nrm.Consent) { k.Purpose = "legal-proceedings" }), false},
		{"a consent to another recipient does not", with(func(k *nrm.Consent) { k.RecipientOrg = "x" }), false},
		{"a consent of another case does not", with(func(k *nrm.Consent) { k.CaseID = "other" }), false},
		{"a withdrawn consent does not", with(func(k *nrm.Consent) { k.Status = nrm.ConsentWithdrawn }), false},
		{"an expired consent does not", with(func(k *nrm.Consent) { k.Expires = d("2026-11-01") }), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := nrm.CheckConsentFor(tc.k, "c", nrm.PurposeReferral, "b", today)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v", err)
			}
			if err != nil && nrm.AsError(err).Field != "consent_id" {
				t.Fatalf("names %q", nrm.AsError(err).Field)
			}
		})
	}
}

func TestClosureRule(t *testing.T) {
	for _, s := range []nrm.State{nrm.StateReferred, nrm.StateAwaitingReasonableGrounds, nrm.StateRecoveryPeriod, nrm.StateAwaitingConclusiveGrounds} {
		for _, r := range nrm.RemovalReasons {
			if err := nrm.Guard(nrm.Case{State: s}, nrm.StepClose, r); nrm.ErrorCode(err) != nrm.CodeConflict {
				t.Errorf("%s as %s: %v, want a conflict", s, r, err)
			}
		}
	}
	for _, s := range []nrm.State{nrm.StateEncountered, nrm.StateIdentified, nrm.StateNotIdentified} {
		// Once returns exist, a case is closed as returned only by a
		// recorded return (the return step), never by a bare closure.
		if err := nrm.Guard(nrm.Case{State: s}, nrm.StepClose, nrm.CloseReturned); nrm.ErrorCode(err) != nrm.CodeConflict {
			t.Errorf("%s closed as returned without a return: %v, want a conflict", s, err)
		}
		if err := nrm.Guard(nrm.Case{State: s}, nrm.StepReturn, ""); err != nil {
			t.Errorf("%s: a return: %v", s, err)
		}
		if err := nrm.Guard(nrm.Case{State: s}, nrm.StepClose, nrm.CloseDetainedRemoved); err != nil {
			t.Errorf("%s as %s: %v", s, nrm.CloseDetainedRemoved, err)
		}
	}
	for _, s := range []nrm.State{nrm.StateReferred, nrm.StateAwaitingReasonableGrounds, nrm.StateRecoveryPeriod, nrm.StateAwaitingConclusiveGrounds, nrm.StateClosed} {
		if err := nrm.Guard(nrm.Case{State: s}, nrm.StepReturn, ""); nrm.ErrorCode(err) != nrm.CodeConflict {
			t.Errorf("%s: a return: %v, want a conflict", s, err)
		}
	}
	if err := nrm.Guard(nrm.Case{State: nrm.StateIdentified}, nrm.StepClose, nrm.CloseRetrafficked); nrm.ErrorCode(err) != nrm.CodeInvalid {
		t.Errorf("re-trafficked as a closure: %v", err)
	}
	if err := nrm.Guard(nrm.Case{State: nrm.StateClosed}, nrm.StepSupportRecord, ""); nrm.ErrorCode(err) != nrm.CodeConflict {
		t.Errorf("support on a closed case: %v", err)
	}
}
