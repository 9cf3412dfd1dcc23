package api_test

import (
	"net/url"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// Names in Georgian and Armenian script were kept as typed by the first
// normalisation: a database indexed by it is re-indexed at start, and then
// finds them under their passport spelling, and flags the match.
func TestReindexForANewerNormalisation(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		search := func(name string) int {
			t.Helper()
			return len(w.must(t, 200, "GET", "/api/v1/cases?name="+url.QueryEscape(name), w.ngoWorker, nil)["items"].([]any))
		}
		db := w.a.RawDB(t)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Exec(rebindFor(e, q), args...); err != nil {
				t.Fatal(err)
			}
		}
		reindex := func() int {
			t.Helper()
			n, err := w.a.Svc.ReindexNames(testapp.System(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := reindex(); n != 0 {
			t.Fatalf("a current database re-indexed %d people", n)
		}
		georgian := w.a.MustCase(t, w.ngoWorker, testapp.CaseBody("ნინო", "ბერიძე", "1998-06-01"))
		armenian := w.a.MustCase(t, w.ngoWorker, testapp.CaseBody("Անի", "Եղիազարյան", "2001-02-03"))
		// As the first normalisation left them: indexes that no Latin
		// spelling reaches (here: none at all), and version 1 on record.
		exec("DELETE FROM person_index")
		exec("UPDATE instance_settings SET value = '1' WHERE name = 'normalise_version'")
		if search("Nino Beridze") != 0 {
			t.Fatal("found before the re-index")
		}
		latin := w.a.MustCase(t, w.ngoWorker, testapp.CaseBody("Nino", "Beridze", "1998-06-01"))
		if c := w.must(t, 200, "GET", "/api/v1/cases/"+latin, w.ngoWorker, nil); c["flags"] != nil {
			t.Fatalf("flagged before the re-index: %v", c["flags"])
		}
		if n := reindex(); n != 3 {
			t.Fatalf("re-indexed %d people, want 3", n)
		}
		if search("Nino Beridze") != 2 || search("Ani Yeghiazaryan") != 1 || search("Անի Եղիազարյան") != 1 {
			t.Errorf("search after the re-index: %d %d %d", search("Nino Beridze"), search("Ani Yeghiazaryan"), search("Անի Եղիազարյան"))
		}
		flags, _ := w.must(t, 200, "GET", "/api/v1/cases/"+georgian, w.ngoWorker, nil)["flags"].([]any)
		flags2, _ := w.must(t, 200, "GET", "/api/v1/cases/"+latin, w.ngoWorker, nil)["flags"].([]any)
		// One flag, between the two spellings, seen on both cases.
		if len(flags) != 1 || len(flags2) != 1 || flags[0].(map[string]any)["id"] != flags2[0].(map[string]any)["id"] ||
			flags[0].(map[string]any)["kind"] != nrm.FlagPossibleDuplicate {
			t.Errorf("the match is not flagged once: %v %v", flags, flags2)
		}
		_ = armenian
		if n := reindex(); n != 0 {
			t.Errorf("re-indexed again: %d", n)
		}
		var entries int
		db.QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'names.reindex'").Scan(&entries)
		if entries != 1 {
			t.Errorf("%d audit entries of the re-index", entries)
		}
	})
}
