package service

import (
	"context"
	"strings"
	"time"
)

// PrintedCase is a case file read to be printed: the file as the viewer may
// see it, and the stamp every page of the print carries.
type PrintedCase struct {
	CaseFile
	PrintedBy    string // the user's display name
	PrintedByOrg string
	PrintedAt    time.Time
}

// PrintCase reads a case file for a printed summary. Access is the case
// page's (CaseFile decides and audits the read); the print itself is one
// more audit entry, case.print, and fails closed: no entry, no print. A
// printed copy leaves nrm's control, so the log says who took one, when,
// and which parts of the file it held.
func (s *Service) PrintCase(ctx context.Context, id string) (PrintedCase, error) {
	a, err := actor(ctx)
	if err != nil {
		return PrintedCase{}, err
	}
	cf, err := s.CaseFile(ctx, id)
	if err != nil {
		return PrintedCase{}, err
	}
	p := PrintedCase{CaseFile: cf, PrintedAt: s.store.Now()}
	err = s.read(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, a.UserID)
		if err != nil {
			return err
		}
		o, err := tx.Org(ctx, a.OrgID)
		p.PrintedBy, p.PrintedByOrg = u.Name, o.Name
		return err
	})
	if err != nil {
		return PrintedCase{}, err
	}
	var parts []string
	for _, c := range cf.Readable.Compartments() {
		parts = append(parts, string(c))
	}
	detail := "summary pdf; compartments " + strings.Join(parts, ",")
	if len(parts) == 0 {
		detail = "summary pdf; record only"
	}
	if err := s.recordRead(ctx, s.entry(ctx, "case.print", "case/"+cf.ID, outcomeOK, detail)); err != nil {
		return PrintedCase{}, err
	}
	return p, nil
}
