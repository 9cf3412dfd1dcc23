package api

// Single sign-on administration: an admin maps a provider's claim values to
// their organisation and a role, and confirms (or refuses) first sign-ins.

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
)

func (a *API) ssoRoutes() []route {
	return []route{
		{"GET /api/v1/sso/mappings", a.listSSOMappings},
		{"POST /api/v1/sso/mappings", a.addSSOMapping},
		{"DELETE /api/v1/sso/mappings/{id}", a.removeSSOMapping},
		{"GET /api/v1/sso/requests", a.listSSORequests},
		{"POST /api/v1/sso/requests/{id}/confirm", a.decideSSORequest(true)},
		{"POST /api/v1/sso/requests/{id}/refuse", a.decideSSORequest(false)},
	}
}

type ssoMappingInput struct {
	Claim string `json:"claim"`
	Value string `json:"value"`
	Role  string `json:"role"`
}

type ssoMappingJSON struct {
	ID        string    `json:"id"`
	Issuer    string    `json:"issuer"`
	Claim     string    `json:"claim"`
	Value     string    `json:"value"`
	OrgID     string    `json:"org_id"`
	Role      nrm.Role  `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

type ssoRequestJSON struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	OrgID     string     `json:"org_id"`
	Role      nrm.Role   `json:"role"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	UserID    string     `json:"user_id,omitempty"`
}

type ssoRemovedJSON struct {
	Status string `json:"status"`
}

func toSSOMappingJSON(m nrm.SSOMapping) ssoMappingJSON {
	return ssoMappingJSON{ID: m.ID, Issuer: m.Issuer, Claim: m.Claim, Value: m.Value, OrgID: m.OrgID, Role: m.Role, CreatedAt: m.CreatedAt}
}

func toSSORequestJSON(r nrm.SSORequest) ssoRequestJSON {
	out := ssoRequestJSON{ID: r.ID, Email: r.Email, Name: r.Name, OrgID: r.OrgID, Role: r.Role, Status: r.Status,
		CreatedAt: r.CreatedAt, UserID: r.UserID}
	if !r.DecidedAt.IsZero() {
		out.DecidedAt = &r.DecidedAt
	}
	return out
}

func (a *API) listSSOMappings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ms, err := a.svc.SSOMappings(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := itemsJSON[ssoMappingJSON]{Items: make([]ssoMappingJSON, 0, len(ms))}
	for _, m := range ms {
		out.Items = append(out.Items, toSSOMappingJSON(m))
	}
	return http.StatusOK, out, nil
}

func (a *API) addSSOMapping(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in ssoMappingInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	m, err := a.svc.AddSSOMapping(r.Context(), "", "", nrm.SSOMappingInput{Claim: in.Claim, Value: in.Value, Role: in.Role})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toSSOMappingJSON(m), nil
}

func (a *API) removeSSOMapping(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := a.svc.RemoveSSOMapping(r.Context(), r.PathValue("id")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ssoRemovedJSON{Status: "removed"}, nil
}

func (a *API) listSSORequests(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rs, err := a.svc.SSORequests(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := itemsJSON[ssoRequestJSON]{Items: make([]ssoRequestJSON, 0, len(rs))}
	for _, x := range rs {
		out.Items = append(out.Items, toSSORequestJSON(x))
	}
	return http.StatusOK, out, nil
}

func (a *API) decideSSORequest(confirm bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in struct{}
		if err := decodeOptional(r, &in); err != nil {
			return 0, nil, err
		}
		x, err := a.svc.DecideSSORequest(r.Context(), r.PathValue("id"), confirm)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, toSSORequestJSON(x), nil
	}
}
