package service

// The kernel of the case file. Every track action opens the case for its
// actor here, in its transaction: one place loads the case, decides the
// actor's access by the domain's rule (nrm.AccessOf, nrm.Can), and hands the
// track a caseFile with what it may read, the sealer, the timeline, the
// audit and guarded state changes. Helpers below an entry point never check
// access again and never skip it.

import (
	"context"
	"fmt"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// event appends a line to a case's timeline. summary must hold no personal
// data: it names what happened, the sealed record holds the rest.
func (s *Service) event(ctx context.Context, tx Tx, caseID, kind string, comp nrm.Compartment, on nrm.Date, summary, ref string) error {
	a, _ := nrm.ActorFrom(ctx)
	return tx.InsertEvent(ctx, nrm.Event{ID: nrm.NewID(), CaseID: caseID, At: tx.Time(), On: on, Kind: kind, Compartment: comp,
		Actor: a.UserID, ActorOrg: a.OrgID, Summary: summary, RefID: ref})
}

// sealer seals free text of a case under its person's key.
type sealer struct{ dk keyring.DataKey }

func (z sealer) seal(table, column, id, text string) []byte {
	if text == "" {
		return nil
	}
	return z.dk.Seal([]byte(text), keyring.AD(table, column, id))
}

func (z sealer) open(table, column, id string, sealed []byte) (string, error) {
	if sealed == nil {
		return "", nil
	}
	b, err := z.dk.Open(sealed, keyring.AD(table, column, id))
	if err != nil {
		return "", nrm.Internal(fmt.Errorf("%s.%s of %s: %w", table, column, id, err))
	}
	return string(b), nil
}

// personSealer opens the person's key of a case; an erased person has none.
func (s *Service) personSealer(rec nrm.CaseRecord) (sealer, error) {
	if rec.PersonKey == nil {
		return sealer{}, nrm.Conflict("the person of this case was erased")
	}
	dk, err := s.unwrap(rec.Person.ID, rec.PersonKey)
	return sealer{dk}, err
}

// viewerSealer checks that the actor may view a case and returns the
// sealer to open its free text, or nil when the actor does not read
// identity or the person was erased.
func (s *Service) viewerSealer(ctx context.Context, tx Tx, a nrm.Actor, caseID string) (*sealer, error) {
	rec, acc, err := s.caseFor(ctx, tx, a, caseID, nrm.ActCaseView)
	if err != nil || !nrm.Readable(a, acc).Has(nrm.Identity) || rec.PersonKey == nil {
		return nil, err
	}
	z, err := s.personSealer(rec)
	return &z, err
}

// changeState moves a case and records the move on its timeline.
func (s *Service) changeState(ctx context.Context, tx Tx, c *nrm.Case, to nrm.State, on nrm.Date, why string) error {
	from := c.State
	if to != nrm.StateClosed {
		c.IdentificationState = to
	} else if c.IdentificationState == "" {
		c.IdentificationState = from
	}
	c.State = to
	if err := tx.UpdateCaseState(ctx, *c); err != nil {
		return err
	}
	c.Version++
	summary := fmt.Sprintf("state %s → %s", from, to)
	if why != "" {
		summary += " (" + why + ")"
	}
	return s.event(ctx, tx, c.ID, "state", "", on, summary, "")
}

// readRecord audits a read of part of a case file.
func (s *Service) readRecord(ctx context.Context, caseID, what string, n int) error {
	if n == 0 {
		return nil
	}
	return s.recordRead(ctx, s.entry(ctx, "case.read", "case/"+caseID, outcomeOK, fmt.Sprintf("%s %d", what, n)))
}

// caseFor loads a case and checks that the actor may do act on it. A case
// the actor's organisation is not involved in is not found.
func (s *Service) caseFor(ctx context.Context, tx Tx, a nrm.Actor, caseID string, act nrm.Action) (nrm.CaseRecord, nrm.Access, error) {
	if !nrm.ValidID(caseID) {
		return nrm.CaseRecord{}, nrm.Access{}, nrm.NotFound("case")
	}
	rec, err := tx.Case(ctx, caseID)
	acc := nrm.Access{Relation: nrm.RelNone}
	switch {
	case err == nil:
		if acc, err = s.accessTo(ctx, tx, rec.Case, a.OrgID); err != nil {
			return rec, acc, err
		}
	case nrm.ErrorCode(err) != nrm.CodeNotFound:
		return rec, acc, err
	}
	if !nrm.Can(a, act, acc) {
		if acc.Relation == nrm.RelNone {
			return nrm.CaseRecord{}, acc, s.deny(ctx, a, act, "case/"+caseID, nrm.NotFound("case"))
		}
		return nrm.CaseRecord{}, acc, s.deny(ctx, a, act, "case/"+caseID, nrm.Forbidden("your role may not do this on this case"))
	}
	return rec, acc, nil
}

// accessTo is an organisation's access to a case already read.
func (s *Service) accessTo(ctx context.Context, tx Tx, c nrm.Case, orgID string) (nrm.Access, error) {
	f, err := tx.AccessFactsOf(ctx, c, orgID)
	if err != nil {
		return nrm.Access{}, err
	}
	return nrm.AccessOf(f), nil
}

// accessByID is an organisation's access to a case known by id.
func (s *Service) accessByID(ctx context.Context, tx Tx, caseID, orgID string) (nrm.Access, error) {
	f, err := tx.AccessFacts(ctx, caseID, orgID)
	if err != nil {
		return nrm.Access{}, err
	}
	return nrm.AccessOf(f), nil
}

// caseFile is a case opened for one actor inside one transaction.
type caseFile struct {
	s     *Service
	ctx   context.Context
	tx    Tx
	actor nrm.Actor
	rec   nrm.CaseRecord
	acc   nrm.Access
	read  nrm.Scope // the compartments the actor may read
	z     *sealer
}

// openFile opens a case for an action of the actor, or refuses: not found
// to an organisation not involved, forbidden to one whose role may not.
func (s *Service) openFile(ctx context.Context, tx Tx, a nrm.Actor, caseID string, act nrm.Action) (*caseFile, error) {
	rec, acc, err := s.caseFor(ctx, tx, a, caseID, act)
	if err != nil {
		return nil, err
	}
	return &caseFile{s: s, ctx: ctx, tx: tx, actor: a, rec: rec, acc: acc, read: nrm.Readable(a, acc)}, nil
}

// may reports whether the actor may also do act on this case.
func (f *caseFile) may(act nrm.Action) bool { return nrm.Can(f.actor, act, f.acc) }

// sealer opens the person's key; an erased person's file takes no new text.
func (f *caseFile) sealer() (sealer, error) {
	if f.z == nil {
		z, err := f.s.personSealer(f.rec)
		if err != nil {
			return z, err
		}
		f.z = &z
	}
	return *f.z, nil
}

// event appends a line to the case's timeline.
func (f *caseFile) event(kind string, comp nrm.Compartment, on nrm.Date, summary, ref string) error {
	return f.s.event(f.ctx, f.tx, f.rec.ID, kind, comp, on, summary, ref)
}

// audit records the action in the audit log, in the transaction.
func (f *caseFile) audit(action, detail string) error {
	return f.s.record(f.ctx, f.tx, f.s.entry(f.ctx, action, "case/"+f.rec.ID, outcomeOK, detail))
}

// today is the transaction's date.
func (f *caseFile) today() nrm.Date { return nrm.DateOf(f.tx.Time()) }

// shareable is what this actor's organisation may pass on (nrm.Shareable).
func (f *caseFile) shareable() nrm.Scope { return nrm.Shareable(f.acc) }
