// Package bench holds nrm's Go benchmarks of whole requests; the load
// scripts beside it drive a real nrm process. Figures: README.md.
package bench

import (
	"io"
	"net/http"
	"testing"

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
	url := a.URL + "/api/v1/cases/" + id
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(16) // 16 × GOMAXPROCS (2 here) = 32 clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+token)
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
}
