package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nrmproject/nrm"
)

// seedDemoCohort adds n more fictitious cases, met over this year, so that
// the statistics and the yearly report have figures above the suppression
// threshold (the three demo cases alone are all suppressed). The same n
// gives the same people: the draw is seeded. Most are referred with
// consent to the competent authority and decided there; some are referred
// to the NGO, which gives them a service.
func seedDemoCohort(ctx context.Context, a *app, as func(email string) context.Context, orgIDs map[string]string, n int) error {
	rng := rand.New(rand.NewPCG(2026, uint64(n)))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	today := a.svc.Today().Time()
	jan1 := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(today.Sub(jan1).Hours()/24) + 1
	officer, decider, worker := as("officer@demo.invalid"), as("decider@demo.invalid"), as("caseworker@demo.invalid")
	for i := range n {
		met := jan1.AddDate(0, 0, rng.IntN(days))
		age := pick("16", "19", "23", "27", "31", "38", "44", "52")
		var years int
		fmt.Sscan(age, &years)
		dob := met.AddDate(-years, -rng.IntN(11), -rng.IntN(27))
		in := nrm.CaseInput{
			Person: nrm.PersonInput{GivenName: fmt.Sprintf("Demo%03d", i+1), FamilyName: "Cohort (fictitious)",
				DateOfBirth: dob.Format(time.DateOnly), Sex: pick("female", "female", "male", "male", "female"),
				Citizenship: []string{pick("MD", "UA", "AL", "RO", "VN", "MD", "UA")}},
			Encounter:         nrm.EncounterInput{Date: met.Format(time.DateOnly), Place: "Demo City", Country: "GB"},
			ExploitationTypes: []string{pick("forced-labour", "forced-labour", "sexual-exploitation", "forced-criminality", "domestic-servitude")},
		}
		v, err := a.svc.CreateCase(officer, in)
		if err != nil {
			return fmt.Errorf("cohort case %d: %w", i+1, err)
		}
		to, accept := orgIDs["competent-authority"], decider
		switch r := rng.IntN(10); {
		case r < 2:
			continue // met, not (yet) referred
		case r < 4:
			to, accept = orgIDs["ngo"], worker
		}
		consent, err := a.svc.RecordConsent(officer, v.ID, nrm.ConsentInput{Purpose: nrm.PurposeReferral, RecipientOrg: to,
			Scope: []string{"identity", "support"}, Language: "en"})
		if err != nil {
			return err
		}
		ref, err := a.svc.Refer(officer, v.ID, nrm.ReferralInput{ToOrg: to, Reason: "Demo referral.", ConsentID: consent.ID})
		if err != nil {
			return err
		}
		if _, err := a.svc.AcceptReferral(accept, ref.ID); err != nil {
			return err
		}
		if to == orgIDs["ngo"] {
			if _, err := a.svc.AddService(worker, v.ID, nrm.ServiceInput{Type: pick("accommodation", "medical", "psychological", "legal"),
				Provider: "Demo Safe House", StartedOn: a.svc.Today().String()}); err != nil {
				return err
			}
			continue
		}
		if rng.IntN(5) == 0 {
			continue // awaiting its reasonable-grounds decision
		}
		outcome := nrm.Positive
		if rng.IntN(6) == 0 {
			outcome = nrm.Negative
		}
		if _, _, err := a.svc.Decide(decider, v.ID, nrm.DecisionInput{Kind: nrm.ReasonableGrounds, Outcome: outcome,
			DecidedOn: a.svc.Today().String(), Reasons: "Demo decision."}); err != nil {
			return err
		}
	}
	for range n / 8 {
		if _, err := a.svc.Notify(officer, nrm.NotificationInput{Sex: pick("female", "male"), AgeBand: pick("18-24", "25-34", "35-44"),
			Nationality: pick("MD", "UA", "AL"), ExploitationType: pick("forced-labour", "sexual-exploitation"), Country: "GB"}); err != nil {
			return err
		}
	}
	return nil
}
