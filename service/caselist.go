package service

import (
	"context"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// CaseListQuery is what a person asks of the case list. Every field is
// optional; none of them holds personal data except Name, which is never
// put in a URL by the pages.
type CaseListQuery struct {
	State      nrm.State
	Child      string // nrm.ChildOnly, nrm.AdultOnly or ""
	DueWithin  int    // days: cases whose next clock runs out by then (overdue included); 0 for any
	RecordedBy string // an organisation id
	Assigned   string // a user id of the actor's organisation, AssignedMe, AssignedNone or ""
	Name       string // words of the person's names (search by name)
	Sort       nrm.CaseSort
	Page       int // from 1
	PerPage    int // default 50, at most 200
}

// Assigned values besides a user id.
const (
	AssignedMe   = "me"
	AssignedNone = "none"
)

// CaseListRow is one case as the list shows it.
type CaseListRow struct {
	nrm.CaseView
	NextClock    nrm.Deadline // zero Due: none the viewer may see
	AssignedTo   string       // a user of the viewer's organisation, or ""
	AssignedName string
}

// CaseList is one page of the case list with the counts of the whole list.
type CaseList struct {
	Rows        []CaseListRow
	Total       int               // cases matching every filter
	ByState     map[nrm.State]int // cases matching every filter but the state
	Page, Pages int
	Today       nrm.Date
}

// Check validates a query and fills in the defaults; a bad value is a 422
// naming the filter.
func (q *CaseListQuery) Check() error {
	if q.State != "" && !q.State.Valid() {
		return nrm.Invalid("state", "unknown state %q", q.State)
	}
	if q.Child != "" && q.Child != nrm.ChildOnly && q.Child != nrm.AdultOnly {
		return nrm.Invalid("child", "child, adult or nothing")
	}
	if q.DueWithin < 0 || q.DueWithin > 366 {
		return nrm.Invalid("due", "a number of days from 1 to 366")
	}
	if q.RecordedBy != "" && !nrm.ValidID(q.RecordedBy) {
		return nrm.Invalid("org", "not an organisation")
	}
	if q.Assigned != "" && q.Assigned != AssignedMe && q.Assigned != AssignedNone && !nrm.ValidID(q.Assigned) {
		return nrm.Invalid("assigned", "not a user")
	}
	if q.Sort == "" {
		q.Sort = nrm.SortNewest
	}
	if !q.Sort.Valid() {
		return nrm.Invalid("sort", "unknown order %q", q.Sort)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 1 || q.Page > 100000 {
		return nrm.Invalid("page", "a page number from 1")
	}
	if q.PerPage <= 0 {
		q.PerPage = 50
	}
	if q.PerPage > 200 {
		q.PerPage = 200
	}
	return nil
}

// ListCases is the case list of a working day: the cases the actor's
// organisation is involved in, filtered, sorted and paged in one query of
// the store, with the counts by state and each case's next clock. A search
// by name finds a case only for those who may read its identity, and is
// audited like the list's every row.
func (s *Service) ListCases(ctx context.Context, q CaseListQuery) (CaseList, error) {
	return s.listCases(ctx, q, "list")
}

func (s *Service) listCases(ctx context.Context, q CaseListQuery, via string) (CaseList, error) {
	a, err := s.allow(ctx, nrm.ActCaseList)
	if err != nil {
		return CaseList{}, err
	}
	if err := q.Check(); err != nil {
		return CaseList{}, err
	}
	today := s.Today()
	f := nrm.CaseListFilter{OrgID: a.OrgID, State: q.State, Child: q.Child, RecordedBy: q.RecordedBy, Sort: q.Sort,
		Offset: (q.Page - 1) * q.PerPage, Limit: q.PerPage}
	if q.DueWithin > 0 {
		f.DueBy = today.AddDays(q.DueWithin)
	}
	switch q.Assigned {
	case "":
	case AssignedMe:
		f.AssignedTo = a.UserID
	case AssignedNone:
		f.Unassigned = true
	default:
		f.AssignedTo = q.Assigned
	}
	// Clocks of the support track belong to the support compartment: a role
	// that never reads it never sees them (per case, the store keeps them to
	// the organisations that hold support).
	if !nrm.Can(a, nrm.ActReadSupport, nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope}) {
		f.ExcludeKinds = nrm.DeadlineKindsIn(nrm.Support)
	}
	var entries []auditlog.Entry
	if name := strings.TrimSpace(q.Name); name != "" {
		if len(name) > 200 {
			return CaseList{}, nrm.Invalid("name", "at most 200 characters")
		}
		tokens := nameTokens(nrm.Person{GivenName: name})
		if len(tokens) == 0 {
			return CaseList{}, nrm.Invalid("name", "give at least one letter of a name")
		}
		f.NameIndex = s.nameIndex(tokens)
		entries = append(entries, s.entry(ctx, "case.search", "", outcomeOK, "terms "+s.keys.AuditHash(strings.Join(tokens, " "))))
	}
	out := CaseList{Page: q.Page, Today: today}
	err = s.read(ctx, func(tx Tx) error {
		res, err := tx.CaseList(ctx, f)
		if err != nil {
			return err
		}
		out.Total, out.ByState = res.Total, res.ByState
		page := make([]nrm.Case, len(res.Rows))
		for i, r := range res.Rows {
			page[i] = r.Case
		}
		facts, err := tx.AccessFactsOfMany(ctx, page, a.OrgID)
		if err != nil {
			return err
		}
		users, err := tx.Users(ctx, a.OrgID)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, u := range users {
			names[u.ID] = u.Name
		}
		for _, r := range res.Rows {
			// The store's prefilter is held equal to the rule by a test;
			// the rule still has the last word on every row.
			acc := nrm.AccessOf(facts[r.ID])
			if !nrm.Can(a, nrm.ActCaseView, acc) {
				continue
			}
			if len(f.NameIndex) > 0 && !nrm.Readable(a, acc).Has(nrm.Identity) {
				continue
			}
			v, err := s.openCase(ctx, tx, a, acc, r.CaseRecord)
			if err != nil {
				return err
			}
			row := CaseListRow{CaseView: v, AssignedTo: r.AssignedTo, AssignedName: names[r.AssignedTo]}
			if c := nrm.DeadlineCompartment(r.NextClock.Kind); r.NextClock.Kind == "" || c == "" || v.Readable.Has(c) {
				row.NextClock = r.NextClock
			}
			out.Rows = append(out.Rows, row)
		}
		views := make([]*nrm.CaseView, len(out.Rows))
		for i := range out.Rows {
			views[i] = &out.Rows[i].CaseView
		}
		return s.markNonPunishment(ctx, tx, views...)
	})
	if err != nil {
		return CaseList{}, err
	}
	out.Pages = (out.Total + q.PerPage - 1) / q.PerPage
	for _, r := range out.Rows {
		entries = append(entries, s.readEntry(ctx, r.CaseView, via))
	}
	if len(entries) > 0 {
		if err := s.recordRead(ctx, entries...); err != nil {
			return CaseList{}, err
		}
	}
	return out, nil
}

// ExportCases is ListCases for a CSV file: the same rows the page shows
// for the same query (one page of at most 200), audited as read via csv.
func (s *Service) ExportCases(ctx context.Context, q CaseListQuery) (CaseList, error) {
	return s.listCases(ctx, q, "csv")
}
