// Command deadlines gives every case of an nrm database one or two running
// clocks, due from 60 days ago to 60 days ahead, so that the "due soon /
// overdue" dashboard can be timed over a realistic table. Run it while nrm
// is stopped; it writes the deadlines table directly (benchmark set-up only:
// nrm itself keeps deadlines with the events that start them).
//
//	go run ./bench/deadlines -data DIR [-db URL]
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
)

func main() {
	data := flag.String("data", "./nrm-data", "data directory")
	db := flag.String("db", "", "database URL")
	flag.Parse()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, *db, *data, sqlstore.Options{})
	if err != nil {
		fail(err)
	}
	defer store.Close()
	var ids []string
	if err := store.Read(ctx, func(tx *sqlstore.Tx) (err error) { ids, err = tx.CaseIDs(ctx); return }); err != nil {
		fail(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	today := nrm.DateOf(time.Now())
	kinds := []string{nrm.DeadlineRG, nrm.DeadlineRecoveryEnd, nrm.DeadlinePermitExpiry, nrm.DeadlinePlanReview, nrm.DeadlineConsentExpiry}
	n := 0
	for start := 0; start < len(ids); start += 5000 {
		batch := ids[start:min(start+5000, len(ids))]
		if err := store.Write(ctx, func(tx *sqlstore.Tx) error {
			for _, id := range batch {
				for k := 0; k < 1+rng.IntN(2); k++ {
					d := nrm.Deadline{CaseID: id, Kind: kinds[rng.IntN(len(kinds))], Due: today.AddDays(rng.IntN(121) - 60), RefID: fmt.Sprint(k)}
					if err := tx.SetDeadline(ctx, d); err != nil {
						return err
					}
					n++
				}
			}
			return nil
		}); err != nil {
			fail(err)
		}
	}
	fmt.Fprintf(os.Stderr, "%d deadlines on %d cases\n", n, len(ids))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "deadlines:", err)
	os.Exit(1)
}
