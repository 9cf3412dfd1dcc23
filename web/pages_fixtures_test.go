package web_test

// A realistic case for the tests of the pages people work in all day: the
// state a case is in a few weeks after it was met, with every part of the
// file filled in as a case worker fills it.

import (
	"regexp"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
)

// busyCase is a case in its recovery period with screenings, consent, an
// accepted NRM referral, a decision, support records and notes.
type busyCase struct {
	ID, Reference string
	NGO, CA       nrm.Organisation
	Worker        testapp.User // case worker of the NGO that holds the case
	DM            testapp.User // decision-maker of the competent authority
}

func mustBusyCase(tb testing.TB, a *testapp.App) busyCase {
	tb.Helper()
	bc := busyCase{NGO: a.MustOrg(tb, nrm.KindNGO), CA: a.MustOrg(tb, nrm.KindCompetentAuthority)}
	bc.Worker = a.MustUser(tb, bc.NGO, nrm.RoleCaseWorker)
	bc.DM = a.MustUser(tb, bc.CA, nrm.RoleDecisionMaker)
	w, dm := testapp.As(bc.Worker.Actor), testapp.As(bc.DM.Actor)
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	c, err := a.Svc.CreateCase(w, nrm.CaseInput{
		Person: nrm.PersonInput{GivenName: "Zyxandra", FamilyName: "Quellwood", Aliases: []string{"Zyx"}, DateOfBirth: "1999-04-02",
			Sex: "female", Citizenship: []string{"MD"}, Contact: "+44 7700 900123", SafeToContact: true},
		Encounter:         nrm.EncounterInput{Date: "2026-11-20", Place: "Eastbrook Quay", Country: "GB"},
		ExploitationTypes: []string{"forced-labour", "domestic-servitude"},
	})
	must(err)
	bc.ID, bc.Reference = c.ID, c.Reference
	for _, set := range [][]string{{"AL01", "AL02", "AL37"}, {"AL01", "AL05"}} {
		_, err = a.Svc.Screen(w, c.ID, service.ScreeningInput{IndicatorSet: "adult-labour", Indicators: set, ScreenedOn: "2026-11-24",
			Evidence: map[string]string{set[0]: "promised hotel work, put on a farm"}})
		must(err)
	}
	k, err := a.Svc.RecordConsent(w, c.ID, nrm.ConsentInput{Purpose: "referral", RecipientOrg: bc.CA.ID,
		Scope: []string{"identity", "support"}, GivenOn: "2026-11-24", Language: "ro", Interpreter: true})
	must(err)
	x, err := a.Svc.Refer(w, c.ID, nrm.ReferralInput{ToOrg: bc.CA.ID, Reason: "Indicators of forced labour; she asks for help.", ConsentID: k.ID})
	must(err)
	_, err = a.Svc.AcceptReferral(dm, x.ID)
	must(err)
	_, _, err = a.Svc.Decide(dm, c.ID, nrm.DecisionInput{Kind: nrm.ReasonableGrounds, Outcome: nrm.Positive, DecidedOn: "2026-11-27",
		Reasons: "Credible account, consistent with the indicators."})
	must(err)
	_, err = a.Svc.AddNeeds(w, c.ID, nrm.NeedsInput{AssessedOn: "2026-11-26", Needs: []string{"medical", "accommodation", "legal"}, Notes: "Tooth ache."})
	must(err)
	_, err = a.Svc.AddPlan(w, c.ID, nrm.PlanInput{Type: "Health", Objectives: "Dental care and a safe place.", StartsOn: "2026-11-26", ReviewOn: "2026-12-11"})
	must(err)
	_, err = a.Svc.AddService(w, c.ID, nrm.ServiceInput{Type: "medical", Provider: "Harbour Street Clinic", StartedOn: "2026-11-26"})
	must(err)
	_, err = a.Svc.AddResidence(w, c.ID, nrm.ResidenceInput{Basis: "recovery-reflection", AppliedOn: "2026-11-26", GrantedOn: "2026-11-26", ExpiresOn: "2026-12-26"})
	must(err)
	for _, text := range []string{"First meeting at the drop-in centre.", "She prefers to speak Romanian.", "Asked about her documents."} {
		_, err = a.Svc.AddNote(w, c.ID, nrm.NoteInput{Compartment: "support", Text: text})
		must(err)
	}
	return bc
}

var reCSRFValue = regexp.MustCompile(`name="csrf" value="[^"]*"`)

// withoutCSRF is a page without its CSRF token, which is masked afresh in
// every response: two answers compare equal when all else is.
func withoutCSRF(body string) string {
	return reCSRFValue.ReplaceAllString(body, `name="csrf" value=""`)
}
