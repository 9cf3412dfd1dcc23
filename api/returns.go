package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// Safe return (CONTRACT.md): the return risk assessment, its sign-off by a
// second person, the gated voluntary return and its follow-ups. Support
// compartment: the service decides.

// returnRoutes are the operations of the safe-return track (in routes()).
func (a *API) returnRoutes() []route {
	return []route{
		{"POST /api/v1/cases/{id}/return-assessments", a.addAssessment},
		{"POST /api/v1/return-assessments/{id}/approve", a.approveAssessment},
		{"POST /api/v1/return-assessments/{id}/reject", a.rejectAssessment},
		{"POST /api/v1/cases/{id}/returns", a.recordReturn},
		{"POST /api/v1/returns/{id}/follow-ups", a.addFollowUp},
		{"GET /api/v1/cases/{id}/return", a.returnTrack},
	}
}

type bestInterestsJSON struct {
	DoneOn   string `json:"done_on"`
	Guardian string `json:"guardian,omitempty"`
	Outcome  string `json:"outcome"`
}

type assessmentJSON struct {
	ID                 string             `json:"id"`
	CaseID             string             `json:"case_id"`
	DestinationCountry string             `json:"destination_country"`
	Answers            map[string]string  `json:"answers,omitempty"`
	Summary            string             `json:"summary,omitempty"`
	BestInterests      *bestInterestsJSON `json:"best_interests_determination,omitempty"`
	Risk               string             `json:"risk"`
	Barred             bool               `json:"barred"`
	BarredBecause      []string           `json:"barred_because,omitempty"`
	Status             string             `json:"status"`
	AssessedOn         string             `json:"assessed_on"`
	Author             string             `json:"author"`
	AuthorOrg          string             `json:"author_org"`
	ReviewedBy         string             `json:"reviewed_by,omitempty"`
	ReviewReasons      string             `json:"review_reasons,omitempty"`
	ReviewedOn         string             `json:"reviewed_on,omitempty"`
	CreatedAt          time.Time          `json:"created_at"`
	Version            int64              `json:"version"`
}

func toAssessmentJSON(a nrm.Assessment) assessmentJSON {
	out := assessmentJSON{ID: a.ID, CaseID: a.CaseID, DestinationCountry: a.DestinationCountry, Answers: a.Answers, Summary: a.Summary,
		Risk: a.Risk, Barred: a.Barred, Status: a.Status, AssessedOn: a.AssessedOn.String(), Author: a.AuthorID, AuthorOrg: a.AuthorOrg,
		ReviewedBy: a.ReviewedBy, ReviewReasons: a.ReviewReasons, ReviewedOn: a.ReviewedOn.String(), CreatedAt: a.CreatedAt, Version: a.Version}
	if a.Barred && a.Answers != nil {
		out.BarredBecause = a.Why()
	}
	if b := a.BestInterests; b != nil {
		out.BestInterests = &bestInterestsJSON{DoneOn: b.DoneOn.String(), Guardian: b.Guardian, Outcome: b.Outcome}
	}
	return out
}

type followUpJSON struct {
	ID         string    `json:"id"`
	ReturnID   string    `json:"return_id"`
	CaseID     string    `json:"case_id"`
	Date       string    `json:"date"`
	Reached    bool      `json:"reached"`
	Situation  string    `json:"situation"`
	Notes      string    `json:"notes,omitempty"`
	NewCase    string    `json:"new_case,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedOrg string    `json:"created_org"`
	CreatedAt  time.Time `json:"created_at"`
}

func toFollowUpJSON(f nrm.FollowUp) followUpJSON {
	return followUpJSON{ID: f.ID, ReturnID: f.ReturnID, CaseID: f.CaseID, Date: f.Date.String(), Reached: f.Reached,
		Situation: f.Situation, Notes: f.Notes, NewCase: f.NewCase, CreatedBy: f.CreatedBy, CreatedOrg: f.CreatedOrg, CreatedAt: f.CreatedAt}
}

type returnJSON struct {
	ID                 string         `json:"id"`
	CaseID             string         `json:"case_id"`
	AssessmentID       string         `json:"assessment_id"`
	Date               string         `json:"date"`
	Voluntary          bool           `json:"voluntary"`
	DestinationCountry string         `json:"destination_country"`
	ReceivingOrg       string         `json:"receiving_org,omitempty"`
	PartnerID          string         `json:"partner_id,omitempty"`
	FollowUps          []followUpJSON `json:"follow_ups"`
	CreatedBy          string         `json:"created_by"`
	CreatedOrg         string         `json:"created_org"`
	CreatedAt          time.Time      `json:"created_at"`
}

func toReturnJSON(r nrm.Return) returnJSON {
	return returnJSON{ID: r.ID, CaseID: r.CaseID, AssessmentID: r.AssessmentID, Date: r.Date.String(), Voluntary: true,
		DestinationCountry: r.DestinationCountry, ReceivingOrg: r.ReceivingOrg, PartnerID: r.PartnerID,
		FollowUps: items(r.FollowUps, toFollowUpJSON).Items, CreatedBy: r.CreatedBy, CreatedOrg: r.CreatedOrg, CreatedAt: r.CreatedAt}
}

type returnTrackJSON struct {
	Assessments            []assessmentJSON `json:"assessments"`
	Returns                []returnJSON     `json:"returns"`
	AssessmentValidityDays int              `json:"assessment_validity_days"`
}

func (a *API) addAssessment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.AssessmentInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.AddAssessment(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toAssessmentJSON(x), nil
}

func (a *API) reviewAssessment(r *http.Request, approve bool) (int, any, error) {
	var in nrm.ReviewInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.ReviewAssessment(r.Context(), r.PathValue("id"), approve, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toAssessmentJSON(x), nil
}

func (a *API) approveAssessment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.reviewAssessment(r, true)
}

func (a *API) rejectAssessment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.reviewAssessment(r, false)
}

func (a *API) recordReturn(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ReturnInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.RecordReturn(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toReturnJSON(x), nil
}

func (a *API) addFollowUp(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.FollowUpInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	f, err := a.svc.AddFollowUp(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toFollowUpJSON(f), nil
}

func (a *API) returnTrack(w http.ResponseWriter, r *http.Request) (int, any, error) {
	t, err := a.svc.Returns(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toReturnTrackJSON(t), nil
}

func toReturnTrackJSON(t service.ReturnTrack) returnTrackJSON {
	return returnTrackJSON{Assessments: items(t.Assessments, toAssessmentJSON).Items, Returns: items(t.Returns, toReturnJSON).Items,
		AssessmentValidityDays: t.ValidDays}
}
