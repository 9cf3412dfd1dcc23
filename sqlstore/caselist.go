package sqlstore

// The case list of a working day in one query, assignments of cases to
// workers, and the marks of what a user has seen. Like every list, the case
// list is scoped by Tx.involved, the SQL form of nrm.AccessOf(...).Involved();
// covers is the SQL form of "the standing's scope holds this compartment".
// sqlstore/caselist_test.go holds both equal to the rule on generated data.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// compartment bits as nrm.Scope stores them (nrm.ScopeOf).
var (
	bitIdentity = int(nrm.ScopeOf(nrm.Identity))
	bitSupport  = int(nrm.ScopeOf(nrm.Support))
)

// covers is true for a case (c) whose compartment bit the organisation
// holds: it created the case, or an accepted referral of it shares that bit
// (a child's, or one resting on no consent, by its own scope; any other
// within the consent while it is given and not expired).
func (tx *Tx) covers(orgID string, bit int) (string, []any) {
	return `(c.org_id = ? OR EXISTS (SELECT 1 FROM referrals r LEFT JOIN consents k ON k.id = r.consent_id
		WHERE r.case_id = c.id AND r.to_org = ? AND r.status = 'accepted'
		AND (((c.child OR r.consent_id = '') AND (r.scope & ?) <> 0)
			OR (k.status = 'given' AND (k.expires = '' OR k.expires >= ?) AND (r.scope & k.scope & ?) <> 0))))`,
		[]any{orgID, orgID, bit, nrm.DateOf(tx.Now).String(), bit}
}

// nextClock is the soonest clock of a case (c) that the viewer may see:
// its due date and, with kind, its kind. The kinds the role never sees are
// left out, and the support track's clocks count only where the
// organisation holds support.
func (tx *Tx) nextClock(f nrm.CaseListFilter, kind bool) (string, []any) {
	q := "(SELECT MIN(d.due) FROM deadlines d WHERE d.case_id = c.id"
	if kind {
		q = "(SELECT d.kind FROM deadlines d WHERE d.case_id = c.id"
	}
	var args []any
	excluded := map[string]bool{}
	for _, k := range f.ExcludeKinds {
		q += " AND d.kind <> ?"
		args = append(args, k)
		excluded[k] = true
	}
	var support []any
	for _, k := range nrm.DeadlineKindsIn(nrm.Support) {
		if !excluded[k] {
			support = append(support, k)
		}
	}
	if len(support) > 0 {
		cov, cargs := tx.covers(f.OrgID, bitSupport)
		q += " AND (d.kind NOT IN (" + marks(len(support)) + ") OR " + cov + ")"
		args = append(append(args, support...), cargs...)
	}
	if kind {
		q += " ORDER BY d.due, d.kind LIMIT 1"
	}
	return q + ")", args
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// CaseList reads one page of an organisation's case list, with the counts
// of the whole list by state, in one query. Inside out: the involved cases
// that pass the filters with their next clock and assignee (z); the clock
// filter and the counts by state (y); the state filter, the total and the
// page (x); then the page's rows joined with their persons. A page whose
// filters leave no row still carries one row of the list (marked, never
// returned) so that the counts arrive.
func (tx *Tx) CaseList(ctx context.Context, f nrm.CaseListFilter) (nrm.CaseListResult, error) {
	res := nrm.CaseListResult{ByState: map[nrm.State]int{}}
	if f.OrgID == "" {
		return res, nrm.Internal(errors.New("sqlstore: case list without an organisation"))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	due, args := tx.nextClock(f, false)
	kind, kargs := tx.nextClock(f, true)
	args = append(args, kargs...)
	inner := "SELECT c.id AS cid, c.state AS st, c.created_at AS created, c.reference AS ref, " + due + " AS next_clock, " +
		kind + " AS next_kind, (SELECT ca.user_id FROM case_assignments ca WHERE ca.case_id = c.id AND ca.org_id = ?) AS assignee FROM cases c WHERE "
	args = append(args, f.OrgID)
	clause, cargs := tx.involved(f.OrgID)
	inner += clause
	args = append(args, cargs...)
	switch f.Child {
	case nrm.ChildOnly:
		inner += " AND c.child"
	case nrm.AdultOnly:
		inner += " AND NOT c.child"
	}
	if f.RecordedBy != "" {
		inner += " AND c.org_id = ?"
		args = append(args, f.RecordedBy)
	}
	switch {
	case f.Unassigned:
		inner += " AND NOT EXISTS (SELECT 1 FROM case_assignments ca WHERE ca.case_id = c.id AND ca.org_id = ?)"
		args = append(args, f.OrgID)
	case f.AssignedTo != "":
		inner += " AND EXISTS (SELECT 1 FROM case_assignments ca WHERE ca.case_id = c.id AND ca.org_id = ? AND ca.user_id = ?)"
		args = append(args, f.OrgID, f.AssignedTo)
	}
	if len(f.NameIndex) > 0 {
		// Search by name finds a case only where the organisation holds
		// its identity (CONTRACT.md, "Rules every path enforces").
		inner += " AND c.person_id IN (SELECT person_id FROM person_index WHERE kind = ? AND value IN (" + marks(len(f.NameIndex)) +
			") GROUP BY person_id HAVING COUNT(*) = ?)"
		args = append(args, IndexName)
		for _, v := range f.NameIndex {
			args = append(args, v)
		}
		args = append(args, len(f.NameIndex))
		cov, covArgs := tx.covers(f.OrgID, bitIdentity)
		inner += " AND " + cov
		args = append(args, covArgs...)
	}

	// Placeholders are numbered in the order they stand in the text: each
	// level's own arguments go before those of the level it wraps.
	counts := ""
	var countArgs []any
	for i, s := range nrm.States {
		counts += fmt.Sprintf(", SUM(CASE WHEN z.st = ? THEN 1 ELSE 0 END) OVER () AS n%d", i)
		countArgs = append(countArgs, string(s))
	}
	args = append(countArgs, args...)
	middle := "SELECT z.*" + counts + ", ROW_NUMBER() OVER (ORDER BY z.cid) AS rn FROM (" + inner + ") z"
	if !f.DueBy.IsZero() {
		middle += " WHERE z.next_clock IS NOT NULL AND z.next_clock <= ?"
		args = append(args, f.DueBy.String())
	}
	match := "1 = 1"
	if f.State != "" {
		match = "y.st = ?"
		args = append([]any{string(f.State)}, args...)
	}
	outer := "SELECT y.*, CASE WHEN " + match + " THEN 1 ELSE 0 END AS hit FROM (" + middle + ") y"
	// The marked row: the first of the list when nothing matches the state.
	pageQ := "SELECT w.*, SUM(w.hit) OVER () AS total FROM (" + outer + ") w WHERE w.hit = 1 OR w.rn = 1"
	order := orderOf(f.Sort, "x.")
	q := "SELECT " + caseColumns + ", x.next_clock, x.next_kind, x.assignee, x.total, x.hit"
	for i := range nrm.States {
		q += fmt.Sprintf(", x.n%d", i)
	}
	q += " FROM (" + pageQ + " ORDER BY hit DESC, " + orderOf(f.Sort, "") + " LIMIT ? OFFSET ?) x" +
		" JOIN cases c ON c.id = x.cid JOIN persons p ON p.id = c.person_id LEFT JOIN data_keys k ON k.id = c.person_id" +
		" ORDER BY x.hit DESC, " + order
	args = append(args, f.Limit, f.Offset)

	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return res, nrm.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var row nrm.CaseListRow
		var next, nextKind, assignee sql.NullString
		var total, hit int
		n := make([]int64, len(nrm.States))
		dest := []any{&next, &nextKind, &assignee, &total, &hit}
		for i := range n {
			dest = append(dest, &n[i])
		}
		rec, err := scanCase(scannerWith{rows, dest})
		if err != nil {
			return res, nrm.Internal(err)
		}
		res.Total = total
		for i, s := range nrm.States {
			res.ByState[s] = int(n[i])
		}
		if hit == 0 {
			continue // the marked row: counts only
		}
		row.CaseRecord = rec
		row.AssignedTo = assignee.String
		if next.Valid {
			row.NextClock = nrm.Deadline{CaseID: rec.ID, Kind: nextKind.String, Due: date(next.String)}
		}
		res.Rows = append(res.Rows, row)
	}
	return res, rowsErr(rows)
}

// orderOf is the ORDER BY of a sort over the columns of the list's
// subquery (prefixed), ending with the id so that pages never overlap.
func orderOf(s nrm.CaseSort, p string) string {
	switch s {
	case nrm.SortOldest:
		return p + "created, " + p + "cid"
	case nrm.SortNextClock:
		// Cases without a clock last, on both engines.
		return "(" + p + "next_clock IS NULL), " + p + "next_clock, " + p + "created DESC, " + p + "cid"
	case nrm.SortReference:
		return p + "ref, " + p + "cid"
	}
	return p + "created DESC, " + p + "cid DESC"
}

// scannerWith scans a case's columns followed by extra columns.
type scannerWith struct {
	rows  *sql.Rows
	extra []any
}

func (s scannerWith) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// InvolvedOrgs lists, per case, every organisation involved in it: the one
// that created it, those holding an accepted referral that still shares
// something, and those that decided on it (Tx.involved, case by case).
func (tx *Tx) InvolvedOrgs(ctx context.Context, caseIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	ids := make([]any, len(caseIDs))
	for i, id := range caseIDs {
		ids[i] = id
	}
	m := marks(len(ids))
	args := append(append([]any{}, ids...), ids...)
	args = append(append(args, nrm.DateOf(tx.Now).String()), ids...)
	type pair struct{ caseID, orgID string }
	pairs, err := collect(tx, ctx, func(r scanner) (pair, error) {
		var p pair
		return p, r.Scan(&p.caseID, &p.orgID)
	}, `SELECT c.id, c.org_id FROM cases c WHERE c.id IN (`+m+`)
		UNION SELECT r.case_id, r.to_org FROM referrals r LEFT JOIN consents k ON k.id = r.consent_id
			JOIN cases rc ON rc.id = r.case_id WHERE r.case_id IN (`+m+`) AND r.status = 'accepted'
			AND (((rc.child OR r.consent_id = '') AND r.scope <> 0)
				OR (k.status = 'given' AND (k.expires = '' OR k.expires >= ?) AND (r.scope & k.scope) <> 0))
		UNION SELECT d.case_id, d.decided_org FROM decisions d WHERE d.case_id IN (`+m+`)
		ORDER BY 1, 2`, args...)
	for _, p := range pairs {
		out[p.caseID] = append(out[p.caseID], p.orgID)
	}
	return out, err
}

// Assignments.

// SetAssignment assigns a case, for one organisation, to one of its users.
func (tx *Tx) SetAssignment(ctx context.Context, a nrm.Assignment) error {
	return tx.execErr(ctx, `INSERT INTO case_assignments (case_id, org_id, user_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (case_id, org_id) DO UPDATE SET user_id = excluded.user_id, assigned_by = excluded.assigned_by,
		assigned_at = excluded.assigned_at`, a.CaseID, a.OrgID, a.UserID, a.AssignedBy, micros(a.AssignedAt))
}

// ClearAssignment leaves a case assigned to nobody of the organisation.
func (tx *Tx) ClearAssignment(ctx context.Context, caseID, orgID string) error {
	return tx.execErr(ctx, "DELETE FROM case_assignments WHERE case_id = ? AND org_id = ?", caseID, orgID)
}

// Assignment returns an organisation's assignment of a case, or not-found.
func (tx *Tx) Assignment(ctx context.Context, caseID, orgID string) (nrm.Assignment, error) {
	return one(tx.queryRow(ctx, "SELECT case_id, org_id, user_id, assigned_by, assigned_at FROM case_assignments WHERE case_id = ? AND org_id = ?",
		caseID, orgID), func(r scanner) (nrm.Assignment, error) {
		var a nrm.Assignment
		var at int64
		err := r.Scan(&a.CaseID, &a.OrgID, &a.UserID, &a.AssignedBy, &at)
		a.AssignedAt = fromMicros(at)
		return a, err
	}, "assignment")
}

// What is new for a user.

// SeenAt is when the user last opened their list of what is new (zero: never).
func (tx *Tx) SeenAt(ctx context.Context, userID string) (time.Time, error) {
	var at int64
	err := tx.queryRow(ctx, "SELECT seen_at FROM user_seen WHERE user_id = ?", userID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, nrm.Internal(err)
	}
	return fromMicros(at), nil
}

// SetSeen marks what is new as seen by the user at the given time.
func (tx *Tx) SetSeen(ctx context.Context, userID string, at time.Time) error {
	return tx.execErr(ctx, `INSERT INTO user_seen (user_id, seen_at) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET seen_at = excluded.seen_at`, userID, micros(at))
}

// CountReferralsTo counts an organisation's incoming referrals in a status,
// and those of them that arrived after since.
func (tx *Tx) CountReferralsTo(ctx context.Context, orgID, status string, since time.Time) (all, after int, err error) {
	err = tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN created_at > ? THEN 1 ELSE 0 END), 0)
		FROM referrals WHERE to_org = ? AND status = ?`, micros(since), orgID, status).Scan(&all, &after)
	if err != nil {
		return 0, 0, nrm.Internal(err)
	}
	return all, after, nil
}

// FlagsHeldBy lists the newest flags told to an organisation: those on a
// person it holds already (never the one that registered the new case).
func (tx *Tx) FlagsHeldBy(ctx context.Context, orgID string, limit int) ([]FlagRecord, error) {
	return tx.flags(ctx, "WHERE matched_org = ? ORDER BY created_at DESC LIMIT ?", orgID, limit)
}
