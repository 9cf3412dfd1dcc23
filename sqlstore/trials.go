package sqlstore

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/nrmproject/nrm"
)

// Trial monitoring: rows only; the service seals and decides. A trial is
// never joined with a case or a person.

const trialColumns = `id, org_id, country, opened_on, victims, defendants, details, created_by, created_at`

func scanTrial(r scanner) (nrm.TrialRecord, error) {
	var t nrm.TrialRecord
	var opened string
	var at int64
	err := r.Scan(&t.ID, &t.OrgID, &t.Country, &opened, &t.Victims, &t.Defendants, &t.Details, &t.CreatedBy, &at)
	t.OpenedOn, t.CreatedAt = date(opened), fromMicros(at)
	return t, err
}

// InsertTrial stores a trial.
func (tx *Tx) InsertTrial(ctx context.Context, t nrm.TrialRecord) error {
	return tx.execErr(ctx, "INSERT INTO trials ("+trialColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		t.ID, t.OrgID, t.Country, t.OpenedOn.String(), t.Victims, t.Defendants, t.Details, t.CreatedBy, micros(t.CreatedAt))
}

// Trial loads one trial.
func (tx *Tx) Trial(ctx context.Context, id string) (nrm.TrialRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+trialColumns+" FROM trials WHERE id = ?", id), scanTrial, "trial")
}

// LockTrial loads a trial for a write that checks the order of its dates:
// on PostgreSQL the row is locked until the transaction ends, so a hearing
// and an outcome recorded at once are decided one after the other; on
// SQLite the write transaction holds the database's one write lock.
func (tx *Tx) LockTrial(ctx context.Context, id string) (nrm.TrialRecord, error) {
	lock := ""
	if tx.s.engine == Postgres {
		lock = " FOR UPDATE"
	}
	return one(tx.queryRow(ctx, "SELECT "+trialColumns+" FROM trials WHERE id = ?"+lock, id), scanTrial, "trial")
}

// TrialsOf lists an organisation's trials, newest first.
func (tx *Tx) TrialsOf(ctx context.Context, orgID string) ([]nrm.TrialRecord, error) {
	return collect(tx, ctx, scanTrial, "SELECT "+trialColumns+" FROM trials WHERE org_id = ? ORDER BY created_at DESC, id", orgID)
}

const hearingColumns = `id, trial_id, on_date, sheet, notes, created_by, created_at`

func scanTrialHearing(r scanner) (nrm.TrialHearingRecord, error) {
	var h nrm.TrialHearingRecord
	var on, sheet string
	var at int64
	err := r.Scan(&h.ID, &h.TrialID, &on, &sheet, &h.SealedNotes, &h.CreatedBy, &at)
	h.Date, h.CreatedAt = date(on), fromMicros(at)
	_ = json.Unmarshal([]byte(sheet), &h.Sheet)
	return h, err
}

// InsertTrialHearing stores a hearing's sheet.
func (tx *Tx) InsertTrialHearing(ctx context.Context, h nrm.TrialHearingRecord) error {
	sheet, _ := json.Marshal(h.Sheet)
	return tx.execErr(ctx, "INSERT INTO trial_hearings ("+hearingColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		h.ID, h.TrialID, h.Date.String(), string(sheet), h.SealedNotes, h.CreatedBy, micros(h.CreatedAt))
}

// TrialHearings lists the hearings of trials, by trial, in date order.
func (tx *Tx) TrialHearings(ctx context.Context, trialIDs []string) (map[string][]nrm.TrialHearingRecord, error) {
	out := map[string][]nrm.TrialHearingRecord{}
	if len(trialIDs) == 0 {
		return out, nil
	}
	marks, args := inList(trialIDs)
	hs, err := collect(tx, ctx, scanTrialHearing, "SELECT "+hearingColumns+" FROM trial_hearings WHERE trial_id IN ("+marks+
		") ORDER BY on_date, created_at, id", args...)
	for _, h := range hs {
		out[h.TrialID] = append(out[h.TrialID], h)
	}
	return out, err
}

const outcomeColumns = `trial_id, id, on_date, verdict, sentence_months, suspended, currency, awarded, created_by, created_at`

func scanTrialOutcome(r scanner) (nrm.TrialOutcome, error) {
	var o nrm.TrialOutcome
	var on, currency string
	var awarded, at int64
	err := r.Scan(&o.TrialID, &o.ID, &on, &o.Verdict, &o.SentenceMonths, &o.Suspended, &currency, &awarded, &o.CreatedBy, &at)
	o.Date, o.CreatedAt = date(on), fromMicros(at)
	if awarded > 0 {
		o.CompensationAwarded = &nrm.Money{Minor: awarded, Currency: currency}
	}
	return o, err
}

// InsertTrialOutcome stores a trial's outcome; a trial has one.
func (tx *Tx) InsertTrialOutcome(ctx context.Context, o nrm.TrialOutcome) error {
	var currency string
	var awarded int64
	if m := o.CompensationAwarded; m != nil {
		currency, awarded = m.Currency, m.Minor
	}
	_, err := tx.exec(ctx, "INSERT INTO trial_outcomes ("+outcomeColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		o.TrialID, o.ID, o.Date.String(), o.Verdict, o.SentenceMonths, o.Suspended, currency, awarded, o.CreatedBy, micros(o.CreatedAt))
	if err != nil && isUniqueViolation(err) {
		return nrm.Conflict("the trial's outcome is recorded already")
	}
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// TrialOutcomes returns the outcomes of trials that have one.
func (tx *Tx) TrialOutcomes(ctx context.Context, trialIDs []string) (map[string]nrm.TrialOutcome, error) {
	out := map[string]nrm.TrialOutcome{}
	if len(trialIDs) == 0 {
		return out, nil
	}
	marks, args := inList(trialIDs)
	os, err := collect(tx, ctx, scanTrialOutcome, "SELECT "+outcomeColumns+" FROM trial_outcomes WHERE trial_id IN ("+marks+")", args...)
	for _, o := range os {
		out[o.TrialID] = o
	}
	return out, err
}

// TrialFacts reads the plain facts the findings count: the trials of a
// country (every country when empty) opened by the end of the period, the
// hearings held in it and the outcomes given in it. Nothing sealed is read.
func (tx *Tx) TrialFacts(ctx context.Context, country string, from, to nrm.Date) ([]nrm.TrialFacts, error) {
	where, args := " WHERE t.opened_on <= ?", []any{to.String()}
	if country != "" {
		where += " AND t.country = ?"
		args = append(args, country)
	}
	type head struct {
		id, country, opened string
	}
	heads, err := collect(tx, ctx, func(r scanner) (head, error) {
		var h head
		return h, r.Scan(&h.id, &h.country, &h.opened)
	}, "SELECT t.id, t.country, t.opened_on FROM trials t"+where+" ORDER BY t.id", args...)
	if err != nil {
		return nil, err
	}
	period := append(append([]any{}, args...), from.String(), to.String())
	type sheetRow struct {
		trial, on, sheet string
	}
	sheets, err := collect(tx, ctx, func(r scanner) (sheetRow, error) {
		var s sheetRow
		return s, r.Scan(&s.trial, &s.on, &s.sheet)
	}, "SELECT h.trial_id, h.on_date, h.sheet FROM trial_hearings h JOIN trials t ON t.id = h.trial_id"+where+
		" AND h.on_date >= ? AND h.on_date <= ?", period...)
	if err != nil {
		return nil, err
	}
	outcomes, err := collect(tx, ctx, scanTrialOutcome, "SELECT o.trial_id, o.id, o.on_date, o.verdict, o.sentence_months, o.suspended, "+
		"o.currency, o.awarded, o.created_by, o.created_at FROM trial_outcomes o JOIN trials t ON t.id = o.trial_id"+where+
		" AND o.on_date >= ? AND o.on_date <= ?", period...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*nrm.TrialFacts, len(heads))
	out := make([]nrm.TrialFacts, len(heads))
	for i, h := range heads {
		out[i] = nrm.TrialFacts{TrialID: h.id, Country: h.country, OpenedOn: date(h.opened)}
		byID[h.id] = &out[i]
	}
	for _, s := range sheets {
		h := nrm.TrialHearing{TrialID: s.trial, Date: date(s.on)}
		_ = json.Unmarshal([]byte(s.sheet), &h.Sheet)
		byID[s.trial].Hearings = append(byID[s.trial].Hearings, h)
	}
	for _, o := range outcomes {
		o := o
		byID[o.TrialID].Outcome = &o
	}
	return out, nil
}

// PersonsNamed returns, for each of the given name index values that
// names someone in the case files, the persons it names.
func (tx *Tx) PersonsNamed(ctx context.Context, values []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(values) == 0 {
		return out, nil
	}
	marks, args := inList(values)
	type hit struct{ value, person string }
	hits, err := collect(tx, ctx, func(r scanner) (hit, error) {
		var h hit
		return h, r.Scan(&h.value, &h.person)
	}, "SELECT value, person_id FROM person_index WHERE kind = ? AND value IN ("+marks+")", append([]any{nrm.IndexName}, args...)...)
	for _, h := range hits {
		out[h.value] = append(out[h.value], h.person)
	}
	return out, err
}

// inList is the placeholders and arguments of an IN list.
func inList(values []string) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	marks := strings.Repeat("?,", len(values))
	return marks[:len(marks)-1], args
}
