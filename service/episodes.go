package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
)

// CloseCase closes a case with a structured reason; its clocks stop.
func (s *Service) CloseCase(ctx context.Context, caseID string, in nrm.CloseInput) (nrm.State, error) {
	reason := strings.TrimSpace(in.Reason)
	if err := nrm.CheckClosure(nrm.StateEncountered, reason); nrm.ErrorCode(err) == nrm.CodeInvalid {
		return "", err
	}
	note, err := nrm.Text("note", in.Note, 5000)
	if err != nil {
		return "", err
	}
	on, err := nrm.PastDate("closed_on", in.ClosedOn, s.Today(), false)
	if err != nil {
		return "", err
	}
	a, err := actor(ctx)
	if err != nil {
		return "", err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActClose)
		if err != nil {
			return err
		}
		c := rec.Case
		if err := nrm.Guard(c, nrm.StepClose, reason); err != nil {
			return err
		}
		if on.IsZero() {
			on = nrm.DateOf(tx.Time())
		}
		if on.Before(c.Encounter.Date) {
			return nrm.Invalid("closed_on", "before the encounter (%s)", c.Encounter.Date)
		}
		if err := tx.ClearDeadlines(ctx, caseID); err != nil {
			return err
		}
		if note != "" {
			z, err := s.personSealer(rec)
			if err == nil {
				n := nrm.Note{ID: nrm.NewID(), CaseID: caseID, Compartment: nrm.Support, Text: "Closure: " + note,
					AuthorID: a.UserID, AuthorOrg: a.OrgID, CreatedAt: tx.Time()}
				if err := tx.InsertNote(ctx, nrm.NoteRecord{Note: n, PersonID: rec.Person.ID, Body: z.seal("case_notes", "body", n.ID, n.Text)}); err != nil {
					return err
				}
			}
		}
		c.ClosedReason, c.ClosedOn = reason, on
		if err := s.changeState(ctx, tx, &c, nrm.StateClosed, on, "reason: "+reason); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "case.close", "case/"+caseID, outcomeOK, reason))
	})
	return nrm.StateClosed, err
}

// ReopenCase opens a new episode for the person of a closed case, linked to
// the earlier ones, so that re-trafficking shows. The new episode starts
// at the encounter, under today's profile.
func (s *Service) ReopenCase(ctx context.Context, caseID string, in nrm.ReopenInput) (nrm.CaseView, error) {
	reason, err := nrm.Text("reason", in.Reason, 5000)
	if err != nil {
		return nrm.CaseView{}, err
	}
	if reason == "" {
		return nrm.CaseView{}, nrm.Invalid("reason", "say why the case is re-opened")
	}
	a, err := actor(ctx)
	if err != nil {
		return nrm.CaseView{}, err
	}
	var newID string
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActClose)
		if err != nil {
			return err
		}
		if rec.State != nrm.StateClosed {
			return nrm.ErrTransition(rec.State, nrm.StepReopen)
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		episodes, err := tx.Episodes(ctx, rec.Person.ID)
		if err != nil {
			return err
		}
		for _, e := range episodes {
			if e.State != nrm.StateClosed {
				return nrm.Conflict("episode %d (%s) of this person is still open", e.Episode, e.Reference)
			}
		}
		today := nrm.DateOf(tx.Time())
		n := rec.Case
		n.ID, n.Reference = nrm.NewID(), nrm.NewReference(tx.Time().Year())
		n.State, n.Episode, n.PreviousCase, n.Profile = nrm.StateEncountered, episodes[len(episodes)-1].Episode+1, caseID, s.cfg.Profile.ID
		n.ClosedReason, n.ClosedOn, n.NRMAcceptedOn = "", nrm.Date{}, nrm.Date{}
		n.Encounter = nrm.Encounter{Date: today, Country: rec.Encounter.Country}
		n.CreatedBy, n.CreatedAt, n.UpdatedAt, n.Version = a.UserID, tx.Time(), tx.Time(), 1
		// The person's age is known only sealed: reopening keeps the child
		// presumption of the earlier episode unless the date of birth says otherwise.
		if dob, err := z.open("persons", "date_of_birth", rec.Person.ID, rec.Person.DateOfBirth); err == nil && dob != "" {
			d, _ := nrm.ParseDate("", dob)
			n.Child = nrm.PresumedChild(nrm.Person{DateOfBirth: d, AgeUncertain: rec.Person.AgeUncertain}, today)
		}
		if err := tx.InsertCase(ctx, nrm.CaseRecord{Case: n, Person: rec.Person}); err != nil {
			return err
		}
		newID = n.ID
		if err := s.event(ctx, tx, n.ID, "episode", "", today, fmt.Sprintf("episode %d, re-opened from %s", n.Episode, rec.Reference), caseID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "episode", "", today, fmt.Sprintf("re-opened as episode %d: %s", n.Episode, n.Reference), n.ID); err != nil {
			return err
		}
		note := nrm.Note{ID: nrm.NewID(), CaseID: n.ID, Compartment: nrm.Support, Text: "Re-opened: " + reason,
			AuthorID: a.UserID, AuthorOrg: a.OrgID, CreatedAt: tx.Time()}
		if err := tx.InsertNote(ctx, nrm.NoteRecord{Note: note, PersonID: rec.Person.ID, Body: z.seal("case_notes", "body", note.ID, note.Text)}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "case.reopen", "case/"+n.ID, outcomeOK, "episode of case/"+caseID))
	})
	if err != nil {
		return nrm.CaseView{}, err
	}
	return s.Case(ctx, newID)
}

// Notify records an anonymous notification: an adult who does not consent
// to a referral is still counted, with no personal data at all.
func (s *Service) Notify(ctx context.Context, in nrm.NotificationInput) (nrm.Notification, error) {
	a, err := s.allow(ctx, nrm.ActNotify)
	if err != nil {
		return nrm.Notification{}, err
	}
	n, err := in.Validate(s.Today())
	if err != nil {
		return n, err
	}
	err = s.write(ctx, func(tx Tx) error {
		n.ID, n.OrgID, n.CreatedAt = nrm.NewID(), a.OrgID, tx.Time()
		if err := tx.InsertNotification(ctx, n); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "notification.create", "notification/"+n.ID, outcomeOK, ""))
	})
	return n, err
}

// Timeline returns the events of a case the actor may see.
func (s *Service) Timeline(ctx context.Context, caseID string) ([]nrm.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.Event
	err = s.read(ctx, func(tx Tx) error {
		_, acc, err := s.caseFor(ctx, tx, a, caseID, nrm.ActCaseView)
		if err != nil {
			return err
		}
		out, err = tx.Events(ctx, caseID, nrm.Readable(a, acc))
		return err
	})
	return out, err
}
