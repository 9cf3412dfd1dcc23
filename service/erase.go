package service

import (
	"context"
	"strings"

	"github.com/nrmproject/nrm"
)

// Erase crypto-shreds the person of a case: their data key is destroyed,
// so every sealed field of theirs, in the database and in every backup,
// can never be opened again; the sealed columns, notes and blind indexes
// are removed as well. The case record stays (reference, state, dates) so
// the audit log and statistics still hold together. The operator may erase
// any case; an admin only one their organisation created.
func (s *Service) Erase(ctx context.Context, caseID, reason string) error {
	// caseID may also be the case's reference (NRM-YYYY-XXXXXX).
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	reason, err = nrm.Text("reason", reason, 500)
	if err != nil {
		return err
	}
	if reason == "" {
		return nrm.Invalid("reason", "give the reason for the erasure (for example the request it answers)")
	}
	caseID = strings.TrimSpace(caseID)
	err = s.write(ctx, func(tx Tx) error {
		if strings.HasPrefix(strings.ToUpper(caseID), "NRM-") {
			// An admin works from the reference a case worker gives them.
			id, err := tx.CaseIDByReference(ctx, caseID)
			if err != nil {
				if a.System {
					return nrm.Invalid("case", "no case with this reference")
				}
				return err
			}
			caseID = id
		}
		if !nrm.ValidID(caseID) {
			if a.System {
				return nrm.Invalid("case", "not a case id or reference")
			}
			return nrm.NotFound("case")
		}
		var rec nrm.CaseRecord
		if a.System {
			rec, err = tx.Case(ctx, caseID)
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("case", "no case with this id")
			}
		} else {
			rec, _, err = s.caseFor(ctx, tx, a, caseID, nrm.ActCaseErase)
		}
		if err != nil {
			return err
		}
		// A legal hold keeps the person's file while a review of their
		// case is under way; erasure waits and names what holds it.
		if hold, err := legalHold(ctx, tx, caseID); err != nil {
			return err
		} else if hold != "" {
			return nrm.Conflict("the case is under a legal hold: %s; erase it once that is settled", hold)
		}
		if !rec.Person.ErasedAt.IsZero() {
			return nrm.Conflict("this person was erased already")
		}
		if err := tx.DestroyDataKey(ctx, rec.Person.ID); err != nil {
			return err
		}
		if err := tx.Erase(ctx, rec.Person.ID, caseID, reason, a.UserID); err != nil {
			return err
		}
		// The reason is free text: the log keeps a keyed hash of it, the
		// erasures table the text for the organisation's records.
		return s.record(ctx, tx, s.entry(ctx, "case.erase", "case/"+caseID, outcomeOK,
			"person/"+rec.Person.ID+"; reason "+s.keys.AuditHash(strings.TrimSpace(reason))))
	})
	if err != nil {
		return err
	}
	if err := s.store.Compact(ctx); err != nil {
		// The key is gone already; compaction only clears old copies.
		s.log.WarnContext(ctx, "erase: compacting the database failed", "error", err)
	}
	return nil
}
