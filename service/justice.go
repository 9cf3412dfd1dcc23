package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
)

// The justice track (CONTRACT.md, "Access to justice"): proceedings and
// their events, non-punishment and compensation (compensation.go), all in
// the justice compartment. Each entry point opens the case file for its
// action (kernel.go); the helpers below never check access again. Justice
// goes on after an episode closes (a trial outlives the support), so a
// closed case still takes justice records.

// Justice is the justice compartment of a case, opened.
type Justice struct {
	Proceedings   []nrm.Proceeding
	NonPunishment []nrm.NonPunishment
	Claims        []nrm.Claim
}

// proceedingSealed is what is sealed of a proceeding.
type proceedingSealed struct {
	Authority string        `json:"authority"`
	Reference string        `json:"reference,omitempty"`
	Lawyer    *nrm.Lawyer   `json:"lawyer,omitempty"`
	Rights    *rightsSealed `json:"rights,omitempty"`
}

type rightsSealed struct {
	GivenOn     string `json:"given_on"`
	Language    string `json:"language"`
	Interpreter bool   `json:"interpreter"`
}

func sealRights(r *nrm.RightsInformation) *rightsSealed {
	if r == nil {
		return nil
	}
	return &rightsSealed{GivenOn: r.GivenOn.String(), Language: r.Language, Interpreter: r.Interpreter}
}

func openRights(r *rightsSealed) *nrm.RightsInformation {
	if r == nil {
		return nil
	}
	d, _ := nrm.ParseDate("", r.GivenOn)
	return &nrm.RightsInformation{GivenOn: d, Language: r.Language, Interpreter: r.Interpreter}
}

type nonPunishmentSealed struct {
	Offence   string `json:"offence"`
	Authority string `json:"authority"`
}

// sealJSON seals a value as JSON under the person's key.
func sealJSON(z sealer, table, column, id string, v any) []byte {
	b, _ := json.Marshal(v)
	return z.seal(table, column, id, string(b))
}

func openJSON(z sealer, table, column, id string, sealed []byte, v any) error {
	s, err := z.open(table, column, id, sealed)
	if err != nil || s == "" {
		return err
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return nrm.Internal(fmt.Errorf("%s.%s of %s: %w", table, column, id, err))
	}
	return nil
}

// justiceWrite runs fn on the case file opened for a justice write.
func (s *Service) justiceWrite(ctx context.Context, caseID string, fn func(f *caseFile, z sealer) error) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActJusticeWrite)
		if err != nil {
			return err
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		return fn(f, z)
	})
}

// AddProceeding records a proceeding the person takes part in.
func (s *Service) AddProceeding(ctx context.Context, caseID string, in nrm.ProceedingInput) (nrm.Proceeding, error) {
	p, err := in.Validate(s.Today())
	if err != nil {
		return p, err
	}
	err = s.justiceWrite(ctx, caseID, func(f *caseFile, z sealer) error {
		p.ID, p.CaseID, p.CreatedBy, p.CreatedOrg, p.CreatedAt, p.Version = nrm.NewID(), caseID, f.actor.UserID, f.actor.OrgID, f.tx.Time(), 1
		if p.Rights != nil && p.Rights.GivenOn.Before(f.rec.Encounter.Date) {
			return nrm.Invalid("rights_information.given_on", "before the encounter (%s)", f.rec.Encounter.Date)
		}
		rec := nrm.ProceedingRecord{Proceeding: p, Details: sealJSON(z, "proceedings", "details", p.ID,
			proceedingSealed{Authority: p.Authority, Reference: p.Reference, Lawyer: p.Lawyer, Rights: sealRights(p.Rights)})}
		if err := f.tx.InsertProceeding(f.ctx, rec); err != nil {
			return err
		}
		if err := f.event("proceeding", nrm.Justice, f.today(), fmt.Sprintf("%s proceeding (%s), the person as %s", p.Kind, p.Stage, p.PersonRole), p.ID); err != nil {
			return err
		}
		return f.audit("justice.proceeding", "proceeding "+p.ID)
	})
	return p, err
}

// AddProceedingEvent records a hearing, protective measure, verdict,
// sentence, appeal or change of stage. A hearing ahead is a clock; a stage
// event moves the proceeding.
func (s *Service) AddProceedingEvent(ctx context.Context, proceedingID string, in nrm.ProceedingEventInput) (nrm.ProceedingEvent, error) {
	if !nrm.ValidID(proceedingID) {
		return nrm.ProceedingEvent{}, nrm.NotFound("proceeding")
	}
	e, err := in.Validate(s.Today())
	if err != nil {
		return e, err
	}
	a, err := actor(ctx)
	if err != nil {
		return e, err
	}
	err = s.write(ctx, func(tx Tx) error {
		p, err := tx.Proceeding(ctx, proceedingID)
		if err != nil {
			return err
		}
		f, err := s.openFile(ctx, tx, a, p.CaseID, nrm.ActJusticeWrite)
		if err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("proceeding")
			}
			return err
		}
		z, err := f.sealer()
		if err != nil {
			return err
		}
		e.ID, e.ProceedingID, e.CaseID, e.CreatedBy, e.CreatedOrg, e.CreatedAt = nrm.NewID(), p.ID, p.CaseID, a.UserID, a.OrgID, tx.Time()
		if err := tx.InsertProceedingEvent(ctx, nrm.ProceedingEventRecord{ProceedingEvent: e,
			SealedNotes: z.seal("proceeding_events", "notes", e.ID, e.Notes)}); err != nil {
			return err
		}
		if e.Kind == nrm.EventStage && e.Stage != p.Stage {
			if err := tx.SetProceedingStage(ctx, p.ID, e.Stage, p.Version); err != nil {
				return err
			}
		}
		// A hearing ahead is a clock; hearings of this proceeding already
		// past stop counting once something further is recorded on it.
		if err := s.pastHearings(f, p.ID); err != nil {
			return err
		}
		if e.Kind == nrm.EventHearing && e.Date.After(f.today()) {
			if err := tx.SetDeadline(ctx, nrm.Deadline{CaseID: p.CaseID, Kind: nrm.DeadlineHearing, Due: e.Date, RefID: p.ID + "/" + e.ID}); err != nil {
				return err
			}
		}
		if err := f.event("proceeding-event", nrm.Justice, e.Date, eventSummary(p.Kind, e), e.ID); err != nil {
			return err
		}
		return f.audit("justice.proceeding.event", e.Kind+" of proceeding "+p.ID)
	})
	return e, err
}

// pastHearings stops the clocks of a proceeding's hearings that have passed.
func (s *Service) pastHearings(f *caseFile, proceedingID string) error {
	ds, err := f.tx.Deadlines(f.ctx, f.rec.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Kind == nrm.DeadlineHearing && strings.HasPrefix(d.RefID, proceedingID+"/") && d.Due.Before(f.today()) {
			if err := f.tx.ClearDeadline(f.ctx, d.CaseID, d.Kind, d.RefID); err != nil {
				return err
			}
		}
	}
	return nil
}

// eventSummary names an event for the timeline, without personal data.
func eventSummary(kind string, e nrm.ProceedingEvent) string {
	s := kind + " proceeding: " + e.Kind
	switch e.Kind {
	case nrm.EventProtectiveMeasure:
		s += " " + e.Measure + " " + e.Status
	case nrm.EventVerdict:
		s += " " + e.Outcome
	case nrm.EventSentence:
		s += fmt.Sprintf(" %d months", e.Months)
		if e.Suspended {
			s += ", suspended"
		}
	case nrm.EventStage:
		s += " " + e.Stage
	}
	return s
}

// AddNonPunishment records the person's own charge for an act they were
// compelled to commit (CETS 197 Art. 26).
func (s *Service) AddNonPunishment(ctx context.Context, caseID string, in nrm.NonPunishmentInput) (nrm.NonPunishment, error) {
	n, err := in.Validate()
	if err != nil {
		return n, err
	}
	err = s.justiceWrite(ctx, caseID, func(f *caseFile, z sealer) error {
		n.ID, n.CaseID, n.CreatedBy, n.CreatedOrg, n.CreatedAt, n.UpdatedAt, n.Version = nrm.NewID(), caseID, f.actor.UserID,
			f.actor.OrgID, f.tx.Time(), f.tx.Time(), 1
		rec := nrm.NonPunishmentRecord{NonPunishment: n, Details: sealJSON(z, "non_punishment", "details", n.ID,
			nonPunishmentSealed{Offence: n.Offence, Authority: n.Authority})}
		if err := f.tx.InsertNonPunishment(f.ctx, rec); err != nil {
			return err
		}
		if err := f.event("non-punishment", nrm.Justice, f.today(), "non-punishment "+n.Status, n.ID); err != nil {
			return err
		}
		return f.audit("justice.non-punishment", "non-punishment "+n.ID+" "+n.Status)
	})
	return n, err
}

// SetNonPunishmentStatus records what became of a non-punishment record.
func (s *Service) SetNonPunishmentStatus(ctx context.Context, id string, in nrm.NonPunishmentStatusInput) (nrm.NonPunishment, error) {
	if !nrm.ValidID(id) {
		return nrm.NonPunishment{}, nrm.NotFound("non-punishment record")
	}
	status := strings.TrimSpace(in.Status)
	if status != nrm.NonPunishmentApplied && status != nrm.NonPunishmentRefused && status != nrm.NonPunishmentRaised {
		return nrm.NonPunishment{}, nrm.Invalid("status", "one of: %s", strings.Join(nrm.NonPunishmentStatuses, ", "))
	}
	a, err := actor(ctx)
	if err != nil {
		return nrm.NonPunishment{}, err
	}
	var out nrm.NonPunishment
	err = s.write(ctx, func(tx Tx) error {
		rec, err := tx.NonPunishmentRecord(ctx, id)
		if err != nil {
			return err
		}
		f, err := s.openFile(ctx, tx, a, rec.CaseID, nrm.ActJusticeWrite)
		if err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.NotFound("non-punishment record")
			}
			return err
		}
		if rec.Status == status {
			return nrm.Conflict("the record is %s already", status)
		}
		if err := tx.SetNonPunishmentStatus(ctx, id, status, rec.Version, tx.Time()); err != nil {
			return err
		}
		out = rec.NonPunishment
		out.Status, out.UpdatedAt, out.Version = status, tx.Time(), rec.Version+1
		if f.rec.PersonKey != nil {
			z, err := f.sealer()
			if err != nil {
				return err
			}
			if err := openNonPunishment(z, &out, rec.Details); err != nil {
				return err
			}
		}
		if err := f.event("non-punishment", nrm.Justice, f.today(), "non-punishment "+status, id); err != nil {
			return err
		}
		return f.audit("justice.non-punishment", "non-punishment "+id+" "+status)
	})
	return out, err
}

func openNonPunishment(z sealer, n *nrm.NonPunishment, details []byte) error {
	var d nonPunishmentSealed
	if err := openJSON(z, "non_punishment", "details", n.ID, details, &d); err != nil {
		return err
	}
	n.Offence, n.Authority = d.Offence, d.Authority
	return nil
}

// Justice returns the justice compartment of a case for a justice reader.
// The read is audited. An erased person's records come back without their
// sealed detail.
func (s *Service) Justice(ctx context.Context, caseID string) (Justice, error) {
	a, err := actor(ctx)
	if err != nil {
		return Justice{}, err
	}
	var out Justice
	err = s.read(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActReadJustice)
		if err != nil {
			return err
		}
		ps, err := tx.Proceedings(ctx, caseID)
		if err != nil {
			return err
		}
		evs, err := tx.ProceedingEvents(ctx, caseID)
		if err != nil {
			return err
		}
		nps, err := tx.NonPunishments(ctx, caseID)
		if err != nil {
			return err
		}
		if out.Claims, err = tx.Claims(ctx, caseID); err != nil {
			return err
		}
		var z *sealer
		if f.rec.PersonKey != nil && len(ps)+len(evs)+len(nps) > 0 {
			zz, err := f.sealer()
			if err != nil {
				return err
			}
			z = &zz
		}
		at := map[string]int{}
		for _, p := range ps {
			if z != nil {
				var d proceedingSealed
				if err := openJSON(*z, "proceedings", "details", p.ID, p.Details, &d); err != nil {
					return err
				}
				p.Authority, p.Reference, p.Lawyer, p.Rights = d.Authority, d.Reference, d.Lawyer, openRights(d.Rights)
			}
			at[p.ID] = len(out.Proceedings)
			out.Proceedings = append(out.Proceedings, p.Proceeding)
		}
		for _, e := range evs {
			if z != nil {
				if e.Notes, err = z.open("proceeding_events", "notes", e.ID, e.SealedNotes); err != nil {
					return err
				}
			}
			if i, ok := at[e.ProceedingID]; ok {
				out.Proceedings[i].Events = append(out.Proceedings[i].Events, e.ProceedingEvent)
			}
		}
		for _, n := range nps {
			if z != nil {
				if err := openNonPunishment(*z, &n.NonPunishment, n.Details); err != nil {
					return err
				}
			}
			out.NonPunishment = append(out.NonPunishment, n.NonPunishment)
		}
		return nil
	})
	if err != nil {
		return Justice{}, err
	}
	n := len(out.Proceedings) + len(out.NonPunishment) + len(out.Claims)
	if err := s.readRecord(ctx, caseID, fmt.Sprintf("justice (proceedings %d, non-punishment %d, claims %d):",
		len(out.Proceedings), len(out.NonPunishment), len(out.Claims)), n); err != nil {
		return Justice{}, err
	}
	return out, nil
}

// markNonPunishment flags the cases of an open non-punishment record, for
// viewers who read justice: nobody should miss that the person is being
// prosecuted for what they were compelled to do.
func (s *Service) markNonPunishment(ctx context.Context, tx Tx, views ...*nrm.CaseView) error {
	var ids []string
	for _, v := range views {
		if v.Readable.Has(nrm.Justice) {
			ids = append(ids, v.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	raised, err := tx.RaisedNonPunishment(ctx, ids)
	if err != nil {
		return err
	}
	for _, v := range views {
		if raised[v.ID] {
			v.NonPunishment = nrm.NonPunishmentRaised
		}
	}
	return nil
}

// markNonPunishmentAll is markNonPunishment for a list.
func (s *Service) markNonPunishmentAll(ctx context.Context, tx Tx, views []nrm.CaseView) error {
	ptrs := make([]*nrm.CaseView, len(views))
	for i := range views {
		ptrs[i] = &views[i]
	}
	return s.markNonPunishment(ctx, tx, ptrs...)
}

// May says whether the caller may do act on a case they were shown: the
// pages of the tracks draw their forms from it, never from a rule of their
// own. An erased person's file takes no new records.
func (s *Service) May(ctx context.Context, v nrm.CaseView, act nrm.Action) bool {
	a, ok := nrm.ActorFrom(ctx)
	return ok && !v.Person.Erased && nrm.Can(a, act, v.Access)
}
