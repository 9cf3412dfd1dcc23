package service

import (
	"context"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// ErasurePreview is what an admin confirms before an erasure: which case,
// whose person (by name only for a viewer who may read identity), what
// stays and whether anything holds the erasure back.
type ErasurePreview struct {
	CaseID, Reference string
	State             nrm.State
	Child             bool
	OwnerOrg          string // the organisation that holds the case
	Encountered       nrm.Date
	CreatedAt         time.Time
	Episode           int
	PersonName        string // "" unless the viewer may read identity
	ReadsIdentity     bool
	Erased            bool   // erased already
	Hold              string // a legal hold that refuses erasure now, or ""
}

// PreviewErasure decides, as Erase does, whether the actor may erase the
// person of a case (given by id or reference) and says what the erasure
// would touch. It changes nothing; the look is audited like a case read.
func (s *Service) PreviewErasure(ctx context.Context, caseRef string) (ErasurePreview, error) {
	a, err := actor(ctx)
	if err != nil {
		return ErasurePreview{}, err
	}
	caseRef = strings.TrimSpace(caseRef)
	if caseRef == "" {
		return ErasurePreview{}, nrm.Invalid("case", "give the case reference (NRM-...) that the erasure request names")
	}
	var p ErasurePreview
	var acc nrm.Access
	err = s.store.Read(ctx, func(tx Tx) error {
		id := caseRef
		if strings.HasPrefix(strings.ToUpper(caseRef), "NRM-") {
			found, err := tx.CaseIDByReference(ctx, caseRef)
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("case", "no case of your organisation has this reference")
			}
			if err != nil {
				return err
			}
			id = found
		} else if !nrm.ValidID(id) {
			return nrm.Invalid("case", "a case reference reads like NRM-2026-AB12CD")
		}
		rec, access, err := s.caseFor(ctx, tx, a, id, nrm.ActCaseErase)
		if err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				// As for a case that does not exist: nothing tells the admin
				// that another organisation holds it.
				return nrm.Invalid("case", "no case of your organisation has this reference")
			}
			return err
		}
		acc = access
		owner, err := tx.Org(ctx, rec.OrgID)
		if err != nil {
			return err
		}
		p = ErasurePreview{CaseID: rec.ID, Reference: rec.Reference, State: rec.State, Child: rec.Child, OwnerOrg: owner.Name,
			Encountered: rec.Encounter.Date, CreatedAt: rec.CreatedAt, Episode: rec.Episode, Erased: !rec.Person.ErasedAt.IsZero()}
		p.Hold, err = legalHold(ctx, tx, rec.ID)
		return err
	})
	s.recordDenial(ctx, err)
	if err != nil {
		return ErasurePreview{}, err
	}
	p.ReadsIdentity = nrm.Readable(a, acc).Has(nrm.Identity)
	if p.ReadsIdentity && !p.Erased {
		// The name comes through the case read, which decrypts and audits it.
		v, err := s.Case(ctx, p.CaseID)
		if err != nil {
			return ErasurePreview{}, err
		}
		p.PersonName = strings.TrimSpace(v.Person.GivenName + " " + v.Person.FamilyName)
		return p, nil
	}
	return p, s.recordRead(ctx, s.entry(ctx, "case.read", "case/"+p.CaseID, outcomeOK, "erasure review; record only"))
}
