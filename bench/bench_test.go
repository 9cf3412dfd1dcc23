// Package bench holds nrm's Go benchmarks of whole requests; the load
// scripts beside it drive a real nrm process. Figures: README.md.
package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// BenchmarkGetCase is an authenticated, audited, decrypted
// GET /api/v1/cases/{id} over loopback HTTP, 32 clients at once.
//
//	go test -bench GetCase -benchtime 10s ./bench/
func BenchmarkGetCase(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) { benchGetCase(b, e) })
	}
}

func benchGetCase(b *testing.B, e sqlstore.Engine) {
	a := testapp.New(b, e)
	a.Clock.Set(testapp.Start) // a fixed clock: tokens do not expire mid-run
	org := a.MustOrg(b, nrm.KindNGO)
	token := a.MustToken(b, a.MustUser(b, org, nrm.RoleCaseWorker))
	id := a.MustCase(b, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
	drive(b, a.URL+"/api/v1/cases/"+id, token)
	reads, commits := a.Svc.AuditGroupCommits()
	b.ReportMetric(float64(reads)/float64(max(commits, 1)), "reads/commit")
}

// BenchmarkBare is the yardstick: a bare net/http handler answering a small
// fixed JSON body (as bench/bare does), driven the same way.
//
//	go test -bench 'Bare|GetCase' -benchtime 10s ./bench/
func BenchmarkBare(b *testing.B) {
	body := []byte(`{"id":"00000000000000000000000000","state":"identified","ok":true}` + "\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	drive(b, srv.URL+"/", "")
}

// drive GETs url with 32 clients at once and reports requests per second
// and CPU per request.
func drive(b *testing.B, url, token string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(16) // 16 × GOMAXPROCS (2 here) = 32 clients
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/req")
}

// cpuTime is the CPU time (user and system) of this process so far: with
// the machine shared, CPU per request varies much less than requests per
// second. It counts the clients too (they run in this process).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
