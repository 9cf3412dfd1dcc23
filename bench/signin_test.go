package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// BenchmarkSignInFailures times the two failures an attacker compares, in
// one run and interleaved (so that whatever else the machine does falls on
// both alike): a wrong password for an existing account and an address
// without an account. Each attempt comes from its own client address (the
// per-address throttle would stop the run otherwise) and no account is
// ever locked (a lock skips the write and would time another path).
//
//	go test -run '^$' -bench SignInFailures -benchtime 200x ./bench/
func BenchmarkSignInFailures(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) { benchSignInFailures(b, e) })
	}
}

func benchSignInFailures(b *testing.B, e sqlstore.Engine) {
	a := testapp.New(b, e)
	org := a.MustOrg(b, nrm.KindNGO)
	users := make([]testapp.User, 32)
	for i := range users {
		users[i] = a.MustUser(b, org, nrm.RoleCaseWorker)
	}
	ctx := context.Background()
	var wrong, unknown []time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i > 0 && i%(len(users)*4) == 0 {
			// Four failures each so far: forget them before the fifth locks.
			a.MustExec(b, "UPDATE users SET failed_signins = 0, locked_until = 0")
		}
		client := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		u := users[i%len(users)]
		wrongPassword := func() time.Duration {
			t0 := time.Now()
			if _, err := a.Svc.SignIn(ctx, u.Email, "not the password", client); nrm.ErrorCode(err) != nrm.CodeUnauthorized {
				b.Fatalf("a wrong password: %v", err)
			}
			return time.Since(t0)
		}
		unknownAddress := func() time.Duration {
			t0 := time.Now()
			if _, err := a.Svc.SignIn(ctx, fmt.Sprintf("nobody%d@example.org", i), "not the password", client+"1"); nrm.ErrorCode(err) != nrm.CodeUnauthorized {
				b.Fatalf("an unknown address: %v", err)
			}
			return time.Since(t0)
		}
		// Each goes first every other time, so that neither always follows the other.
		if i%2 == 0 {
			wrong = append(wrong, wrongPassword())
			unknown = append(unknown, unknownAddress())
		} else {
			unknown = append(unknown, unknownAddress())
			wrong = append(wrong, wrongPassword())
		}
	}
	// Medians: on a shared machine, another process's burst lands on a few
	// attempts and would move a mean.
	w, u := median(wrong), median(unknown)
	b.ReportMetric(ms(w), "ms-p50/wrong-password")
	b.ReportMetric(ms(u), "ms-p50/unknown-address")
	b.ReportMetric(100*(ms(u)-ms(w))/ms(w), "%diff-p50")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
