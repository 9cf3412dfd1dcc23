package sqlstore

import "github.com/nrmproject/nrm"

// The row types are the domain's (nrm/records.go); these names keep the store's code short.
type (
	CaseFilter      = nrm.CaseFilter
	CaseRecord      = nrm.CaseRecord
	DataKey         = nrm.DataKeyRecord
	DecisionRecord  = nrm.DecisionRecord
	DueFilter       = nrm.DueFilter
	FlagRecord      = nrm.FlagRecord
	Match           = nrm.MatchRecord
	NeedsRecord     = nrm.NeedsRecord
	NoteRecord      = nrm.NoteRecord
	PersonRecord    = nrm.PersonRecord
	PlanRecord      = nrm.PlanRecord
	ReferralRecord  = nrm.ReferralRecord
	ScreeningRecord = nrm.ScreeningRecord
	ServiceRecord   = nrm.ServiceRecord
	Session         = nrm.SessionRecord
	UserRecord      = nrm.UserRecord
)
