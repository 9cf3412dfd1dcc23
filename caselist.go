package nrm

import "time"

// The case list of a working day: filters, sorting, counts per state and
// the next clock of each case, read by the store in one query. Like every
// list it is scoped to the cases one organisation is involved in.

// CaseSort orders a case list.
type CaseSort string

const (
	SortNewest    CaseSort = "newest"     // recorded most recently first (the default)
	SortOldest    CaseSort = "oldest"     // recorded longest ago first
	SortNextClock CaseSort = "next-clock" // the soonest (most overdue) clock first; cases without one last
	SortReference CaseSort = "reference"  // by case reference
)

// CaseSorts lists the orders a case list offers.
var CaseSorts = []CaseSort{SortNewest, SortOldest, SortNextClock, SortReference}

// Valid reports whether s is one of CaseSorts.
func (s CaseSort) Valid() bool {
	for _, x := range CaseSorts {
		if x == s {
			return true
		}
	}
	return false
}

// Child filter values of a case list.
const (
	ChildOnly = "child"
	AdultOnly = "adult"
)

// CaseListFilter narrows the case list. OrgID is required.
type CaseListFilter struct {
	OrgID string
	State State  // the case's state ("closed" for closed episodes); "" for any
	Child string // ChildOnly, AdultOnly or "" for both
	// DueBy, when set, keeps the cases whose next clock the viewer may see
	// falls on or before it (overdue clocks included).
	DueBy Date
	// RecordedBy keeps the cases created by that organisation.
	RecordedBy string
	// AssignedTo keeps the cases the viewer's organisation assigned to that
	// user; Unassigned those it assigned to nobody.
	AssignedTo string
	Unassigned bool
	// NameIndex holds blind index values of name tokens: only cases whose
	// person has every one of them, and whose identity the organisation
	// holds, are listed (search by name confirms who a person is).
	NameIndex []string
	// ExcludeKinds are clock kinds the viewer's role never sees; the other
	// support clocks count only where the organisation holds support.
	ExcludeKinds []string
	Sort         CaseSort
	Offset       int
	Limit        int
}

// CaseListRow is one case of the list with what the list shows beside it.
type CaseListRow struct {
	CaseRecord
	NextClock  Deadline // zero Due: no clock the viewer may see
	AssignedTo string   // the user of the viewer's organisation, or ""
}

// CaseListResult is one page of the list and the counts of the whole list.
type CaseListResult struct {
	Rows    []CaseListRow
	Total   int           // cases matching every filter
	ByState map[State]int // cases matching every filter but the state
}

// Assignment is the worker of one organisation who works on a case.
type Assignment struct {
	CaseID     string
	OrgID      string
	UserID     string
	AssignedBy string
	AssignedAt time.Time
}
