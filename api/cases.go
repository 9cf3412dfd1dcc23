package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// caseJSON is a case as the contract shows it.
type caseJSON struct {
	ID                string         `json:"id"`
	Reference         string         `json:"reference"`
	State             nrm.State      `json:"state"`
	Child             bool           `json:"child"`
	Organisation      string         `json:"organisation"`
	Erased            bool           `json:"erased,omitempty"`
	Person            *personJSON    `json:"person,omitempty"`
	Encounter         encounterJSON  `json:"encounter"`
	ExploitationTypes []string       `json:"exploitation_types"`
	Relation          nrm.Relation   `json:"relation"`
	Flags             []flagJSON     `json:"flags,omitempty"`
	Deadlines         []deadlineJSON `json:"deadlines"`
	Profile           string         `json:"profile"`
	Episode           int            `json:"episode"`
	PreviousCase      string         `json:"previous_case,omitempty"`
	Episodes          []episodeJSON  `json:"episodes,omitempty"`
	ClosedReason      string         `json:"closed_reason,omitempty"`
	Status            statusJSON     `json:"status"`
	ClosedOn          string         `json:"closed_on,omitempty"`
	Warnings          []warningJSON  `json:"warnings,omitempty"`
	Guardian          *guardianJSON  `json:"guardian,omitempty"`
	NonPunishment     string         `json:"non_punishment,omitempty"`
	Readable          []string       `json:"readable"`
	CreatedAt         time.Time      `json:"created_at"`
	UpdatedAt         time.Time      `json:"updated_at"`
	Version           int64          `json:"version"`
}

// statusJSON shows the case file's separate statuses: the episode open or
// closed, and where the identification track stands and what it came to.
type statusJSON struct {
	Episode        string    `json:"episode"`
	Identification nrm.State `json:"identification"`
	Outcome        string    `json:"identification_outcome,omitempty"`
}

type episodeJSON struct {
	CaseID    string    `json:"case_id"`
	Reference string    `json:"reference"`
	Episode   int       `json:"episode"`
	State     nrm.State `json:"state"`
}

type personJSON struct {
	Erased        bool     `json:"erased,omitempty"`
	GivenName     string   `json:"given_name,omitempty"`
	FamilyName    string   `json:"family_name,omitempty"`
	Aliases       []string `json:"aliases,omitempty"`
	DateOfBirth   string   `json:"date_of_birth,omitempty"`
	AgeUncertain  bool     `json:"age_uncertain"`
	Sex           string   `json:"sex,omitempty"`
	Citizenship   []string `json:"citizenship,omitempty"`
	Contact       string   `json:"contact,omitempty"`
	SafeToContact bool     `json:"safe_to_contact"`
}

type encounterJSON struct {
	Date    string `json:"date"`
	Place   string `json:"place,omitempty"`
	Country string `json:"country,omitempty"`
}

func toCaseJSON(v nrm.CaseView) caseJSON {
	out := caseJSON{
		ID: v.ID, Reference: v.Reference, State: v.State, Child: v.Child, Organisation: v.OrgID,
		Encounter:         encounterJSON{Date: v.Encounter.Date.String(), Place: v.Encounter.Place, Country: v.Encounter.Country},
		ExploitationTypes: v.ExploitationTypes, Relation: v.Access.Relation, Readable: []string{},
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Version: v.Version,
	}
	for _, f := range v.Flags {
		out.Flags = append(out.Flags, toFlagJSON(f))
	}
	out.Deadlines = []deadlineJSON{}
	for _, d := range v.Deadlines {
		out.Deadlines = append(out.Deadlines, deadlineJSON{Kind: d.Kind, Due: d.Due.String()})
	}
	out.Profile, out.Episode, out.PreviousCase = v.Profile, v.Episode, v.PreviousCase
	out.ClosedReason, out.ClosedOn = v.ClosedReason, v.ClosedOn.String()
	out.Status = statusJSON{Episode: v.EpisodeStatus(), Identification: v.Identification(), Outcome: v.Outcome}
	for _, e := range v.Episodes {
		out.Episodes = append(out.Episodes, episodeJSON{CaseID: e.CaseID, Reference: e.Reference, Episode: e.Episode, State: e.State})
	}
	for _, c := range v.Readable.Compartments() {
		out.Readable = append(out.Readable, string(c))
	}
	switch {
	case v.Person.Erased:
		out.Erased = true
		out.Person = &personJSON{Erased: true}
	case v.Readable.Has(nrm.Identity):
		p := v.Person
		out.Person = &personJSON{GivenName: p.GivenName, FamilyName: p.FamilyName, Aliases: p.Aliases,
			DateOfBirth: p.DateOfBirth.String(), AgeUncertain: p.AgeUncertain, Sex: p.Sex,
			Citizenship: p.Citizenship, Contact: p.Contact, SafeToContact: p.SafeToContact}
	}
	personExtras(&out, v)
	out.NonPunishment = v.NonPunishment
	return out
}

func (a *API) createCase(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.CaseInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	v, err := a.svc.CreateCase(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/api/v1/cases/"+v.ID)
	return http.StatusCreated, toCaseJSON(v), nil
}

func (a *API) getCase(w http.ResponseWriter, r *http.Request) (int, any, error) {
	v, err := a.svc.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCaseJSON(v), nil
}

type listJSON struct {
	Items []caseJSON `json:"items"`
	Next  string     `json:"next,omitempty"`
}

func (a *API) listCases(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := service.CaseQuery{State: nrm.State(q.Get("state")), After: q.Get("after"), Name: q.Get("name"), Limit: 100}
	views, err := a.svc.Cases(r.Context(), f)
	if err != nil {
		return 0, nil, err
	}
	out := listJSON{Items: make([]caseJSON, 0, len(views))}
	for _, v := range views {
		out.Items = append(out.Items, toCaseJSON(v))
	}
	if len(views) == f.Limit {
		out.Next = views[len(views)-1].ID
	}
	return http.StatusOK, out, nil
}

type importJSON struct {
	Cases []nrm.CaseInput `json:"cases"`
}

// importCases creates up to service.MaxImport cases in one transaction.
func (a *API) importCases(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in importJSON
	if err := decodeLimit(r, &in, maxImportBody); err != nil {
		return 0, nil, err
	}
	views, err := a.svc.CreateCases(r.Context(), in.Cases)
	if err != nil {
		return 0, nil, err
	}
	out := listJSON{Items: make([]caseJSON, 0, len(views))}
	for _, v := range views {
		out.Items = append(out.Items, toCaseJSON(v))
	}
	return http.StatusCreated, out, nil
}
