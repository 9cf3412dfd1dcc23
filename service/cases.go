package service

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/keyring"
)

// CreateCase records a possible victim met by the actor's organisation.
// Every identifying field is sealed under a new data key of the person's own.
func (s *Service) CreateCase(ctx context.Context, in nrm.CaseInput) (nrm.CaseView, error) {
	views, err := s.CreateCases(ctx, []nrm.CaseInput{in})
	if err != nil {
		return nrm.CaseView{}, err
	}
	return views[0], nil
}

// MaxImport bounds one call of CreateCases.
const MaxImport = 5000

// CreateCases records several cases in one transaction: all or none. It is
// how an NRM moves its spreadsheets in. A bad row is named by its index.
func (s *Service) CreateCases(ctx context.Context, inputs []nrm.CaseInput) ([]nrm.CaseView, error) {
	a, err := s.allow(ctx, nrm.ActCaseCreate)
	if err != nil {
		return nil, err
	}
	if len(inputs) == 0 || len(inputs) > MaxImport {
		return nil, nrm.Invalid("cases", "between 1 and %d cases at a time", MaxImport)
	}
	today := s.Today()
	cases := make([]nrm.Case, len(inputs))
	for i, in := range inputs {
		if cases[i], err = in.Validate(today); err != nil {
			if len(inputs) > 1 {
				e := *nrm.AsError(err)
				e.Field = "cases[" + strconv.Itoa(i) + "]." + e.Field
				return nil, &e
			}
			return nil, err
		}
	}
	views := make([]nrm.CaseView, len(cases))
	for attempt := 0; ; attempt++ {
		err = s.write(ctx, func(tx Tx) error {
			entries := make([]auditlog.Entry, 0, len(cases))
			for i := range cases {
				v, es, err := s.insertCase(ctx, tx, a, &cases[i])
				if err != nil {
					return err
				}
				views[i], entries = v, append(entries, es...)
			}
			return s.record(ctx, tx, entries...)
		})
		if !nrm.IsDuplicateReference(err) || attempt == 4 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return views, nil
}

// insertCase records one validated new case of the actor's organisation in
// tx: the person sealed under a new data key, the blind indexes and flags,
// the first event; it returns the audit entries to record. Every way a case
// is opened (the form, an import, a self-referral) goes through here.
func (s *Service) insertCase(ctx context.Context, tx Tx, a nrm.Actor, c *nrm.Case) (nrm.CaseView, []auditlog.Entry, error) {
	acc := nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope}
	c.ID, c.Person.ID = nrm.NewID(), nrm.NewID()
	c.Reference = nrm.NewReference(tx.Time().Year())
	c.OrgID, c.CreatedBy, c.CreatedAt, c.UpdatedAt, c.Version = a.OrgID, a.UserID, tx.Time(), tx.Time(), 1
	c.Episode, c.Profile = 1, s.cfg.Profile.ID
	dk, err := s.newDataKey(ctx, tx, c.Person.ID)
	if err != nil {
		return nrm.CaseView{}, nil, err
	}
	rec := sealCase(dk, *c)
	if err := tx.InsertPerson(ctx, rec.Person); err != nil {
		return nrm.CaseView{}, nil, err
	}
	if err := tx.InsertCase(ctx, rec); err != nil {
		return nrm.CaseView{}, nil, err
	}
	flagEntries, err := s.indexPerson(ctx, tx, *c)
	if err != nil {
		return nrm.CaseView{}, nil, err
	}
	flags, err := s.flagsFor(ctx, tx, c.ID, a.OrgID)
	if err != nil {
		return nrm.CaseView{}, nil, err
	}
	v := nrm.CaseView{Case: *c, Access: acc, Readable: nrm.Readable(a, acc), Flags: flags}
	if err := s.event(ctx, tx, c.ID, "encounter", "", c.Encounter.Date, "case recorded: a possible victim was met", ""); err != nil {
		return nrm.CaseView{}, nil, err
	}
	return v, append([]auditlog.Entry{s.entry(ctx, "case.create", "case/"+c.ID, outcomeOK, "")}, flagEntries...), nil
}

// Case returns a case as the actor may see it. A caller whose organisation
// is not involved gets not-found, exactly as for a case that does not exist.
func (s *Service) Case(ctx context.Context, id string) (nrm.CaseView, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.CaseView{}, err
	}
	if !nrm.ValidID(id) {
		return nrm.CaseView{}, nrm.NotFound("case")
	}
	var view nrm.CaseView
	err = s.read(ctx, func(tx Tx) error {
		rec, acc, err := s.caseFor(ctx, tx, a, id, nrm.ActCaseView)
		if err != nil {
			return err
		}
		if view, err = s.openCase(ctx, tx, a, acc, rec); err != nil {
			return err
		}
		// The counts read with the case spare a query for what it lacks.
		if rec.Counts.HasFlags {
			if view.Flags, err = s.flagsFor(ctx, tx, id, a.OrgID); err != nil {
				return err
			}
		}
		if rec.Counts.HasClocks {
			if view.Deadlines, err = tx.Deadlines(ctx, id); err != nil {
				return err
			}
			view.Deadlines = nrm.VisibleDeadlines(view.Deadlines, view.Readable)
		}
		if rec.Counts.Episodes > 1 {
			if view.Episodes, err = s.episodes(ctx, tx, a, rec); err != nil {
				return err
			}
		}
		// An open non-punishment record is justice material (CETS 197 Art. 26).
		if rec.Counts.NonPunishment && view.Readable.Has(nrm.Justice) {
			view.NonPunishment = nrm.NonPunishmentRaised
		}
		return s.caseExtras(ctx, tx, &view, rec)
	})
	if err != nil {
		return nrm.CaseView{}, err
	}
	if err := s.recordRead(ctx, s.readEntry(ctx, view, "")); err != nil {
		return nrm.CaseView{}, err
	}
	return view, nil
}

// episodes lists the person's other episodes that the actor may see.
func (s *Service) episodes(ctx context.Context, tx Tx, a nrm.Actor, rec nrm.CaseRecord) ([]nrm.EpisodeRef, error) {
	all, err := tx.Episodes(ctx, rec.Person.ID)
	if err != nil || len(all) <= 1 {
		return nil, err
	}
	var out []nrm.EpisodeRef
	for _, e := range all {
		if e.CaseID == rec.ID {
			continue
		}
		acc, err := s.accessByID(ctx, tx, e.CaseID, a.OrgID)
		if err != nil {
			return nil, err
		}
		if nrm.Can(a, nrm.ActCaseView, acc) {
			out = append(out, e)
		}
	}
	return out, nil
}

// readEntry records what part of a case file was read.
func (s *Service) readEntry(ctx context.Context, v nrm.CaseView, via string) auditlog.Entry {
	var parts []string
	for _, c := range v.Readable.Compartments() {
		parts = append(parts, string(c))
	}
	detail := "compartments " + strings.Join(parts, ",")
	if len(parts) == 0 {
		detail = "record only"
	}
	if via != "" {
		detail += "; via " + via
	}
	return s.entry(ctx, "case.read", "case/"+v.ID, outcomeOK, detail)
}

// CaseQuery narrows a list of cases.
type CaseQuery struct {
	State nrm.State
	After string // the last id of the previous page
	Limit int
	Name  string // words of the person's names, in any order, case and accents ignored
}

// Cases lists the cases the actor's organisation is involved in, newest
// first. A search by name matches blind indexes, never plaintext.
func (s *Service) Cases(ctx context.Context, q CaseQuery) ([]nrm.CaseView, error) {
	a, err := s.allow(ctx, nrm.ActCaseList)
	if err != nil {
		return nil, err
	}
	if q.State != "" && !q.State.Valid() {
		return nil, nrm.Invalid("state", "unknown state %q", q.State)
	}
	if q.After != "" && !nrm.ValidID(q.After) {
		return nil, nrm.Invalid("after", "not a case id")
	}
	f := nrm.CaseFilter{OrgID: a.OrgID, State: q.State, After: q.After, Limit: q.Limit}
	var searchEntry []auditlog.Entry
	if name := strings.TrimSpace(q.Name); name != "" {
		if len(name) > 200 {
			return nil, nrm.Invalid("name", "at most 200 characters")
		}
		tokens := nameTokens(nrm.Person{GivenName: name})
		if len(tokens) == 0 {
			return nil, nrm.Invalid("name", "give at least one letter of a name")
		}
		f.NameIndex = s.nameIndex(tokens)
		searchEntry = append(searchEntry, s.entry(ctx, "case.search", "", outcomeOK, "terms "+s.keys.AuditHash(strings.Join(tokens, " "))))
	}
	var out []nrm.CaseView
	err = s.read(ctx, func(tx Tx) error {
		recs, err := tx.Cases(ctx, f)
		if err != nil {
			return err
		}
		viewable, access, err := viewableOf(ctx, tx, a, recs)
		if err != nil {
			return err
		}
		for i, rec := range viewable {
			acc := access[i]
			// A search by name confirms who the person is: it finds a case
			// only for those who may read its identity.
			if len(f.NameIndex) > 0 && !nrm.Readable(a, acc).Has(nrm.Identity) {
				continue
			}
			v, err := s.openCase(ctx, tx, a, acc, rec)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		ids := make([]string, len(out))
		for i, v := range out {
			ids[i] = v.ID
		}
		clocks, err := tx.DeadlinesOf(ctx, ids)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].Deadlines = nrm.VisibleDeadlines(clocks[out[i].ID], out[i].Readable)
		}
		return s.markNonPunishmentAll(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	entries := append(make([]auditlog.Entry, 0, len(out)+1), searchEntry...)
	for _, v := range out {
		entries = append(entries, s.readEntry(ctx, v, "list"))
	}
	if err := s.recordRead(ctx, entries...); err != nil {
		return nil, err
	}
	return out, nil
}

// openCase turns a stored case into the actor's view, opening the sealed
// identity only when the actor may read it.
func (s *Service) openCase(ctx context.Context, tx Tx, a nrm.Actor, acc nrm.Access, rec nrm.CaseRecord) (nrm.CaseView, error) {
	v := nrm.CaseView{Case: rec.Case, Access: acc, Readable: nrm.Readable(a, acc)}
	v.Profile = s.profileOf(rec.Case).ID // cases from before profiles follow the deployment's
	v.Person = nrm.Person{ID: rec.Person.ID, Sex: rec.Person.Sex, Citizenship: rec.Person.Citizenship,
		AgeUncertain: rec.Person.AgeUncertain, Erased: !rec.Person.ErasedAt.IsZero()}
	if !v.Readable.Has(nrm.Identity) || v.Person.Erased || BenchBaseline {
		return v, nil
	}
	if rec.PersonKey == nil {
		v.Person.Erased = true
		return v, nil
	}
	dk, err := s.unwrap(rec.Person.ID, rec.PersonKey)
	if err != nil {
		return v, err
	}
	return openCase(dk, v, rec)
}

// viewableOf keeps the cases of a page that the actor may view, each with
// its access, decided for the whole page in two queries.
func viewableOf(ctx context.Context, tx Tx, a nrm.Actor, recs []nrm.CaseRecord) ([]nrm.CaseRecord, []nrm.Access, error) {
	page := make([]nrm.Case, len(recs))
	for i, rec := range recs {
		page[i] = rec.Case
	}
	facts, err := tx.AccessFactsOfMany(ctx, page, a.OrgID)
	if err != nil {
		return nil, nil, err
	}
	var out []nrm.CaseRecord
	var access []nrm.Access
	for _, rec := range recs {
		acc := nrm.AccessOf(facts[rec.ID])
		if nrm.Can(a, nrm.ActCaseView, acc) {
			out, access = append(out, rec), append(access, acc)
		}
	}
	return out, access, nil
}

// The sealed columns: each binds table, column and record id as associated
// data, so a ciphertext copied to another record or field does not open.
func sealCase(dk keyring.DataKey, c nrm.Case) nrm.CaseRecord {
	p := c.Person
	seal := func(table, column, id, value string) []byte {
		if value == "" {
			return nil
		}
		return dk.Seal([]byte(value), keyring.AD(table, column, id))
	}
	var aliases string
	if len(p.Aliases) > 0 {
		b, _ := json.Marshal(p.Aliases)
		aliases = string(b)
	}
	return nrm.CaseRecord{
		Case:           c,
		EncounterPlace: seal("cases", "encounter_place", c.ID, c.Encounter.Place),
		Person: nrm.PersonRecord{
			ID:            p.ID,
			GivenName:     seal("persons", "given_name", p.ID, p.GivenName),
			FamilyName:    seal("persons", "family_name", p.ID, p.FamilyName),
			Aliases:       seal("persons", "aliases", p.ID, aliases),
			DateOfBirth:   seal("persons", "date_of_birth", p.ID, p.DateOfBirth.String()),
			Contact:       seal("persons", "contact", p.ID, p.Contact),
			AgeUncertain:  p.AgeUncertain,
			Sex:           p.Sex,
			Citizenship:   p.Citizenship,
			CreatedAt:     c.CreatedAt,
			SafeToContact: p.SafeToContact,
		},
	}
}

func openCase(dk keyring.DataKey, v nrm.CaseView, rec nrm.CaseRecord) (nrm.CaseView, error) {
	var firstErr error
	open := func(table, column, id string, sealed []byte) string {
		if sealed == nil || firstErr != nil {
			return ""
		}
		b, err := dk.Open(sealed, keyring.AD(table, column, id))
		if err != nil {
			firstErr = nrm.Internal(errors.Join(errors.New(table+"."+column+" of "+id), err))
			return ""
		}
		return string(b)
	}
	p := &v.Person
	pr := rec.Person
	p.GivenName = open("persons", "given_name", pr.ID, pr.GivenName)
	p.FamilyName = open("persons", "family_name", pr.ID, pr.FamilyName)
	if a := open("persons", "aliases", pr.ID, pr.Aliases); a != "" {
		if err := json.Unmarshal([]byte(a), &p.Aliases); err != nil && firstErr == nil {
			firstErr = nrm.Internal(err)
		}
	}
	if d := open("persons", "date_of_birth", pr.ID, pr.DateOfBirth); d != "" {
		p.DateOfBirth, _ = nrm.ParseDate("", d)
	}
	p.Contact = open("persons", "contact", pr.ID, pr.Contact)
	p.SafeToContact = pr.SafeToContact
	v.Encounter.Place = open("cases", "encounter_place", v.ID, rec.EncounterPlace)
	return v, firstErr
}
