package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
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
	{"Demo National Coordinator (fictitious)", "coordinator", []demoUser{
		{"coordinator@demo.invalid", "Demo Coordinator", "coordinator"},
		{"auditor@demo.invalid", "Demo Auditor", "auditor"},
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

// seedDemo adds the demo organisations, users and cases once.
func seedDemo(ctx context.Context, a *app) error {
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
	var officer nrm.Actor
	for _, o := range demoOrgs {
		org, err := a.svc.CreateOrg(sys, nrm.OrgInput{Name: o.name, Kind: o.kind, Country: "GB"})
		if err != nil {
			return err
		}
		for _, u := range o.users {
			user, _, err := a.svc.CreateUser(sys, nrm.UserInput{Email: u.email, Name: u.name, OrgID: org.ID, Role: u.role}, demoPassword)
			if err != nil {
				return err
			}
			if u.role == "first-responder" {
				officer = nrm.Actor{UserID: user.ID, OrgID: org.ID, OrgKind: nrm.OrgKind(o.kind), Role: user.Role}
			}
		}
	}
	for _, c := range demoCases {
		if _, err := a.svc.CreateCase(nrm.WithActor(ctx, officer), c); err != nil {
			return err
		}
	}
	return nil
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
	fmt.Fprintf(&b, "\nAt first sign-in nrm asks you to set up a second factor: scan the QR code with an\n"+
		"authenticator app, or get the current code of a demo user with\n"+
		"  go run ./cmd/nrm demo-code%s --email officer@demo.invalid\n\n", flags)
	return b.String()
}
