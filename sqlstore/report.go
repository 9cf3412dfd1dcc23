package sqlstore

// The yearly report's figures (service/report.go). Each measure is a list
// of anonymous facts, one per event of the year (a case registered, a
// referral made, a decision taken, a service started...): the stat_cases
// row it belongs to and a category. The facts are counted by crossTab, the
// counting query of every statistic, joined to the cases projection for the
// dimensions (sex, majority, exploitation type...). Nothing here reads a
// sealed column: the dates and codes are plain, and none leaves the service.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/nrmproject/nrm"
)

// yearFacts are the queries: row, category, and for decisions the dates
// the service needs to judge timeliness (from, decided). Placeholders: the
// year's first and last day (YYYY-MM-DD), its bounds in microseconds
// (referrals), or the year itself (the projection).
var yearFacts = map[string]string{
	nrm.MeasureRegistered: "SELECT id, record, '', '' FROM stat_cases WHERE year = ?",
	nrm.MeasureReferrals: `SELECT r.case_id, o.kind, '', '' FROM referrals r JOIN organisations o ON o.id = r.to_org
		WHERE r.created_at >= ? AND r.created_at < ?`,
	nrm.MeasureRG: `SELECT d.case_id, d.outcome, c.nrm_accepted_on, d.decided_on FROM decisions d JOIN cases c ON c.id = d.case_id
		WHERE d.kind = 'reasonable-grounds' AND d.decided_on >= ? AND d.decided_on <= ?`,
	nrm.MeasureCG: `SELECT d.case_id, d.outcome, COALESCE((SELECT MIN(p.decided_on) FROM decisions p WHERE p.case_id = d.case_id
		AND p.kind = 'reasonable-grounds' AND p.outcome = 'positive'), c.nrm_accepted_on), d.decided_on
		FROM decisions d JOIN cases c ON c.id = d.case_id
		WHERE d.kind = 'conclusive-grounds' AND d.decided_on >= ? AND d.decided_on <= ?`,
	nrm.MeasureServices:  "SELECT case_id, type, '', '' FROM services WHERE started_on >= ? AND started_on <= ?",
	nrm.MeasureReturns:   "SELECT case_id, 'returned', '', '' FROM returns WHERE return_date >= ? AND return_date <= ?",
	nrm.MeasureFollowUps: "SELECT case_id, CASE WHEN reached THEN situation ELSE 'not-reached' END, '', '' FROM return_follow_ups WHERE on_date >= ? AND on_date <= ?",
	nrm.MeasureClaims:    "SELECT case_id, route, '', '' FROM compensation_claims WHERE filed_on >= ? AND filed_on <= ?",
}

// YearFacts lists the facts of one measure in a year.
func (tx *Tx) YearFacts(ctx context.Context, measure string, year int) ([]nrm.StatFact, error) {
	q, ok := yearFacts[measure]
	if !ok {
		return nil, nrm.Internal(fmt.Errorf("report: unknown measure %q", measure))
	}
	args := []any{fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)}
	switch measure {
	case nrm.MeasureRegistered:
		args = []any{fmt.Sprintf("%04d", year)}
	case nrm.MeasureReferrals:
		args = []any{micros(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)), micros(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC))}
	}
	return collect(tx, ctx, func(r scanner) (nrm.StatFact, error) {
		var f nrm.StatFact
		var fromOn, on string
		err := r.Scan(&f.Row, &f.Value, &fromOn, &on)
		f.From, _ = nrm.ParseDate("", fromOn)
		f.On, _ = nrm.ParseDate("", on)
		return f, err
	}, q, args...)
}

// CrossTabFacts counts facts by their category ("fact") and columns of the
// cases projection, through crossTab; with split, under each value of a
// multi-valued column. A fact whose case has no row is not counted.
func (tx *Tx) CrossTabFacts(ctx context.Context, facts []nrm.StatFact, by []string, split string) ([]nrm.RawCell, error) {
	cols := append(slices.Clone(nrm.CaseStatColumns), nrm.FactColumn)
	for _, c := range append(slices.Clone(by), split) {
		if c != "" && !slices.Contains(cols, c) {
			return nil, nrm.Invalid("by", "unknown column %q", c)
		}
	}
	if len(facts) == 0 {
		return nil, nil
	}
	pairs := make([][2]string, len(facts))
	for i, f := range facts {
		pairs[i] = [2]string{f.Row, f.Value}
	}
	doc, err := json.Marshal(pairs)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	// The facts travel as one JSON parameter, however many they are.
	list := "SELECT json_extract(j.value, '$[0]') AS row_id, json_extract(j.value, '$[1]') AS fact FROM json_each(?) j"
	if tx.s.engine == Postgres {
		list = "SELECT j.e->>0 AS row_id, j.e->>1 AS fact FROM json_array_elements(CAST(? AS json)) AS j(e)"
	}
	src := tabSource{table: "(SELECT s.*, f.fact FROM (" + list + ") f JOIN stat_cases s ON s.id = f.row_id)",
		targs: []any{string(doc)}, where: "1 = 1", phys: func(c string) string { return c }}
	return tx.crossTab(ctx, src, by, split)
}

// CompensationTotals sums, by currency, the claims filed in a year: how
// many and how much was claimed, awarded (claims with an award) and paid
// (claims with a payment), in minor units.
func (tx *Tx) CompensationTotals(ctx context.Context, year int) ([]nrm.CompensationTotal, error) {
	return collect(tx, ctx, func(r scanner) (nrm.CompensationTotal, error) {
		var t nrm.CompensationTotal
		return t, r.Scan(&t.Currency, &t.Claims, &t.Claimed, &t.Awards, &t.Awarded, &t.Payments, &t.Paid)
	}, `SELECT c.currency, COUNT(*), CAST(COALESCE(SUM(c.claimed), 0) AS BIGINT), COUNT(a.id),
		CAST(COALESCE(SUM(a.awarded), 0) AS BIGINT), COUNT(p.claim_id), CAST(COALESCE(SUM(p.paid), 0) AS BIGINT)
		FROM compensation_claims c LEFT JOIN compensation_awards a ON a.claim_id = c.id
		LEFT JOIN (SELECT claim_id, SUM(paid) AS paid FROM compensation_payments GROUP BY claim_id) p ON p.claim_id = c.id
		WHERE c.filed_on >= ? AND c.filed_on <= ? GROUP BY c.currency ORDER BY c.currency`,
		fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
}
