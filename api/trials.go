package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// Trial monitoring (CONTRACT.md, "Trial monitoring"): trials, their
// hearings' monitoring sheets and outcomes, for the monitors of the
// observing organisation; the findings for every signed-in user.

// trialRoutes are the operations of trial monitoring (in routes()).
func (a *API) trialRoutes() []route {
	return []route{
		{"POST /api/v1/trials", a.createTrial},
		{"GET /api/v1/trials", a.listTrials},
		{"GET /api/v1/trials/findings", a.trialFindings},
		{"GET /api/v1/trials/{id}", a.getTrial},
		{"POST /api/v1/trials/{id}/hearings", a.addTrialHearing},
		{"POST /api/v1/trials/{id}/outcome", a.recordTrialOutcome},
	}
}

type trialHearingJSON struct {
	ID        string            `json:"id"`
	TrialID   string            `json:"trial_id"`
	Date      string            `json:"date"`
	Sheet     map[string]string `json:"sheet"`
	Notes     string            `json:"notes,omitempty"`
	CreatedBy string            `json:"created_by"`
	CreatedAt time.Time         `json:"created_at"`
}

type trialOutcomeJSON struct {
	ID                  string     `json:"id"`
	TrialID             string     `json:"trial_id"`
	Date                string     `json:"date"`
	Verdict             string     `json:"verdict"`
	SentenceMonths      int        `json:"sentence_months"`
	Suspended           bool       `json:"suspended"`
	CompensationAwarded *moneyJSON `json:"compensation_awarded,omitempty"`
	CreatedBy           string     `json:"created_by"`
	CreatedAt           time.Time  `json:"created_at"`
}

type trialJSON struct {
	ID         string             `json:"id"`
	OrgID      string             `json:"org_id"`
	Court      string             `json:"court"`
	Country    string             `json:"country"`
	CaseNumber string             `json:"case_number,omitempty"`
	Charges    []string           `json:"charges"`
	OpenedOn   string             `json:"opened_on"`
	Victims    int                `json:"victims"`
	Defendants int                `json:"defendants"`
	Hearings   []trialHearingJSON `json:"hearings"`
	Outcome    *trialOutcomeJSON  `json:"outcome,omitempty"`
	CreatedBy  string             `json:"created_by"`
	CreatedAt  time.Time          `json:"created_at"`
}

type trialFindingsJSON struct {
	Country                  string                    `json:"country,omitempty"`
	From                     string                    `json:"from"`
	To                       string                    `json:"to"`
	Trials                   int                       `json:"trials"`
	Hearings                 int                       `json:"hearings"`
	Items                    map[string]map[string]int `json:"items"`
	Verdicts                 map[string]int            `json:"verdicts"`
	Outcomes                 int                       `json:"outcomes"`
	SuspendedShare           *float64                  `json:"suspended_share"`
	CompensationAwardedShare *float64                  `json:"compensation_awarded_share"`
}

func toTrialHearingJSON(h nrm.TrialHearing) trialHearingJSON {
	return trialHearingJSON{ID: h.ID, TrialID: h.TrialID, Date: h.Date.String(), Sheet: h.Sheet, Notes: h.Notes,
		CreatedBy: h.CreatedBy, CreatedAt: h.CreatedAt}
}

func toTrialOutcomeJSON(o nrm.TrialOutcome) trialOutcomeJSON {
	out := trialOutcomeJSON{ID: o.ID, TrialID: o.TrialID, Date: o.Date.String(), Verdict: o.Verdict, SentenceMonths: o.SentenceMonths,
		Suspended: o.Suspended, CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt}
	if o.CompensationAwarded != nil {
		m := toMoneyJSON(*o.CompensationAwarded)
		out.CompensationAwarded = &m
	}
	return out
}

func toTrialJSON(t nrm.Trial) trialJSON {
	out := trialJSON{ID: t.ID, OrgID: t.OrgID, Court: t.Court, Country: t.Country, CaseNumber: t.CaseNumber, Charges: t.Charges,
		OpenedOn: t.OpenedOn.String(), Victims: t.Victims, Defendants: t.Defendants,
		Hearings: items(t.Hearings, toTrialHearingJSON).Items, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt}
	if out.Charges == nil {
		out.Charges = []string{}
	}
	if t.Outcome != nil {
		o := toTrialOutcomeJSON(*t.Outcome)
		out.Outcome = &o
	}
	return out
}

// toTrialFindingsJSON is the findings as the API answers them.
func toTrialFindingsJSON(f nrm.TrialFindings) trialFindingsJSON {
	return trialFindingsJSON{Country: f.Country, From: f.From.String(), To: f.To.String(), Trials: f.Trials, Hearings: f.Hearings,
		Items: f.Items, Verdicts: f.Verdicts, Outcomes: f.Outcomes, SuspendedShare: f.SuspendedShare,
		CompensationAwardedShare: f.CompensationAwardedShare}
}

func (a *API) createTrial(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.TrialInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	t, err := a.svc.CreateTrial(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/api/v1/trials/"+t.ID)
	return http.StatusCreated, toTrialJSON(t), nil
}

func (a *API) listTrials(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ts, err := a.svc.Trials(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(ts, toTrialJSON), nil
}

func (a *API) getTrial(w http.ResponseWriter, r *http.Request) (int, any, error) {
	t, err := a.svc.Trial(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTrialJSON(t), nil
}

func (a *API) addTrialHearing(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.TrialHearingInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	h, err := a.svc.AddTrialHearing(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toTrialHearingJSON(h), nil
}

func (a *API) recordTrialOutcome(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.TrialOutcomeInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	o, err := a.svc.RecordTrialOutcome(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toTrialOutcomeJSON(o), nil
}

func (a *API) trialFindings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	country, from, to, err := service.ParseTrialPeriod(q.Get("country"), q.Get("from"), q.Get("to"))
	if err != nil {
		return 0, nil, err
	}
	actor, _ := nrm.ActorFrom(r.Context())
	f, err := a.svc.TrialFindings(r.Context(), actor, country, from, to)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTrialFindingsJSON(f), nil
}
