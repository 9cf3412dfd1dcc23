package nrm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
)

// allowed is the access policy written out as a list, independently of
// the rule table in policy.go: every role × action × relationship not listed
// here must be denied. Scopes: owners hold every compartment; partners are
// tested with each single compartment and with all of them.
type grant struct {
	role   nrm.Role
	action nrm.Action
	rel    nrm.Relation
	scope  nrm.Compartment // "" when any scope (or none) will do
	kind   nrm.OrgKind     // "" when any kind of organisation will do
}

var caseRoles = []nrm.Role{nrm.RoleCoordinator, nrm.RoleFirstResponder, nrm.RoleCaseWorker,
	nrm.RoleDecisionMaker, nrm.RoleLegalAdvisor, nrm.RoleLawEnforcement}

func expectedGrants() []grant {
	var g []grant
	for _, r := range []nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement, nrm.RoleDecisionMaker} {
		for _, rel := range nrm.Relations {
			g = append(g, grant{r, nrm.ActCaseCreate, rel, "", ""})
		}
	}
	for _, r := range caseRoles {
		for _, rel := range nrm.Relations {
			g = append(g, grant{r, nrm.ActCaseList, rel, "", ""})
		}
		g = append(g, grant{r, nrm.ActCaseView, nrm.RelOwner, "", ""}, grant{r, nrm.ActCaseView, nrm.RelPartner, "", ""})
		g = append(g, grant{r, nrm.ActReadIdentity, nrm.RelOwner, "", ""}, grant{r, nrm.ActReadIdentity, nrm.RelPartner, nrm.Identity, ""})
	}
	for _, r := range []nrm.Role{nrm.RoleCoordinator, nrm.RoleCaseWorker, nrm.RoleDecisionMaker} {
		g = append(g, grant{r, nrm.ActReadSupport, nrm.RelOwner, "", ""}, grant{r, nrm.ActReadSupport, nrm.RelPartner, nrm.Support, ""})
	}
	// CONTRACT.md, "Access to justice": its readers write it too.
	for _, r := range []nrm.Role{nrm.RoleCaseWorker, nrm.RoleLegalAdvisor, nrm.RoleLawEnforcement, nrm.RoleDecisionMaker, nrm.RoleCoordinator} {
		for _, act := range []nrm.Action{nrm.ActReadJustice, nrm.ActJusticeWrite} {
			g = append(g, grant{r, act, nrm.RelOwner, "", ""}, grant{r, act, nrm.RelPartner, nrm.Justice, ""})
		}
	}
	g = append(g, grant{nrm.RoleAdmin, nrm.ActCaseErase, nrm.RelOwner, "", ""})
	for _, rel := range nrm.Relations {
		g = append(g, grant{nrm.RoleAdmin, nrm.ActOrgManage, rel, "", ""}, grant{nrm.RoleAdmin, nrm.ActUserManage, rel, "", ""},
			grant{nrm.RoleAuditor, nrm.ActAuditRead, rel, "", ""},
			grant{nrm.RoleAuditor, nrm.ActAuditReadAll, rel, "", nrm.KindCoordinator},
			grant{nrm.RoleAuditor, nrm.ActAuditReadAll, rel, "", nrm.KindOmbudsman},
			grant{nrm.RoleCoordinator, nrm.ActFlagsOverview, rel, "", nrm.KindCoordinator},
			grant{nrm.RoleCoordinator, nrm.ActDeadlinesAll, rel, "", nrm.KindCoordinator},
			grant{nrm.RoleAdmin, nrm.ActPartnerManage, rel, "", nrm.KindCoordinator},
			grant{nrm.RoleCoordinator, nrm.ActExchangeRespond, rel, "", nrm.KindCoordinator},
			grant{nrm.RoleCoordinator, nrm.ActCompensationReport, rel, "", ""},
			grant{nrm.RoleAnalyst, nrm.ActCompensationReport, rel, "", ""})
		g = append(g, grant{nrm.RoleAdmin, nrm.ActSSOManage, rel, "", ""})
		for _, r := range nrm.Roles {
			g = append(g, grant{r, nrm.ActPasskeyManage, rel, "", ""})
		}
		for _, r := range []nrm.Role{nrm.RoleAnalyst, nrm.RoleCoordinator} {
			g = append(g, grant{r, nrm.ActStatsRead, rel, "", ""}, grant{r, nrm.ActStatsImport, rel, "", ""})
		}
		// NRM country assessments: teams of four kinds of organisation
		// write; every signed-in user reads.
		for _, r := range []nrm.Role{nrm.RoleAnalyst, nrm.RoleCoordinator} {
			for _, k := range []nrm.OrgKind{nrm.KindCoordinator, nrm.KindOmbudsman, nrm.KindInternational, nrm.KindTrialMonitor} {
				g = append(g, grant{r, nrm.ActAssessmentWrite, rel, "", k})
			}
		}
		for _, r := range nrm.Roles {
			g = append(g, grant{r, nrm.ActAssessmentRead, rel, "", ""})
		}
		for _, r := range caseRoles {
			g = append(g, grant{r, nrm.ActDeadlines, rel, "", ""})
		}
		// Trial monitoring: the monitors of a monitoring organisation write
		// and read trials; every signed-in user reads the findings.
		g = append(g, grant{nrm.RoleTrialMonitor, nrm.ActTrialWrite, rel, "", nrm.KindTrialMonitor},
			grant{nrm.RoleTrialMonitor, nrm.ActTrialRead, rel, "", nrm.KindTrialMonitor})
		for _, r := range nrm.Roles {
			g = append(g, grant{r, nrm.ActTrialFindingsRead, rel, "", ""})
		}
		for _, r := range []nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement} {
			g = append(g, grant{r, nrm.ActNotify, rel, "", ""})
		}
		// Co-ordination: co-ordinators and analysts record events and
		// activities, everyone reads them, everyone but auditors marks a
		// follow-up done, the progress report for co-ordinators, analysts
		// and admins, the calendar feed's secret for admins.
		for _, r := range nrm.Roles {
			g = append(g, grant{r, nrm.ActEventRead, rel, "", ""}, grant{r, nrm.ActActivityRead, rel, "", ""})
			if r != nrm.RoleAuditor {
				g = append(g, grant{r, nrm.ActFollowUpDone, rel, "", ""})
			}
		}
		for _, r := range []nrm.Role{nrm.RoleCoordinator, nrm.RoleAnalyst} {
			g = append(g, grant{r, nrm.ActEventWrite, rel, "", ""}, grant{r, nrm.ActActivityWrite, rel, "", ""})
		}
		for _, r := range []nrm.Role{nrm.RoleCoordinator, nrm.RoleAnalyst, nrm.RoleAdmin} {
			g = append(g, grant{r, nrm.ActProgressReport, rel, "", ""})
		}
		g = append(g, grant{nrm.RoleAdmin, nrm.ActCalendarManage, rel, "", ""})
		// The clearinghouse: every signed-in user reads; co-ordinators and
		// admins of any organisation write.
		for _, r := range nrm.Roles {
			g = append(g, grant{r, nrm.ActDirectoryRead, rel, "", ""}, grant{r, nrm.ActLibraryRead, rel, "", ""},
				grant{r, nrm.ActPracticeRead, rel, "", ""})
		}
		for _, r := range []nrm.Role{nrm.RoleCoordinator, nrm.RoleAdmin} {
			g = append(g, grant{r, nrm.ActDirectoryWrite, rel, "", ""}, grant{r, nrm.ActLibraryWrite, rel, "", ""},
				grant{r, nrm.ActPracticeWrite, rel, "", ""})
		}
		// Help without an account: whoever answers a help line reads the
		// self-referrals; case workers and first responders turn them into
		// cases (never a police-type body, see want).
		for _, r := range []nrm.Role{nrm.RoleCoordinator, nrm.RoleCaseWorker, nrm.RoleFirstResponder} {
			g = append(g, grant{r, nrm.ActSelfReferralRead, rel, "", ""})
		}
		for _, r := range []nrm.Role{nrm.RoleCaseWorker, nrm.RoleFirstResponder} {
			g = append(g, grant{r, nrm.ActSelfReferralConvert, rel, "", ""})
		}
	}
	involved := func(roles []nrm.Role, act nrm.Action, c nrm.Compartment) {
		for _, r := range roles {
			g = append(g, grant{r, act, nrm.RelOwner, "", ""}, grant{r, act, nrm.RelPartner, c, ""})
		}
	}
	involved([]nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement, nrm.RoleDecisionMaker}, nrm.ActScreen, nrm.Identity)
	involved([]nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement, nrm.RoleLegalAdvisor, nrm.RoleDecisionMaker}, nrm.ActConsentRecord, nrm.Identity)
	involved([]nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement, nrm.RoleLegalAdvisor, nrm.RoleDecisionMaker}, nrm.ActPersonCorrect, nrm.Identity)
	involved([]nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement, nrm.RoleLegalAdvisor, nrm.RoleDecisionMaker, nrm.RoleCoordinator}, nrm.ActRefer, nrm.Identity)
	involved([]nrm.Role{nrm.RoleCoordinator, nrm.RoleCaseWorker}, nrm.ActSupportWrite, nrm.Support)
	involved(caseRoles, nrm.ActCaseAssign, "")
	// Safe return is support: assessed and recorded by support staff, signed
	// off by a decision-maker or co-ordinator (never police-type bodies).
	involved([]nrm.Role{nrm.RoleCaseWorker, nrm.RoleCoordinator, nrm.RoleDecisionMaker}, nrm.ActReturnAssess, nrm.Support)
	involved([]nrm.Role{nrm.RoleCaseWorker, nrm.RoleCoordinator, nrm.RoleDecisionMaker}, nrm.ActReturnRecord, nrm.Support)
	involved([]nrm.Role{nrm.RoleDecisionMaker, nrm.RoleCoordinator}, nrm.ActReturnReview, nrm.Support)
	involved([]nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement, nrm.RoleLegalAdvisor, nrm.RoleCoordinator}, nrm.ActAskReconsider, "")
	for _, r := range caseRoles {
		g = append(g, grant{r, nrm.ActReferralRespond, nrm.RelRecipient, "", ""})
	}
	g = append(g, grant{nrm.RoleDecisionMaker, nrm.ActDecide, nrm.RelPartner, nrm.Identity, nrm.KindCompetentAuthority})
	for _, r := range []nrm.Role{nrm.RoleFirstResponder, nrm.RoleCaseWorker, nrm.RoleLawEnforcement, nrm.RoleDecisionMaker, nrm.RoleCoordinator} {
		g = append(g, grant{r, nrm.ActClose, nrm.RelOwner, "", ""})
	}
	return g
}

// scopesFor gives the scopes a relation is tried with.
func scopesFor(rel nrm.Relation) []nrm.Scope {
	switch rel {
	case nrm.RelOwner:
		return []nrm.Scope{nrm.FullScope}
	case nrm.RelPartner:
		return []nrm.Scope{0, nrm.ScopeOf(nrm.Identity), nrm.ScopeOf(nrm.Support), nrm.ScopeOf(nrm.Justice), nrm.FullScope}
	}
	return []nrm.Scope{0}
}

func TestPolicyCoversEveryRoleActionAndRelation(t *testing.T) {
	grants := expectedGrants()
	want := func(role nrm.Role, act nrm.Action, rel nrm.Relation, scope nrm.Scope, kind nrm.OrgKind) bool {
		if (act == nrm.ActReadSupport || act == nrm.ActSupportWrite || act == nrm.ActReturnAssess || act == nrm.ActReturnRecord ||
			act == nrm.ActReturnReview || act == nrm.ActSelfReferralRead || act == nrm.ActSelfReferralConvert) && kind.LawEnforcement() {
			return false // police-type bodies never read support notes
		}
		for _, g := range grants {
			if g.role == role && g.action == act && g.rel == rel && (g.scope == "" || scope.Has(g.scope)) && (g.kind == "" || g.kind == kind) {
				return true
			}
		}
		return false
	}
	checked := 0
	for _, kind := range nrm.OrgKinds {
		for _, role := range nrm.Roles {
			for _, act := range nrm.Actions() {
				for _, rel := range nrm.Relations {
					for _, scope := range scopesFor(rel) {
						actor := nrm.Actor{UserID: "u", OrgID: "o", OrgKind: kind, Role: role}
						got := nrm.Can(actor, act, nrm.Access{Relation: rel, Scope: scope})
						if exp := want(role, act, rel, scope, kind); got != exp {
							t.Errorf("%s %s %s %s scope=%v: got allowed=%v, want %v", kind, role, act, rel, scope.Compartments(), got, exp)
						}
						checked++
					}
				}
			}
		}
	}
	if checked < len(nrm.OrgKinds)*len(nrm.Roles)*len(nrm.Actions())*len(nrm.Relations) {
		t.Fatalf("only %d combinations checked", checked)
	}
	// Every action of the policy appears in the expected grants: a new
	// action cannot slip in without this test saying who may do it.
	for _, act := range nrm.Actions() {
		found := false
		for _, g := range grants {
			found = found || g.action == act
		}
		if !found {
			t.Errorf("action %s has no expected grants in this test", act)
		}
	}
}

// A trial monitor never reads a case file: no case action is granted to
// the role, whatever the organisation and its relation to the case. Trials
// and country assessments are about courts and countries, and a passkey is
// the user's own: none is a case file. Nor are co-ordination events and
// activities, which name organisations only.
func TestTrialMonitorHasNoCaseAction(t *testing.T) {
	for _, act := range nrm.Actions() {
		if strings.HasPrefix(string(act), "trial.") || strings.HasPrefix(string(act), "assessment.") || act == nrm.ActPasskeyManage ||
			strings.HasPrefix(string(act), "event.") || strings.HasPrefix(string(act), "activity.") ||
			clearinghouseAction(act) {
			continue
		}
		for _, kind := range nrm.OrgKinds {
			for _, rel := range nrm.Relations {
				for _, scope := range scopesFor(rel) {
					a := nrm.Actor{UserID: "u", OrgID: "o", OrgKind: kind, Role: nrm.RoleTrialMonitor}
					if nrm.Can(a, act, nrm.Access{Relation: rel, Scope: scope}) {
						t.Errorf("a trial monitor of a %s organisation may %s on a case it stands to as %s", kind, act, rel)
					}
				}
			}
		}
	}
}

func TestPolicyDeniesWhatItDoesNotKnow(t *testing.T) {
	full := nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope}
	for _, tc := range []struct {
		name  string
		actor nrm.Actor
		act   nrm.Action
	}{
		{"unknown action", nrm.Actor{UserID: "u", Role: nrm.RoleCaseWorker}, nrm.Action("case.delete-everything")},
		{"unknown role", nrm.Actor{UserID: "u", Role: nrm.Role("superuser")}, nrm.ActReadIdentity},
		{"anonymous", nrm.Actor{Role: nrm.RoleCaseWorker}, nrm.ActReadIdentity},
		{"operator never reads cases", nrm.SystemActor, nrm.ActReadIdentity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if nrm.Can(tc.actor, tc.act, full) {
				t.Fatal("allowed")
			}
		})
	}
}

func ExampleCan() {
	police := nrm.Actor{UserID: "u1", OrgID: "o1", OrgKind: nrm.KindPolice, Role: nrm.RoleCaseWorker}
	owner := nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope}
	fmt.Println(nrm.Can(police, nrm.ActReadIdentity, owner), nrm.Can(police, nrm.ActReadSupport, owner))
	// Output: true false
}

// clearinghouseAction: the directory, the library and the practices are
// about organisations and materials, never a case file.
func clearinghouseAction(act nrm.Action) bool {
	for _, p := range []string{"directory.", "library.", "practice."} {
		if strings.HasPrefix(string(act), p) {
			return true
		}
	}
	return false
}

// A signed-in user of any role reads the clearinghouse; only co-ordinators
// and admins change it.
func TestClearinghouseWritersAreCoordinatorsAndAdmins(t *testing.T) {
	for _, kind := range nrm.OrgKinds {
		for _, role := range nrm.Roles {
			a := nrm.Actor{UserID: "u", OrgID: "o", OrgKind: kind, Role: role}
			for _, act := range []nrm.Action{nrm.ActDirectoryRead, nrm.ActLibraryRead, nrm.ActPracticeRead} {
				if !nrm.Can(a, act, nrm.Access{}) {
					t.Errorf("%s %s may not %s", kind, role, act)
				}
			}
			writer := role == nrm.RoleCoordinator || role == nrm.RoleAdmin
			for _, act := range []nrm.Action{nrm.ActDirectoryWrite, nrm.ActLibraryWrite, nrm.ActPracticeWrite} {
				if nrm.Can(a, act, nrm.Access{}) != writer {
					t.Errorf("%s %s %s: got %v", kind, role, act, !writer)
				}
			}
		}
	}
	if nrm.Can(nrm.Actor{}, nrm.ActDirectoryRead, nrm.Access{}) {
		t.Error("no actor may read the directory")
	}
}
