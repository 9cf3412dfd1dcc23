package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
)

// reconsiderationJSON is a reconsideration request as the API shows it.
type reconsiderationJSON struct {
	ID         string     `json:"id"`
	CaseID     string     `json:"case_id"`
	Subject    string     `json:"subject"`
	SubjectID  string     `json:"subject_id"`
	Requester  string     `json:"requester"`
	Reason     string     `json:"reason,omitempty"`
	Status     string     `json:"status"`
	Answer     string     `json:"answer,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

func toReconsiderationJSON(x nrm.ReconsiderationRequest) reconsiderationJSON {
	out := reconsiderationJSON{ID: x.ID, CaseID: x.CaseID, Subject: x.Subject, SubjectID: x.SubjectID, Requester: x.Requester,
		Reason: x.Reason, Status: x.Status, Answer: x.Answer, CreatedAt: x.CreatedAt}
	if !x.AnsweredAt.IsZero() {
		out.AnsweredAt = &x.AnsweredAt
	}
	return out
}

func (a *API) requestReconsideration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ReconsiderationInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.RequestReconsideration(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toReconsiderationJSON(x), nil
}

func (a *API) listReconsiderations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	xs, err := a.svc.Reconsiderations(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	items := []reconsiderationJSON{}
	for _, x := range xs {
		items = append(items, toReconsiderationJSON(x))
	}
	return http.StatusOK, map[string]any{"items": items}, nil
}

func (a *API) answerReconsideration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ReconsiderationAnswerInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.AnswerReconsideration(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toReconsiderationJSON(x), nil
}
