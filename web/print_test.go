package web_test

// The case summary as PDF: for those who may read the case, audited as a
// print, refused to anyone else; and a print stylesheet for the case page.

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestCaseSummaryPDF(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		bc := mustBusyCase(t, a)
		worker := MustSignIn(t, a, bc.Worker, "")
		outsider := MustSignIn(t, a, a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker), "")
		auditor := a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleAuditor)
		path := "/cases/" + bc.ID + "/summary.pdf"
		prints := func(t *testing.T, by string) int {
			t.Helper()
			entries, err := a.Svc.AuditEntries(testapp.As(auditor.Actor), nrm.AuditFilter{Action: "case.print", Object: "case/" + bc.ID, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range entries {
				if e.Actor == by && e.Outcome == "ok" {
					n++
				}
			}
			return n
		}

		t.Run("case_page_links_the_summary", func(t *testing.T) {
			wantContains(t, worker.get(t, "/cases/"+bc.ID), `href="`+path+`"`, "Case summary (PDF)")
		})
		t.Run("reader_gets_a_pdf_named_by_reference_and_the_print_is_audited", func(t *testing.T) {
			before := prints(t, bc.Worker.ID)
			p := worker.get(t, path)
			wantStatus(t, p, http.StatusOK)
			if ct := p.Header.Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("Content-Type %q", ct)
			}
			if !bytes.HasPrefix([]byte(p.Body), []byte("%PDF-")) || !strings.Contains(p.Body, "%%EOF") {
				t.Fatalf("not a PDF: %.40q", p.Body)
			}
			if cd := p.Header.Get("Content-Disposition"); !strings.Contains(cd, bc.Reference+".pdf") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q on a printout of personal data", cc)
			}
			if after := prints(t, bc.Worker.ID); after != before+1 {
				t.Errorf("%d print entries after printing, want %d", after, before+1)
			}
		})
		t.Run("outsider_gets_404_no_pdf_and_no_print_entry", func(t *testing.T) {
			p := outsider.get(t, path)
			wantStatus(t, p, http.StatusNotFound)
			if strings.HasPrefix(p.Body, "%PDF") {
				t.Fatal("an outsider got the PDF")
			}
			if n := prints(t, outsider.User.ID); n != 0 {
				t.Errorf("%d print entries for a refused print", n)
			}
		})
		t.Run("stylesheet_has_a_print_layout", func(t *testing.T) {
			m := reStylesheet.FindStringSubmatch(worker.get(t, "/cases/"+bc.ID).Body)
			if m == nil {
				t.Fatal("no stylesheet")
			}
			css := worker.get(t, m[1])
			wantContains(t, css, "@media print", ".print-footer")
			wantContains(t, worker.get(t, "/cases/"+bc.ID), `class="print-footer"`)
		})
	})
}
