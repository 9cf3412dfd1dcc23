package service

// Trial monitoring (CONTRACT.md, "Trial monitoring"). A trial belongs to the
// monitoring organisation that observes it and to no case: the monitors
// (nrm.ActTrialWrite, nrm.ActTrialRead) never open a case file, and the
// policy gives their role no case action. Court, case number, charges and
// notes are sealed under the trial's own data key (data_keys, rotated with
// the rest). Free text is checked against the case files' blind indexes so
// that a person's name typed by mistake is refused (trialnames.go, and README.md).

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// TrialStore is what trial monitoring asks of a transaction (sqlstore/trials.go).
type TrialStore interface {
	InsertTrial(ctx context.Context, t nrm.TrialRecord) error
	Trial(ctx context.Context, id string) (nrm.TrialRecord, error)
	// LockTrial is Trial for a write, the row locked until the transaction ends.
	LockTrial(ctx context.Context, id string) (nrm.TrialRecord, error)
	TrialsOf(ctx context.Context, orgID string) ([]nrm.TrialRecord, error)
	InsertTrialHearing(ctx context.Context, h nrm.TrialHearingRecord) error
	TrialHearings(ctx context.Context, trialIDs []string) (map[string][]nrm.TrialHearingRecord, error)
	InsertTrialOutcome(ctx context.Context, o nrm.TrialOutcome) error
	TrialOutcomes(ctx context.Context, trialIDs []string) (map[string]nrm.TrialOutcome, error)
	TrialFacts(ctx context.Context, country string, from, to nrm.Date) ([]nrm.TrialFacts, error)
	// PersonsNamed returns the persons each name index value names.
	PersonsNamed(ctx context.Context, values []string) (map[string][]string, error)
}

// trialNameRefusals is how many texts naming a person one monitor may have
// refused per window (throttle.go) before every trial write of theirs is
// refused for the rest of it: enough for honest mistakes, too few to probe
// the case files for names.
const trialNameRefusals = 5

// trialSealed is what is sealed of a trial.
type trialSealed struct {
	Court      string   `json:"court"`
	CaseNumber string   `json:"case_number,omitempty"`
	Charges    []string `json:"charges,omitempty"`
}

// trialText is one free-text field to check for names.
type trialText struct{ field, text string }

// CreateTrial records a trial the actor's organisation observes.
func (s *Service) CreateTrial(ctx context.Context, in nrm.TrialInput) (nrm.Trial, error) {
	a, err := s.allow(ctx, nrm.ActTrialWrite)
	if err != nil {
		return nrm.Trial{}, err
	}
	t, err := in.Validate(s.Today())
	if err != nil {
		return t, err
	}
	t.ID, t.OrgID, t.CreatedBy = nrm.NewID(), a.OrgID, a.UserID
	texts := []trialText{{"court", t.Court}, {"case_number", t.CaseNumber}}
	for _, c := range t.Charges {
		texts = append(texts, trialText{"charges", c})
	}
	if err := s.refuseNames(ctx, a, "trial/"+t.ID, texts); err != nil {
		return nrm.Trial{}, err
	}
	err = s.write(ctx, func(tx Tx) error {
		t.CreatedAt = tx.Time()
		dk, err := s.dataKey(ctx, tx, t.ID, true)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(trialSealed{Court: t.Court, CaseNumber: t.CaseNumber, Charges: t.Charges})
		rec := nrm.TrialRecord{Trial: t, Details: dk.Seal(b, keyring.AD("trials", "details", t.ID))}
		if err := tx.InsertTrial(ctx, rec); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "trial.create", "trial/"+t.ID, outcomeOK, "country "+t.Country))
	})
	return t, err
}

// AddTrialHearing records the monitoring sheet of one hearing.
func (s *Service) AddTrialHearing(ctx context.Context, trialID string, in nrm.TrialHearingInput) (nrm.TrialHearing, error) {
	a, err := s.allow(ctx, nrm.ActTrialWrite)
	if err != nil {
		return nrm.TrialHearing{}, err
	}
	h, err := in.Validate(s.Today())
	if err != nil {
		return h, err
	}
	if !nrm.ValidID(trialID) {
		return h, nrm.NotFound("trial")
	}
	if err := s.refuseNames(ctx, a, "trial/"+trialID, []trialText{{"notes", h.Notes}}); err != nil {
		return nrm.TrialHearing{}, err
	}
	err = s.write(ctx, func(tx Tx) error {
		t, err := s.trialFor(ctx, tx, a, trialID, nrm.ActTrialWrite)
		if err != nil {
			return err
		}
		if h.Date.Before(t.OpenedOn) {
			return nrm.Invalid("date", "before the trial opened (%s)", t.OpenedOn)
		}
		outcomes, err := tx.TrialOutcomes(ctx, []string{t.ID})
		if err != nil {
			return err
		}
		if o, ok := outcomes[t.ID]; ok && h.Date.After(o.Date) {
			return nrm.Invalid("date", "after the trial's outcome (%s)", o.Date)
		}
		dk, err := s.dataKey(ctx, tx, t.ID, false)
		if err != nil {
			return err
		}
		h.ID, h.TrialID, h.CreatedBy, h.CreatedAt = nrm.NewID(), t.ID, a.UserID, tx.Time()
		rec := nrm.TrialHearingRecord{TrialHearing: h, SealedNotes: sealOrNil(dk, "trial_hearings", "notes", h.ID, h.Notes)}
		if err := tx.InsertTrialHearing(ctx, rec); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "trial.hearing", "trial/"+t.ID, outcomeOK, "hearing "+h.ID))
	})
	return h, err
}

// RecordTrialOutcome records the outcome of a trial, once.
func (s *Service) RecordTrialOutcome(ctx context.Context, trialID string, in nrm.TrialOutcomeInput) (nrm.TrialOutcome, error) {
	a, err := s.allow(ctx, nrm.ActTrialWrite)
	if err != nil {
		return nrm.TrialOutcome{}, err
	}
	o, err := in.Validate(s.Today())
	if err != nil {
		return o, err
	}
	if !nrm.ValidID(trialID) {
		return o, nrm.NotFound("trial")
	}
	if err := s.refuseNames(ctx, a, "trial/"+trialID, nil); err != nil {
		return o, err // a monitor refused too often writes nothing for a while
	}
	err = s.write(ctx, func(tx Tx) error {
		t, err := s.trialFor(ctx, tx, a, trialID, nrm.ActTrialWrite)
		if err != nil {
			return err
		}
		if o.Date.Before(t.OpenedOn) {
			return nrm.Invalid("date", "before the trial opened (%s)", t.OpenedOn)
		}
		ids := []string{t.ID}
		outcomes, err := tx.TrialOutcomes(ctx, ids)
		if err != nil {
			return err
		}
		if _, ok := outcomes[t.ID]; ok {
			return nrm.Conflict("the trial's outcome is recorded already")
		}
		hearings, err := tx.TrialHearings(ctx, ids)
		if err != nil {
			return err
		}
		if hs := hearings[t.ID]; len(hs) > 0 && o.Date.Before(hs[len(hs)-1].Date) {
			return nrm.Invalid("date", "before the last hearing (%s)", hs[len(hs)-1].Date)
		}
		o.ID, o.TrialID, o.CreatedBy, o.CreatedAt = nrm.NewID(), t.ID, a.UserID, tx.Time()
		if err := tx.InsertTrialOutcome(ctx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "trial.outcome", "trial/"+t.ID, outcomeOK, "verdict "+o.Verdict))
	})
	return o, err
}

// Trials lists the trials of the actor's organisation, newest first, with
// their hearings and outcome.
func (s *Service) Trials(ctx context.Context) ([]nrm.Trial, error) {
	a, err := s.allow(ctx, nrm.ActTrialRead)
	if err != nil {
		return nil, err
	}
	var out []nrm.Trial
	err = s.read(ctx, func(tx Tx) error {
		recs, err := tx.TrialsOf(ctx, a.OrgID)
		if err != nil {
			return err
		}
		out, err = s.openTrials(ctx, tx, recs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "trial.list", "", outcomeOK, fmt.Sprintf("trials %d", len(out))))
}

// Trial reads one trial of the actor's organisation.
func (s *Service) Trial(ctx context.Context, id string) (nrm.Trial, error) {
	a, err := s.allow(ctx, nrm.ActTrialRead)
	if err != nil {
		return nrm.Trial{}, err
	}
	var out []nrm.Trial
	err = s.read(ctx, func(tx Tx) error {
		rec, err := s.trialFor(ctx, tx, a, id, nrm.ActTrialRead)
		if err != nil {
			return err
		}
		out, err = s.openTrials(ctx, tx, []nrm.TrialRecord{rec})
		return err
	})
	if err != nil {
		return nrm.Trial{}, err
	}
	return out[0], s.recordRead(ctx, s.entry(ctx, "trial.read", "trial/"+id, outcomeOK, ""))
}

// TrialFindings aggregates the monitored trials of a country (every
// country when empty) over a period, from every monitoring organisation.
// It names no trial and holds no free text, so every signed-in user (and
// the operator, for the yearly report) may read it.
func (s *Service) TrialFindings(ctx context.Context, a nrm.Actor, country string, from, to nrm.Date) (nrm.TrialFindings, error) {
	ctx = nrm.WithActor(ctx, a)
	if _, err := s.allowOperatorOr(ctx, nrm.ActTrialFindingsRead); err != nil {
		return nrm.TrialFindings{}, err
	}
	f := nrm.NewTrialFindings(country, from, to)
	err := s.read(ctx, func(tx Tx) error {
		facts, err := tx.TrialFacts(ctx, country, from, to)
		for _, t := range facts {
			f.Count(t)
		}
		return err
	})
	if err != nil {
		return nrm.TrialFindings{}, err
	}
	detail := fmt.Sprintf("country %q %s..%s", country, from, to)
	return f, s.recordRead(ctx, s.entry(ctx, "trial.findings", "", outcomeOK, detail))
}

// ParseTrialPeriod reads the query of the findings: an optional country
// and a period of at most ten years, both ends required.
func ParseTrialPeriod(country, from, to string) (string, nrm.Date, nrm.Date, error) {
	c, err := nrm.ParseCountry("country", country, true)
	if err != nil {
		return "", nrm.Date{}, nrm.Date{}, err
	}
	var f, t nrm.Date
	if strings.TrimSpace(from) == "" {
		return "", f, t, nrm.Invalid("from", "the first day of the period is required")
	}
	if f, err = nrm.ParseDate("from", from); err != nil {
		return "", f, t, err
	}
	if strings.TrimSpace(to) == "" {
		return "", f, t, nrm.Invalid("to", "the last day of the period is required")
	}
	if t, err = nrm.ParseDate("to", to); err != nil {
		return "", f, t, err
	}
	if t.Before(f) {
		return "", f, t, nrm.Invalid("to", "before the first day of the period")
	}
	if t.After(f.AddDays(3660)) {
		return "", f, t, nrm.Invalid("to", "a period of at most ten years")
	}
	return c, f, t, nil
}

// trialFor loads a trial for an action of the actor (locked for a write):
// a trial of another organisation is not found.
func (s *Service) trialFor(ctx context.Context, tx Tx, a nrm.Actor, id string, act nrm.Action) (nrm.TrialRecord, error) {
	if !nrm.ValidID(id) {
		return nrm.TrialRecord{}, nrm.NotFound("trial")
	}
	load := tx.Trial
	if act == nrm.ActTrialWrite {
		load = tx.LockTrial
	}
	t, err := load(ctx, id)
	if err != nil && nrm.ErrorCode(err) != nrm.CodeNotFound {
		return t, err
	}
	if err != nil || t.OrgID != a.OrgID || !nrm.Can(a, act, nrm.Access{Relation: nrm.RelNone}) {
		return nrm.TrialRecord{}, s.deny(ctx, a, act, "trial/"+id, nrm.NotFound("trial"))
	}
	return t, nil
}

// openTrials opens the sealed fields of trials and adds their hearings
// and outcomes.
func (s *Service) openTrials(ctx context.Context, tx Tx, recs []nrm.TrialRecord) ([]nrm.Trial, error) {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	hearings, err := tx.TrialHearings(ctx, ids)
	if err != nil {
		return nil, err
	}
	outcomes, err := tx.TrialOutcomes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]nrm.Trial, 0, len(recs))
	for _, r := range recs {
		dk, err := s.dataKey(ctx, tx, r.ID, false)
		if err != nil {
			return nil, err
		}
		t := r.Trial
		b, err := dk.Open(r.Details, keyring.AD("trials", "details", r.ID))
		if err != nil {
			return nil, nrm.Internal(fmt.Errorf("trials.details of %s: %w", r.ID, err))
		}
		var sealed trialSealed
		if err := json.Unmarshal(b, &sealed); err != nil {
			return nil, nrm.Internal(err)
		}
		t.Court, t.CaseNumber, t.Charges = sealed.Court, sealed.CaseNumber, sealed.Charges
		z := sealer{dk}
		for _, h := range hearings[r.ID] {
			if h.Notes, err = z.open("trial_hearings", "notes", h.ID, h.SealedNotes); err != nil {
				return nil, err
			}
			t.Hearings = append(t.Hearings, h.TrialHearing)
		}
		if o, ok := outcomes[r.ID]; ok {
			t.Outcome = &o
		}
		out = append(out, t)
	}
	return out, nil
}

func sealOrNil(dk keyring.DataKey, table, column, id, text string) []byte {
	return sealer{dk}.seal(table, column, id, text)
}
