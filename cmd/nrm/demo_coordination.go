package main

import (
	"context"

	"github.com/nrmproject/nrm"
)

// seedDemoCoordination adds a year of fictitious co-ordination: a
// focal-point meeting, trainings, a roundtable, a side event and an
// exchange of experts, with follow-ups (some overdue, one done), and the
// activities of the national co-ordinator, so that the progress report
// of the last year has something in every section.
func seedDemoCoordination(coordinator, analyst context.Context, a *app, orgIDs map[string]string) error {
	today := a.svc.Today()
	day := func(n int) string { return today.AddDays(n).String() }
	n := func(v int) *int { return &v }
	coord, ngo, police, cp := orgIDs["coordinator"], orgIDs["ngo"], orgIDs["police"], orgIDs["child-protection"]
	events := []nrm.CoordEventInput{
		{Kind: "focal-point-meeting", Title: "Meeting of national focal points (fictitious)", Date: day(-300), EndDate: day(-299),
			Place: "Demo Conference Centre", Country: "GB", Organisers: []string{coord, "Demo Regional Office (fictitious)"},
			Participants: []nrm.EventParticipantInput{{Organisation: ngo, Country: "GB", Count: n(3)}, {Organisation: police, Country: "GB", Count: n(2)},
				{Organisation: "Demo Ministry of Interior (fictitious)", Country: "FR", Count: n(4)}},
			Agenda:   "National referral mechanisms compared; the yearly progress report.",
			Outcomes: "Agreed a common list of indicators for labour exploitation.", Themes: []string{"coordination", "referral"},
			FollowUps: []nrm.EventFollowUpInput{{Text: "Circulate the agreed indicator list", Owner: coord, Due: day(-270)},
				{Text: "Name a focal point for labour exploitation", Owner: police, Due: day(-200)}}},
		{Kind: "training", Title: "Training on identification for labour inspectors (fictitious)", Date: day(-210),
			Place: "Demo Training Hall", Country: "GB", Organisers: []string{coord},
			Participants: []nrm.EventParticipantInput{{Organisation: "Demo Labour Inspectorate (fictitious)", Country: "GB", Count: n(24)}},
			Agenda:       "Indicators; first contact; referral.", Outcomes: "24 inspectors trained; a pocket card drafted.",
			Themes:    []string{"identification", "labour-exploitation", "training"},
			FollowUps: []nrm.EventFollowUpInput{{Text: "Print and send the pocket card", Owner: ngo, Due: day(-150)}}},
		{Kind: "roundtable", Title: "Roundtable on self-identification in Roma communities (fictitious)", Date: day(-120),
			Place: "Demo Community Centre", Country: "GB", Organisers: []string{ngo, coord},
			Participants: []nrm.EventParticipantInput{{Organisation: "Demo Roma Mediators Network (fictitious)", Country: "GB", Count: n(11)},
				{Organisation: cp, Country: "GB", Count: n(2)}},
			Outcomes: "Mediators to hand out the help page's address.", Themes: []string{"roma-and-minorities", "self-identification"},
			FollowUps: []nrm.EventFollowUpInput{{Text: "Translate the leaflet into Romani", Owner: ngo, Due: day(20)}}},
		{Kind: "training", Title: "Training on child trafficking for social workers (fictitious)", Date: day(-60),
			Place: "Demo Town Hall", Country: "GB", Organisers: []string{cp},
			Participants: []nrm.EventParticipantInput{{Organisation: cp, Country: "GB", Count: n(15)}},
			Outcomes:     "A referral checklist for children.", Themes: []string{"child-trafficking", "training"},
			FollowUps: []nrm.EventFollowUpInput{{Text: "Report on the checklist's first use", Owner: cp, Due: day(-5)}}},
		{Kind: "side-event", Title: "Side event on compensation at the regional conference (fictitious)", Date: day(-30),
			Place: "Demo Palace of Congresses", Country: "AT", Organisers: []string{coord},
			Participants: []nrm.EventParticipantInput{{Organisation: "Demo delegations (fictitious)", Count: n(40)}},
			Outcomes:     "Three countries asked for the state fund's model.", Themes: []string{"compensation", "access-to-justice"},
			FollowUps: []nrm.EventFollowUpInput{{Text: "Send the model to the three delegations", Owner: coord, Due: day(10)}}},
		{Kind: "expert-exchange", Title: "Exchange of experts between countries of origin and destination (fictitious)", Date: day(-10),
			EndDate: day(-8), Place: "Demo Border Town", Country: "GB", Organisers: []string{coord, police},
			Participants: []nrm.EventParticipantInput{{Organisation: "Demo Police of a country of origin (fictitious)", Country: "RO", Count: n(5)}},
			Outcomes:     "A contact list for transnational referrals.", Themes: []string{"transnational-referral", "safe-return"}},
	}
	var first string
	for i, in := range events {
		e, err := a.svc.CreateEvent(coordinator, in)
		if err != nil {
			return err
		}
		if i == 0 {
			first = e.ID
		}
	}
	// The indicator list went out; naming the focal point is overdue.
	if _, err := a.svc.MarkFollowUpDone(coordinator, first, "0"); err != nil {
		return err
	}
	activities := []nrm.ActivityInput{
		{Date: day(-280), Country: "GB", Theme: "legislation", Kind: "legislative-review", Partners: "Demo Ministry of Justice (fictitious)",
			Summary: "Review of the draft law on compensation of victims.", Results: "Eleven comments, eight taken up."},
		{Date: day(-200), Country: "GB", Theme: "data-and-monitoring", Kind: "research", Partners: "Demo University (fictitious)",
			Summary: "Study of why labour exploitation is rarely identified.", Results: "A report with six recommendations."},
		{Date: day(-90), Country: "RO", Theme: "transnational-referral", Kind: "technical-assistance", Partners: "Demo NGO of a country of origin (fictitious)",
			Summary: "Help setting up a referral desk.", Results: "The desk opened; four referrals so far."},
		{Date: day(-45), Country: "GB", Theme: "prevention", Kind: "awareness", Partners: "Demo Safe House NGO (fictitious)",
			Summary: "Leaflets on rights at work in five languages.", Results: "3,000 leaflets handed out."},
		{Date: day(-15), Country: "GB", Theme: "identification", Kind: "monitoring", Partners: "Demo Trial Monitors (fictitious)",
			Summary: "Visit of reception centres.", Results: "Two centres lacked interpreters."},
	}
	for i, in := range activities {
		ctx := coordinator
		if i%2 == 1 {
			ctx = analyst
		}
		if _, err := a.svc.CreateActivity(ctx, in); err != nil {
			return err
		}
	}
	return nil
}
