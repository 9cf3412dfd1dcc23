package nrm

import "strings"

// The one access rule of the case file. The store returns the facts (who
// created the case, the referrals of it to one organisation and the
// consents they rest on, whether that organisation decided on it); AccessOf
// turns them into the organisation's standing, and Can and Readable decide
// from that standing. The store's list and search prefilter is held equal to
// this rule by a property test (sqlstore/access_test.go).

// ReferralFact is one referral of a case to the organisation asking, with
// the consent it rests on.
type ReferralFact struct {
	Status        string // ReferralPending, ReferralAccepted, ...
	Scope         Scope  // what the referral shares
	ConsentID     string // "" for a referral that rests on no consent (a child's)
	ConsentStatus string // ConsentGiven or ConsentWithdrawn
	ConsentExpiry Date   // zero: no expiry
	ConsentScope  Scope
}

// AccessFacts are what decides one organisation's access to one case.
type AccessFacts struct {
	OrgID     string // the organisation asking
	OwnerOrg  string // the organisation that created the case
	Child     bool   // the case is a child's (or a person presumed a child)
	Today     Date
	Referrals []ReferralFact // referrals of the case to OrgID, any status
	// Decided: OrgID recorded an identification decision on the case. A
	// competent authority keeps the record of its own decisions when the
	// person withdraws the consent its referral rested on (CONTRACT.md,
	// "Rules every path enforces").
	Decided bool
}

// AccessOf is the organisation's standing on the case. A partner's scope is
// the union of its accepted referrals' scopes, each cut to the consent it
// rests on while that consent is given and not expired: a withdrawal or an
// expiry ends access at once. A child's referral rests on no consent (CETS
// 197 Art. 10(4)). An authority that decided keeps a record-only standing
// (scope empty) after the rest of its access ends.
func AccessOf(f AccessFacts) Access {
	if f.OrgID != "" && f.OrgID == f.OwnerOrg {
		return Access{Relation: RelOwner, Scope: FullScope}
	}
	var scope Scope
	pending := false
	for _, r := range f.Referrals {
		switch {
		case r.Status == ReferralPending:
			pending = true
		case r.Status != ReferralAccepted:
		case f.Child || r.ConsentID == "":
			scope |= r.Scope
		case r.ConsentStatus == ConsentGiven && (r.ConsentExpiry.IsZero() || !r.ConsentExpiry.Before(f.Today)):
			scope |= r.Scope & r.ConsentScope
		}
	}
	switch {
	case scope != 0:
		return Access{Relation: RelPartner, Scope: scope}
	case f.Decided:
		return Access{Relation: RelPartner, Retained: true}
	case pending:
		return Access{Relation: RelRecipient}
	}
	return Access{Relation: RelNone}
}

// Involved reports whether the standing lets the organisation list the
// case: it created it, or holds it as a partner (the store's prefilter).
func (a Access) Involved() bool { return a.Relation == RelOwner || a.Relation == RelPartner }

// readActions are the actions that read each compartment.
var readActions = map[Compartment]Action{Identity: ActReadIdentity, Support: ActReadSupport, Justice: ActReadJustice}

// Readable is the set of compartments the actor may read on a case.
func Readable(a Actor, acc Access) Scope {
	var s Scope
	for c, act := range readActions {
		if Can(a, act, acc) {
			s |= ScopeOf(c)
		}
	}
	return s
}

// Shareable is what an organisation standing as acc may pass on to someone
// else: the owner all of the file, a partner only what it may read itself.
func Shareable(acc Access) Scope {
	switch acc.Relation {
	case RelOwner:
		return FullScope
	case RelPartner:
		return acc.Scope
	}
	return 0
}

// CheckOnwardScope is the rule on passing a file on: a partner refers
// onwards, or records a consent for someone else, only within what it may
// read itself. The refusal is a 422 naming scope.
func CheckOnwardScope(acc Access, want Scope) error {
	own := Shareable(acc)
	if wider := want &^ own; wider != 0 {
		return Invalid("scope", "wider than what your organisation holds of this case (%s): it cannot pass on %s",
			scopeList(own), scopeList(wider))
	}
	return nil
}

// CheckConsentFor is the rule on the consent a referral rests on: it is of
// the case, given, not expired, to that recipient and for that purpose. The
// refusal is a 422 naming consent_id. For a transnational referral the
// recipient is the partner instance's id (Consent.RecipientPartner).
func CheckConsentFor(k Consent, caseID, purpose, recipient string, today Date) error {
	switch {
	case k.CaseID != caseID:
		return Invalid("consent_id", "no consent with this id on this case")
	case k.Status == ConsentWithdrawn:
		return Invalid("consent_id", "the consent was withdrawn")
	case k.StatusOn(today) == ConsentExpired:
		return Invalid("consent_id", "the consent expired on %s", k.Expires)
	case k.Purpose == PurposeTransnational && purpose == PurposeTransnational && k.RecipientPartner != recipient,
		k.Purpose != PurposeTransnational && k.RecipientOrg != recipient:
		return Invalid("consent_id", "the consent is for another recipient")
	case k.Purpose != purpose:
		// A consent is used only for its purpose.
		return Invalid("consent_id", "the consent was given for %s, not for a %s", k.Purpose, purpose)
	}
	return nil
}

func scopeList(s Scope) string {
	var out []string
	for _, c := range s.Compartments() {
		out = append(out, string(c))
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, ", ")
}
