package service

// Corrections of the person of a case, the child rules they re-decide, the
// guardian of a child and the warnings a case answers with.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// CorrectPerson corrects the person of a case (spelling, date of birth,
// age_uncertain, contact...). Only who may read identity and whose role
// may write to the case may; the fields are validated as at creation. The
// old values are kept, sealed, in the person's history; the blind indexes
// are rebuilt from the new names; a change of age re-decides the child
// rules from now on. A correction that changes nothing writes nothing.
func (s *Service) CorrectPerson(ctx context.Context, caseID string, in nrm.PersonPatch) (nrm.CaseView, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.CaseView{}, err
	}
	if in.Empty() {
		return nrm.CaseView{}, nrm.Invalid("person", "nothing to correct: give at least one of the person's fields")
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, acc, err := s.identityWriter(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		cur, err := s.openCase(ctx, tx, a, acc, rec)
		if err != nil {
			return err
		}
		today := nrm.DateOf(tx.Time())
		next, fields, err := in.Apply(cur.Person, today, rec.Encounter.Date)
		if err != nil || len(fields) == 0 {
			return err
		}
		pr := sealCase(z.dk, nrm.Case{ID: rec.ID, Person: next}).Person
		pr.Version, pr.CreatedAt = rec.Person.Version, rec.Person.CreatedAt
		if err := tx.UpdatePerson(ctx, pr); err != nil {
			return err
		}
		// The date of birth is open only here: the statistics take its band.
		if band := nrm.AgeBandAt(next, rec.Encounter.Date); band != "" {
			if err := tx.SetStatAgeBand(ctx, caseID, band); err != nil {
				return err
			}
		}
		old, _ := json.Marshal(nrm.PatchOf(cur.Person, fields))
		h := nrm.PersonHistoryRecord{ID: nrm.NewID(), PersonID: rec.Person.ID, CaseID: caseID, Fields: fields,
			By: a.UserID, OrgID: a.OrgID, At: tx.Time()}
		h.SealedOld = z.seal("person_history", "old_values", h.ID, string(old))
		if err := tx.InsertPersonHistory(ctx, h); err != nil {
			return err
		}
		if err := s.event(ctx, tx, caseID, "person", nrm.Identity, today, "person corrected: "+nrm.FieldList(fields), h.ID); err != nil {
			return err
		}
		entries := []auditlog.Entry{s.entry(ctx, "person.correct", "case/"+caseID, outcomeOK,
			"fields "+nrm.FieldList(fields)+"; correction "+h.ID)}
		if nrm.NamesChanged(fields) {
			c := rec.Case
			c.Person = next
			flagEntries, err := s.reindexPerson(ctx, tx, c)
			if err != nil {
				return err
			}
			entries = append(entries, flagEntries...)
		}
		if nrm.AgeChanged(fields) {
			own := nrm.FullScope // what the corrector's organisation may pass on
			if acc.Relation != nrm.RelOwner {
				own = acc.Scope
			}
			if err := s.redecideChild(ctx, tx, rec, next, z, own); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, entries...)
	})
	if err != nil {
		return nrm.CaseView{}, err
	}
	return s.Case(ctx, caseID)
}

// identityWriter loads a case for a correction of its identity compartment:
// the actor's role may write to the case and the actor reads identity.
func (s *Service) identityWriter(ctx context.Context, tx Tx, a nrm.Actor, caseID string) (nrm.CaseRecord, nrm.Access, error) {
	rec, acc, err := s.caseFor(ctx, tx, a, caseID, nrm.ActPersonCorrect)
	if err != nil {
		return rec, acc, err
	}
	if !nrm.Readable(a, acc).Has(nrm.Identity) {
		return nrm.CaseRecord{}, acc, s.deny(ctx, a, nrm.ActPersonCorrect, "case/"+caseID,
			nrm.Forbidden("you may not read who the person is on this case"))
	}
	if rec.PersonKey == nil || !rec.Person.ErasedAt.IsZero() {
		return nrm.CaseRecord{}, acc, nrm.Conflict("the person of this case was erased")
	}
	return rec, acc, nil
}

// reindexPerson rebuilds a person's blind indexes from corrected names and
// date of birth: search finds the new spelling, no longer the old one (an
// old name the person still goes by belongs among the aliases), and a
// match the correction reveals is flagged as on creation.
func (s *Service) reindexPerson(ctx context.Context, tx Tx, c nrm.Case) ([]auditlog.Entry, error) {
	if err := tx.DeletePersonIndex(ctx, c.Person.ID); err != nil {
		return nil, err
	}
	flags, err := tx.CaseFlags(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	flagged := map[string]bool{}
	for _, f := range flags {
		flagged[f.CaseID], flagged[f.MatchedCase] = true, true
	}
	return s.indexPersonFlagging(ctx, tx, c, flagged)
}

// redecideChild recomputes whether a case is a child's after its person's
// age was corrected (CETS 197 Art. 10(3): an uncertain age is a child's).
// A case that becomes a child's and has been referred, or is past
// encountered (and is not closed), is notified to child protection as
// Refer does; a case that stops being one keeps its referrals.
func (s *Service) redecideChild(ctx context.Context, tx Tx, rec nrm.CaseRecord, p nrm.Person, z sealer, own nrm.Scope) error {
	child := nrm.PresumedChild(p, rec.Encounter.Date)
	if child == rec.Child {
		return nil
	}
	if err := tx.SetCaseChild(ctx, rec.ID, child, rec.Version); err != nil {
		return err
	}
	today := nrm.DateOf(tx.Time())
	if !child {
		return s.event(ctx, tx, rec.ID, "child", "", today,
			"no longer presumed a child (age corrected): the adult rules apply from now on; existing referrals stay", "")
	}
	if err := s.event(ctx, tx, rec.ID, "child", "", today,
		"now presumed a child (age corrected): the child rules apply from now on", ""); err != nil {
		return err
	}
	if rec.State == nrm.StateClosed {
		return nil // re-opened, the new episode is referred as a child's
	}
	rec.Child = true
	referred := rec.State != nrm.StateEncountered
	if !referred {
		refs, err := tx.Referrals(ctx, rec.ID)
		if err != nil {
			return err
		}
		referred = len(refs) > 0
	}
	if !referred {
		return nil // child protection is notified when the case is referred
	}
	return s.notifyChildProtection(ctx, tx, rec, z, "", own)
}

// childProtectionFor lists the child-protection organisations that serve a
// country: those of that country and those without one.
func childProtectionFor(orgs []nrm.Organisation, country string) []nrm.Organisation {
	var out []nrm.Organisation
	for _, o := range orgs {
		if o.Kind == nrm.KindChildProtection && (country == "" || o.Country == "" || o.Country == country) {
			out = append(out, o)
		}
	}
	return out
}

// noChildProtection says that nobody can be told of a child.
func noChildProtection(country string) string {
	if country == "" {
		return "no child-protection organisation is registered: nobody was notified of this child"
	}
	return fmt.Sprintf("no child-protection organisation is registered for %s: nobody was notified of this child", country)
}

// caseExtras adds to a case read what this file keeps: its warnings and,
// for identity readers, a child's guardian.
func (s *Service) caseExtras(ctx context.Context, tx Tx, v *nrm.CaseView, rec nrm.CaseRecord) error {
	if v.Child {
		orgs, err := tx.Orgs(ctx)
		if err != nil {
			return err
		}
		if len(childProtectionFor(orgs, rec.Encounter.Country)) == 0 {
			v.Warnings = append(v.Warnings, nrm.Warning{Code: nrm.WarnNoChildProtection,
				Message: "This is a child's case, but " + noChildProtection(rec.Encounter.Country) +
					". Register a child-protection organisation for the country and refer the case to it."})
		}
	}
	// A guardian is a child's (SetGuardian refuses an adult's case): an
	// adult's read asks nothing more.
	if !v.Child || !v.Readable.Has(nrm.Identity) || v.Person.Erased || rec.PersonKey == nil {
		return nil
	}
	g, err := tx.Guardian(ctx, rec.ID)
	if nrm.ErrorCode(err) == nrm.CodeNotFound || err == nil && g.Sealed == nil {
		return nil
	}
	if err != nil {
		return err
	}
	z, err := s.personSealer(rec)
	if err != nil {
		return err
	}
	out, err := openGuardian(z, g)
	if err != nil {
		return err
	}
	v.Guardian = &out
	return nil
}

// guardianSealed is what is sealed of a guardian.
type guardianSealed struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	AppointedOn  string `json:"appointed_on,omitempty"`
	Contact      string `json:"contact,omitempty"`
}

func openGuardian(z sealer, g nrm.GuardianRecord) (nrm.Guardian, error) {
	text, err := z.open("case_guardians", "details", g.CaseID, g.Sealed)
	if err != nil {
		return nrm.Guardian{}, err
	}
	var d guardianSealed
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		return nrm.Guardian{}, nrm.Internal(err)
	}
	out := nrm.Guardian{Name: d.Name, Organisation: d.Organisation, Contact: d.Contact, SetBy: g.SetBy, SetOrg: g.SetOrg, SetAt: g.SetAt}
	out.AppointedOn, _ = nrm.ParseDate("", d.AppointedOn)
	return out, nil
}

// SetGuardian records the guardian of a child's case, or replaces the one
// recorded; sealed, in the identity compartment. An adult's case has none
// (409).
func (s *Service) SetGuardian(ctx context.Context, caseID string, in nrm.GuardianInput) (nrm.Guardian, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.Guardian{}, err
	}
	g, err := in.Validate(s.Today())
	if err != nil {
		return g, err
	}
	err = s.write(ctx, func(tx Tx) error {
		rec, _, err := s.identityWriter(ctx, tx, a, caseID)
		if err != nil {
			return err
		}
		if !rec.Child {
			return nrm.Conflict("a guardian is recorded for a child (or a person presumed a child); this is an adult's case")
		}
		z, err := s.personSealer(rec)
		if err != nil {
			return err
		}
		_, err = tx.Guardian(ctx, caseID)
		replaced := err == nil
		if err != nil && nrm.ErrorCode(err) != nrm.CodeNotFound {
			return err
		}
		b, _ := json.Marshal(guardianSealed{Name: g.Name, Organisation: g.Organisation, AppointedOn: g.AppointedOn.String(), Contact: g.Contact})
		g.SetBy, g.SetOrg, g.SetAt = a.UserID, a.OrgID, tx.Time()
		if err := tx.SetGuardian(ctx, nrm.GuardianRecord{CaseID: caseID, PersonID: rec.Person.ID,
			Sealed: z.seal("case_guardians", "details", caseID, string(b)), SetBy: g.SetBy, SetOrg: g.SetOrg, SetAt: g.SetAt}); err != nil {
			return err
		}
		summary, on := "guardian recorded", g.AppointedOn
		if replaced {
			summary = "guardian changed"
		}
		if on.IsZero() {
			on = nrm.DateOf(tx.Time())
		}
		if err := s.event(ctx, tx, caseID, "guardian", nrm.Identity, on, summary, ""); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "guardian.set", "case/"+caseID, outcomeOK, summary))
	})
	if err != nil {
		return nrm.Guardian{}, err
	}
	return g, nil
}

// PersonHistory returns the corrections of a case's person, oldest first,
// with the old values opened: to identity readers only. Each read is audited.
func (s *Service) PersonHistory(ctx context.Context, caseID string) ([]nrm.PersonCorrection, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []nrm.PersonCorrection
	err = s.read(ctx, func(tx Tx) error {
		rec, _, err := s.caseFor(ctx, tx, a, caseID, nrm.ActReadIdentity)
		if err != nil {
			return err
		}
		recs, err := tx.PersonHistory(ctx, rec.Person.ID)
		if err != nil || len(recs) == 0 {
			return err
		}
		var z *sealer
		if rec.PersonKey != nil && rec.Person.ErasedAt.IsZero() {
			zz, err := s.personSealer(rec)
			if err != nil {
				return err
			}
			z = &zz
		}
		for _, h := range recs {
			c := nrm.PersonCorrection{ID: h.ID, CaseID: h.CaseID, Fields: h.Fields, By: h.By, OrgID: h.OrgID, At: h.At}
			if z != nil && h.SealedOld != nil {
				text, err := z.open("person_history", "old_values", h.ID, h.SealedOld)
				if err != nil {
					return err
				}
				if err := json.Unmarshal([]byte(text), &c.Old); err != nil {
					return nrm.Internal(err)
				}
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.readRecord(ctx, caseID, "person corrections", len(out))
}
