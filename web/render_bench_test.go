package web_test

import (
	"net/http"
	"testing"

	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
)

// BenchmarkCasePage renders the busiest page, the case file (several
// hundred messages), in English and in Russian, over loopback HTTP.
func BenchmarkCasePage(b *testing.B) {
	a := testapp.New(b, sqlstore.SQLite)
	bc := mustBusyCase(b, a)
	worker := MustSignIn(b, a, bc.Worker, "")
	for _, lang := range []string{"en", "ru"} {
		b.Run(lang, func(b *testing.B) {
			for b.Loop() {
				if p := worker.get(b, "/cases/"+bc.ID+"?lang="+lang); p.Status != http.StatusOK {
					b.Fatal(p.Status)
				}
			}
		})
	}
}
