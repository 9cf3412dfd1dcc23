package service

import (
	"context"
	"fmt"

	"github.com/nrmproject/nrm"
)

// InboxEntry is a referral waiting for the actor's organisation, with what
// the inbox shows beside it (never the person).
type InboxEntry struct {
	nrm.Referral
	// Child: the referral is of a child's case (or a person presumed one),
	// which rests on no consent and asks for child protection's care.
	Child bool
}

// InboxEntries lists the referrals waiting for the actor's organisation,
// oldest first, and audits the read.
func (s *Service) InboxEntries(ctx context.Context) ([]InboxEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !nrm.Can(a, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient}) {
		return nil, nil
	}
	var out []InboxEntry
	err = s.read(ctx, func(tx Tx) error {
		recs, err := tx.ReferralsTo(ctx, a.OrgID, nrm.ReferralPending, 200)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.PersonKey != nil && r.SealedReason != nil {
				dk, err := s.unwrap(r.PersonID, r.PersonKey)
				if err != nil {
					return err
				}
				if r.Reason, err = (sealer{dk}).open("referrals", "reason", r.ID, r.SealedReason); err != nil {
					return err
				}
			}
			out = append(out, InboxEntry{Referral: r.Referral, Child: r.Child})
		}
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "referral.inbox", "org/"+a.OrgID, outcomeOK, fmt.Sprintf("referrals %d", len(out))))
}
