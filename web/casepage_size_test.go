package web_test

// The case page is reloaded after every save, often on a slow link: it
// stays small (the indicator lists are on the screening page) and travels
// compressed to a browser that asks for it.

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

var reStylesheet = regexp.MustCompile(`<link rel="stylesheet" href="(/static/style.css\?v=[0-9a-f]+)"`)

// maxCasePage is the most a case page may weigh before compression.
const maxCasePage = 30 << 10

func TestCasePageWeight(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		bc := mustBusyCase(t, a)
		worker := MustSignIn(t, a, bc.Worker, "")
		path := "/cases/" + bc.ID

		t.Run("busy_case_page_is_under_30_KB_before_compression", func(t *testing.T) {
			p := worker.get(t, path)
			wantStatus(t, p, http.StatusOK)
			// The page is the realistic one: every part filled in, every form offered.
			wantContains(t, p, "Zyxandra", "Harbour Street Clinic", "Dental care", "She prefers to speak Romanian.",
				"state-recovery-period", `action="`+path+`/consents"`, `action="`+path+`/notes"`, `href="`+path+`/screening"`)
			if n := len(p.Body); n > maxCasePage {
				t.Errorf("the case page weighs %d bytes, more than %d", n, maxCasePage)
			} else {
				t.Logf("case page: %d bytes", n)
			}
		})
		t.Run("indicator_list_is_on_the_screening_page_not_the_case_page", func(t *testing.T) {
			if p := worker.get(t, path); strings.Contains(p.Body, `name="indicators"`) {
				t.Error("the case page still carries the indicator list")
			}
			wantContains(t, worker.get(t, path+"/screening"), `name="indicators" value="AL01"`, `action="`+path+`/screenings"`)
		})
		t.Run("page_is_gzipped_when_asked_and_varies_on_it", func(t *testing.T) {
			plain := worker.get(t, path)
			p := worker.do(t, "GET", path, nil, http.Header{"Accept-Encoding": {"gzip"}})
			wantStatus(t, p, http.StatusOK)
			if p.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q", p.Header.Get("Content-Encoding"))
			}
			if !strings.Contains(p.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q", p.Header.Get("Vary"))
			}
			zr, err := gzip.NewReader(strings.NewReader(p.Body))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(body, []byte("Harbour Street Clinic")) {
				t.Error("the unpacked page is not the case page")
			}
			if len(p.Body)*3 > len(plain.Body) {
				t.Errorf("gzip made %d bytes of %d", len(p.Body), len(plain.Body))
			}
			if plain.Header.Get("Content-Encoding") != "" {
				t.Error("a client that did not ask got a compressed page")
			}
		})
		t.Run("cross_site_request_is_not_compressed", func(t *testing.T) {
			p := worker.do(t, "GET", path, nil, http.Header{"Accept-Encoding": {"gzip"}, "Sec-Fetch-Site": {"cross-site"}})
			if p.Header.Get("Content-Encoding") != "" {
				t.Error("a cross-site request was answered compressed (BREACH)")
			}
		})
		t.Run("csrf_token_differs_in_every_response", func(t *testing.T) {
			one, two := hidden(t, worker.get(t, path), "csrf"), hidden(t, worker.get(t, path), "csrf")
			if one == two {
				t.Error("two responses carry the same CSRF bytes")
			}
		})
		t.Run("stylesheet_is_fingerprinted_and_cached_long", func(t *testing.T) {
			m := reStylesheet.FindStringSubmatch(worker.get(t, path).Body)
			if m == nil {
				t.Fatal("no fingerprinted stylesheet link")
			}
			css := newBrowser(t, a).do(t, "GET", m[1], nil, http.Header{"Accept-Encoding": {"gzip"}})
			wantStatus(t, css, http.StatusOK)
			if cc := css.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
				t.Errorf("Cache-Control %q", cc)
			}
			if css.Header.Get("Content-Encoding") != "gzip" || css.Header.Get("ETag") == "" {
				t.Errorf("Content-Encoding %q, ETag %q", css.Header.Get("Content-Encoding"), css.Header.Get("ETag"))
			}
			again := newBrowser(t, a).do(t, "GET", "/static/style.css", nil, http.Header{"If-None-Match": {css.Header.Get("ETag")}})
			wantStatus(t, again, http.StatusNotModified)
		})
	})
}
