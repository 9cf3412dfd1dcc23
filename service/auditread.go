package service

import (
	"context"
	"fmt"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// Checkpoint returns the latest signed checkpoint (auditors).
func (s *Service) Checkpoint(ctx context.Context) ([]byte, error) {
	if _, err := s.allow(ctx, nrm.ActAuditRead); err != nil {
		return nil, err
	}
	var signed []byte
	err := s.read(ctx, func(tx Tx) (err error) {
		signed, err = tx.LatestCheckpoint(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if signed == nil {
		return nil, nrm.NotFound("checkpoint")
	}
	return signed, nil
}

// AuditEntries lists audit entries for an auditor; the listing is itself audited.
func (s *Service) AuditEntries(ctx context.Context, f nrm.AuditFilter) ([]nrm.AuditRecord, error) {
	a, err := s.allow(ctx, nrm.ActAuditRead)
	if err != nil {
		return nil, err
	}
	if !nrm.Can(a, nrm.ActAuditReadAll, nrm.Access{Relation: nrm.RelNone}) {
		if f.ActorOrg != "" && f.ActorOrg != a.OrgID {
			err := s.deny(ctx, a, nrm.ActAuditReadAll, "", nrm.Forbidden("you audit your own organisation's entries only"))
			s.recordDenial(ctx, err)
			return nil, err
		}
		f.ActorOrg = a.OrgID
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return nil, nrm.Invalid("to", "ends before it starts")
	}
	var out []nrm.AuditRecord
	err = s.read(ctx, func(tx Tx) error {
		entries, err := tx.AuditEntries(ctx, f)
		for _, e := range entries {
			out = append(out, nrm.AuditRecord{Seq: e.Seq, Time: e.Time, RequestID: e.RequestID, Actor: e.Actor,
				ActorOrg: e.ActorOrg, ActorRole: e.ActorRole, Action: e.Action, Object: e.Object, Outcome: e.Outcome,
				Detail: e.Detail, LeafHash: e.LeafHash})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "audit.read", f.Object, outcomeOK, fmt.Sprintf("entries %d", len(out))))
}

// Proof is a Merkle proof against a signed checkpoint.
type Proof struct {
	Size       uint64
	Index      uint64 // inclusion: the entry; consistency: the smaller size
	LeafHash   []byte
	Hashes     [][]byte
	Checkpoint []byte // the signed checkpoint of Size
}

// InclusionProof proves that entry index is in the tree of the given size
// (a size some checkpoint was signed at).
func (s *Service) InclusionProof(ctx context.Context, index, size uint64) (Proof, error) {
	if _, err := s.allow(ctx, nrm.ActAuditRead); err != nil {
		return Proof{}, err
	}
	if index >= size {
		return Proof{}, nrm.Invalid("index", "must be smaller than size")
	}
	p := Proof{Size: size, Index: index}
	err := s.read(ctx, func(tx Tx) error {
		cp, leaves, err := s.proofBasis(ctx, tx, size, "size")
		if err != nil {
			return err
		}
		p.Checkpoint, p.LeafHash = cp, leaves[index]
		p.Hashes, err = auditlog.InclusionProof(leaves, index, size)
		return err
	})
	return p, err
}

// ConsistencyProof proves that the tree of size `from` is a prefix of the
// tree of size `to`.
func (s *Service) ConsistencyProof(ctx context.Context, from, to uint64) (Proof, error) {
	if _, err := s.allow(ctx, nrm.ActAuditRead); err != nil {
		return Proof{}, err
	}
	if from == 0 || from > to {
		return Proof{}, nrm.Invalid("from", "must be between 1 and to")
	}
	p := Proof{Size: to, Index: from}
	err := s.read(ctx, func(tx Tx) error {
		if _, err := tx.CheckpointAt(ctx, from); err != nil {
			return nrm.Invalid("from", "no checkpoint was signed at size %d", from)
		}
		cp, leaves, err := s.proofBasis(ctx, tx, to, "to")
		if err != nil {
			return err
		}
		p.Checkpoint = cp
		p.Hashes, err = auditlog.ConsistencyProof(leaves, from, to)
		return err
	})
	return p, err
}

// maxProofSize bounds the work of one proof request (it rehashes the leaves).
const maxProofSize = 5_000_000

func (s *Service) proofBasis(ctx context.Context, tx Tx, size uint64, field string) ([]byte, [][]byte, error) {
	if size > maxProofSize {
		return nil, nil, nrm.Invalid(field, "proofs are served for trees of at most %d entries", maxProofSize)
	}
	cp, err := tx.CheckpointAt(ctx, size)
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return nil, nil, nrm.Invalid(field, "no checkpoint was signed at size %d", size)
	}
	if err != nil {
		return nil, nil, err
	}
	leaves, err := tx.LeafHashes(ctx, size)
	if err != nil {
		return nil, nil, err
	}
	if uint64(len(leaves)) != size {
		return nil, nil, nrm.Internal(fmt.Errorf("audit log has %d entries below size %d", len(leaves), size))
	}
	return cp, leaves, nil
}

// VerifyAudit recomputes the whole log and checks it against the latest
// signed checkpoint (operator only).
func (s *Service) VerifyAudit(ctx context.Context, progress func(done uint64)) (auditlog.Result, error) {
	if err := system(ctx); err != nil {
		return auditlog.Result{}, err
	}
	src, err := s.store.OpenAuditSource(ctx)
	if err != nil {
		return auditlog.Result{}, err
	}
	defer src.Close()
	return auditlog.Verify(ctx, src, s.signer.Verifier(), progress)
}
