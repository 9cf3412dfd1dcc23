package main

import (
	"context"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// seedDemoClearinghouse fills the clearinghouse with fictitious entries:
// two focal points, a public help line (which the help page shows), three
// materials (one an uploaded text file, found by a word of its text) and a
// good practice linked to one of them.
func seedDemoClearinghouse(coordinator context.Context, a *app) error {
	for _, d := range []nrm.DirectoryInput{
		{Name: "Demo Focal Point (fictitious)", Organisation: "Demo National Coordinator (fictitious)", Country: "GB",
			Role: "national focal point", Languages: []string{"en", "ro"}, Areas: []string{"coordination", "referral"},
			Email: "focal@demo.invalid", Phone: "+44 20 0000 0000"},
		{Name: "Demo Labour Inspector (fictitious)", Organisation: "Demo Labour Inspectorate (fictitious)", Country: "GB",
			Role: "labour exploitation lead", Languages: []string{"en"}, Areas: []string{"labour-exploitation", "identification"},
			Email: "inspector@demo.invalid"},
		{Organisation: "Demo Anti-Trafficking Helpline (fictitious)", Country: "GB", Languages: []string{"en", "ro", "uk", "sq"},
			Areas: []string{"self-identification", "victim-support"}, Phone: "0800 000 0000", Public: true,
			Hours: "every day, 24 hours"},
	} {
		if _, err := a.svc.AddDirectoryEntry(coordinator, d); err != nil {
			return err
		}
	}
	year := a.svc.Today().Time().Year()
	handbook, err := a.svc.AddLibraryItem(coordinator, nrm.LibraryInput{Title: "Demo NRM handbook (fictitious)", Kind: "handbook",
		Languages: []string{"en", "fr"}, Countries: []string{"GB"}, Themes: []string{"referral", "identification"}, Year: &year,
		URL: "https://example.org/demo-nrm-handbook", Summary: "How the demo country refers possible victims, step by step."}, nil)
	if err != nil {
		return err
	}
	text := "Demo training curriculum (fictitious).\n\nModule 1: indicators of forced labour in agriculture and car washes.\n" +
		"Module 2: interviewing with an interpreter.\nModule 3: referral with informed consent.\n"
	if _, err := a.svc.AddLibraryItem(coordinator, nrm.LibraryInput{Title: "Demo curriculum for first responders (fictitious)",
		Kind: "training", Languages: []string{"en"}, Themes: []string{"training", "labour-exploitation"},
		Summary: "Three modules for police and labour inspectors."},
		&service.Upload{Name: "curriculum.txt", Data: []byte(text)}); err != nil {
		return err
	}
	if _, err := a.svc.AddLibraryItem(coordinator, nrm.LibraryInput{Title: "Demo law on trafficking (fictitious)", Kind: "legislation",
		Languages: []string{"en"}, Countries: []string{"GB"}, Themes: []string{"legislation", "non-punishment"},
		URL: "https://example.org/demo-law"}, nil); err != nil {
		return err
	}
	_, err = a.svc.AddPractice(coordinator, nrm.PracticeInput{Title: "Joint visits of labour inspectors and an NGO (fictitious)",
		Country: "GB", Theme: "labour-exploitation", Source: "Demo NRM handbook (fictitious)",
		Evidence:     "More possible victims identified at farms in a year (demo figures).",
		Summary:      "Inspectors and NGO outreach workers visit workplaces together, so that workers can speak to someone who is not the state.",
		LibraryItems: []string{handbook.ID}})
	return err
}
