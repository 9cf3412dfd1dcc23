package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// Statistics: the projection of the cases (dataset "cases"), imported
// datasets, cross-tabulation by the database, and the privacy ledger.
//
// The projection is kept here, in the store, because every field it holds
// comes from a column that only these methods write: the case's own columns
// (InsertCase, UpdateCaseState, SetCaseChild), the person's sex and
// citizenship (UpdatePerson; InsertPerson comes before its case), the
// decisions (InsertDecision) and the anonymous notifications
// (InsertNotification). Each of them calls refreshCaseStats (or writes the
// notification's row) in its own transaction, so no service path (API,
// pages, CLI, imports, the exchange) can change a case without its row.
// The age band is the one exception: the date of birth is sealed, so the
// band is taken when the plain date is in hand (a new case, a correction
// through SetStatAgeBand) and kept otherwise. Erasure touches none of the
// projected columns: an erased person stays an anonymous count.

// refreshCaseStats recomputes the row of one case from what the store holds.
func (tx *Tx) refreshCaseStats(ctx context.Context, caseID, ageBand string) error {
	var f nrm.CaseStatFacts
	var enc, citizenship, types, accepted, state, prev string
	err := tx.queryRow(ctx, `SELECT c.encounter_date, p.sex, p.citizenship, c.encounter_country, c.exploitation_types,
		o.kind, c.state, c.child, c.identification_outcome, c.closed_reason, c.nrm_accepted_on, c.previous_case
		FROM cases c JOIN persons p ON p.id = c.person_id JOIN organisations o ON o.id = c.org_id WHERE c.id = ?`, caseID).
		Scan(&enc, &f.Sex, &citizenship, &f.Country, &types, &f.OrgKind, &state, &f.Child, &f.IdentificationOut,
			&f.ClosureReason, &accepted, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return nrm.Internal(err)
	}
	f.EncounterDate, _ = nrm.ParseDate("", enc)
	f.AcceptedOn, _ = nrm.ParseDate("", accepted)
	f.Citizenship, f.ExploitationTypes, f.State = splitList(citizenship), splitList(types), nrm.State(state)
	rows, err := tx.query(ctx, "SELECT kind, outcome, decided_on FROM decisions WHERE case_id = ? ORDER BY created_at", caseID)
	if err != nil {
		return nrm.Internal(err)
	}
	for rows.Next() {
		var kind, outcome, on string
		if err := rows.Scan(&kind, &outcome, &on); err != nil {
			rows.Close()
			return nrm.Internal(err)
		}
		d, _ := nrm.ParseDate("", on)
		switch kind {
		case nrm.ReasonableGrounds:
			f.RGOutcome = outcome
			if f.RGOn.IsZero() {
				f.RGOn = d
			}
		case nrm.ConclusiveGrounds:
			f.CGOutcome = outcome
			if f.CGOn.IsZero() {
				f.CGOn = d
			}
		}
	}
	rows.Close()
	if err := rowsErr(rows); err != nil {
		return err
	}
	f.AgeBand = ageBand
	if f.AgeBand == "" {
		// Kept from before; a re-opened episode takes its earlier one's.
		var kept sql.NullString
		err := tx.queryRow(ctx, "SELECT age_band FROM stat_cases WHERE id = ? OR id = ? ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END LIMIT 1",
			caseID, prev, caseID).Scan(&kept)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nrm.Internal(err)
		}
		f.AgeBand = kept.String
	}
	return tx.putStatRow(ctx, caseID, nrm.StatRowOf(f))
}

var statUpsert = func() string {
	cols := strings.Join(nrm.CaseStatColumns, ", ")
	var set []string
	for _, c := range nrm.CaseStatColumns {
		set = append(set, c+" = excluded."+c)
	}
	return "INSERT INTO stat_cases (id, " + cols + ") VALUES (?" + strings.Repeat(", ?", len(nrm.CaseStatColumns)) +
		") ON CONFLICT (id) DO UPDATE SET " + strings.Join(set, ", ")
}()

// putStatRow writes a case's row. A multi-valued column is split by the
// cross-tabulation itself (CrossTab), so the row is all there is.
func (tx *Tx) putStatRow(ctx context.Context, id string, r nrm.StatRow) error {
	args := []any{id}
	for _, c := range nrm.CaseStatColumns {
		args = append(args, nullable(r[c]))
	}
	if _, err := tx.exec(ctx, statUpsert, args...); err != nil {
		return nrm.Internal(err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// refreshPersonStats recomputes the rows of every case of a person.
func (tx *Tx) refreshPersonStats(ctx context.Context, personID string) error {
	ids, err := collect(tx, ctx, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, "SELECT id FROM cases WHERE person_id = ?", personID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.refreshCaseStats(ctx, id, ""); err != nil {
			return err
		}
	}
	return nil
}

// SetStatAgeBand records the age band of a case at its encounter, taken by
// the service where the date of birth is open (a correction).
func (tx *Tx) SetStatAgeBand(ctx context.Context, caseID, band string) error {
	return tx.refreshCaseStats(ctx, caseID, band)
}

// ageBandOf is the band of a new case's person at the encounter, when the
// plain date of birth came with it ("" to keep or inherit one).
func ageBandOf(c nrm.Case) string { return nrm.AgeBandAt(c.Person, c.Encounter.Date) }

func (tx *Tx) putNotificationStats(ctx context.Context, n nrm.Notification) error {
	var kind string
	if err := tx.queryRow(ctx, "SELECT kind FROM organisations WHERE id = ?", n.OrgID).Scan(&kind); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nrm.Internal(err)
	}
	return tx.putStatRow(ctx, n.ID, nrm.NotificationStatRow(n, kind))
}

// backfillStats fills the projection for what was there before migration
// 0011: the cases (age band unknown where only the sealed date knows it)
// and the notifications.
func backfillStats(ctx context.Context, tx *Tx) error {
	ids, err := tx.CaseIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.refreshCaseStats(ctx, id, ""); err != nil {
			return err
		}
	}
	notes, err := collect(tx, ctx, func(r scanner) (nrm.Notification, error) {
		var n nrm.Notification
		var on string
		err := r.Scan(&n.ID, &n.OrgID, &on, &n.Sex, &n.AgeBand, &n.Nationality, &n.ExploitationType, &n.Country)
		n.NotifiedOn, _ = nrm.ParseDate("", on)
		return n, err
	}, "SELECT id, org_id, notified_on, sex, age_band, nationality, exploitation_type, country FROM notifications")
	if err != nil {
		return err
	}
	for _, n := range notes {
		if err := tx.putNotificationStats(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// dataMigrations run in Go right after the SQL migration of their version.
var dataMigrations = map[int]func(context.Context, *Tx) error{11: backfillStats, 15: packStatRows, 18: recordNormaliseVersion}

// statSep joins the values of a packed imported row (migration 0015).
const statSep = "\x1f"

// packStatRows packs the rows imported on SQLite before migration 0015.
func packStatRows(ctx context.Context, tx *Tx) error {
	if tx.s.engine != SQLite {
		return nil
	}
	parts := make([]string, nrm.MaxStatColumns)
	for i := range parts {
		parts[i] = fmt.Sprintf("coalesce(c%02d, '')", i+1)
	}
	_, err := tx.exec(ctx, "UPDATE stat_rows SET packed = "+strings.Join(parts, " || char(31) || ")+" WHERE packed IS NULL")
	return err
}

// Datasets.

var datasetName = func(s string) bool {
	if s == "" || len(s) > 64 || s == nrm.CasesDataset {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// ValidDatasetName reports whether an imported dataset may take a name.
func ValidDatasetName(s string) bool { return datasetName(s) }

// StatDatasets lists every dataset, "cases" first.
func (tx *Tx) StatDatasets(ctx context.Context) ([]nrm.StatDataset, error) {
	cases, err := tx.StatDataset(ctx, nrm.CasesDataset)
	if err != nil {
		return nil, err
	}
	out, err := collect(tx, ctx, func(r scanner) (nrm.StatDataset, error) {
		var d nrm.StatDataset
		err := r.Scan(&d.Name, &d.Layout, &d.Rows)
		if l := nrm.Layouts[d.Layout]; l != nil {
			d.Columns = l.Columns
		}
		return d, err
	}, "SELECT name, layout, row_count FROM stat_datasets ORDER BY name")
	return append([]nrm.StatDataset{cases}, out...), err
}

// StatDataset describes one dataset, or is not found.
func (tx *Tx) StatDataset(ctx context.Context, name string) (nrm.StatDataset, error) {
	if name == nrm.CasesDataset {
		d, _ := tx.StatShape(ctx, name)
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM stat_cases").Scan(&d.Rows); err != nil {
			return d, nrm.Internal(err)
		}
		return d, nil
	}
	return tx.StatShape(ctx, name)
}

// StatShape is StatDataset without counting the cases projection's rows
// (Rows is 0 for it): what a cross-tabulation needs, which counts anyway.
func (tx *Tx) StatShape(ctx context.Context, name string) (nrm.StatDataset, error) {
	if name == nrm.CasesDataset {
		return nrm.StatDataset{Name: name, Layout: "nrm-cases", Columns: nrm.CaseStatColumns}, nil
	}
	d := nrm.StatDataset{Name: name}
	err := tx.queryRow(ctx, "SELECT layout, row_count FROM stat_datasets WHERE name = ?", name).Scan(&d.Layout, &d.Rows)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nrm.NotFound("dataset")
	}
	if err != nil {
		return d, nrm.Internal(err)
	}
	if l := nrm.Layouts[d.Layout]; l != nil {
		d.Columns = l.Columns
	}
	return d, nil
}

// ImportStats replaces a dataset with the rows read (read calls add for
// each), in batches inside this one transaction: a failure leaves nothing.
func (tx *Tx) ImportStats(ctx context.Context, name string, l *nrm.Layout, read func(add func([]*string) error) (int, error)) (int, error) {
	if !datasetName(name) {
		return 0, nrm.Invalid("dataset", "letters, digits, '.', '-' and '_', at most 64, and not %q", nrm.CasesDataset)
	}
	for _, q := range []string{"DELETE FROM stat_rows WHERE dataset = ?", "DELETE FROM stat_datasets WHERE name = ?"} {
		if _, err := tx.exec(ctx, q, name); err != nil {
			return 0, nrm.Internal(err)
		}
	}
	var count int
	var err error
	if tx.s.engine == SQLite {
		count, err = tx.importPacked(ctx, name, read)
	} else {
		count, err = tx.importColumns(ctx, name, l, read)
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(ctx, "INSERT INTO stat_datasets (name, layout, row_count, imported_at) VALUES (?, ?, ?, ?)",
		name, l.Name, count, micros(tx.Now)); err != nil {
		return 0, nrm.Internal(err)
	}
	return count, nil
}

// CrossTab counts a dataset's rows by columns, in the database. With split,
// a row counts once under each value of that (multi-valued) column, blanks
// left out. The column names were checked against the dataset.
func (tx *Tx) CrossTab(ctx context.Context, d nrm.StatDataset, by []string, split string) ([]nrm.RawCell, error) {
	src := tabSource{table: "stat_cases", where: "1 = 1", phys: func(c string) string { return c }}
	if d.Name != nrm.CasesDataset {
		src.table, src.where, src.wargs = "stat_rows", "r.dataset = ?", []any{d.Name}
		src.phys = func(c string) string { return fmt.Sprintf("c%02d", slices.Index(d.Columns, c)+1) }
		src.packed = d.Columns
	}
	for _, c := range by {
		if !d.Has(c) {
			return nil, nrm.Invalid("by", "unknown column %q", c)
		}
	}
	return tx.crossTab(ctx, src, by, split)
}

// tabSource is what crossTab counts: a table (or a derived table and the
// arguments of its placeholders), a condition and its arguments, and the
// physical name of each column. packed: an imported dataset's columns,
// whose rows SQLite keeps packed in one text (migration 0015).
type tabSource struct {
	table, where string
	targs, wargs []any
	phys         func(string) string
	packed       []string
}

// crossTab is the one counting query of every statistic: the datasets'
// cross-tabulations and the yearly report's (sqlstore/report.go).
func (tx *Tx) crossTab(ctx context.Context, src tabSource, by []string, split string) ([]nrm.RawCell, error) {
	table, where, phys := src.table, src.where, src.phys
	var sel, group []string
	for i, c := range by {
		sel = append(sel, "r."+phys(c)+fmt.Sprintf(" AS a%d", i))
		group = append(group, fmt.Sprintf("a%d", i))
	}
	// The table appears once in every query below: its arguments, then the
	// condition's.
	args := append(slices.Clone(src.targs), src.wargs...)
	var q string
	if split == "" {
		q = "SELECT " + strings.Join(sel, ", ") + ", COUNT(*) FROM " + table + " r WHERE " + where + " GROUP BY " + strings.Join(group, ", ")
	} else {
		// A row counts once under each value of the split column, as
		// nrm.SplitValues splits it (trimmed, blanks and -99 left out, each
		// value once); a value without ";" is itself. Split here in SQL, so
		// an import writes no row per value.
		s := phys(split)
		sel2 := slices.Clone(sel)
		for i, c := range by {
			if c == split {
				sel2[i] = fmt.Sprintf("x.v AS a%d", i)
			}
		}
		inner := "SELECT " + strings.Join(sel2, ", ") + " FROM " + table + " r CROSS JOIN LATERAL (SELECT DISTINCT btrim(p) AS v FROM unnest(string_to_array(r." +
			s + ", ';')) p WHERE btrim(p) NOT IN ('', '-99')) x WHERE " + where + " AND r." + s + " IS NOT NULL"
		q = "SELECT " + strings.Join(group, ", ") + ", COUNT(*) FROM (" + inner + ") y GROUP BY " + strings.Join(group, ", ")
	}
	if tx.s.engine == SQLite {
		// SQLite has no hash aggregation: GROUP BY sorts every row, 7 s for
		// a million (bench/README.md). One pass over the rows, counted in a
		// map here in the same process, takes a tenth of that; a split
		// column's values are split here as nrm.SplitValues splits them.
		inner := "SELECT " + strings.Join(sel, ", ") + " FROM " + table + " r WHERE " + where
		splitAt := -1
		if split != "" {
			splitAt = slices.Index(by, split)
		}
		var picks []int
		if src.packed != nil {
			// An imported row is packed (migration 0015).
			inner, args = "SELECT r.packed FROM stat_rows r WHERE "+where, src.wargs
			for _, c := range by {
				picks = append(picks, slices.Index(src.packed, c))
			}
		}
		return tx.countRows(ctx, inner, len(by), splitAt, picks, args...)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []nrm.RawCell
	for rows.Next() {
		vals := make([]sql.NullString, len(by))
		dest := make([]any, 0, len(by)+1)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		var c nrm.RawCell
		dest = append(dest, &c.Count)
		if err := rows.Scan(dest...); err != nil {
			return nil, nrm.Internal(err)
		}
		for _, v := range vals {
			if v.Valid {
				c.Values = append(c.Values, &v.String)
			} else {
				c.Values = append(c.Values, nil)
			}
		}
		out = append(out, c)
	}
	return out, rowsErr(rows)
}

// countRows counts the rows a query answers by their values (n columns,
// NULL a value of its own), in one pass.
//
// With picks, the query answers one packed row (migration 0015) and picks
// are the indexes of the n values in it; an empty value is missing.
func (tx *Tx) countRows(ctx context.Context, q string, n, splitAt int, picks []int, args ...any) ([]nrm.RawCell, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	raw := make([]sql.RawBytes, n)
	dest := make([]any, n)
	for i := range raw {
		dest[i] = &raw[i]
	}
	var packed sql.RawBytes
	if picks != nil {
		dest = []any{&packed}
	}
	var fields [][]byte
	cells := map[string]*nrm.RawCell{}
	var order []string
	var key []byte
	count := func() {
		key = key[:0]
		for _, v := range raw {
			if v == nil {
				key = append(key, 0)
				continue
			}
			key = append(append(append(key, 1), v...), 0)
		}
		c := cells[string(key)]
		if c == nil {
			c = &nrm.RawCell{Values: make([]*string, n)}
			for i, v := range raw {
				if v != nil {
					s := string(v)
					c.Values[i] = &s
				}
			}
			cells[string(key)] = c
			order = append(order, string(key))
		}
		c.Count++
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, nrm.Internal(err)
		}
		if picks != nil {
			fields = splitPacked(fields[:0], packed)
			for i, p := range picks {
				raw[i] = nil
				if p < len(fields) && len(fields[p]) > 0 {
					raw[i] = fields[p]
				}
			}
		}
		if splitAt < 0 || raw[splitAt] == nil {
			if splitAt < 0 {
				count()
			}
			continue // a row without the split column's value counts under none
		}
		if !bytes.Contains(raw[splitAt], []byte{';'}) {
			count()
			continue
		}
		for _, v := range nrm.SplitValues(string(raw[splitAt])) {
			raw[splitAt] = []byte(v)
			count()
		}
	}
	if err := rowsErr(rows); err != nil {
		return nil, err
	}
	out := make([]nrm.RawCell, 0, len(order))
	for _, k := range order {
		out = append(out, *cells[k])
	}
	return out, nil
}

// splitPacked splits a packed row at U+001F without copying.
func splitPacked(out [][]byte, b []byte) [][]byte {
	for {
		i := bytes.IndexByte(b, 0x1f)
		if i < 0 {
			return append(out, b)
		}
		out = append(out, b[:i])
		b = b[i+1:]
	}
}

// The ledger of differentially private releases.

// SpendBudget records a release that spends epsilon of a dataset's budget,
// or refuses it (409) when the budget would be overspent. The budget row is
// updated at the version read, so two processes cannot both spend the last
// of it.
func (tx *Tx) SpendBudget(ctx context.Context, dataset, by string, epsilon, budget *big.Rat) error {
	spent := new(big.Rat)
	var raw string
	var version int64
	err := tx.queryRow(ctx, "SELECT spent, version FROM stat_budgets WHERE dataset = ?", dataset).Scan(&raw, &version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nrm.Internal(err)
	default:
		if _, ok := spent.SetString(raw); !ok {
			return nrm.Internal(fmt.Errorf("stat_budgets.spent of %s is not a number", dataset))
		}
	}
	next := new(big.Rat).Add(spent, epsilon)
	if next.Cmp(budget) > 0 {
		left := new(big.Rat).Sub(budget, spent)
		e := nrm.Conflict("the privacy budget of dataset %s would be overspent: %s of %s spent, %s left",
			dataset, nrm.RatString(spent), nrm.RatString(budget), nrm.RatString(left))
		e.Field = "epsilon"
		return e
	}
	if version == 0 {
		if _, err := tx.exec(ctx, "INSERT INTO stat_budgets (dataset, spent, version) VALUES (?, ?, 1)", dataset, next.RatString()); err != nil {
			if isUniqueViolation(err) {
				return nrm.Conflict("another release of dataset %s was recorded at the same time; try again", dataset)
			}
			return nrm.Internal(err)
		}
	} else if err := updated(tx.exec(ctx, "UPDATE stat_budgets SET spent = ?, version = version + 1 WHERE dataset = ? AND version = ?",
		next.RatString(), dataset, version)); err != nil {
		return err
	}
	_, err = tx.exec(ctx, "INSERT INTO stat_releases (id, dataset, by_columns, epsilon, released_at) VALUES (?, ?, ?, ?, ?)",
		nrm.NewID(), dataset, by, epsilon.RatString(), micros(tx.Now))
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// StatLedger lists the releases, newest first, and what each dataset spent.
func (tx *Tx) StatLedger(ctx context.Context) ([]nrm.StatRelease, map[string]*big.Rat, error) {
	rels, err := collect(tx, ctx, func(r scanner) (nrm.StatRelease, error) {
		var x nrm.StatRelease
		var at int64
		err := r.Scan(&x.Dataset, &x.By, &x.Epsilon, &at)
		if e, ok := new(big.Rat).SetString(x.Epsilon); ok {
			x.Epsilon = nrm.RatString(e)
		}
		x.ReleasedOn = fromMicros(at).Format(time.DateOnly)
		return x, err
	}, "SELECT dataset, by_columns, epsilon, released_at FROM stat_releases ORDER BY released_at DESC, id")
	if err != nil {
		return nil, nil, err
	}
	spent := map[string]*big.Rat{}
	type row struct{ d, s string }
	bs, err := collect(tx, ctx, func(r scanner) (row, error) {
		var x row
		return x, r.Scan(&x.d, &x.s)
	}, "SELECT dataset, spent FROM stat_budgets ORDER BY dataset")
	for _, b := range bs {
		if v, ok := new(big.Rat).SetString(b.s); ok {
			spent[b.d] = v
		}
	}
	return rels, spent, err
}
