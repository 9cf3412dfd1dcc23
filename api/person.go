package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
)

// Corrections of the person of a case, their history, and a child's guardian.

type warningJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type guardianJSON struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	AppointedOn  string `json:"appointed_on,omitempty"`
	Contact      string `json:"contact,omitempty"`
}

func toGuardianJSON(g nrm.Guardian) guardianJSON {
	return guardianJSON{Name: g.Name, Organisation: g.Organisation, AppointedOn: g.AppointedOn.String(), Contact: g.Contact}
}

// personExtras fills in what a case read carries of this file.
func personExtras(out *caseJSON, v nrm.CaseView) {
	for _, w := range v.Warnings {
		out.Warnings = append(out.Warnings, warningJSON{Code: w.Code, Message: w.Message})
	}
	if v.Guardian != nil {
		g := toGuardianJSON(*v.Guardian)
		out.Guardian = &g
	}
}

type correctionJSON struct {
	ID           string          `json:"id"`
	CaseID       string          `json:"case_id"`
	Fields       []string        `json:"fields"`
	Old          nrm.PersonPatch `json:"old"`
	CorrectedBy  string          `json:"corrected_by"`
	CorrectedOrg string          `json:"corrected_org"`
	CorrectedAt  time.Time       `json:"corrected_at"`
}

// correctPerson: PATCH /api/v1/cases/{id}/person. Unlike other bodies, an
// unknown field or an empty body is a 422: the body is the correction.
func (a *API) correctPerson(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.PersonPatch
	if err := decode(r, &in); err != nil {
		var m *malformedError
		if errors.As(err, &m) && m.err.Field != "body" {
			e := *m.err
			e.Field = "person." + e.Field
			return 0, nil, &e
		}
		if errors.As(err, &m) && m.err.Message == "a JSON object is required" {
			return 0, nil, nrm.Invalid("person", "nothing to correct: give at least one of the person's fields")
		}
		return 0, nil, err
	}
	v, err := a.svc.CorrectPerson(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCaseJSON(v), nil
}

// personHistory: GET /api/v1/cases/{id}/person/history.
func (a *API) personHistory(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.svc.PersonHistory(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(list, func(c nrm.PersonCorrection) correctionJSON {
		return correctionJSON{ID: c.ID, CaseID: c.CaseID, Fields: c.Fields, Old: c.Old, CorrectedBy: c.By,
			CorrectedOrg: c.OrgID, CorrectedAt: c.At}
	}), nil
}

// setGuardian: PUT /api/v1/cases/{id}/guardian.
func (a *API) setGuardian(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.GuardianInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	g, err := a.svc.SetGuardian(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toGuardianJSON(g), nil
}
