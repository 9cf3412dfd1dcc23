// Command auditfill appends synthetic entries to an nrm instance's audit log,
// signed with the instance's own key exactly as nrm appends them, so that
// `nrm audit verify` can be timed over a large log.
//
//	go run ./bench/auditfill -data DIR [-db URL] -entries 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
)

func main() {
	data := flag.String("data", "./nrm-data", "data directory")
	db := flag.String("db", "", "database URL")
	n := flag.Int("entries", 1_000_000, "entries to append")
	batch := flag.Int("batch", 5000, "entries per transaction (one checkpoint each)")
	flag.Parse()
	ctx := context.Background()
	keys, err := keyring.Open(filepath.Join(*data, "keys"), os.Getenv("NRM_MASTER_KEY_FILE"))
	if err != nil {
		fail(err)
	}
	store, err := sqlstore.Open(ctx, *db, *data, sqlstore.Options{})
	if err != nil {
		fail(err)
	}
	defer store.Close()
	signer, err := auditlog.NewSigner(service.AuditOrigin(keys.PublicKey()), keys.SigningKey())
	if err != nil {
		fail(err)
	}
	start := time.Now()
	actor, org := nrm.NewID(), nrm.NewID()
	for done := 0; done < *n; {
		k := min(*batch, *n-done)
		entries := make([]auditlog.Entry, k)
		for i := range entries {
			entries[i] = auditlog.Entry{Time: time.Now(), RequestID: strconv.Itoa(done + i), Actor: actor, ActorOrg: org,
				ActorRole: "case-worker", Action: "case.read", Object: "case/" + nrm.NewID(), Outcome: "ok",
				Detail: "compartments identity,support"}
		}
		if err := store.Write(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.AppendAudit(ctx, signer, entries)
			return err
		}); err != nil {
			fail(err)
		}
		done += k
		if done%100_000 < k || done == *n {
			fmt.Fprintf(os.Stderr, "appended %d/%d entries (%.0f/s)\n", done, *n, float64(done)/time.Since(start).Seconds())
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "auditfill:", err)
	os.Exit(1)
}
