package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
)

// identity answers GET /api/v1/exchange/identity: public, no credentials,
// so that a partner's admin can fetch it (and compare the fingerprint over
// the phone before trusting it).
func (a *API) identity(w http.ResponseWriter, r *http.Request) {
	id, err := a.svc.Identity()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, id)
}

type partnerJSON struct {
	ID          string     `json:"id"`
	Instance    string     `json:"instance"`
	Country     string     `json:"country"`
	URL         string     `json:"url"`
	Fingerprint string     `json:"fingerprint"`
	AddedAt     time.Time  `json:"added_at"`
	RemovedAt   *time.Time `json:"removed_at,omitempty"`
}

func toPartnerJSON(p nrm.Partner) partnerJSON {
	out := partnerJSON{ID: p.ID, Instance: p.Instance, Country: p.Country, URL: p.URL, Fingerprint: p.Fingerprint, AddedAt: p.AddedAt}
	if !p.Active() {
		out.RemovedAt = &p.RemovedAt
	}
	return out
}

type partnerInput struct {
	Identity json.RawMessage `json:"identity"`
}

type partnerAddedJSON struct {
	ID          string `json:"id"`
	Fingerprint string `json:"fingerprint"`
}

type partnerRemovedJSON struct {
	Status string `json:"status"`
}

func (a *API) addPartner(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in partnerInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if len(in.Identity) == 0 {
		return 0, nil, nrm.Invalid("identity", "the partner's identity JSON is required")
	}
	p, err := a.svc.AddPartner(r.Context(), in.Identity)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, partnerAddedJSON{ID: p.ID, Fingerprint: p.Fingerprint}, nil
}

func (a *API) listPartners(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ps, err := a.svc.Partners(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := itemsJSON[partnerJSON]{Items: make([]partnerJSON, 0, len(ps))}
	for _, p := range ps {
		out.Items = append(out.Items, toPartnerJSON(p))
	}
	return http.StatusOK, out, nil
}

func (a *API) removePartner(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := a.svc.RemovePartner(r.Context(), r.PathValue("id")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, partnerRemovedJSON{Status: "removed"}, nil
}
