package service

// Small-cell suppression with secondary suppression (CONTRACT.md,
// "Statistics": privacy suppress).
//
// Primary: every cell under k is hidden. Secondary: an attacker knows the
// published cells, the combinations that do not occur (zeros), and every
// marginal total that another query could publish, that is every margin of
// at least k over any subset of the columns (the total among them). Each
// margin is a linear equation over the hidden cells. A hidden cell is
// recoverable exactly when its unit vector lies in the row space of those
// equations; while one is, another cell of one of its margins (the
// smallest) is hidden too. The rank test is exact arithmetic modulo the
// prime 2^61-1 (the 0/1 systems here have no minors divisible by it in
// practice); the test of this file attacks the result independently with
// rational elimination.

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/nrmproject/nrm"
)

// suppress decides which cells to hide and whether the total must be
// hidden too (when it is under k, or when it would still reveal a cell).
// A hidden cell of at least k that the margins pin down anyway (it is alone
// in a margin another query publishes) is published: hiding it would hide
// nothing. Every cell left hidden is one no attacker can recompute.
//
// Where even hiding every cell leaves a small one pinned down by margins
// other tables publish, ok is false and the release is refused rather
// than published.
func suppress(cells []nrm.RawCell, k int) (hidden []bool, hideTotal, ok bool) {
	hidden = make([]bool, len(cells))
	var total int64
	for i, c := range cells {
		hidden[i] = c.Count < int64(k)
		total += c.Count
	}
	if len(cells) == 0 {
		return hidden, false, true
	}
	hideTotal = total < int64(k)
	eqs := margins(cells, k, !hideTotal)
	// Hiding more never pins a cell that was free, so each round either
	// frees a small cell or hides one more: at most one round per cell.
	for range len(cells) + 2 {
		j := -1
		for _, i := range recoverable(eqs, hidden) {
			if cells[i].Count < int64(k) {
				j = i
				break
			}
		}
		if j < 0 {
			// Cells of at least k that the margins pin down anyway are
			// published: hiding them hides nothing, and publishing a
			// value already implied frees no other.
			for _, i := range recoverable(eqs, hidden) {
				hidden[i] = false
			}
			return hidden, hideTotal, true
		}
		next := -1
		smaller := func(i int) bool { return !hidden[i] && (next < 0 || cells[i].Count < cells[next].Count) }
		for _, e := range eqs {
			if slices.Contains(e, j) {
				for _, i := range e {
					if smaller(i) {
						next = i
					}
				}
			}
		}
		if next < 0 {
			for i := range cells {
				if smaller(i) {
					next = i
				}
			}
		}
		if next >= 0 {
			hidden[next] = true
			continue
		}
		if hideTotal {
			break
		}
		// Everything is hidden and the total still pins a small cell.
		hideTotal = true
		eqs = margins(cells, k, false)
	}
	return hidden, true, false
}

// margins are the known equations: the table's marginal totals (over all
// columns but one: the row and column totals of a two-way table) that are
// at least k, and the total when published.
func margins(cells []nrm.RawCell, k int, totalKnown bool) [][]int {
	dims := len(cells[0].Values)
	var eqs [][]int
	for mask := 0; mask < 1<<dims-1; mask++ {
		if mask == 0 && !totalKnown || mask != 0 && bits.OnesCount(uint(mask)) != dims-1 {
			continue
		}
		groups := map[string][]int{}
		sums := map[string]int64{}
		var order []string
		for i, c := range cells {
			var b strings.Builder
			for d := 0; d < dims; d++ {
				if mask&(1<<d) == 0 {
					continue
				}
				if v := c.Values[d]; v == nil {
					b.WriteString("\x00|")
				} else {
					b.WriteString(*v + "\x01|")
				}
			}
			key := b.String()
			if _, ok := groups[key]; !ok {
				order = append(order, key)
			}
			groups[key] = append(groups[key], i)
			sums[key] += c.Count
		}
		for _, key := range order {
			if sums[key] >= int64(k) {
				eqs = append(eqs, groups[key])
			}
		}
	}
	return eqs
}

const prime = 1<<61 - 1

func mulmod(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	_, r := bits.Div64(hi, lo, prime)
	return r
}

func powmod(a, e uint64) uint64 {
	r := uint64(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = mulmod(r, a)
		}
		a = mulmod(a, a)
	}
	return r
}

// recoverable returns the hidden cells that the equations determine.
func recoverable(eqs [][]int, hidden []bool) []int {
	var unknown []int
	col := map[int]int{}
	for i, h := range hidden {
		if h {
			col[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	var m [][]uint64
	for _, e := range eqs {
		row := make([]uint64, len(unknown))
		any := false
		for _, i := range e {
			if c, ok := col[i]; ok {
				row[c], any = 1, true
			}
		}
		if any {
			m = append(m, row)
		}
	}
	// Reduced row echelon form.
	r := 0
	for c := 0; c < len(unknown) && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c] != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := powmod(m[r][c], prime-2)
		for j := c; j < len(unknown); j++ {
			m[r][j] = mulmod(m[r][j], inv)
		}
		for i := range m {
			if i == r || m[i][c] == 0 {
				continue
			}
			f := m[i][c]
			for j := c; j < len(unknown); j++ {
				if m[r][j] != 0 {
					m[i][j] = (m[i][j] + prime - mulmod(f, m[r][j])) % prime
				}
			}
		}
		r++
	}
	// A cell is determined when some reduced row is its unit vector.
	var out []int
	for i := 0; i < r; i++ {
		nz, at := 0, -1
		for j, v := range m[i] {
			if v != 0 {
				nz++
				at = j
			}
		}
		if nz == 1 {
			out = append(out, unknown[at])
		}
	}
	return out
}
