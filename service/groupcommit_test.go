package service_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// Concurrent reads share group commits, and each answer still comes only
// after its own audit entry is committed: whoever holds an answer finds
// its entry (by request id) in the database at once.
func TestGroupCommitAnswersOnlyAfterTheEntryIsDurable(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		token := a.MustToken(t, a.MustUser(t, org, nrm.RoleCaseWorker))
		id := a.MustCase(t, token, testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		db := a.RawDB(t)
		q := "SELECT COUNT(*) FROM audit_entries WHERE request_id = ? AND action = 'case.read' AND object = ?"
		if e == sqlstore.Postgres {
			q = "SELECT COUNT(*) FROM audit_entries WHERE request_id = $1 AND action = 'case.read' AND object = $2"
		}
		reads0, commits0 := a.Svc.AuditGroupCommits()
		const clients, each = 16, 10
		var wg sync.WaitGroup
		errs := make(chan string, clients*each)
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					req, _ := http.NewRequest("GET", a.URL+"/api/v1/cases/"+id, nil)
					req.Header.Set("Authorization", "Bearer "+token)
					res, err := a.Server.Client().Do(req)
					if err != nil {
						errs <- err.Error()
						return
					}
					res.Body.Close()
					if res.StatusCode != 200 {
						errs <- res.Status
						return
					}
					var n int
					if err := db.QueryRow(q, res.Header.Get("X-Request-Id"), "case/"+id).Scan(&n); err != nil || n != 1 {
						errs <- "an answer came before its audit entry was committed"
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Fatal(e)
		}
		reads, commits := a.Svc.AuditGroupCommits()
		reads, commits = reads-reads0, commits-commits0
		if reads != clients*each || commits == 0 || commits > reads {
			t.Fatalf("%d reads in %d group commits", reads, commits)
		}
		t.Logf("%d reads in %d group commits", reads, commits)
		mustVerify(t, a)
	})
}
