package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/nrmproject/nrm"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// collect runs a query and scans every row with scan.
func collect[T any](tx *Tx, ctx context.Context, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, nrm.Internal(err)
		}
		out = append(out, v)
	}
	return out, rowsErr(rows)
}

// one scans a single row, turning no row into a not-found error.
func one[T any](row scanner, scan func(scanner) (T, error), what string) (T, error) {
	v, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return v, nrm.NotFound(what)
	}
	if err != nil {
		return v, nrm.Internal(err)
	}
	return v, nil
}

func (tx *Tx) execErr(ctx context.Context, q string, args ...any) error {
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return nrm.Internal(err)
	}
	return nil
}

func date(s string) nrm.Date {
	d, _ := nrm.ParseDate("", s)
	return d
}

// Events: the timeline.

func (tx *Tx) InsertEvent(ctx context.Context, e nrm.Event) error {
	// seq numbers a case's events in the order they were written, across
	// transactions (whose times may tie).
	if tx.eventSeq == nil {
		tx.eventSeq = map[string]int64{}
	}
	seq, ok := tx.eventSeq[e.CaseID]
	if !ok {
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM case_events WHERE case_id = ?", e.CaseID).Scan(&seq); err != nil {
			return nrm.Internal(err)
		}
	}
	seq++
	tx.eventSeq[e.CaseID] = seq
	return tx.execErr(ctx, `INSERT INTO case_events (id, case_id, at, seq, on_date, kind, compartment, actor, actor_org, summary, ref_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.CaseID, micros(e.At), seq, e.On.String(), e.Kind, string(e.Compartment),
		e.Actor, e.ActorOrg, e.Summary, e.RefID)
}

// Events returns a case's timeline, oldest first, without the events of
// compartments outside scope.
func (tx *Tx) Events(ctx context.Context, caseID string, scope nrm.Scope) ([]nrm.Event, error) {
	all, err := collect(tx, ctx, func(r scanner) (nrm.Event, error) {
		var e nrm.Event
		var at int64
		var on, comp string
		err := r.Scan(&e.ID, &e.CaseID, &at, &on, &e.Kind, &comp, &e.Actor, &e.ActorOrg, &e.Summary, &e.RefID)
		e.At, e.On, e.Compartment = fromMicros(at), date(on), nrm.Compartment(comp)
		return e, err
	}, "SELECT id, case_id, at, on_date, kind, compartment, actor, actor_org, summary, ref_id FROM case_events WHERE case_id = ? ORDER BY seq, at", caseID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if e.Compartment == "" || scope.Has(e.Compartment) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Screenings.

func (tx *Tx) InsertScreening(ctx context.Context, s ScreeningRecord) error {
	return tx.execErr(ctx, `INSERT INTO screenings (id, case_id, indicator_set, indicators, met, outcome, evidence, screened_on,
		created_by, created_org, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.CaseID, s.Set,
		strings.Join(s.Indicators, ","), strings.Join(s.Met, ","), s.Outcome, s.Evidence, s.ScreenedOn.String(),
		s.CreatedBy, s.CreatedOrg, micros(s.CreatedAt))
}

func (tx *Tx) Screenings(ctx context.Context, caseID string) ([]ScreeningRecord, error) {
	return collect(tx, ctx, func(r scanner) (ScreeningRecord, error) {
		var s ScreeningRecord
		var ind, met, on string
		var at int64
		err := r.Scan(&s.ID, &s.CaseID, &s.Set, &ind, &met, &s.Outcome, &s.Evidence, &on, &s.CreatedBy, &s.CreatedOrg, &at)
		s.Indicators, s.Met, s.ScreenedOn, s.CreatedAt = splitList(ind), splitList(met), date(on), fromMicros(at)
		return s, err
	}, `SELECT id, case_id, indicator_set, indicators, met, outcome, evidence, screened_on, created_by, created_org, created_at
		FROM screenings WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

// Consents.

const consentColumns = `id, case_id, purpose, recipient_org, scope, given_on, expires, language, interpreter, recorded_by,
	recorded_org, status, withdrawn_at, created_at, version, recipient_partner`

func scanConsent(r scanner) (nrm.Consent, error) {
	var c nrm.Consent
	var scope int
	var given, expires string
	var withdrawn, created int64
	err := r.Scan(&c.ID, &c.CaseID, &c.Purpose, &c.RecipientOrg, &scope, &given, &expires, &c.Language, &c.Interpreter,
		&c.RecordedBy, &c.RecordedOrg, &c.Status, &withdrawn, &created, &c.Version, &c.RecipientPartner)
	if c.RecipientPartner != "" {
		c.RecipientOrg = "" // the column holds the recording organisation (InsertConsent)
	}
	c.Scope, c.GivenOn, c.Expires = nrm.Scope(scope), date(given), date(expires)
	c.WithdrawnAt, c.CreatedAt = fromMicros(withdrawn), fromMicros(created)
	return c, err
}

// InsertConsent records a consent. A transnational referral's consent names
// a partner instance (recipient_partner); its recipient_org column, which
// must name an organisation of this instance, then holds the recording
// organisation and reads back empty.
func (tx *Tx) InsertConsent(ctx context.Context, c nrm.Consent) error {
	org := c.RecipientOrg
	if c.RecipientPartner != "" {
		org = c.RecordedOrg
	}
	return tx.execErr(ctx, `INSERT INTO consents (id, case_id, purpose, recipient_org, scope, given_on, expires, language,
		interpreter, recorded_by, recorded_org, status, created_at, recipient_partner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.CaseID, c.Purpose, org, int(c.Scope), c.GivenOn.String(), c.Expires.String(), c.Language,
		c.Interpreter, c.RecordedBy, c.RecordedOrg, c.Status, micros(c.CreatedAt), c.RecipientPartner)
}

func (tx *Tx) Consent(ctx context.Context, id string) (nrm.Consent, error) {
	return one(tx.queryRow(ctx, "SELECT "+consentColumns+" FROM consents WHERE id = ?", id), scanConsent, "consent")
}

func (tx *Tx) Consents(ctx context.Context, caseID string) ([]nrm.Consent, error) {
	return collect(tx, ctx, scanConsent, "SELECT "+consentColumns+" FROM consents WHERE case_id = ? ORDER BY created_at, id", caseID)
}

// WithdrawConsent ends a consent if it is still given at the version read.
func (tx *Tx) WithdrawConsent(ctx context.Context, id string, version int64, by string) error {
	return updated(tx.exec(ctx, `UPDATE consents SET status = ?, withdrawn_at = ?, withdrawn_by = ?, version = version + 1
		WHERE id = ? AND version = ? AND status = ?`, nrm.ConsentWithdrawn, micros(tx.Now), by, id, version, nrm.ConsentGiven))
}

// Referrals.

const referralColumns = `r.id, r.case_id, c.reference, r.from_org, r.to_org, r.reason, r.consent_id, r.scope, r.status,
	r.response_reason, r.nrm, r.child_protection, r.created_by, r.created_at, r.responded_by, r.responded_at, r.version,
	c.person_id, k.wrapped, c.child`

const referralFrom = " FROM referrals r JOIN cases c ON c.id = r.case_id LEFT JOIN data_keys k ON k.id = c.person_id"

func scanReferral(row scanner) (ReferralRecord, error) {
	var r ReferralRecord
	var scope int
	var created, responded int64
	err := row.Scan(&r.ID, &r.CaseID, &r.Reference, &r.FromOrg, &r.ToOrg, &r.SealedReason, &r.ConsentID, &scope, &r.Status,
		&r.SealedResponse, &r.NRM, &r.ChildProtection, &r.CreatedBy, &created, &r.RespondedBy, &responded, &r.Version,
		&r.PersonID, &r.PersonKey, &r.Child)
	r.Scope, r.CreatedAt, r.RespondedAt = nrm.Scope(scope), fromMicros(created), fromMicros(responded)
	return r, err
}

func (tx *Tx) InsertReferral(ctx context.Context, r ReferralRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO referrals (id, case_id, from_org, to_org, reason, consent_id, scope, status, nrm,
		child_protection, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.CaseID, r.FromOrg, r.ToOrg, r.SealedReason, r.ConsentID, int(r.Scope), r.Status, r.NRM, r.ChildProtection,
		r.CreatedBy, micros(r.CreatedAt))
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return nrm.Conflict("a referral of this case to that organisation is pending already")
	}
	return nrm.Internal(err)
}

func (tx *Tx) Referral(ctx context.Context, id string) (ReferralRecord, error) {
	return one(tx.queryRow(ctx, "SELECT "+referralColumns+referralFrom+" WHERE r.id = ?", id), scanReferral, "referral")
}

func (tx *Tx) Referrals(ctx context.Context, caseID string) ([]ReferralRecord, error) {
	return collect(tx, ctx, scanReferral, "SELECT "+referralColumns+referralFrom+" WHERE r.case_id = ? ORDER BY r.created_at, r.id", caseID)
}

// ReferralsTo lists an organisation's incoming referrals in a status, oldest first.
func (tx *Tx) ReferralsTo(ctx context.Context, orgID, status string, limit int) ([]ReferralRecord, error) {
	return collect(tx, ctx, scanReferral, "SELECT "+referralColumns+referralFrom+
		" WHERE r.to_org = ? AND r.status = ? ORDER BY r.created_at, r.id LIMIT ?", orgID, status, limit)
}

// RespondReferral settles a pending referral at the version read.
func (tx *Tx) RespondReferral(ctx context.Context, id string, version int64, status string, sealedReason []byte, by string) error {
	return updated(tx.exec(ctx, `UPDATE referrals SET status = ?, response_reason = ?, responded_by = ?, responded_at = ?,
		version = version + 1 WHERE id = ? AND version = ? AND status = ?`,
		status, sealedReason, by, micros(tx.Now), id, version, nrm.ReferralPending))
}

// Decisions.

func (tx *Tx) InsertDecision(ctx context.Context, d DecisionRecord) error {
	if err := tx.execErr(ctx, `INSERT INTO decisions (id, case_id, kind, outcome, decided_on, reasons, decided_by, decided_org, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.CaseID, d.Kind, d.Outcome, d.DecidedOn.String(), d.SealedReasons,
		d.By, d.OrgID, micros(d.CreatedAt)); err != nil {
		return err
	}
	return tx.refreshCaseStats(ctx, d.CaseID, "")
}

func (tx *Tx) Decisions(ctx context.Context, caseID string) ([]DecisionRecord, error) {
	return collect(tx, ctx, func(r scanner) (DecisionRecord, error) {
		var d DecisionRecord
		var on string
		var at int64
		err := r.Scan(&d.ID, &d.CaseID, &d.Kind, &d.Outcome, &on, &d.SealedReasons, &d.By, &d.OrgID, &at)
		d.DecidedOn, d.CreatedAt = date(on), fromMicros(at)
		return d, err
	}, `SELECT id, case_id, kind, outcome, decided_on, reasons, decided_by, decided_org, created_at FROM decisions
		WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

// Deadlines.

// SetDeadline starts (or moves) a clock.
func (tx *Tx) SetDeadline(ctx context.Context, d nrm.Deadline) error {
	if err := tx.ClearDeadline(ctx, d.CaseID, d.Kind, d.RefID); err != nil {
		return err
	}
	return tx.execErr(ctx, "INSERT INTO deadlines (case_id, kind, ref_id, due) VALUES (?, ?, ?, ?)", d.CaseID, d.Kind, d.RefID, d.Due.String())
}

// ClearDeadline stops a clock; refID "" with kind stops every clock of that kind.
func (tx *Tx) ClearDeadline(ctx context.Context, caseID, kind, refID string) error {
	if refID == "" {
		return tx.execErr(ctx, "DELETE FROM deadlines WHERE case_id = ? AND kind = ?", caseID, kind)
	}
	return tx.execErr(ctx, "DELETE FROM deadlines WHERE case_id = ? AND kind = ? AND ref_id = ?", caseID, kind, refID)
}

// ClearDeadlines stops every clock of a case (it is closed).
func (tx *Tx) ClearDeadlines(ctx context.Context, caseID string) error {
	return tx.execErr(ctx, "DELETE FROM deadlines WHERE case_id = ?", caseID)
}

func scanDeadline(r scanner) (nrm.Deadline, error) {
	var d nrm.Deadline
	var due string
	err := r.Scan(&d.CaseID, &d.Kind, &d.RefID, &due)
	d.Due = date(due)
	return d, err
}

func (tx *Tx) Deadlines(ctx context.Context, caseID string) ([]nrm.Deadline, error) {
	return collect(tx, ctx, scanDeadline, "SELECT case_id, kind, ref_id, due FROM deadlines WHERE case_id = ? ORDER BY due, kind", caseID)
}

// DeadlinesOf returns the clocks of several cases, by case.
func (tx *Tx) DeadlinesOf(ctx context.Context, caseIDs []string) (map[string][]nrm.Deadline, error) {
	out := map[string][]nrm.Deadline{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(caseIDs))
	for i, id := range caseIDs {
		args[i] = id
	}
	marks := strings.Repeat("?,", len(caseIDs))
	ds, err := collect(tx, ctx, scanDeadline, "SELECT case_id, kind, ref_id, due FROM deadlines WHERE case_id IN ("+
		marks[:len(marks)-1]+") ORDER BY due, kind", args...)
	for _, d := range ds {
		out[d.CaseID] = append(out[d.CaseID], d)
	}
	return out, err
}

// where is the filter's condition on deadlines d joined with cases c.
func dueWhere(f DueFilter, tx *Tx) (string, []any) {
	q := " WHERE d.due <= ?"
	args := []any{f.Until.String()}
	if f.OrgID != "" {
		clause, cargs := tx.involved(f.OrgID)
		q += " AND " + clause
		args = append(args, cargs...)
	}
	for _, k := range f.ExcludeKinds {
		q += " AND d.kind <> ?"
		args = append(args, k)
	}
	return q, args
}

// DueDeadlines lists deadlines due on or before Until, soonest (most overdue) first.
func (tx *Tx) DueDeadlines(ctx context.Context, f DueFilter) ([]nrm.DueItem, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 200
	}
	where, args := dueWhere(f, tx)
	return collect(tx, ctx, func(r scanner) (nrm.DueItem, error) {
		var it nrm.DueItem
		var due string
		err := r.Scan(&it.CaseID, &it.Kind, &it.RefID, &due, &it.Reference, &it.OrgID, &it.State)
		it.Due = date(due)
		return it, err
	}, "SELECT d.case_id, d.kind, d.ref_id, d.due, c.reference, c.org_id, c.state FROM deadlines d JOIN cases c ON c.id = d.case_id"+
		where+" ORDER BY d.due, d.case_id LIMIT ?", append(args, f.Limit)...)
}

// CountDue counts the filter's deadlines overdue (before today) and due from today on.
func (tx *Tx) CountDue(ctx context.Context, f DueFilter, today nrm.Date) (overdue, soon int, err error) {
	where, args := dueWhere(f, tx)
	q := "SELECT COALESCE(SUM(CASE WHEN d.due < ? THEN 1 ELSE 0 END), 0), COUNT(*) FROM deadlines d"
	if f.OrgID != "" {
		q += " JOIN cases c ON c.id = d.case_id"
	}
	var total int
	if err := tx.queryRow(ctx, q+where, append([]any{today.String()}, args...)...).Scan(&overdue, &total); err != nil {
		return 0, 0, nrm.Internal(err)
	}
	return overdue, total - overdue, nil
}

// Episodes lists every case of a person, oldest first.
func (tx *Tx) Episodes(ctx context.Context, personID string) ([]nrm.EpisodeRef, error) {
	return collect(tx, ctx, func(r scanner) (nrm.EpisodeRef, error) {
		var e nrm.EpisodeRef
		err := r.Scan(&e.CaseID, &e.Reference, &e.Episode, &e.State)
		return e, err
	}, "SELECT id, reference, episode, state FROM cases WHERE person_id = ? ORDER BY episode, created_at", personID)
}

// Notifications.

func (tx *Tx) InsertNotification(ctx context.Context, n nrm.Notification) error {
	if err := tx.execErr(ctx, `INSERT INTO notifications (id, org_id, notified_on, sex, age_band, nationality, exploitation_type,
		country, region, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.ID, n.OrgID, n.NotifiedOn.String(), n.Sex,
		n.AgeBand, n.Nationality, n.ExploitationType, n.Country, n.Region, micros(n.CreatedAt)); err != nil {
		return err
	}
	return tx.putNotificationStats(ctx, n)
}

// Notifications lists an organisation's anonymous notifications, newest first.
func (tx *Tx) Notifications(ctx context.Context, orgID string, limit int) ([]nrm.Notification, error) {
	return collect(tx, ctx, func(r scanner) (nrm.Notification, error) {
		var n nrm.Notification
		var on string
		var at int64
		err := r.Scan(&n.ID, &n.OrgID, &on, &n.Sex, &n.AgeBand, &n.Nationality, &n.ExploitationType, &n.Country, &n.Region, &at)
		n.NotifiedOn, n.CreatedAt = date(on), fromMicros(at)
		return n, err
	}, `SELECT id, org_id, notified_on, sex, age_band, nationality, exploitation_type, country, region, created_at
		FROM notifications WHERE org_id = ? ORDER BY created_at DESC LIMIT ?`, orgID, limit)
}

// WithdrawReferral ends a pending or accepted referral at the version read.
// The reason goes where a response's reason goes; who accepted an accepted
// referral, and when, is kept (the timeline records the withdrawal).
func (tx *Tx) WithdrawReferral(ctx context.Context, id string, version int64, by string, sealedReason []byte) error {
	return updated(tx.exec(ctx, `UPDATE referrals SET status = ?, response_reason = ?,
		responded_by = CASE WHEN status = 'pending' THEN ? ELSE responded_by END,
		responded_at = CASE WHEN status = 'pending' THEN ? ELSE responded_at END,
		version = version + 1 WHERE id = ? AND version = ? AND status IN (?, ?)`,
		nrm.ReferralWithdrawn, sealedReason, by, micros(tx.Now), id, version, nrm.ReferralPending, nrm.ReferralAccepted))
}
