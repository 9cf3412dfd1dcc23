package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// postFile sends a form as multipart/form-data, as a browser does for a
// form with a file input.
func (b *browser) postFile(tb testing.TB, path string, form url.Values, fileName string, data []byte) page {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", web.CookieName+"="+b.cookie)
	res, err := b.hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{Status: res.StatusCode, Header: res.Header, Body: string(raw), Location: res.Header.Get("Location")}
}

func pagePDF(t *testing.T, text string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetFont("Helvetica", "", 12)
	p.AddPage()
	p.MultiCell(0, 6, text, "", "L", false)
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestClearinghousePages: a co-ordinator uploads a PDF through the library
// form and finds it by a word of its text; a wrong file is shown at its
// input with nothing stored; the directory and practice forms work and
// show errors at the field; a case worker reads but gets no form.
func TestClearinghousePages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		coordOrg, ngo := a.MustOrg(t, nrm.KindCoordinator), a.MustOrg(t, nrm.KindNGO)
		c := MustSignIn(t, a, a.MustUser(t, coordOrg, nrm.RoleCoordinator), "")
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")

		p := c.get(t, "/clearinghouse")
		wantStatus(t, p, http.StatusSeeOther)
		p = c.get(t, "/library")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, `href="/clearinghouse"`, `enctype="multipart/form-data"`, `name="file"`, `href="/directory"`, `href="/practices"`)

		form := url.Values{"csrf": {c.CSRF}, "title": {"Handbook for labour inspectors"}, "kind": {"handbook"},
			"languages": {"en, ro"}, "countries": {"MD"}, "themes": {"labour-exploitation", "identification"}, "year": {"2024"},
			"summary": {"Checklists for farm visits."}}
		t.Run("a wrong file is shown at its input, nothing stored", func(t *testing.T) {
			p := c.postFile(t, "/library", form, "photo.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00"))
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#lib.file">`, `id="lib.file" name="file"`, `aria-invalid="true"`, "Handbook for labour inspectors")
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Set("year", "next year")
			p = c.postFile(t, "/library", bad, "a.txt", []byte("text"))
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#lib.year">`)
			if strings.Contains(c.get(t, "/library").Body, `class="material"`) {
				t.Fatal("a refused material was stored")
			}
		})
		t.Run("a file past the limit is refused as too large, nothing stored", func(t *testing.T) {
			p := c.postFile(t, "/library", form, "big.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 22<<20)...))
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, "larger than 20 MiB")
		})
		pdf := pagePDF(t, "Indicators of forced labour: withheld passports, the word fragolino.")
		var fileLink string
		t.Run("a PDF uploaded through the form is found by a word of its text", func(t *testing.T) {
			p := c.postFile(t, "/library", form, "inspectors.pdf", pdf)
			wantStatus(t, p, http.StatusSeeOther)
			p = worker.get(t, "/library?q=fragolino")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Handbook for labour inspectors", "Download inspectors.pdf", "Labour exploitation")
			if strings.Contains(p.Body, `enctype="multipart/form-data"`) {
				t.Error("a case worker is offered the upload form")
			}
			i := strings.Index(p.Body, `href="/library/`)
			fileLink = p.Body[i+6 : i+6+strings.Index(p.Body[i+6:], `"`)]
			if !strings.Contains(worker.get(t, "/library?q=nowhere").Body, "No material found.") {
				t.Error("a word in no material found one")
			}
		})
		t.Run("the file downloads as an attachment", func(t *testing.T) {
			p := worker.get(t, fileLink)
			wantStatus(t, p, http.StatusOK)
			if p.Body != string(pdf) || p.Header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment") || p.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("%v", p.Header)
			}
		})
		t.Run("the directory form: errors at the field, then saved", func(t *testing.T) {
			entry := url.Values{"csrf": {c.CSRF}, "name": {"Maria Focalpunkt"}, "organisation": {"Ministry of Interior"},
				"country": {"MD"}, "languages": {"ro"}, "areas": {"coordination"}, "email": {"maria at example"}}
			p := c.post(t, "/directory", entry)
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#dir.email">`, `id="dir.email"`, "Maria Focalpunkt")
			entry.Set("email", "maria@mai.example")
			wantStatus(t, c.post(t, "/directory", entry), http.StatusSeeOther)
			p = worker.get(t, "/directory?area=coordination&q=maria")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "Maria Focalpunkt", "maria@mai.example")
			if strings.Contains(p.Body, `action="/directory" class="form">`) && strings.Contains(p.Body, `name="csrf"`) &&
				strings.Contains(p.Body, "Add the contact") {
				t.Error("a case worker is offered the directory form")
			}
			p = worker.get(t, "/directory?country=XYZ")
			wantStatus(t, p, http.StatusOK)
			wantContains(t, p, "two-letter ISO 3166-1 country code")
			if wp := worker.post(t, "/directory", url.Values{"csrf": {worker.CSRF}, "organisation": {"x"}, "country": {"MD"},
				"phone": {"123"}, "public": {"true"}}); wp.Status != http.StatusForbidden {
				t.Errorf("a case worker added a contact: %d", wp.Status)
			}
		})
		t.Run("the practice form links a material", func(t *testing.T) {
			id := strings.TrimSuffix(strings.TrimPrefix(fileLink, "/library/"), "/file")
			pr := url.Values{"csrf": {c.CSRF}, "title": {"Joint farm visits"}, "country": {"MD"}, "theme": {"nope"},
				"source": {"Labour inspectorate report"}, "summary": {"Inspectors and NGOs together."}, "library_items": {id}}
			p := c.post(t, "/practices", pr)
			wantStatus(t, p, http.StatusUnprocessableEntity)
			wantContains(t, p, `<a href="#practice.theme">`)
			pr.Set("theme", "labour-exploitation")
			wantStatus(t, c.post(t, "/practices", pr), http.StatusSeeOther)
			p = worker.get(t, "/practices?theme=labour-exploitation")
			wantContains(t, p, "Joint farm visits", `<a href="/library#item-`+id+`">Handbook for labour inspectors</a>`)
		})
		t.Run("the directory's contacts are not in the logs", func(t *testing.T) {
			if logs := a.Logs(); strings.Contains(logs, "Focalpunkt") || strings.Contains(logs, "mai.example") {
				t.Error("the logs hold a contact")
			}
		})
	})
}
