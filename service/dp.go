package service

// Differential privacy on integer counts: the discrete Laplace (two-sided
// geometric) mechanism, sampled exactly as in Canonne, Kamath and Steinke,
// "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
// Algorithms 1 and 2: only integer and rational arithmetic and uniform
// integers from crypto/rand, never floating point (Mironov 2012 shows how
// floating-point Laplace noise leaks the true value through the gaps
// between representable numbers). P[X = x] is proportional to
// exp(-|x|·s/t).

import (
	"crypto/rand"
	"math/big"
)

// uniform is a uniform integer in [0, n) from crypto/rand.
func uniform(n *big.Int) *big.Int {
	v, err := rand.Int(rand.Reader, n)
	if err != nil {
		panic("crypto/rand: " + err.Error()) // the system has no randomness: nothing is safe to release
	}
	return v
}

// bernoulli is 1 with probability num/den (0 <= num <= den).
func bernoulli(num, den *big.Int) bool { return uniform(den).Cmp(num) < 0 }

// bernoulliExp is 1 with probability exp(-num/den), num >= 0 (CKS Algorithm 1).
func bernoulliExp(num, den *big.Int) bool {
	if num.Cmp(den) <= 0 {
		// gamma in [0,1]: K counts up while Bernoulli(gamma/K) succeeds.
		k := big.NewInt(1)
		for {
			kd := new(big.Int).Mul(den, k)
			if !bernoulli(num, kd) {
				break
			}
			k.Add(k, big.NewInt(1))
		}
		return k.Bit(0) == 1
	}
	whole := new(big.Int).Quo(num, den)
	one := big.NewInt(1)
	for i := new(big.Int); i.Cmp(whole) < 0; i.Add(i, one) {
		if !bernoulliExp(one, one) {
			return false
		}
	}
	rest := new(big.Int).Sub(num, new(big.Int).Mul(whole, den))
	return bernoulliExp(rest, den)
}

// discreteLaplace samples with P[x] ∝ exp(-|x|·s/t) (CKS Algorithm 2).
func discreteLaplace(s, t *big.Int) int64 {
	one := big.NewInt(1)
	for {
		u := uniform(t)
		if !bernoulliExp(u, t) {
			continue
		}
		v := new(big.Int)
		for bernoulliExp(one, one) {
			v.Add(v, one)
		}
		x := new(big.Int).Add(u, new(big.Int).Mul(t, v))
		y := new(big.Int).Quo(x, s)
		negative := bernoulli(one, big.NewInt(2))
		if negative && y.Sign() == 0 {
			continue
		}
		if negative {
			return -y.Int64()
		}
		return y.Int64()
	}
}

// laplaceFor is the noise of one count released with privacy loss epsilon
// when one person changes at most sensitivity counts by one each:
// P[x] ∝ exp(-|x|·epsilon/sensitivity).
func laplaceFor(epsilon *big.Rat, sensitivity int64) int64 {
	return discreteLaplace(epsilon.Num(), new(big.Int).Mul(epsilon.Denom(), big.NewInt(sensitivity)))
}
