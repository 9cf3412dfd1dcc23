package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// The protection track: needs, support plans, services given, residence.
// The service decides who may write and read it (the support compartment).

type needsJSON struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	AssessedOn string    `json:"assessed_on"`
	Needs      []string  `json:"needs"`
	Notes      string    `json:"notes,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedOrg string    `json:"created_org"`
	CreatedAt  time.Time `json:"created_at"`
}

func toNeedsJSON(n nrm.Needs) needsJSON {
	needs := n.Needs
	if needs == nil {
		needs = []string{}
	}
	return needsJSON{ID: n.ID, CaseID: n.CaseID, AssessedOn: n.AssessedOn.String(), Needs: needs, Notes: n.Notes,
		CreatedBy: n.CreatedBy, CreatedOrg: n.CreatedOrg, CreatedAt: n.CreatedAt}
}

type planJSON struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Type       string    `json:"type"`
	Objectives string    `json:"objectives,omitempty"`
	ActionPlan string    `json:"action_plan,omitempty"`
	StartsOn   string    `json:"starts_on"`
	PlannedEnd string    `json:"planned_end,omitempty"`
	ReviewOn   string    `json:"review_on,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedOrg string    `json:"created_org"`
	CreatedAt  time.Time `json:"created_at"`
}

func toPlanJSON(p nrm.Plan) planJSON {
	return planJSON{ID: p.ID, CaseID: p.CaseID, Type: p.Type, Objectives: p.Objectives, ActionPlan: p.ActionPlan,
		StartsOn: p.StartsOn.String(), PlannedEnd: p.PlannedEnd.String(), ReviewOn: p.ReviewOn.String(),
		CreatedBy: p.CreatedBy, CreatedOrg: p.CreatedOrg, CreatedAt: p.CreatedAt}
}

type serviceJSON struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Type       string    `json:"type"`
	Provider   string    `json:"provider,omitempty"`
	StartedOn  string    `json:"started_on"`
	EndedOn    string    `json:"ended_on,omitempty"`
	Notes      string    `json:"notes,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedOrg string    `json:"created_org"`
	CreatedAt  time.Time `json:"created_at"`
}

func toServiceJSON(v nrm.Service) serviceJSON {
	return serviceJSON{ID: v.ID, CaseID: v.CaseID, Type: v.Type, Provider: v.Provider, StartedOn: v.StartedOn.String(),
		EndedOn: v.EndedOn.String(), Notes: v.Notes, CreatedBy: v.CreatedBy, CreatedOrg: v.CreatedOrg, CreatedAt: v.CreatedAt}
}

type residenceJSON struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Basis      string    `json:"basis"`
	Status     string    `json:"status"` // applied, granted, expired
	AppliedOn  string    `json:"applied_on"`
	GrantedOn  string    `json:"granted_on,omitempty"`
	ExpiresOn  string    `json:"expires_on,omitempty"`
	RenewedOn  string    `json:"renewed_on,omitempty"`
	Version    int64     `json:"version"`
	CreatedBy  string    `json:"created_by"`
	CreatedOrg string    `json:"created_org"`
	CreatedAt  time.Time `json:"created_at"`
}

func toResidenceJSON(today nrm.Date) func(nrm.Residence) residenceJSON {
	return func(r nrm.Residence) residenceJSON {
		return residenceJSON{ID: r.ID, CaseID: r.CaseID, Basis: r.Basis, Status: r.StatusOn(today), AppliedOn: r.AppliedOn.String(),
			GrantedOn: r.GrantedOn.String(), ExpiresOn: r.ExpiresOn.String(), RenewedOn: r.RenewedOn.String(), Version: r.Version,
			CreatedBy: r.CreatedBy, CreatedOrg: r.CreatedOrg, CreatedAt: r.CreatedAt}
	}
}

// protectionJSON is the whole protection track of a case.
type protectionJSON struct {
	Needs     []needsJSON     `json:"needs"`
	Plans     []planJSON      `json:"plans"`
	Services  []serviceJSON   `json:"services"`
	Residence []residenceJSON `json:"residence"`
}

func (a *API) addNeeds(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.NeedsInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	n, err := a.svc.AddNeeds(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toNeedsJSON(n), nil
}

func (a *API) addPlan(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.PlanInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p, err := a.svc.AddPlan(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toPlanJSON(p), nil
}

func (a *API) addService(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ServiceInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	v, err := a.svc.AddService(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toServiceJSON(v), nil
}

func (a *API) addResidence(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ResidenceInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p, err := a.svc.AddResidence(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toResidenceJSON(a.svc.Today())(p), nil
}

func (a *API) renewResidence(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.RenewalInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p, err := a.svc.RenewResidence(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toResidenceJSON(a.svc.Today())(p), nil
}

func (a *API) protection(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := a.svc.Protection(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toProtectionJSON(p, a.svc.Today()), nil
}

func toProtectionJSON(p service.Protection, today nrm.Date) protectionJSON {
	return protectionJSON{
		Needs:     items(p.Needs, toNeedsJSON).Items,
		Plans:     items(p.Plans, toPlanJSON).Items,
		Services:  items(p.Services, toServiceJSON).Items,
		Residence: items(p.Residence, toResidenceJSON(today)).Items,
	}
}
