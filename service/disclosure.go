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
func suppress(cells []nrm.RawCell, k int) (hidden []bool, hideTotal bool) {
	hidden = make([]bool, len(cells))
	var total int64
	for i, c := range cells {
		hidden[i] = c.Count < int64(k)
		total += c.Count
	}
	if len(cells) == 0 {
		return hidden, false
	}
	eqs := margins(cells, k, total >= int64(k))
	for range len(cells) + 1 {
		j := recoverable(eqs, hidden)
		if j < 0 {
			return hidden, total < int64(k)
		}
		next := -1
		for _, e := range eqs {
			if !slices.Contains(e, j) {
				continue
			}
			for _, i := range e {
				if !hidden[i] && (next < 0 || cells[i].Count < cells[next].Count) {
					next = i
				}
			}
		}
		if next < 0 {
			for i := range cells {
				if !hidden[i] && (next < 0 || cells[i].Count < cells[next].Count) {
					next = i
				}
			}
		}
		if next < 0 {
			break
		}
		hidden[next] = true
	}
	// Everything is hidden and the known margins still pin a cell: the
	// total goes too, and only margins of fewer columns remain.
	for i := range hidden {
		hidden[i] = true
	}
	return hidden, true
}

// margins are the known equations: for every proper subset of the
// columns, the cells of each group whose sum is at least k (the empty
// subset is the total, known when published).
func margins(cells []nrm.RawCell, k int, totalKnown bool) [][]int {
	dims := len(cells[0].Values)
	var eqs [][]int
	for mask := 0; mask < 1<<dims-1; mask++ {
		if mask == 0 && !totalKnown {
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

// recoverable returns a hidden cell that the equations determine, or -1.
func recoverable(eqs [][]int, hidden []bool) int {
	var unknown []int
	col := map[int]int{}
	for i, h := range hidden {
		if h {
			col[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	if len(unknown) == 0 {
		return -1
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
	for i := 0; i < r; i++ {
		nz, at := 0, -1
		for j, v := range m[i] {
			if v != 0 {
				nz++
				at = j
			}
		}
		if nz == 1 {
			return unknown[at]
		}
	}
	return -1
}
