package api

import (
	"net/http"

	"github.com/nrmproject/nrm"
)

// Statistics (CONTRACT.md, "Statistics"): cross-tabulations through
// disclosure control, the datasets, and the privacy ledger. No answer
// carries a case id, a name or free text.

func (a *API) statistics(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	t, err := a.svc.Statistics(r.Context(), nrm.StatQueryInput{Dataset: q.Get("dataset"), By: q.Get("by"),
		Split: q.Get("split"), Privacy: q.Get("privacy"), K: q.Get("k"), Epsilon: q.Get("epsilon")})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, t, nil
}

func (a *API) statDatasets(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ds, err := a.svc.StatDatasets(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, itemsJSON[nrm.StatDataset]{Items: ds}, nil
}

// ledgerJSON is every differentially private release and each dataset's budget.
type ledgerJSON struct {
	Items   []nrm.StatRelease `json:"items"`
	Budgets []nrm.StatBudget  `json:"budgets"`
}

func (a *API) statLedger(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rels, budgets, err := a.svc.StatLedger(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ledgerJSON{Items: rels, Budgets: budgets}, nil
}
