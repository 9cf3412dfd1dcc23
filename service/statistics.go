package service

// Statistics (CONTRACT.md, "Statistics"): one function answers every
// cross-tabulation (CLI, API, pages, the yearly report), counted by the
// database, then put through disclosure control. No answer carries a case
// id, a name or free text: the datasets hold none.

import (
	"context"
	"io"
	"math/big"
	"slices"
	"strings"

	"github.com/nrmproject/nrm"
)

// StatsStore is what statistics ask of a transaction (sqlstore/statistics.go).
type StatsStore interface {
	StatDatasets(ctx context.Context) ([]nrm.StatDataset, error)
	StatDataset(ctx context.Context, name string) (nrm.StatDataset, error)
	// StatShape is StatDataset without counting the rows of "cases".
	StatShape(ctx context.Context, name string) (nrm.StatDataset, error)
	ImportStats(ctx context.Context, name string, l *nrm.Layout, read func(add func([]*string) error) (int, error)) (int, error)
	CrossTab(ctx context.Context, d nrm.StatDataset, by []string, split string) ([]nrm.RawCell, error)
	SpendBudget(ctx context.Context, dataset, by string, epsilon, budget *big.Rat) error
	StatLedger(ctx context.Context) ([]nrm.StatRelease, map[string]*big.Rat, error)
	// SetStatAgeBand records a case's age band where the plain date of birth is known.
	SetStatAgeBand(ctx context.Context, caseID, band string) error
}

// StatsBudget is each dataset's total privacy budget (epsilon) for
// differentially private releases.
var StatsBudget = big.NewRat(10, 1)

// maxDPCells bounds the combinations a differentially private release
// noises (every combination of the values seen, zeros included).
const maxDPCells = 20000

// Statistics answers one cross-tabulation through disclosure control.
func (s *Service) Statistics(ctx context.Context, in nrm.StatQueryInput) (nrm.StatTable, error) {
	if _, err := s.allowOperatorOr(ctx, nrm.ActStatsRead); err != nil {
		return nrm.StatTable{}, err
	}
	q, err := nrm.ParseStatQuery(in)
	if err != nil {
		return nrm.StatTable{}, err
	}
	var raw []nrm.RawCell
	count := func(tx Tx) error {
		d, err := tx.StatShape(ctx, q.Dataset)
		if nrm.ErrorCode(err) == nrm.CodeNotFound {
			return nrm.Invalid("dataset", "unknown dataset %q", q.Dataset)
		}
		if err != nil {
			return err
		}
		if err := q.Check(d); err != nil {
			return err
		}
		raw, err = tx.CrossTab(ctx, d, q.By, q.Split)
		return err
	}
	detail := q.Dataset + " by " + strings.Join(q.By, ",") + " " + q.Privacy
	if q.Privacy == nrm.PrivacyDP {
		// The count, the spending and the audit entry are one transaction:
		// a release the ledger refuses is never computed for anyone.
		err = s.write(ctx, func(tx Tx) error {
			if err := count(tx); err != nil {
				return err
			}
			if err := tx.SpendBudget(ctx, q.Dataset, strings.Join(q.By, ","), q.Epsilon, StatsBudget); err != nil {
				return err
			}
			return s.record(ctx, tx, s.entry(ctx, "statistics.release", "dataset/"+q.Dataset, outcomeOK, detail+" "+q.Epsilon.RatString()))
		})
	} else {
		err = s.read(ctx, count)
		if err == nil {
			err = s.recordRead(ctx, s.entry(ctx, "statistics.read", "dataset/"+q.Dataset, outcomeOK, detail))
		}
	}
	if err != nil {
		return nrm.StatTable{}, err
	}
	sortCells(raw)
	return release(q, raw)
}

// release applies the privacy mode to counted cells.
func release(q nrm.StatQuery, raw []nrm.RawCell) (nrm.StatTable, error) {
	t := nrm.StatTable{Dataset: q.Dataset, By: q.By, Split: q.Split, Privacy: q.Privacy, Cells: []nrm.StatCell{}}
	var total int64
	switch q.Privacy {
	case nrm.PrivacyNone:
		for _, c := range raw {
			n := c.Count
			total += n
			t.Cells = append(t.Cells, cellOf(q.By, c.Values, &n, false))
		}
		t.Total = &total
	case nrm.PrivacySuppress:
		t.K = q.K
		hidden, hideTotal, ok := suppress(raw, q.K)
		if !ok {
			return t, nrm.Invalid("by", "a small cell of this table could be recomputed from margins other tables publish, whatever is suppressed: ask for fewer columns, or privacy dp")
		}
		for i, c := range raw {
			total += c.Count
			if hidden[i] {
				t.Cells = append(t.Cells, cellOf(q.By, c.Values, nil, true))
				continue
			}
			n := c.Count
			t.Cells = append(t.Cells, cellOf(q.By, c.Values, &n, false))
		}
		if !hideTotal {
			t.Total = &total
		}
	case nrm.PrivacyDP:
		t.Epsilon = nrm.RatString(q.Epsilon)
		cells, err := dpRelease(q, raw)
		if err != nil {
			return t, err
		}
		for _, c := range cells {
			n := c.Count
			total += n
			t.Cells = append(t.Cells, cellOf(q.By, c.Values, &n, false))
		}
		t.Total = &total
	}
	return t, nil
}

// dpRelease noises every combination of the values seen in each column
// (zeros included, so that a combination's absence is not published
// exactly), clamps at zero and leaves out the zeros: post-processing,
// which costs no privacy. With split a person counts under each value of
// the split column, so the noise grows by that many.
func dpRelease(q nrm.StatQuery, raw []nrm.RawCell) ([]nrm.RawCell, error) {
	dims := len(q.By)
	domains := make([][]*string, dims)
	seen := make([]map[string]bool, dims)
	for d := range seen {
		seen[d] = map[string]bool{}
	}
	counts := map[string]int64{}
	for _, c := range raw {
		counts[cellKey(c.Values)] = c.Count
		for d, v := range c.Values {
			k := cellKey([]*string{v})
			if !seen[d][k] {
				seen[d][k] = true
				domains[d] = append(domains[d], v)
			}
		}
	}
	size := 1
	for _, dom := range domains {
		size *= max(len(dom), 1)
		if size > maxDPCells {
			return nil, nrm.Invalid("by", "too many combinations for a differentially private release (at most %d)", maxDPCells)
		}
	}
	sensitivity := int64(1)
	if q.Split != "" {
		sensitivity = int64(max(len(domains[slices.Index(q.By, q.Split)]), 1))
	}
	var out []nrm.RawCell
	if len(raw) == 0 {
		return out, nil
	}
	idx := make([]int, dims)
	for {
		vals := make([]*string, dims)
		for d := range idx {
			vals[d] = domains[d][idx[d]]
		}
		n := counts[cellKey(vals)] + laplaceFor(q.Epsilon, sensitivity)
		if n > 0 {
			out = append(out, nrm.RawCell{Values: vals, Count: n})
		}
		d := dims - 1
		for ; d >= 0; d-- {
			if idx[d]++; idx[d] < len(domains[d]) {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			break
		}
	}
	sortCells(out)
	return out, nil
}

func cellKey(vals []*string) string {
	var b strings.Builder
	for _, v := range vals {
		if v == nil {
			b.WriteString("\x00|")
		} else {
			b.WriteString(*v + "\x01|")
		}
	}
	return b.String()
}

func cellOf(by []string, vals []*string, n *int64, suppressed bool) nrm.StatCell {
	m := make(map[string]*string, len(by))
	for i, c := range by {
		m[c] = vals[i]
	}
	return nrm.StatCell{Values: m, Count: n, Suppressed: suppressed}
}

// sortCells orders cells by their values, a missing value last, so that
// both engines answer alike.
func sortCells(cells []nrm.RawCell) {
	slices.SortFunc(cells, func(a, b nrm.RawCell) int {
		for i := range a.Values {
			x, y := a.Values[i], b.Values[i]
			switch {
			case x == nil && y == nil:
				continue
			case x == nil:
				return 1
			case y == nil:
				return -1
			}
			if c := strings.Compare(*x, *y); c != 0 {
				return c
			}
		}
		return 0
	})
}

// StatDatasets lists the datasets.
func (s *Service) StatDatasets(ctx context.Context) ([]nrm.StatDataset, error) {
	if _, err := s.allowOperatorOr(ctx, nrm.ActStatsRead); err != nil {
		return nil, err
	}
	var out []nrm.StatDataset
	err := s.read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.StatDatasets(ctx)
		return err
	})
	return out, err
}

// ImportStats imports a file in a CTDC layout as a statistical dataset,
// whole or not at all. No case or person is created.
func (s *Service) ImportStats(ctx context.Context, layout, name string, r io.Reader) (int, error) {
	if _, err := s.allowOperatorOr(ctx, nrm.ActStatsImport); err != nil {
		return 0, err
	}
	l := nrm.Layouts[layout]
	if l == nil {
		return 0, nrm.Invalid("layout", "one of: ctdc-vp, ctdc-global")
	}
	var n int
	err := s.write(ctx, func(tx Tx) error {
		var err error
		n, err = tx.ImportStats(ctx, name, l, func(add func([]*string) error) (int, error) { return l.Read(r, add) })
		if err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "statistics.import", "dataset/"+name, outcomeOK, l.Name))
	})
	return n, err
}

// StatLedger lists the differentially private releases and each dataset's budget.
func (s *Service) StatLedger(ctx context.Context) ([]nrm.StatRelease, []nrm.StatBudget, error) {
	if _, err := s.allowOperatorOr(ctx, nrm.ActStatsRead); err != nil {
		return nil, nil, err
	}
	var rels []nrm.StatRelease
	var spent map[string]*big.Rat
	var sets []nrm.StatDataset
	err := s.read(ctx, func(tx Tx) error {
		var err error
		if rels, spent, err = tx.StatLedger(ctx); err != nil {
			return err
		}
		sets, err = tx.StatDatasets(ctx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if rels == nil {
		rels = []nrm.StatRelease{}
	}
	budgets := []nrm.StatBudget{}
	for _, d := range sets {
		sp := spent[d.Name]
		if sp == nil {
			sp = new(big.Rat)
		}
		budgets = append(budgets, nrm.StatBudget{Dataset: d.Name, Budget: nrm.RatString(StatsBudget), Spent: nrm.RatString(sp),
			Remaining: nrm.RatString(new(big.Rat).Sub(StatsBudget, sp))})
	}
	return rels, budgets, nil
}
