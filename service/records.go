package service

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/keyring"
)

// nameTokens are the normalised words of a person's names and aliases.
func nameTokens(p nrm.Person) []string {
	var out []string
	for _, n := range append([]string{p.GivenName, p.FamilyName}, p.Aliases...) {
		for _, t := range strings.Fields(keyring.Normalise(n)) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// nameIndex returns the blind index values for search by name.
func (s *Service) nameIndex(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = s.keys.BlindIndex(nrm.IndexName, t)
	}
	return out
}

// nameDOBIndex matches the same person across cases: every token of the
// given and family names (sorted, so the order of names does not matter)
// plus the date of birth. Without a date of birth there is no match: names
// alone are too common to flag.
func (s *Service) nameDOBIndex(p nrm.Person) (string, bool) {
	if p.DateOfBirth.IsZero() {
		return "", false
	}
	tokens := nameTokens(nrm.Person{GivenName: p.GivenName, FamilyName: p.FamilyName})
	if len(tokens) == 0 {
		return "", false
	}
	slices.Sort(tokens)
	return s.keys.BlindIndex(nrm.IndexNameDOB, strings.Join(tokens, " ")+" "+p.DateOfBirth.String()), true
}

// indexPerson stores a new person's blind indexes and flags every case
// whose person matches: a possible duplicate, or re-trafficking when that
// case is closed. It runs in the creating transaction.
func (s *Service) indexPerson(ctx context.Context, tx Tx, c nrm.Case) ([]auditlog.Entry, error) {
	return s.indexPersonFlagging(ctx, tx, c, nil)
}

// indexPersonFlagging is indexPerson for a person whose case may be
// flagged already: a match with a case in flagged is not flagged again.
func (s *Service) indexPersonFlagging(ctx context.Context, tx Tx, c nrm.Case, flagged map[string]bool) ([]auditlog.Entry, error) {
	if err := tx.InsertPersonIndex(ctx, c.Person.ID, nrm.IndexName, s.nameIndex(nameTokens(c.Person))); err != nil {
		return nil, err
	}
	v, ok := s.nameDOBIndex(c.Person)
	if !ok {
		return nil, nil
	}
	if err := tx.InsertPersonIndex(ctx, c.Person.ID, nrm.IndexNameDOB, []string{v}); err != nil {
		return nil, err
	}
	matches, err := tx.MatchingCases(ctx, nrm.IndexNameDOB, v, c.Person.ID)
	if err != nil {
		return nil, err
	}
	var entries []auditlog.Entry
	for _, m := range matches {
		if flagged[m.CaseID] {
			continue
		}
		kind := nrm.FlagPossibleDuplicate
		if m.State == nrm.StateClosed {
			kind = nrm.FlagPossibleRetrafficking
		}
		f := nrm.FlagRecord{ID: nrm.NewID(), Kind: kind, CaseID: c.ID, CaseOrg: c.OrgID,
			MatchedCase: m.CaseID, MatchedOrg: m.OrgID, CreatedAt: tx.Time()}
		if err := tx.InsertFlag(ctx, f); err != nil {
			return nil, err
		}
		// The flag is nrm's own act on the holder's case, not the
		// registering organisation's: its entry is in the whole log (for
		// auditors of coordinator and ombudsman organisations, linked to the
		// registration by the request id), never among the registering
		// organisation's entries, whose auditors must not learn that another
		// organisation holds the person (CONTRACT.md, "Rules every path enforces").
		e := s.entry(ctx, "case.flag", "case/"+m.CaseID, outcomeOK, kind+" with case/"+c.ID+"; flag "+f.ID)
		e.Actor, e.ActorOrg, e.ActorRole = nrm.SystemActor.UserID, "", ""
		entries = append(entries, e)
	}
	return entries, nil
}

// flagsFor returns the flags on a case as its organisation sees them: the
// other side's organisation, never its case.
func (s *Service) flagsFor(ctx context.Context, tx Tx, caseID, viewerOrg string) ([]nrm.Flag, error) {
	recs, err := tx.CaseFlags(ctx, caseID)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	var out []nrm.Flag
	for _, f := range recs {
		// A possible duplicate is told to the organisation that holds the
		// person already (on its case), never to the one that registered the
		// new case: where a victim is sheltered must not be learned by
		// registering their name. The holder decides whether to make contact.
		other := f.CaseOrg
		switch {
		case f.MatchedCase == caseID:
		case f.CaseID == caseID && viewerOrg == f.MatchedOrg:
			other = f.MatchedOrg // the same organisation holds both
		default:
			continue
		}
		o, err := tx.Org(ctx, other)
		if err != nil {
			return nil, err
		}
		out = append(out, nrm.Flag{ID: f.ID, Kind: f.Kind, CaseID: caseID, OtherOrg: o, CreatedAt: f.CreatedAt})
	}
	return out, nil
}

// Flags lists every duplicate flag for a coordinator: the two
// organisations and when, nothing of either case.
func (s *Service) Flags(ctx context.Context) ([]nrm.Flag, error) {
	if _, err := s.allow(ctx, nrm.ActFlagsOverview); err != nil {
		return nil, err
	}
	var out []nrm.Flag
	err := s.read(ctx, func(tx Tx) error {
		recs, err := tx.AllFlags(ctx, 500)
		if err != nil {
			return err
		}
		orgs := map[string]nrm.Organisation{}
		org := func(id string) (nrm.Organisation, error) {
			if o, ok := orgs[id]; ok {
				return o, nil
			}
			o, err := tx.Org(ctx, id)
			orgs[id] = o
			return o, err
		}
		for _, f := range recs {
			a, err := org(f.CaseOrg)
			if err != nil {
				return err
			}
			b, err := org(f.MatchedOrg)
			if err != nil {
				return err
			}
			out = append(out, nrm.Flag{ID: f.ID, Kind: f.Kind, CreatedAt: f.CreatedAt, NewCaseOrg: a, MatchedCaseOrg: b})
		}
		return nil
	})
	return out, err
}

// AddNote adds a sealed note to a compartment the actor may read.
func (s *Service) AddNote(ctx context.Context, caseID string, in nrm.NoteInput) (nrm.Note, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Note{}, err
	}
	n, err := in.Validate()
	if err != nil {
		return n, err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, compartmentAction[n.Compartment])
		if err != nil {
			return err
		}
		dk, err := s.dataKey(ctx, tx, rec.Person.ID, false)
		if err != nil {
			if err == errErased {
				return nrm.Conflict("the person of this case was erased")
			}
			return err
		}
		n.ID, n.CaseID, n.AuthorID, n.AuthorOrg, n.CreatedAt = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time()
		body := dk.Seal([]byte(n.Text), keyring.AD("case_notes", "body", n.ID))
		if err := tx.InsertNote(ctx, nrm.NoteRecord{Note: n, PersonID: rec.Person.ID, Body: body}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "note.create", "case/"+caseID, outcomeOK, "compartment "+string(n.Compartment)+"; note "+n.ID))
	})
	return n, err
}

var compartmentAction = map[nrm.Compartment]nrm.Action{
	nrm.Identity: nrm.ActReadIdentity, nrm.Support: nrm.ActReadSupport, nrm.Justice: nrm.ActReadJustice,
}

// Notes returns the notes of a case in the compartments the actor may read.
func (s *Service) Notes(ctx context.Context, caseID string) ([]nrm.Note, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.Note
	err = s.read(ctx, func(tx Tx) error {
		rec, acc, err := s.caseFor(ctx, tx, a, caseID, nrm.ActCaseView)
		if err != nil {
			return err
		}
		scope := nrm.Readable(a, acc)
		recs, err := tx.Notes(ctx, caseID, scope.Compartments())
		if err != nil || len(recs) == 0 {
			return err
		}
		dk, err := s.dataKey(ctx, tx, rec.Person.ID, false)
		if err == errErased {
			return nil
		}
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.Body == nil {
				continue
			}
			b, err := dk.Open(r.Body, keyring.AD("case_notes", "body", r.ID))
			if err != nil {
				return nrm.Internal(err)
			}
			r.Note.Text = string(b)
			out = append(out, r.Note)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) > 0 {
		if err := s.recordRead(ctx, s.entry(ctx, "note.read", "case/"+caseID, outcomeOK, "notes "+strconv.Itoa(len(out)))); err != nil {
			return nil, err
		}
	}
	return out, nil
}
