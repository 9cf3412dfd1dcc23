package service

// The audit log as a person reads it: who (by name), on which case (by
// reference), filtered by what an auditor knows (a colleague's name, a case
// reference a case worker quotes), never by ids nobody can look up.
//
// What is named, and why: an entry names the user who acted by their
// display name, organisation and role. The log exists to hold people to
// account, and a UUID holds nobody; staff names are not the personal data
// nrm protects, and the auditor reads only the entries they may audit
// anyway (their organisation's, or the whole log for an auditor of a
// co-ordinator or ombudsman), so a name is shown only for a user whose
// entries they may read. E-mail addresses are not shown: the auditor needs
// to know who, not how to reach them. A case is named by its reference,
// which holds no personal data; nothing of the case file is read.

import (
	"context"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// AuditQuery is an auditor's filter, in the words of the page.
type AuditQuery struct {
	UserID   string // a user chosen from the list of AuditLog.Users
	UserName string // or part of a user's name
	CaseRef  string // a case reference, NRM-YYYY-XXXXXX
	Action   string
	From, To time.Time // To is exclusive
	Before   uint64    // paging backwards: entries older than this sequence number
	Limit    int
}

// AuditLog is one page of the log with what a person needs to read it.
type AuditLog struct {
	Entries []AuditLine
	Users   []AuditUser // the users whose entries the viewer audits, for the filter
	UserID  string      // the user the filter resolved to, if any
	All     bool        // the viewer audits the whole log
}

// AuditLine is one entry with its ids resolved to names.
type AuditLine struct {
	nrm.AuditRecord
	UserName   string // "" when the actor is not a user (the operator, an unknown e-mail)
	OrgName    string
	ObjectKind string // "case", "user", "referral"... (the part before the slash)
	ObjectName string // the case reference, the user's or organisation's name; "" if unknown
}

// AuditUser is a user as the filter lists them.
type AuditUser struct {
	ID, Name, OrgName string
	Role              nrm.Role
}

// AuditLog reads a page of the audit log for an auditor (service.AuditEntries
// decides the scope and records the reading), then names its users, their
// organisations and the cases its entries are about.
func (s *Service) AuditLog(ctx context.Context, q AuditQuery) (AuditLog, error) {
	a, err := s.allow(ctx, nrm.ActAuditRead)
	if err != nil {
		return AuditLog{}, err
	}
	out := AuditLog{All: nrm.Can(a, nrm.ActAuditReadAll, nrm.Access{Relation: nrm.RelNone})}
	scope := a.OrgID
	if out.All {
		scope = ""
	}
	f := nrm.AuditFilter{Action: strings.TrimSpace(q.Action), From: q.From, To: q.To, Before: q.Before, Limit: q.Limit}
	orgName := map[string]string{}
	userByID := map[string]AuditUser{}
	err = s.read(ctx, func(tx Tx) error {
		orgs, err := tx.Orgs(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			orgName[o.ID] = o.Name
		}
		users, err := tx.Users(ctx, scope)
		if err != nil {
			return err
		}
		for _, u := range users {
			au := AuditUser{ID: u.ID, Name: u.Name, OrgName: orgName[u.OrgID], Role: u.Role}
			out.Users = append(out.Users, au)
			userByID[u.ID] = au
		}
		if f.Actor, err = resolveAuditUser(out.Users, q.UserID, q.UserName); err != nil {
			return err
		}
		if ref := strings.TrimSpace(q.CaseRef); ref != "" {
			id, err := tx.CaseIDByReference(ctx, ref)
			if nrm.ErrorCode(err) == nrm.CodeNotFound || !strings.HasPrefix(strings.ToUpper(ref), "NRM-") {
				return nrm.Invalid("case", "no case has this reference; it reads like NRM-2026-AB12CD")
			}
			if err != nil {
				return err
			}
			f.Object = "case/" + id
		}
		return nil
	})
	if err != nil {
		return AuditLog{}, err
	}
	out.UserID = f.Actor
	entries, err := s.AuditEntries(ctx, f)
	if err != nil {
		return AuditLog{}, err
	}
	var caseIDs []string
	for _, e := range entries {
		if kind, id, ok := strings.Cut(e.Object, "/"); ok && kind == "case" && nrm.ValidID(id) {
			caseIDs = append(caseIDs, id)
		}
	}
	var refs map[string]string
	if err := s.read(ctx, func(tx Tx) (err error) {
		refs, err = tx.CaseReferences(ctx, caseIDs)
		return err
	}); err != nil {
		return AuditLog{}, err
	}
	for _, e := range entries {
		line := AuditLine{AuditRecord: e, OrgName: orgName[e.ActorOrg]}
		if u, ok := userByID[e.Actor]; ok {
			line.UserName = u.Name
		}
		kind, id, _ := strings.Cut(e.Object, "/")
		line.ObjectKind = kind
		switch kind {
		case "case":
			line.ObjectName = refs[id]
		case "user":
			line.ObjectName = userByID[id].Name
		case "org":
			line.ObjectName = orgName[id]
		}
		out.Entries = append(out.Entries, line)
	}
	return out, nil
}

// resolveAuditUser turns the user filter into a user id: the one chosen
// from the list, or the one user whose name holds what was typed.
func resolveAuditUser(users []AuditUser, id, name string) (string, error) {
	if id != "" {
		for _, u := range users {
			if u.ID == id {
				return id, nil
			}
		}
		return "", nrm.Invalid("user", "choose a user from the list")
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return "", nil
	}
	var found []string
	for _, u := range users {
		if strings.Contains(strings.ToLower(u.Name), name) {
			found = append(found, u.ID)
		}
	}
	switch len(found) {
	case 0:
		return "", nrm.Invalid("user_name", "no user whose entries you audit has that name")
	case 1:
		return found[0], nil
	}
	return "", nrm.Invalid("user_name", "%d users have that in their name: choose one from the list", len(found))
}
