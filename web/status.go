package web

// What the lists show of a case's status, and the organisations' names they
// show beside it.

import (
	"context"

	"github.com/nrmproject/nrm"
)

// orgNames maps every organisation's id to its name, for the pages that
// say who refers, who holds or who recorded a case.
func (w *Web) orgNames(ctx context.Context) (map[string]string, error) {
	orgs, err := w.svc.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

// outcomeStatus names what identification came to where the state alone
// would mislead (a declined referral leaves the case as if just met).
var outcomeStatus = map[string]string{
	nrm.OutcomeDeclined:      "Referral declined by the competent authority",
	nrm.OutcomeWithdrewNRM:   "Withdrew from the NRM",
	nrm.OutcomeReconsidering: "Decision being reconsidered",
}

// caseStatus is the status of a case in plain words, as its viewer stands
// to it (the same facts as the API's "status": episode, identification,
// outcome). A case an NGO accepted and supports, never referred for
// identification, is "in support" with that NGO, not "Encountered".
func caseStatus(v nrm.CaseView) string {
	if v.EpisodeStatus() == "closed" {
		return "Closed"
	}
	if s, ok := outcomeStatus[v.Outcome]; ok {
		return s
	}
	ident := v.Identification()
	if ident == nrm.StateEncountered {
		if v.Access.Relation == nrm.RelPartner {
			return "In support with your organisation; not referred for identification"
		}
		return "Not yet referred for identification"
	}
	return labeller{}.Label(ident)
}
