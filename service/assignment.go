package service

// Assignment of a case to a worker. Each organisation involved in a case
// assigns its own part of the work to one of its own users: the assignment
// is the organisation's business, shown to its own staff only, and never
// crosses to another organisation (a worker of another organisation cannot
// be assigned, whatever its standing on the case).

import (
	"context"
	"fmt"

	"github.com/nrmproject/nrm"
)

// CaseAssignment is who works on a case for the actor's organisation and
// whom the actor could assign instead.
type CaseAssignment struct {
	CaseID     string
	Reference  string
	Assigned   nrm.Assignment // zero UserID: nobody
	Candidates []nrm.User     // the organisation's active users who may work on the case
}

// Assignment reads a case's assignment for the actor's organisation.
func (s *Service) Assignment(ctx context.Context, caseID string) (CaseAssignment, error) {
	a, err := actor(ctx)
	if err != nil {
		return CaseAssignment{}, err
	}
	var out CaseAssignment
	err = s.read(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActCaseAssign)
		if err != nil {
			return err
		}
		out.CaseID, out.Reference = f.rec.ID, f.rec.Reference
		if out.Assigned, err = tx.Assignment(ctx, caseID, a.OrgID); err != nil && nrm.ErrorCode(err) != nrm.CodeNotFound {
			return err
		}
		users, err := tx.Users(ctx, a.OrgID)
		if err != nil {
			return err
		}
		for _, u := range users {
			if assignable(u, f) == nil {
				out.Candidates = append(out.Candidates, u)
			}
		}
		return nil
	})
	return out, err
}

// AssignCase assigns a case, for the actor's organisation, to one of its
// workers; userID "" leaves it assigned to nobody. It is audited in the
// same transaction.
func (s *Service) AssignCase(ctx context.Context, caseID, userID string) (nrm.Assignment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Assignment{}, err
	}
	var out nrm.Assignment
	err = s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActCaseAssign)
		if err != nil {
			return err
		}
		if userID == "" {
			if err := tx.ClearAssignment(ctx, caseID, a.OrgID); err != nil {
				return err
			}
			return f.audit("case.assign", "to nobody")
		}
		if !nrm.ValidID(userID) {
			return nrm.Invalid("user_id", "choose a worker of your organisation")
		}
		u, err := tx.User(ctx, userID)
		if nrm.ErrorCode(err) == nrm.CodeNotFound {
			return nrm.Invalid("user_id", "choose a worker of your organisation")
		}
		if err != nil {
			return err
		}
		if err := assignable(u.User, f); err != nil {
			return err
		}
		out = nrm.Assignment{CaseID: caseID, OrgID: a.OrgID, UserID: u.ID, AssignedBy: a.UserID, AssignedAt: tx.Time()}
		if err := tx.SetAssignment(ctx, out); err != nil {
			return err
		}
		return f.audit("case.assign", "to user/"+u.ID)
	})
	return out, err
}

// assignable says why a user cannot take on a case for the file's
// organisation, or nil: they are of that organisation, active, and their
// role may open the case at the organisation's standing.
func assignable(u nrm.User, f *caseFile) error {
	switch {
	case u.OrgID != f.actor.OrgID:
		return nrm.Invalid("user_id", "choose a worker of your organisation")
	case u.Disabled:
		return nrm.Invalid("user_id", "that account is disabled")
	}
	// The assignee's organisation kind is the actor's: they are colleagues.
	as := nrm.Actor{UserID: u.ID, OrgID: u.OrgID, OrgKind: f.actor.OrgKind, Role: u.Role}
	if !nrm.Can(as, nrm.ActCaseView, f.acc) {
		return nrm.Invalid("user_id", "that person's role does not work on case files")
	}
	return nil
}

// Colleagues lists the active users of the actor's organisation who work
// with case files: whom the case list can be filtered by, and whom a case
// can be assigned to.
func (s *Service) Colleagues(ctx context.Context) ([]nrm.User, error) {
	a, err := s.allow(ctx, nrm.ActCaseList)
	if err != nil {
		return nil, err
	}
	var out []nrm.User
	err = s.read(ctx, func(tx Tx) error {
		users, err := tx.Users(ctx, a.OrgID)
		for _, u := range users {
			if !u.Disabled && nrm.Can(nrm.Actor{UserID: u.ID, OrgID: u.OrgID, OrgKind: a.OrgKind, Role: u.Role}, nrm.ActCaseList, nrm.Access{}) {
				out = append(out, u)
			}
		}
		return err
	})
	return out, err
}

// RecordExport audits a list taken away as a file (CSV): what list and how
// many rows. The file is written only once the entry is recorded.
func (s *Service) RecordExport(ctx context.Context, list string, rows int) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return s.recordRead(ctx, s.entry(ctx, "export.csv", "org/"+a.OrgID, outcomeOK, fmt.Sprintf("%s rows %d", list, rows)))
}
