package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/screening"
)

// ScreeningInput is a screening with the ILO/EC indicators.
type ScreeningInput struct {
	IndicatorSet string            `json:"indicator_set"`
	Indicators   []string          `json:"indicators"`
	Evidence     map[string]string `json:"evidence"` // indicator id → what shows it
	ScreenedOn   string            `json:"screened_on"`
}

// Screening is one kept screening: indicators ticked, the result per
// dimension, and the evidence for each (sealed at rest). The outcome is
// "indicated", never a legal finding.
type Screening struct {
	ID         string
	CaseID     string
	Result     screening.Result
	Evidence   map[string]string
	ScreenedOn nrm.Date
	By         string
	OrgID      string
	CreatedAt  time.Time
}

// Screen records a screening of a case. A case may be screened again: each
// screening is kept.
func (s *Service) Screen(ctx context.Context, caseID string, in ScreeningInput) (Screening, error) {
	a, err := actor(ctx)
	if err != nil {
		return Screening{}, err
	}
	set, ok := s.cfg.Indicators.Set(strings.TrimSpace(in.IndicatorSet))
	if !ok {
		var names []string
		for _, st := range s.cfg.Indicators.Sets() {
			names = append(names, st.Name)
		}
		return Screening{}, nrm.Invalid("indicator_set", "unknown indicator set %q; one of: %s", in.IndicatorSet, strings.Join(names, ", "))
	}
	if len(in.Indicators) > 200 {
		return Screening{}, nrm.Invalid("indicators", "too many indicators")
	}
	res, err := set.Assess(in.Indicators)
	if err != nil {
		if u, ok := err.(*screening.UnknownIndicatorError); ok {
			return Screening{}, nrm.Invalid("indicators", "unknown indicator %q in set %s", u.ID, set.Name)
		}
		return Screening{}, nrm.Invalid("indicators", "%v", err)
	}
	evidence := map[string]string{}
	for id, text := range in.Evidence {
		if !slices.Contains(in.Indicators, id) {
			return Screening{}, nrm.Invalid("evidence", "evidence for %q, which is not among the indicators ticked", id)
		}
		if evidence[id], err = nrm.Text("evidence", text, 2000); err != nil {
			return Screening{}, err
		}
	}
	today := s.Today()
	on, err := nrm.PastDate("screened_on", in.ScreenedOn, today, false)
	if err != nil {
		return Screening{}, err
	}
	if on.IsZero() {
		on = today
	}
	sc := Screening{ID: nrm.NewID(), CaseID: caseID, Result: res, Evidence: evidence, ScreenedOn: on, By: a.UserID, OrgID: a.OrgID}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActScreen)
		if err != nil {
			return err
		}
		// A child, or a person presumed one, is screened with a child set:
		// the adult sets require means (coercion), which a child's do not.
		if rec.Child && set.Population != screening.Child {
			return nrm.Invalid("indicator_set", "%s is for adults; this is a child's case (or a person presumed a child): use a child indicator set", set.Name)
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		var met []string
		for _, d := range res.Dimensions {
			if d.Met {
				met = append(met, d.Dimension)
			}
		}
		var sealed []byte
		if len(evidence) > 0 {
			b, _ := json.Marshal(evidence)
			sealed = z.seal("screenings", "evidence", sc.ID, string(b))
		}
		sc.CreatedAt = tx.Time()
		if err := tx.InsertScreening(ctx, nrm.ScreeningRecord{ID: sc.ID, CaseID: caseID, Set: set.Name,
			Indicators: uniq(in.Indicators), Met: met, Outcome: res.Outcome, Evidence: sealed, ScreenedOn: on,
			CreatedBy: a.UserID, CreatedOrg: a.OrgID, CreatedAt: tx.Time()}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "screening", nrm.Identity, on,
			fmt.Sprintf("screened with %s: %s (%d of %d dimensions met)", set.Name, res.Outcome, len(met), len(res.Dimensions)), sc.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "case.screen", "case/"+caseID, outcomeOK, "screening "+sc.ID+"; "+res.Outcome))
	})
	return sc, err
}

func uniq(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Screenings returns every screening of a case, oldest first.
func (s *Service) Screenings(ctx context.Context, caseID string) ([]Screening, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []Screening
	err = s.read(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActReadIdentity)
		if err != nil {
			return err
		}
		recs, err := tx.Screenings(ctx, caseID)
		if err != nil || len(recs) == 0 {
			return err
		}
		var z sealer
		if rec.PersonKey != nil {
			if z, err = s.personSealer(rec); err != nil {
				return err
			}
		}
		for _, r := range recs {
			set, ok := s.cfg.Indicators.Set(r.Set)
			sc := Screening{ID: r.ID, CaseID: r.CaseID, ScreenedOn: r.ScreenedOn, By: r.CreatedBy, OrgID: r.CreatedOrg,
				CreatedAt: r.CreatedAt, Evidence: map[string]string{}}
			if ok {
				sc.Result, _ = set.Assess(r.Indicators)
			}
			sc.Result.Set, sc.Result.Outcome = r.Set, r.Outcome
			if r.Evidence != nil && rec.PersonKey != nil {
				text, err := z.open("screenings", "evidence", r.ID, r.Evidence)
				if err != nil {
					return err
				}
				json.Unmarshal([]byte(text), &sc.Evidence)
			}
			out = append(out, sc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.readRecord(ctx, caseID, "screenings", len(out))
}

// nrmAccepted starts the identification clocks of the case's profile.
func (s *Service) nrmAccepted(ctx context.Context, tx Tx, c *nrm.Case, today nrm.Date) error {
	p := s.profileOf(*c)
	c.NRMAcceptedOn = today
	if due, ok := p.ReasonableGroundsDue(today.Time()); ok {
		if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: c.ID, Kind: nrm.DeadlineRG, Due: nrm.DateOf(due)}); err != nil {
			return err
		}
		return s.changeState(ctx, tx, c, nrm.StateAwaitingReasonableGrounds, today, "the competent authority has the referral")
	}
	// A one-step profile: the formal identification is the only decision,
	// and the recovery period runs from the acceptance (CETS 197 Art. 13:
	// every person with reasonable grounds gets one, whatever the steps).
	if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: c.ID, Kind: nrm.DeadlineRecoveryEnd, Due: nrm.DateOf(p.RecoveryEnd(today.Time()))}); err != nil {
		return err
	}
	if due, ok := p.ConclusiveTargetDate(today.Time()); ok {
		if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: c.ID, Kind: nrm.DeadlineCG, Due: nrm.DateOf(due)}); err != nil {
			return err
		}
	}
	return s.changeState(ctx, tx, c, nrm.StateRecoveryPeriod, today, "the competent authority has the referral: the recovery period runs")
}

// Decide records a reasonable-grounds or conclusive-grounds decision. Only a
// decision-maker of a competent authority that accepted a referral of the
// case decides; a decision out of order is a conflict naming the state and
// what may come next.
func (s *Service) Decide(ctx context.Context, caseID string, in nrm.DecisionInput) (nrm.Decision, nrm.State, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Decision{}, "", err
	}
	d, err := in.Validate(s.Today())
	if err != nil {
		return d, "", err
	}
	var state nrm.State
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActDecide)
		if err != nil {
			return err
		}
		c := rec.Case
		p := s.profileOf(c)
		if !p.HasStep(d.Kind) {
			return nrm.Invalid("kind", "the %s profile has no %s decision", p.ID, d.Kind)
		}
		if !c.NRMAcceptedOn.IsZero() && d.DecidedOn.Before(c.NRMAcceptedOn) {
			return nrm.Invalid("decided_on", "before the competent authority had the referral (%s)", c.NRMAcceptedOn)
		}
		prior, err := tx.Decisions(ctx, caseID)
		if err != nil {
			return err
		}
		today := nrm.DateOf(tx.Time())
		switch d.Kind {
		case nrm.ReasonableGrounds:
			if c.State != nrm.StateAwaitingReasonableGrounds {
				return nrm.ErrTransition(c.State, nrm.StepRGDecision)
			}
			if err := tx.ClearDeadline(ctx, caseID, nrm.DeadlineRG, ""); err != nil {
				return err
			}
			if d.Outcome == nrm.Positive {
				end := nrm.DateOf(p.RecoveryEnd(d.DecidedOn.Time()))
				if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineRecoveryEnd, Due: end}); err != nil {
					return err
				}
				if due, ok := p.ConclusiveTargetDate(d.DecidedOn.Time()); ok {
					if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineCG, Due: nrm.DateOf(due)}); err != nil {
						return err
					}
				}
				state = nrm.StateRecoveryPeriod
			} else {
				state = nrm.StateNotIdentified
			}
		case nrm.ConclusiveGrounds:
			if c.State != nrm.StateRecoveryPeriod && c.State != nrm.StateAwaitingConclusiveGrounds {
				return nrm.ErrTransition(c.State, nrm.StepCGDecision)
			}
			// The recovery period runs from the positive reasonable-grounds
			// decision, or from the acceptance under a one-step profile; the
			// conclusive decision comes no earlier than its end (CETS 197 Art. 13).
			start := c.NRMAcceptedOn
			rg, hasRG := lastDecision(prior, nrm.ReasonableGrounds, nrm.Positive)
			if hasRG {
				start = rg.DecidedOn
				if d.DecidedOn.Before(rg.DecidedOn) {
					return nrm.Invalid("decided_on", "before the reasonable-grounds decision (%s)", rg.DecidedOn)
				}
			}
			if !start.IsZero() {
				earliest := nrm.DateOf(p.RecoveryEnd(start.Time()))
				if e, ok := p.ConclusiveEarliestDate(start.Time()); ok && nrm.DateOf(e).After(earliest) {
					earliest = nrm.DateOf(e)
				}
				if d.DecidedOn.Before(earliest) {
					return nrm.Conflict("under the %s profile the conclusive-grounds decision comes on %s at the earliest, after the recovery period",
						p.ID, earliest)
				}
			}
			for _, k := range []string{nrm.DeadlineCG, nrm.DeadlineRecoveryEnd} {
				if err := tx.ClearDeadline(ctx, caseID, k, ""); err != nil {
					return err
				}
			}
			state = nrm.StateNotIdentified
			if d.Outcome == nrm.Positive {
				state = nrm.StateIdentified
			}
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		d.ID, d.CaseID, d.By, d.OrgID, d.CreatedAt = nrm.NewID(), caseID, a.UserID, a.OrgID, tx.Time()
		if err := tx.InsertDecision(ctx, nrm.DecisionRecord{Decision: d, SealedReasons: z.seal("decisions", "reasons", d.ID, d.Reasons)}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "decision", "", d.DecidedOn, fmt.Sprintf("%s decision: %s", d.Kind, d.Outcome), d.ID); err != nil {
			return err
		}
		c.Outcome = decisionOutcome(d)
		if err := s.changeState(ctx, tx, &c, state, today, ""); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "decision.create", "case/"+caseID, outcomeOK, d.Kind+" "+d.Outcome+"; decision "+d.ID))
	})
	return d, state, err
}

func lastDecision(ds []nrm.DecisionRecord, kind, outcome string) (nrm.Decision, bool) {
	for i := len(ds) - 1; i >= 0; i-- {
		if (kind == "" || ds[i].Kind == kind) && (outcome == "" || ds[i].Outcome == outcome) {
			return ds[i].Decision, true
		}
	}
	return nrm.Decision{}, false
}

// Decisions lists a case's decisions, with reasons for identity readers.
func (s *Service) Decisions(ctx context.Context, caseID string) ([]nrm.Decision, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.Decision
	err = s.read(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActCaseView)
		if err != nil {
			return err
		}
		recs, err := tx.Decisions(ctx, caseID)
		if err != nil {
			return err
		}
		for _, d := range recs {
			// Identity readers read every decision's reasons; the authority
			// reads its own, also once the rest of its access has ended.
			if f.rec.PersonKey != nil && (f.read.Has(nrm.Identity) || d.OrgID == a.OrgID) {
				z, err := f.sealer()
				if err != nil {
					return err
				}
				if d.Reasons, err = z.open("decisions", "reasons", d.ID, d.SealedReasons); err != nil {
					return err
				}
			}
			out = append(out, d.Decision)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.readRecord(ctx, caseID, "decisions", len(out))
}

// AwaitConclusive marks the evidence gathered: from the recovery period the
// case awaits its conclusive-grounds decision.
func (s *Service) AwaitConclusive(ctx context.Context, caseID string) (nrm.State, error) {
	return s.move(ctx, caseID, nrm.ActDecide, nrm.StepAwaitCG, func(c nrm.Case, _ []nrm.DecisionRecord) (nrm.State, error) {
		if c.State != nrm.StateRecoveryPeriod {
			return "", nrm.ErrTransition(c.State, nrm.StepAwaitCG)
		}
		return nrm.StateAwaitingConclusiveGrounds, nil
	}, "")
}

// Reconsider re-opens a negative decision: the case awaits that decision again.
func (s *Service) Reconsider(ctx context.Context, caseID, reason string) (nrm.State, error) {
	reason, err := nrm.Text("reason", reason, 5000)
	if err != nil {
		return "", err
	}
	if reason == "" {
		return "", nrm.Invalid("reason", "say why the decision is reconsidered")
	}
	return s.move(ctx, caseID, nrm.ActDecide, nrm.StepReconsider, reconsidered, reason)
}

// reconsidered is where a reconsidered negative decision takes the case:
// back to await the decision that was negative.
func reconsidered(c nrm.Case, ds []nrm.DecisionRecord) (nrm.State, error) {
	if c.State != nrm.StateNotIdentified {
		return "", nrm.ErrTransition(c.State, nrm.StepReconsider)
	}
	last, _ := lastDecision(ds, "", "")
	if last.Kind == nrm.ReasonableGrounds {
		return nrm.StateAwaitingReasonableGrounds, nil
	}
	return nrm.StateAwaitingConclusiveGrounds, nil
}

// move applies a transition chosen by next, for actors allowed act.
func (s *Service) move(ctx context.Context, caseID string, act nrm.Action, step nrm.Step,
	next func(nrm.Case, []nrm.DecisionRecord) (nrm.State, error), reason string) (nrm.State, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", err
	}
	var state nrm.State
	err = s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, act)
		if err != nil {
			return err
		}
		state, err = s.moveIn(f, step, next, reason)
		return err
	})
	return state, err
}

// moveIn is move inside the case file's transaction. Reconsidering a
// negative decision brings back the clocks it had stopped: the decision's
// target, and the recovery period while its end is still ahead.
func (s *Service) moveIn(f *caseFile, step nrm.Step, next func(nrm.Case, []nrm.DecisionRecord) (nrm.State, error), reason string) (nrm.State, error) {
	ctx, tx, caseID := f.ctx, f.tx, f.rec.ID
	ds, err := tx.Decisions(ctx, caseID)
	if err != nil {
		return "", err
	}
	c := f.rec.Case
	state, err := next(c, ds)
	if err != nil {
		return "", err
	}
	today := f.today()
	p := s.profileOf(c)
	switch state {
	case nrm.StateAwaitingReasonableGrounds:
		if due, ok := p.ReasonableGroundsDue(today.Time()); ok {
			if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineRG, Due: nrm.DateOf(due)}); err != nil {
				return "", err
			}
		}
	case nrm.StateAwaitingConclusiveGrounds:
		if step == nrm.StepReconsider {
			start := c.NRMAcceptedOn
			if rg, ok := lastDecision(ds, nrm.ReasonableGrounds, nrm.Positive); ok {
				start = rg.DecidedOn
			}
			// The person awaits a decision again: their recovery and
			// reflection period runs again from today, or on to its first end.
			end := nrm.DateOf(p.RecoveryEnd(today.Time()))
			if first := nrm.DateOf(p.RecoveryEnd(start.Time())); !start.IsZero() && first.After(end) {
				end = first
			}
			{
				if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineRecoveryEnd, Due: end}); err != nil {
					return "", err
				}
			}
			if due, ok := p.ConclusiveTargetDate(today.Time()); ok {
				if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: caseID, Kind: nrm.DeadlineCG, Due: nrm.DateOf(due)}); err != nil {
					return "", err
				}
			}
		}
	}
	if step == nrm.StepReconsider {
		c.Outcome = nrm.OutcomeReconsidering
	}
	if reason != "" {
		z, err := f.sealer()
		if err != nil {
			return "", err
		}
		note := nrm.Note{ID: nrm.NewID(), CaseID: caseID, Compartment: nrm.Identity, Text: string(step) + ": " + reason,
			AuthorID: f.actor.UserID, AuthorOrg: f.actor.OrgID, CreatedAt: tx.Time()}
		if err := tx.InsertNote(ctx, nrm.NoteRecord{Note: note, PersonID: f.rec.Person.ID,
			Body: z.seal("case_notes", "body", note.ID, note.Text)}); err != nil {
			return "", err
		}
	}
	if err := s.changeState(ctx, tx, &c, state, today, string(step)); err != nil {
		return "", err
	}
	f.rec.Case = c
	return state, f.audit("case.state", string(state))
}

// decisionOutcome names what a decision brings the identification track to.
func decisionOutcome(d nrm.Decision) string {
	switch {
	case d.Kind == nrm.ReasonableGrounds && d.Outcome == nrm.Positive:
		return nrm.OutcomeRGPositive
	case d.Kind == nrm.ReasonableGrounds:
		return nrm.OutcomeRGNegative
	case d.Outcome == nrm.Positive:
		return nrm.OutcomeCGPositive
	}
	return nrm.OutcomeCGNegative
}
