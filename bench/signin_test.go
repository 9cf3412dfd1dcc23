package bench

import (
	"context"
	"fmt"
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
	var wrong, unknown time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i > 0 && i%(len(users)*4) == 0 {
			// Four failures each so far: forget them before the fifth locks.
			a.MustExec(b, "UPDATE users SET failed_signins = 0, locked_until = 0")
		}
		client := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		u := users[i%len(users)]
		t0 := time.Now()
		if _, err := a.Svc.SignIn(ctx, u.Email, "not the password", client); nrm.ErrorCode(err) != nrm.CodeUnauthorized {
			b.Fatalf("a wrong password: %v", err)
		}
		t1 := time.Now()
		if _, err := a.Svc.SignIn(ctx, fmt.Sprintf("nobody%d@example.org", i), "not the password", client+"1"); nrm.ErrorCode(err) != nrm.CodeUnauthorized {
			b.Fatalf("an unknown address: %v", err)
		}
		t2 := time.Now()
		wrong += t1.Sub(t0)
		unknown += t2.Sub(t1)
	}
	b.ReportMetric(float64(wrong.Microseconds())/1000/float64(b.N), "ms/wrong-password")
	b.ReportMetric(float64(unknown.Microseconds())/1000/float64(b.N), "ms/unknown-address")
	b.ReportMetric(100*(float64(unknown)-float64(wrong))/float64(wrong), "%diff")
}
