package service

import (
	"math"
	"math/big"
	"testing"
)

// The discrete Laplace sampler against its distribution,
// P[x] = (1-q)/(1+q) · q^|x| with q = exp(-epsilon): a chi-square test over
// the values -6..6 and the two tails, and the variance 2q/(1-q)².
func TestDiscreteLaplaceDistribution(t *testing.T) {
	for _, eps := range []*big.Rat{big.NewRat(1, 1), big.NewRat(1, 2), big.NewRat(3, 2)} {
		t.Run(eps.RatString(), func(t *testing.T) {
			const n = 20000
			counts := map[int64]int{}
			var sum, sq float64
			for range n {
				x := laplaceFor(eps, 1)
				counts[x]++
				sum += float64(x)
				sq += float64(x * x)
			}
			e, _ := eps.Float64()
			q := math.Exp(-e)
			p := func(x int64) float64 { return (1 - q) / (1 + q) * math.Pow(q, math.Abs(float64(x))) }
			chi, bins := 0.0, 0
			tail := 1.0
			var tailCount int
			for x := int64(-6); x <= 6; x++ {
				want := n * p(x)
				tail -= p(x)
				chi += (float64(counts[x]) - want) * (float64(counts[x]) - want) / want
				bins++
			}
			for x, c := range counts {
				if x < -6 || x > 6 {
					tailCount += c
				}
			}
			if want := n * tail; want > 5 {
				chi += (float64(tailCount) - want) * (float64(tailCount) - want) / want
				bins++
			}
			// 99.9th percentile of chi-square with up to 13 degrees of freedom is 34.5.
			if chi > 34.5 {
				t.Errorf("chi-square %.1f over %d bins: the noise is not discrete Laplace(%s); counts %v", chi, bins, eps.RatString(), counts)
			}
			mean, variance := sum/n, sq/n-(sum/n)*(sum/n)
			wantVar := 2 * q / ((1 - q) * (1 - q))
			if math.Abs(mean) > 5*math.Sqrt(wantVar/n) {
				t.Errorf("mean %.3f: the noise is not centred", mean)
			}
			if math.Abs(variance-wantVar)/wantVar > 0.08 {
				t.Errorf("variance %.3f, want %.3f", variance, wantVar)
			}
		})
	}
}

func TestBernoulliExp(t *testing.T) {
	for _, g := range [][2]int64{{1, 3}, {3, 2}, {5, 2}} {
		const n = 20000
		hits := 0
		for range n {
			if bernoulliExp(big.NewInt(g[0]), big.NewInt(g[1])) {
				hits++
			}
		}
		p := math.Exp(-float64(g[0]) / float64(g[1]))
		if sd := math.Sqrt(p * (1 - p) / n); math.Abs(float64(hits)/n-p) > 5*sd {
			t.Errorf("Bernoulli(exp(-%d/%d)): %.4f, want %.4f", g[0], g[1], float64(hits)/n, p)
		}
	}
}

// With split, one person can count under every value of the split
// column: the noise scales with that many.
func TestDiscreteLaplaceSensitivity(t *testing.T) {
	const n = 10000
	var sq float64
	for range n {
		x := float64(laplaceFor(big.NewRat(1, 1), 3))
		sq += x * x
	}
	q := math.Exp(-1.0 / 3)
	if want := 2 * q / ((1 - q) * (1 - q)); math.Abs(sq/n-want)/want > 0.1 {
		t.Errorf("variance %.2f with sensitivity 3, want %.2f", sq/n, want)
	}
}
