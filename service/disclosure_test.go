package service

import (
	"fmt"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/nrmproject/nrm"
)

// attack tries to recompute every suppressed cell as an attacker would:
// from the published cells, the combinations that do not occur (zeros),
// the total when published and the marginal totals over every column but
// one that are at least k (the row and column totals of a two-way table). It
// solves the linear system exactly over the rationals, written here apart
// from the implementation, and returns the cells it pins down.
func attack(cells []nrm.RawCell, hidden []bool, totalPublished bool, k int) []int {
	dims := len(cells[0].Values)
	var unknown []int
	pos := map[int]int{}
	for i, h := range hidden {
		if h {
			pos[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	var rows [][]*big.Rat
	for mask := 0; mask < 1<<dims-1; mask++ {
		if mask == 0 && !totalPublished || mask != 0 && bits.OnesCount(uint(mask)) != dims-1 {
			continue
		}
		sum := map[string]int64{}
		members := map[string][]int{}
		for i, c := range cells {
			key := ""
			for d := 0; d < dims; d++ {
				if mask>>d&1 == 1 {
					if c.Values[d] == nil {
						key += "<null>/"
					} else {
						key += *c.Values[d] + "/"
					}
				}
			}
			sum[key] += c.Count
			members[key] = append(members[key], i)
		}
		for key, s := range sum {
			if s < int64(k) {
				continue // a margin under k is never published
			}
			row := make([]*big.Rat, len(unknown)+1)
			for j := range row {
				row[j] = new(big.Rat)
			}
			known := s
			for _, i := range members[key] {
				if p, ok := pos[i]; ok {
					row[p].SetInt64(1)
				} else {
					known -= cells[i].Count
				}
			}
			row[len(unknown)].SetInt64(known)
			rows = append(rows, row)
		}
	}
	// Gauss-Jordan over the rationals.
	r := 0
	for c := 0; c < len(unknown) && r < len(rows); c++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if rows[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		inv := new(big.Rat).Inv(rows[r][c])
		for j := range rows[r] {
			rows[r][j].Mul(rows[r][j], inv)
		}
		for i := range rows {
			if i != r && rows[i][c].Sign() != 0 {
				f := new(big.Rat).Set(rows[i][c])
				for j := range rows[i] {
					rows[i][j].Sub(rows[i][j], new(big.Rat).Mul(f, rows[r][j]))
				}
			}
		}
		r++
	}
	var found []int
	for i := 0; i < r; i++ {
		nz, at := 0, -1
		for j := 0; j < len(unknown); j++ {
			if rows[i][j].Sign() != 0 {
				nz, at = nz+1, j
			}
		}
		if nz == 1 {
			found = append(found, unknown[at])
			// The attacker's answer is the true count: the system is consistent.
			if got := rows[i][len(unknown)]; got.Cmp(new(big.Rat).SetInt64(cells[unknown[at]].Count)) != 0 {
				panic(fmt.Sprintf("inconsistent attack: %v", got))
			}
		}
	}
	return found
}

func randomTable(rng *rand.Rand, dims int) []nrm.RawCell {
	sizes := make([]int, dims)
	for d := range sizes {
		sizes[d] = 2 + rng.IntN(4)
	}
	var cells []nrm.RawCell
	idx := make([]int, dims)
	for {
		if rng.IntN(6) > 0 { // some combinations do not occur
			vals := make([]*string, dims)
			for d, i := range idx {
				if i == 0 && rng.IntN(2) == 0 {
					continue // a missing value, a category of its own
				}
				s := fmt.Sprintf("v%d", i)
				vals[d] = &s
			}
			n := int64(1 + rng.IntN(40))
			if rng.IntN(3) == 0 {
				n = int64(1 + rng.IntN(9))
			}
			cells = append(cells, nrm.RawCell{Values: vals, Count: n})
		}
		d := dims - 1
		for ; d >= 0; d-- {
			if idx[d]++; idx[d] < sizes[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			break
		}
	}
	// Missing values may have made two cells one combination: merge them.
	merged := map[string]int{}
	var out []nrm.RawCell
	for _, c := range cells {
		k := cellKey(c.Values)
		if i, ok := merged[k]; ok {
			out[i].Count += c.Count
			continue
		}
		merged[k] = len(out)
		out = append(out, c)
	}
	return out
}

func TestSuppressionCannotBeUndone(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 10))
	tables, hiddenTotal, refused := 0, 0, 0
	for trial := 0; trial < 400; trial++ {
		dims := 1 + trial%3
		cells := randomTable(rng, dims)
		if len(cells) == 0 {
			continue
		}
		k := []int{5, 10, 12}[trial%3]
		hidden, hideTotal, ok := suppress(cells, k)
		if !ok {
			// A refusal must be needed: with every cell hidden, the
			// margins still give a small one away.
			all := make([]bool, len(cells))
			for i := range all {
				all[i] = true
			}
			needed := false
			for _, i := range attack(cells, all, false, k) {
				needed = needed || cells[i].Count < int64(k)
			}
			if !needed {
				t.Fatalf("table %d refused, but hiding every cell would have protected it: %v", trial, cells)
			}
			refused++
			continue
		}
		tables++
		primary := 0
		for i, c := range cells {
			if c.Count < int64(k) {
				primary++
				if !hidden[i] {
					t.Fatalf("table %d: cell %d of %d under k=%d published", trial, i, c.Count, k)
				}
			}
		}
		if hideTotal {
			hiddenTotal++
		}
		if found := attack(cells, hidden, !hideTotal, k); len(found) > 0 {
			t.Fatalf("table %d (%d columns, k=%d): the attack recomputed suppressed cells %v\ncells %v\nhidden %v", trial, dims, k, found, cells, hidden)
		}
	}
	if tables < 150 {
		t.Fatalf("only %d tables published (%d refused)", tables, refused)
	}
	t.Logf("%d tables attacked, none undone; %d with the total hidden; %d refused as unprotectable", tables, hiddenTotal, refused)
}

func TestSuppressionExamples(t *testing.T) {
	s := func(v string) *string { return &v }
	t.Run("one_small_cell_takes_another_with_it", func(t *testing.T) {
		cells := []nrm.RawCell{{Values: []*string{s("a")}, Count: 3}, {Values: []*string{s("b")}, Count: 30}, {Values: []*string{s("c")}, Count: 20}}
		hidden, hideTotal, _ := suppress(cells, 10)
		if !hidden[0] || hidden[1] || !hidden[2] || hideTotal {
			t.Errorf("hidden %v, total hidden %v; want the 3 and the 20 hidden, the total kept", hidden, hideTotal)
		}
		if found := attack(cells, []bool{true, false, false}, true, 10); len(found) != 1 {
			t.Errorf("primary suppression alone should be undone by the total, the attack found %v", found)
		}
	})
	t.Run("a_total_under_k_is_hidden", func(t *testing.T) {
		cells := []nrm.RawCell{{Values: []*string{s("a")}, Count: 3}, {Values: []*string{nil}, Count: 2}}
		hidden, hideTotal, _ := suppress(cells, 10)
		if !hidden[0] || !hidden[1] || !hideTotal {
			t.Errorf("hidden %v, total hidden %v", hidden, hideTotal)
		}
	})
}
