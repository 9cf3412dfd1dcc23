package service

import (
	"context"
	"fmt"

	"github.com/nrmproject/nrm"
)

// RequestReconsideration asks the competent authority to look again at a
// negative decision, or at its decline of the NRM referral. The referring
// organisation, a support provider of the person or their lawyer may ask;
// one request of a case is pending at a time.
func (s *Service) RequestReconsideration(ctx context.Context, caseID string, in nrm.ReconsiderationInput) (nrm.ReconsiderationRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.ReconsiderationRequest{}, err
	}
	reason, err := nrm.Text("reason", in.Reason, 5000)
	if err != nil {
		return nrm.ReconsiderationRequest{}, err
	}
	if reason == "" {
		return nrm.ReconsiderationRequest{}, nrm.Invalid("reason", "say why the authority should look again")
	}
	var x nrm.ReconsiderationRequest
	err = s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActAskReconsider)
		if err != nil {
			return err
		}
		x = nrm.ReconsiderationRequest{ID: nrm.NewID(), CaseID: caseID, Reason: reason, Status: nrm.RequestPending,
			RequestedBy: a.UserID, RequestedOrg: a.OrgID, CreatedAt: tx.Time()}
		referrer := ""
		switch {
		case f.rec.State == nrm.StateNotIdentified:
			ds, err := tx.Decisions(ctx, caseID)
			if err != nil {
				return err
			}
			d, _ := lastDecision(ds, "", nrm.Negative)
			x.Subject, x.SubjectID, x.ToOrg = nrm.SubjectDecision, d.ID, d.OrgID
		case f.rec.State == nrm.StateEncountered && f.rec.Outcome == nrm.OutcomeDeclined:
			r, ok, err := lastDeclinedNRM(ctx, tx, caseID)
			if err != nil || !ok {
				return err
			}
			x.Subject, x.SubjectID, x.ToOrg, referrer = nrm.SubjectDecline, r.ID, r.ToOrg, r.FromOrg
		default:
			return nrm.Conflict("the case is %s: only a negative decision or a decline by the competent authority can be reconsidered", f.rec.State)
		}
		if referrer == "" {
			referrer, err = nrmReferrer(ctx, tx, caseID)
			if err != nil {
				return err
			}
		}
		switch {
		case a.OrgID == referrer:
			x.Requester = nrm.RequesterReferrer
		case a.Role == nrm.RoleLegalAdvisor:
			x.Requester = nrm.RequesterLawyer
		case f.read.Has(nrm.Support):
			x.Requester = nrm.RequesterSupport
		default:
			return s.deny(ctx, a, nrm.ActAskReconsider, "case/"+caseID,
				nrm.Forbidden("the referring organisation, a support provider of the person or their lawyer asks for reconsideration"))
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		if err := tx.InsertReconsideration(ctx, nrm.ReconsiderationRecord{ReconsiderationRequest: x,
			SealedReason: z.seal("reconsideration_requests", "reason", x.ID, reason)}); err != nil {
			return err
		}
		if err := f.event("reconsideration", "", f.today(), fmt.Sprintf("reconsideration of the %s requested by the %s", x.Subject, x.Requester), x.ID); err != nil {
			return err
		}
		return f.audit("reconsideration.request", "request "+x.ID+" of "+x.Subject+" "+x.SubjectID)
	})
	return x, err
}

// AnswerReconsideration is the authority's answer. Granted, a negative
// decision is reconsidered (the case awaits that decision again, its clocks
// back), a decline is undone (the referral is back in the authority's inbox
// and the case referred); refused, the case stays as it is.
func (s *Service) AnswerReconsideration(ctx context.Context, id string, in nrm.ReconsiderationAnswerInput) (nrm.ReconsiderationRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.ReconsiderationRequest{}, err
	}
	outcome, reasons, err := in.Validate()
	if err != nil {
		return nrm.ReconsiderationRequest{}, err
	}
	if !nrm.ValidID(id) {
		return nrm.ReconsiderationRequest{}, nrm.NotFound("reconsideration request")
	}
	var out nrm.ReconsiderationRequest
	err = s.write(ctx, func(tx Tx) error {
		x, err := tx.Reconsideration(ctx, id)
		if err != nil {
			return err
		}
		// Only the authority asked answers; to anyone else the request does
		// not exist. Its decision-makers decide (as for a decision).
		if x.ToOrg != a.OrgID {
			return s.deny(ctx, a, nrm.ActDecide, "case/"+x.CaseID, nrm.NotFound("reconsideration request"))
		}
		if a.Role != nrm.RoleDecisionMaker || a.OrgKind != nrm.KindCompetentAuthority {
			return s.deny(ctx, a, nrm.ActDecide, "case/"+x.CaseID, nrm.Forbidden("a decision-maker of the competent authority answers"))
		}
		if x.Status != nrm.RequestPending {
			return nrm.Conflict("the request was %s already", x.Status)
		}
		rec, err := tx.Case(ctx, x.CaseID)
		if err != nil {
			return err
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		if err := tx.AnswerReconsideration(ctx, id, outcome, z.seal("reconsideration_requests", "answer", id, reasons), a.UserID); err != nil {
			return err
		}
		f := &caseFile{s: s, ctx: ctx, tx: tx, actor: a, rec: rec}
		if outcome == nrm.RequestGranted {
			if err := s.grantReconsideration(f, x.ReconsiderationRequest, reasons); err != nil {
				return err
			}
		}
		if err := f.event("reconsideration", "", f.today(), "reconsideration "+outcome+" by the competent authority", id); err != nil {
			return err
		}
		out = x.ReconsiderationRequest
		out.Reason, out.Status, out.Answer, out.AnsweredBy, out.AnsweredAt = "", outcome, reasons, a.UserID, tx.Time()
		return f.audit("reconsideration."+outcome, "request "+id)
	})
	return out, err
}

func (s *Service) grantReconsideration(f *caseFile, x nrm.ReconsiderationRequest, reasons string) error {
	if x.Subject == nrm.SubjectDecision {
		// The authority still holds the case through its accepted referral.
		acc, err := s.accessTo(f.ctx, f.tx, f.rec.Case, f.actor.OrgID)
		if err != nil {
			return err
		}
		if f.acc, f.read = acc, nrm.Readable(f.actor, acc); !f.may(nrm.ActDecide) {
			return nrm.Conflict("your organisation no longer holds this case: it cannot reconsider")
		}
		_, err = s.moveIn(f, nrm.StepReconsider, reconsidered, reasons)
		return err
	}
	if f.rec.State != nrm.StateEncountered || f.rec.Outcome != nrm.OutcomeDeclined {
		return nrm.ErrTransition(f.rec.State, nrm.StepReconsider)
	}
	if err := f.tx.ReopenReferral(f.ctx, x.SubjectID); err != nil {
		return err
	}
	c := f.rec.Case
	c.Outcome = nrm.OutcomeReconsidering
	return s.changeState(f.ctx, f.tx, &c, nrm.StateReferred, f.today(), "the authority reconsiders its decline")
}

// Reconsiderations lists a case's requests, with reasons for identity readers.
func (s *Service) Reconsiderations(ctx context.Context, caseID string) ([]nrm.ReconsiderationRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.ReconsiderationRequest
	err = s.read(ctx, func(tx Tx) error {
		z, err := s.viewerSealer(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		recs, err := tx.Reconsiderations(ctx, caseID)
		for _, x := range recs {
			if z != nil {
				if x.Reason, err = z.open("reconsideration_requests", "reason", x.ID, x.SealedReason); err != nil {
					return err
				}
				if x.Answer, err = z.open("reconsideration_requests", "answer", x.ID, x.SealedAnswer); err != nil {
					return err
				}
			}
			out = append(out, x.ReconsiderationRequest)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.readRecord(ctx, caseID, "reconsideration requests", len(out))
}

// lastDeclinedNRM is the case's most recent declined NRM referral.
func lastDeclinedNRM(ctx context.Context, tx Tx, caseID string) (nrm.ReferralRecord, bool, error) {
	refs, err := tx.Referrals(ctx, caseID)
	if err != nil {
		return nrm.ReferralRecord{}, false, err
	}
	for i := len(refs) - 1; i >= 0; i-- {
		if refs[i].NRM && refs[i].Status == nrm.ReferralDeclined {
			return refs[i], true, nil
		}
	}
	return nrm.ReferralRecord{}, false, nrm.Conflict("no declined NRM referral to reconsider")
}

// nrmReferrer is the organisation that made the case's NRM referral.
func nrmReferrer(ctx context.Context, tx Tx, caseID string) (string, error) {
	refs, err := tx.Referrals(ctx, caseID)
	if err != nil {
		return "", err
	}
	for i := len(refs) - 1; i >= 0; i-- {
		if refs[i].NRM {
			return refs[i].FromOrg, nil
		}
	}
	return "", nil
}

// legalHold names what forbids erasing a case's person now, or "".
func legalHold(ctx context.Context, tx Tx, caseID string) (string, error) {
	xs, err := tx.Reconsiderations(ctx, caseID)
	if err != nil {
		return "", err
	}
	for _, x := range xs {
		if x.Status == nrm.RequestPending {
			return fmt.Sprintf("a reconsideration request of the %s is pending (since %s)", x.Subject, nrm.DateOf(x.CreatedAt)), nil
		}
	}
	return "", nil
}
