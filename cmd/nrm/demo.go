package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// demoPassword is the password of every demo user. The demo's addresses end
// in .invalid (RFC 2606), so they can never be real.
const demoPassword = "demo-password-2026"

type demoUser struct{ email, name, role string }

var demoOrgs = []struct {
	name, kind string
	users      []demoUser
}{
	{"Demo City Police (fictitious)", "police", []demoUser{
		{"officer@demo.invalid", "Demo Officer", "first-responder"},
		{"detective@demo.invalid", "Demo Detective", "law-enforcement"},
	}},
	{"Demo Safe House NGO (fictitious)", "ngo", []demoUser{
		{"caseworker@demo.invalid", "Demo Case Worker", "case-worker"},
		{"admin@demo.invalid", "Demo Admin", "admin"},
	}},
	{"Demo Competent Authority (fictitious)", "competent-authority", []demoUser{
		{"decider@demo.invalid", "Demo Decision Maker", "decision-maker"},
	}},
	{"Demo Child Protection Service (fictitious)", "child-protection", []demoUser{
		{"childprotection@demo.invalid", "Demo Child Protection Worker", "case-worker"},
	}},
	{"Demo National Coordinator (fictitious)", "coordinator", []demoUser{
		{"coordinator@demo.invalid", "Demo Coordinator", "coordinator"},
		{"auditor@demo.invalid", "Demo Auditor", "auditor"},
		{"analyst@demo.invalid", "Demo Analyst", "analyst"}, // an assessment team
	}},
	// Trial monitoring (issue 12).
	{"Demo Trial Monitors (fictitious)", "trial-monitor", []demoUser{
		{"monitor@demo.invalid", "Demo Trial Monitor", "trial-monitor"},
	}},
}

var demoCases = []nrm.CaseInput{
	{Person: nrm.PersonInput{GivenName: "Alia", FamilyName: "Example", DateOfBirth: "1998-03-14", Sex: "female", Citizenship: []string{"MD"}},
		Encounter:         nrm.EncounterInput{Date: "2026-11-02", Place: "Demo Harbour", Country: "GB"},
		ExploitationTypes: []string{"forced-labour"}},
	{Person: nrm.PersonInput{GivenName: "Bogdan", FamilyName: "Sample", Sex: "male", AgeUncertain: true, Citizenship: []string{"UA"}},
		Encounter:         nrm.EncounterInput{Date: "2026-11-10", Place: "Demo Car Wash", Country: "GB"},
		ExploitationTypes: []string{"forced-criminality"}},
	{Person: nrm.PersonInput{GivenName: "Chiara", FamilyName: "Placeholder", DateOfBirth: "2001-07-30", Sex: "female", Citizenship: []string{"AL"}},
		Encounter:         nrm.EncounterInput{Date: "2026-11-18", Place: "Demo Street", Country: "GB"},
		ExploitationTypes: []string{"sexual-exploitation"}},
}

// seedDemo adds the demo organisations, users and cases once, and cohort
// more cases for the statistics (demo_cohort.go).
func seedDemo(ctx context.Context, a *app, cohort int) error {
	sys := systemCtx(ctx)
	orgs, err := a.svc.Orgs(sys)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if strings.HasPrefix(o.Name, "Demo ") {
			return nil // seeded already
		}
	}
	actors := map[string]nrm.Actor{} // by e-mail
	orgIDs := map[string]string{}    // by kind
	for _, o := range demoOrgs {
		org, err := a.svc.CreateOrg(sys, nrm.OrgInput{Name: o.name, Kind: o.kind, Country: "GB"})
		if err != nil {
			return err
		}
		orgIDs[o.kind] = org.ID
		for _, u := range o.users {
			user, _, err := a.svc.CreateUser(sys, nrm.UserInput{Email: u.email, Name: u.name, OrgID: org.ID, Role: u.role}, demoPassword)
			if err != nil {
				return err
			}
			actors[u.email] = nrm.Actor{UserID: user.ID, OrgID: org.ID, OrgKind: nrm.OrgKind(o.kind), Role: user.Role}
		}
	}
	as := func(email string) context.Context { return nrm.WithActor(ctx, actors[email]) }
	officer := as("officer@demo.invalid")
	var ids []string
	for _, c := range demoCases {
		v, err := a.svc.CreateCase(officer, c)
		if err != nil {
			return err
		}
		ids = append(ids, v.ID)
	}
	// The first case has come a long way: screened, referred with consent
	// to the competent authority, accepted, a positive reasonable-grounds
	// decision; the recovery period runs.
	if _, err := a.svc.Screen(officer, ids[0], service.ScreeningInput{IndicatorSet: "adult-labour",
		Indicators: []string{"AL01", "AL02", "AL18", "AL19", "AL39", "AL40"},
		Evidence:   map[string]string{"AL01": "Promised work in a bakery; found herself on a farm."}}); err != nil {
		return err
	}
	consent, err := a.svc.RecordConsent(officer, ids[0], nrm.ConsentInput{Purpose: "referral",
		RecipientOrg: orgIDs["competent-authority"], Scope: []string{"identity", "support"}, Language: "ro", Interpreter: true})
	if err != nil {
		return err
	}
	ref, err := a.svc.Refer(officer, ids[0], nrm.ReferralInput{ToOrg: orgIDs["competent-authority"],
		Reason: "Indicators of forced labour; she asks for protection.", ConsentID: consent.ID})
	if err != nil {
		return err
	}
	decider := as("decider@demo.invalid")
	if _, err := a.svc.AcceptReferral(decider, ref.ID); err != nil {
		return err
	}
	if _, _, err := a.svc.Decide(decider, ids[0], nrm.DecisionInput{Kind: nrm.ReasonableGrounds, Outcome: nrm.Positive,
		DecidedOn: a.svc.Today().String(), Reasons: "A credible account, and the indicators of forced labour are met."}); err != nil {
		return err
	}
	// The second, a person presumed a child, is referred to the NGO without
	// consent; child protection is notified and waits to accept.
	if _, err := a.svc.Refer(officer, ids[1], nrm.ReferralInput{ToOrg: orgIDs["ngo"],
		Reason: "Presumed a child: needs a safe place tonight."}); err != nil {
		return err
	}
	// The third waits in the NGO's inbox, with her consent.
	consent, err = a.svc.RecordConsent(officer, ids[2], nrm.ConsentInput{Purpose: nrm.PurposeReferral,
		RecipientOrg: orgIDs["ngo"], Scope: []string{"identity", "support"}, Language: "sq"})
	if err != nil {
		return err
	}
	if _, err := a.svc.Refer(officer, ids[2], nrm.ReferralInput{ToOrg: orgIDs["ngo"],
		Reason: "Wants support and accommodation.", ConsentID: consent.ID}); err != nil {
		return err
	}
	// Country assessments of two fictitious scorings (demo_assessments.go).
	if err := seedDemoAssessments(as("analyst@demo.invalid"), a); err != nil {
		return err
	}
	if err := seedDemoCohort(ctx, a, as, orgIDs, cohort); err != nil {
		return err
	}
	if err := seedDemoTrial(as("monitor@demo.invalid"), a); err != nil {
		return err
	}
	// Co-ordination: a year of events and activities (demo_coordination.go).
	if err := seedDemoCoordination(as("coordinator@demo.invalid"), as("analyst@demo.invalid"), a, orgIDs); err != nil {
		return err
	}
	// The clearinghouse: directory, library, practices (demo_clearinghouse.go).
	return seedDemoClearinghouse(as("coordinator@demo.invalid"), a)
}

// seedDemoTrial: the monitors observe a trial, one hearing so far.
func seedDemoTrial(monitor context.Context, a *app) error {
	today, victims, defendants := a.svc.Today(), 2, 3
	t, err := a.svc.CreateTrial(monitor, nrm.TrialInput{Court: "Demo Crown Court (fictitious)", Country: "GB",
		CaseNumber: "DEMO-T-001", Charges: []string{"Modern Slavery Act 2015 s.1"}, OpenedOn: today.AddDays(-30).String(),
		Victims: &victims, Defendants: &defendants})
	if err != nil {
		return err
	}
	_, err = a.svc.AddTrialHearing(monitor, t.ID, nrm.TrialHearingInput{Date: today.AddDays(-10).String(),
		Sheet: map[string]string{"victim-identified": "yes", "rights-informed": "yes", "interpreter": "no",
			"legal-representation": "yes", "protective-measures-ordered": "yes", "protective-measures-applied": "no",
			"intimidation": "not-observed", "compensation-claimed": "no"},
		Notes: "W1 testified from behind a screen; the interpreter arrived an hour late."})
	return err
}

// demoHelpOrg is the demo NGO, whose inbox takes the demo's self-referrals.
func demoHelpOrg(ctx context.Context, a *app) (string, error) {
	orgs, err := a.svc.Orgs(systemCtx(ctx))
	if err != nil {
		return "", err
	}
	for _, o := range orgs {
		if o.Name == demoOrgs[1].name {
			return o.ID, nil
		}
	}
	return "", errors.New("the demo NGO is missing")
}

func demoHelp(url string, c common) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nDemo data (all fictitious). Open %s/login and sign in with password %q as one of:\n", url, demoPassword)
	for _, o := range demoOrgs {
		for _, u := range o.users {
			fmt.Fprintf(&b, "  %-26s %-16s %s\n", u.email, u.role, o.name)
		}
	}
	flags := ""
	if c.data != "./nrm-data" {
		flags = " --data " + c.data
	}
	if c.db != "" {
		flags += " --db URL" // the same URL; not printed, it may hold a password
	}
	fmt.Fprintf(&b, "\nThe public help page is %s/help; its messages go to %s.\n", url, demoOrgs[1].name)
	fmt.Fprintf(&b, "\nAt first sign-in nrm asks you to set up a second factor: scan the QR code with an\n"+
		"authenticator app, or get the current code of a demo user with\n"+
		"  go run ./cmd/nrm demo-code%s --email officer@demo.invalid\n\n", flags)
	return b.String()
}
