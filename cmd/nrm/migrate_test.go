package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// TestConcurrentMigrate: several instances starting at once on one empty
// database (the deployment of README "Several instances on one PostgreSQL")
// take turns under the migration lock: every process succeeds and each
// migration is applied once.
func TestConcurrentMigrate(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		// Each process has its own data directory (its own host), one database.
		// On SQLite they share the data directory, as processes on one host do.
		const n = 3
		var wg sync.WaitGroup
		outs := make([]bytes.Buffer, n)
		errs := make([]error, n)
		for i := range n {
			data := in.data
			if e == sqlstore.Postgres {
				data = filepath.Join(t.TempDir(), "host")
			}
			cmd := exec.Command(os.Args[0], "migrate", "--data", data, "--db="+in.db)
			cmd.Env = append(os.Environ(), envRunMain+"=1")
			cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = cmd.Run()
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("migrate %d: %v\n%s", i, errs[i], outs[i].String())
			}
		}
		files, _ := fs.Glob(os.DirFS("../../sqlstore/migrations"), "*.sql")
		var rows, distinct int
		if err := rawDB(t, in).QueryRow("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations").Scan(&rows, &distinct); err != nil {
			t.Fatal(err)
		}
		if rows != len(files) || distinct != len(files) {
			t.Fatalf("schema_migrations holds %d rows (%d versions) for %d migrations", rows, distinct, len(files))
		}
	})
}
