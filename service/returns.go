package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
)

// Safe return (CONTRACT.md, "Safe return"), in the support compartment: a
// return risk assessment signed off by a second person, a voluntary return
// resting on an approved, current assessment of this case, and the
// follow-ups after it. Recording the return closes the episode as
// returned; no bare closure does (nrm.Tracks, "return"). A follow-up that
// finds the person re-trafficked opens a new linked episode and flags the
// person (CETS 197 Art. 16).

// ReturnTrack is the safe-return part of a case, opened.
type ReturnTrack struct {
	Assessments []nrm.Assessment
	Returns     []nrm.Return // with their follow-ups
	// ValidDays is how long an approved assessment carries a return.
	ValidDays int
}

type assessmentSealed struct {
	Answers       map[string]string  `json:"answers"`
	Summary       string             `json:"summary,omitempty"`
	BestInterests *nrm.BestInterests `json:"best_interests,omitempty"`
}

// assessmentValidity is the profile's validity of an approved assessment.
func (s *Service) assessmentValidity(c nrm.Case) int {
	if d := s.profileOf(c).ReturnAssessmentDays; d > 0 {
		return d
	}
	return nrm.DefaultAssessmentValidity
}

func openAssessment(z sealer, rec nrm.AssessmentRecord) (nrm.Assessment, error) {
	a := rec.Assessment
	var d assessmentSealed
	if err := openJSON(z, "return_assessments", "details", a.ID, rec.Details, &d); err != nil {
		return a, err
	}
	a.Answers, a.Summary, a.BestInterests = d.Answers, d.Summary, d.BestInterests
	var err error
	a.ReviewReasons, err = z.open("return_assessments", "review_reasons", a.ID, rec.SealedReasons)
	return a, err
}

// AddAssessment records a return risk assessment; nrm computes its risk
// and whether it bars a return. A child's needs a best-interests
// determination.
func (s *Service) AddAssessment(ctx context.Context, caseID string, in nrm.AssessmentInput) (nrm.Assessment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Assessment{}, err
	}
	var out nrm.Assessment
	err = s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActReturnAssess)
		if err != nil {
			return err
		}
		if err := nrm.Guard(f.rec.Case, nrm.StepSupportRecord, ""); err != nil {
			return err
		}
		if out, err = in.ValidateFor(f.rec.Child, f.today()); err != nil {
			return err
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		out.ID, out.CaseID, out.AuthorID, out.AuthorOrg, out.CreatedAt, out.Version = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time(), 1
		rec := nrm.AssessmentRecord{Assessment: out, Details: sealJSON(z, "return_assessments", "details", out.ID,
			assessmentSealed{Answers: out.Answers, Summary: out.Summary, BestInterests: out.BestInterests})}
		if err := tx.InsertAssessment(ctx, rec); err != nil {
			return err
		}
		summary := fmt.Sprintf("return risk assessment submitted: risk %s", out.Risk)
		if out.Barred {
			summary += ", return barred"
		}
		if err := f.event("return-assessment", nrm.Support, out.AssessedOn, summary, out.ID); err != nil {
			return err
		}
		return f.audit("return.assessment", "assessment "+out.ID)
	})
	return out, err
}

// ReviewAssessment approves or rejects an assessment: by a decision-maker
// or co-ordinator who is not its author (four eyes); a barred assessment
// is never approved.
func (s *Service) ReviewAssessment(ctx context.Context, id string, approve bool, in nrm.ReviewInput) (nrm.Assessment, error) {
	if !nrm.ValidID(id) {
		return nrm.Assessment{}, nrm.NotFound("return risk assessment")
	}
	reasons, err := nrm.Text("reasons", in.Reasons, 20000)
	if err != nil {
		return nrm.Assessment{}, err
	}
	if reasons == "" {
		return nrm.Assessment{}, nrm.Invalid("reasons", "give the reasons of the sign-off")
	}
	a, err := actor(ctx)
	if err != nil {
		return nrm.Assessment{}, err
	}
	var out nrm.Assessment
	err = s.write(ctx, func(tx Tx) error {
		rec, err := tx.Assessment(ctx, id)
		if err != nil {
			return err
		}
		f, err := s.openFile(ctx, tx, a, rec.CaseID, nrm.ActReturnReview)
		if err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("return risk assessment")
			}
			return err
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		if out, err = openAssessment(z, rec); err != nil {
			return err
		}
		if err := out.CheckReview(a.UserID, approve); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeForbidden {
				return s.deny(ctx, a, nrm.ActReturnReview, "case/"+rec.CaseID, nrm.AsError(err))
			}
			return err
		}
		out.Status = nrm.AssessmentRejected
		if approve {
			out.Status = nrm.AssessmentApproved
		}
		out.ReviewedBy, out.ReviewReasons, out.ReviewedOn = a.UserID, reasons, f.today()
		rec.Status, rec.ReviewedBy, rec.ReviewedOn = out.Status, out.ReviewedBy, out.ReviewedOn
		rec.SealedReasons = z.seal("return_assessments", "review_reasons", id, reasons)
		if err := tx.ReviewAssessment(ctx, rec); err != nil {
			return err
		}
		out.Version++
		if err := f.event("return-assessment", nrm.Support, out.ReviewedOn, "return risk assessment "+out.Status, id); err != nil {
			return err
		}
		return f.audit("return.assessment."+strings.TrimSuffix(out.Status, "d"), "assessment "+id)
	})
	return out, err
}

// RecordReturn records a voluntary return. It rests on an approved,
// current assessment of this case (409 naming assessment_id otherwise),
// closes the episode as returned, and sets the follow-up clocks at 3, 6
// and 12 months.
func (s *Service) RecordReturn(ctx context.Context, caseID string, in nrm.ReturnInput) (nrm.Return, error) {
	r, err := in.Validate(s.Today())
	if err != nil {
		return r, err
	}
	a, err := actor(ctx)
	if err != nil {
		return r, err
	}
	err = s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActReturnRecord)
		if err != nil {
			return err
		}
		c := f.rec.Case
		// Never while identification is pending or the recovery period
		// runs (CETS 197 Art. 10(2), 13), nor from a closed episode.
		if err := nrm.Guard(c, nrm.StepReturn, ""); err != nil {
			return err
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		var as nrm.Assessment
		found := false
		if nrm.ValidID(r.AssessmentID) {
			rec, err := tx.Assessment(ctx, r.AssessmentID)
			switch {
			case err == nil && rec.CaseID == caseID:
				if as, err = openAssessment(z, rec); err != nil {
					return err
				}
				found = true
			case err != nil && nrm.ErrorCode(err) != nrm.CodeNotFound:
				return err
			}
		}
		if err := nrm.CheckReturnGate(as, found, c, f.today(), s.assessmentValidity(c)); err != nil {
			return err
		}
		if r.Date.Before(as.AssessedOn) {
			return nrm.Invalid("date", "before the assessment (%s)", as.AssessedOn)
		}
		if err := s.checkReceiver(ctx, tx, r, as.DestinationCountry); err != nil {
			return err
		}
		r.ID, r.CaseID, r.DestinationCountry = nrm.NewID(), caseID, as.DestinationCountry
		r.CreatedBy, r.CreatedOrg, r.CreatedAt = a.UserID, a.OrgID, tx.Time()
		if err := tx.InsertReturn(ctx, r); err != nil {
			return err
		}
		if err := f.event("return", nrm.Support, r.Date, "voluntary return to "+r.DestinationCountry, r.ID); err != nil {
			return err
		}
		if err := tx.ClearDeadlines(ctx, caseID); err != nil {
			return err
		}
		c.ClosedReason, c.ClosedOn = nrm.CloseReturned, r.Date
		if err := s.changeState(ctx, tx, &c, nrm.StateClosed, r.Date, "reason: "+nrm.CloseReturned); err != nil {
			return err
		}
		for _, m := range nrm.FollowUpMonths {
			due := nrm.DateOf(r.Date.Time().AddDate(0, m, 0))
			if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineReturnFollowUp, Due: due,
				RefID: fmt.Sprintf("%s/%d", r.ID, m)}); err != nil {
				return err
			}
		}
		return f.audit("return.record", "return "+r.ID+" on assessment "+as.ID)
	})
	return r, err
}

// AddFollowUp records a follow-up after a return; it stops the earliest
// follow-up clock. A person found re-trafficked gets a new episode linked
// to this one, and the person is flagged to the organisations involved.
func (s *Service) AddFollowUp(ctx context.Context, returnID string, in nrm.FollowUpInput) (nrm.FollowUp, error) {
	if !nrm.ValidID(returnID) {
		return nrm.FollowUp{}, nrm.NotFound("return")
	}
	fu, err := in.Validate(s.Today())
	if err != nil {
		return fu, err
	}
	a, err := actor(ctx)
	if err != nil {
		return fu, err
	}
	err = s.write(ctx, func(tx Tx) error {
		r, err := tx.ReturnRecord(ctx, returnID)
		if err != nil {
			return err
		}
		f, err := s.openFile(ctx, tx, a, r.CaseID, nrm.ActReturnRecord)
		if err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("return")
			}
			return err
		}
		if fu.Date.Before(r.Date) {
			return nrm.Invalid("date", "before the return (%s)", r.Date)
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		fu.ID, fu.ReturnID, fu.CaseID, fu.CreatedBy, fu.CreatedOrg, fu.CreatedAt = nrm.NewID(), r.ID, r.CaseID, a.UserID, a.OrgID, tx.Time()
		if fu.Situation == nrm.SituationRetrafficked {
			if fu.NewCase, err = s.retrafficked(f, z); err != nil {
				return err
			}
		}
		if err := tx.InsertFollowUp(ctx, nrm.FollowUpRecord{FollowUp: fu, SealedNotes: z.seal("return_follow_ups", "notes", fu.ID, fu.Notes)}); err != nil {
			return err
		}
		if err := s.nextFollowUpDone(f, r.ID); err != nil {
			return err
		}
		if err := f.event("return-follow-up", nrm.Support, fu.Date, "follow-up after return: "+fu.Situation, fu.ID); err != nil {
			return err
		}
		return f.audit("return.follow-up", "follow-up "+fu.ID+" "+fu.Situation)
	})
	return fu, err
}

// nextFollowUpDone stops the earliest follow-up clock of a return.
func (s *Service) nextFollowUpDone(f *caseFile, returnID string) error {
	ds, err := f.tx.Deadlines(f.ctx, f.rec.ID)
	if err != nil {
		return err
	}
	var first *nrm.Deadline
	for i, d := range ds {
		if d.Kind == nrm.DeadlineReturnFollowUp && strings.HasPrefix(d.RefID, returnID+"/") && (first == nil || d.Due.Before(first.Due)) {
			first = &ds[i]
		}
	}
	if first == nil {
		return nil
	}
	return f.tx.ClearDeadline(f.ctx, first.CaseID, first.Kind, first.RefID)
}

// retrafficked opens a new episode of the person, linked to the returned
// one, unless an episode of theirs is open already, and flags the person
// on the returned case to every organisation involved in it: re-trafficking
// is counted per person. It returns the episode's case id.
func (s *Service) retrafficked(f *caseFile, z sealer) (string, error) {
	ctx, tx, rec := f.ctx, f.tx, f.rec
	episodes, err := tx.Episodes(ctx, rec.Person.ID)
	if err != nil {
		return "", err
	}
	newID := ""
	for _, e := range episodes {
		if e.State != nrm.StateClosed {
			newID = e.CaseID
		}
	}
	today := f.today()
	if newID == "" {
		n := rec.Case
		n.ID, n.Reference = nrm.NewID(), nrm.NewReference(tx.Time().Year())
		n.State, n.Episode, n.PreviousCase, n.Profile = nrm.StateEncountered, episodes[len(episodes)-1].Episode+1, rec.ID, s.cfg.Profile.ID
		n.ClosedReason, n.ClosedOn, n.NRMAcceptedOn, n.IdentificationState, n.Outcome = "", nrm.Date{}, nrm.Date{}, "", ""
		n.Encounter = nrm.Encounter{Date: today, Country: rec.Encounter.Country}
		n.CreatedBy, n.CreatedAt, n.UpdatedAt, n.Version = f.actor.UserID, tx.Time(), tx.Time(), 1
		// The age is known only sealed: the child presumption carries
		// over unless the date of birth says otherwise (as on re-opening).
		if dob, err := z.open("persons", "date_of_birth", rec.Person.ID, rec.Person.DateOfBirth); err == nil && dob != "" {
			d, _ := nrm.ParseDate("", dob)
			n.Child = nrm.PresumedChild(nrm.Person{DateOfBirth: d, AgeUncertain: rec.Person.AgeUncertain}, today)
		}
		if err := tx.InsertCase(ctx, nrm.CaseRecord{Case: n, Person: rec.Person}); err != nil {
			return "", err
		}
		newID = n.ID
		if err := s.event(ctx, tx, n.ID, "episode", "", today, fmt.Sprintf("episode %d: re-trafficked after the return of %s", n.Episode, rec.Reference), rec.ID); err != nil {
			return "", err
		}
		if err := s.event(ctx, tx, rec.ID, "episode", "", today, fmt.Sprintf("re-trafficked after the return: episode %d, %s", n.Episode, n.Reference), n.ID); err != nil {
			return "", err
		}
		if err := s.record(ctx, tx, s.entry(ctx, "case.reopen", "case/"+n.ID, outcomeOK, "re-trafficked; episode of case/"+rec.ID)); err != nil {
			return "", err
		}
	}
	fl := nrm.FlagRecord{ID: nrm.NewID(), Kind: nrm.FlagRetrafficked, CaseID: newID, CaseOrg: f.actor.OrgID,
		MatchedCase: rec.ID, MatchedOrg: rec.OrgID, CreatedAt: tx.Time()}
	if err := tx.InsertFlag(ctx, fl); err != nil {
		return "", err
	}
	return newID, nil
}

// Returns reads the safe-return part of a case for a support reader.
func (s *Service) Returns(ctx context.Context, caseID string) (ReturnTrack, error) {
	a, err := actor(ctx)
	if err != nil {
		return ReturnTrack{}, err
	}
	var out ReturnTrack
	err = s.read(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActReadSupport)
		if err != nil {
			return err
		}
		out.ValidDays = s.assessmentValidity(f.rec.Case)
		recs, err := tx.Assessments(ctx, caseID)
		if err != nil {
			return err
		}
		if out.Returns, err = tx.Returns(ctx, caseID); err != nil {
			return err
		}
		fus, err := tx.FollowUps(ctx, caseID)
		if err != nil {
			return err
		}
		var z *sealer
		if f.rec.PersonKey != nil && len(recs)+len(fus) > 0 {
			zz, err := f.sealer()
			if err != nil {
				return err
			}
			z = &zz
		}
		for _, rec := range recs {
			as := rec.Assessment
			if z != nil {
				if as, err = openAssessment(*z, rec); err != nil {
					return err
				}
			}
			out.Assessments = append(out.Assessments, as)
		}
		for _, fu := range fus {
			if z != nil {
				if fu.Notes, err = z.open("return_follow_ups", "notes", fu.ID, fu.SealedNotes); err != nil {
					return err
				}
			}
			for i := range out.Returns {
				if out.Returns[i].ID == fu.ReturnID {
					out.Returns[i].FollowUps = append(out.Returns[i].FollowUps, fu.FollowUp)
				}
			}
		}
		return nil
	})
	if err != nil {
		return ReturnTrack{}, err
	}
	n := len(out.Assessments) + len(out.Returns)
	if err := s.readRecord(ctx, caseID, fmt.Sprintf("return (assessments %d, returns %d):", len(out.Assessments), len(out.Returns)), n); err != nil {
		return ReturnTrack{}, err
	}
	return out, nil
}

// checkReceiver holds a return's receiver to what exists: a local
// organisation, or a transnational partner still trusted whose instance is
// in the country of return (follow-ups then come back from it).
func (s *Service) checkReceiver(ctx context.Context, tx Tx, r nrm.Return, destination string) error {
	if r.PartnerID == "" {
		if _, err := tx.Org(ctx, r.ReceivingOrg); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("receiving_org", "no organisation with this id")
			}
			return err
		}
		return nil
	}
	p, err := tx.Partner(ctx, r.PartnerID)
	if nrm.ErrorCode(err) == nrm.CodeNotFound || (err == nil && !p.Active()) {
		return nrm.Invalid("partner_id", "no trusted transnational partner with this id")
	}
	if err != nil {
		return err
	}
	if p.Country != destination {
		return nrm.Invalid("partner_id", "the partner is in %s, the return is to %s", p.Country, destination)
	}
	return nil
}
