package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func materialBody() map[string]any {
	return map[string]any{"title": "National Referral Mechanisms: a practical handbook", "kind": "handbook",
		"languages": []string{"en", "fr"}, "countries": []string{"md", "UA"}, "themes": []string{"referral", "identification"},
		"year": 2022, "url": "https://www.osce.org/odihr/nrm-handbook", "summary": "How to build an NRM, step by step."}
}

// mustPDF makes a one-page PDF holding text.
func mustPDF(t *testing.T, text string) []byte {
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

// upload posts a material as multipart/form-data: the metadata part and,
// when data is not nil, a file part with the given name and declared type.
func (w *clearWorld) upload(t *testing.T, token string, meta map[string]any, name, declared string, data []byte) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	j, _ := json.Marshal(meta)
	mw.WriteField("metadata", string(j))
	if data != nil {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + name + `"`}
		h["Content-Type"] = []string{declared}
		part, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.a.URL+"/api/v1/library", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := w.a.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(res.Body)
	json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func (w *clearWorld) search(t *testing.T, q string) []string {
	t.Helper()
	var ids []string
	for _, it := range w.must(t, 200, "GET", "/api/v1/library?q="+url.QueryEscape(q), w.officer, nil)["items"].([]any) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids
}

func field(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

func TestLibraryContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newClearWorld(t, e)
		pdf := mustPDF(t, "Annex on quarantotto indicators for seasonal agriculture.")
		var linkID, pdfID, textID string
		t.Run("a material with a link: JSON, 201", func(t *testing.T) {
			got := w.must(t, 201, "POST", "/api/v1/library", w.coordinator, materialBody())
			linkID = got["id"].(string)
			if got["kind"] != "handbook" || got["year"] != float64(2022) || got["file"] != nil {
				t.Fatalf("%v", got)
			}
		})
		t.Run("an uploaded PDF and text file: 201, typed by content", func(t *testing.T) {
			meta := materialBody()
			meta["title"], meta["url"], meta["summary"] = "Training curriculum", "", "For labour inspectors."
			meta["kind"] = "training"
			status, got := w.upload(t, w.ngoCoordinator, meta, "curriculum.PDF", "application/octet-stream", pdf)
			if status != 201 {
				t.Fatalf("%d %v", status, got)
			}
			pdfID = got["id"].(string)
			f := got["file"].(map[string]any)
			if f["type"] != "application/pdf" || f["name"] != "curriculum.pdf" || f["size"] != float64(len(pdf)) {
				t.Fatalf("%v", f)
			}
			meta["title"], meta["kind"], meta["summary"] = "Law on preventing trafficking", "legislation", ""
			status, got = w.upload(t, w.admin, meta, "law.pdf", "application/pdf", []byte("Article 1. Zastupnik duties.\nСтатья 2: защитник."))
			if status != 201 || got["file"].(map[string]any)["type"] != "text/plain; charset=utf-8" {
				t.Fatalf("%d %v", status, got)
			}
			textID = got["id"].(string)
		})
		t.Run("full-text search finds a word only inside the uploaded PDF, and inside the text file", func(t *testing.T) {
			for q, want := range map[string]string{
				"quarantotto": pdfID, "QUARANTOTTO seasonal": pdfID, "zastupnik": textID, "защитник": textID,
				"practical handbook": linkID, "inspectors": pdfID,
			} {
				if got := w.search(t, q); len(got) != 1 || got[0] != want {
					t.Errorf("%q: %v, want %s", q, got, want)
				}
			}
			if got := w.search(t, "quarantotto zastupnik"); len(got) != 0 {
				t.Errorf("every word is required: %v", got)
			}
			if got := w.search(t, ""); len(got) != 3 {
				t.Errorf("no words: %v", got)
			}
		})
		t.Run("search syntax from users never fails", func(t *testing.T) {
			for _, q := range []string{`"`, `""`, `a" OR "b`, "AND", "OR NOT", "*", "quaran*", "NEAR(a b)", "title:x", "-x", "^x",
				"(", ")", "{a}", "'", `\`, "a:b:c", ":", "!!", "&|", "∑∂", "\u202e"} {
				w.must(t, 200, "GET", "/api/v1/library?q="+url.QueryEscape(q), w.officer, nil)
			}
		})
		t.Run("the file downloads as an attachment of its sniffed type", func(t *testing.T) {
			r := w.a.Do(t, "GET", "/api/v1/library/"+pdfID+"/file", w.analyst, nil)
			if r.Status != 200 || !bytes.Equal(r.Body, pdf) || r.Header.Get("Content-Type") != "application/pdf" ||
				r.Header.Get("Content-Disposition") != `attachment; filename="curriculum.pdf"` ||
				r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
				t.Fatalf("%d %v", r.Status, r.Header)
			}
			w.wantError(t, 404, "", "GET", "/api/v1/library/"+linkID+"/file", w.analyst, nil)
			w.wantError(t, 401, "", "GET", "/api/v1/library/"+pdfID+"/file", "", nil)
		})
		t.Run("a garbage PDF is stored or refused, never a 5xx", func(t *testing.T) {
			meta := materialBody()
			for _, data := range [][]byte{
				[]byte("%PDF-1.7\n" + strings.Repeat("<<[(", 5000)),
				pdf[:len(pdf)/3],
				append([]byte("%PDF-1.4\n1 0 obj << /Type /Pages /Kids [1 0 R] /Count 1 >> endobj\ntrailer << /Root 1 0 R >>\n"), 0, 1, 2),
			} {
				if status, got := w.upload(t, w.coordinator, meta, "x.pdf", "application/pdf", data); status != 201 && status != 422 {
					t.Fatalf("%d %v", status, got)
				}
			}
		})
		before := w.count(t, "library_items")
		t.Run("wrong types by content, whatever the name says: 422 naming file", func(t *testing.T) {
			png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
			exe := append([]byte("MZ\x90\x00"), make([]byte, 64)...)
			latin1 := []byte("caf\xe9 cr\xe8me")
			for name, data := range map[string][]byte{"photo.pdf": png, "setup.txt": exe, "notes.txt": latin1, "empty.pdf": {}} {
				if status, got := w.upload(t, w.coordinator, materialBody(), name, "application/pdf", data); status != 422 || field(got) != "file" {
					t.Errorf("%s: %d %v", name, status, got)
				}
			}
		})
		t.Run("a file past 20 MiB: 422 naming file", func(t *testing.T) {
			big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("a"), 20<<20)...)
			if status, got := w.upload(t, w.coordinator, materialBody(), "big.pdf", "application/pdf", big); status != 422 || field(got) != "file" {
				t.Fatalf("%d %v", status, got)
			}
		})
		t.Run("bad metadata: 422 naming the field", func(t *testing.T) {
			for f, v := range map[string]any{"title": " ", "kind": "poster", "themes": []string{"smuggling"}, "year": 1850,
				"languages": []string{"eng"}, "countries": []string{"Moldova"}, "url": "javascript:alert(1)"} {
				b := materialBody()
				b[f] = v
				w.wantError(t, 422, f, "POST", "/api/v1/library", w.coordinator, b)
				if status, got := w.upload(t, w.coordinator, b, "a.txt", "text/plain", []byte("text")); status != 422 || field(got) != f {
					t.Errorf("upload %s: %d %v", f, status, got)
				}
			}
			w.wantError(t, 400, "", "POST", "/api/v1/library", w.coordinator, `{"title":"x","kind":"handbook","year":"2020"}`)
			b := materialBody()
			b["url"] = ""
			w.wantError(t, 422, "url", "POST", "/api/v1/library", w.coordinator, b)
			if status, got := w.upload(t, w.coordinator, b, "", "", nil); status != 422 || field(got) != "url" {
				t.Errorf("no file, no link: %d %v", status, got)
			}
			w.wantError(t, 422, "q", "GET", "/api/v1/library?q="+strings.Repeat("q", 201), w.coordinator, nil)
		})
		t.Run("without a token 401, without the role 403", func(t *testing.T) {
			w.wantError(t, 401, "", "GET", "/api/v1/library", "", nil)
			w.wantError(t, 401, "", "POST", "/api/v1/library", "", materialBody())
			if status, _ := w.upload(t, "", materialBody(), "a.txt", "text/plain", []byte("text")); status != 401 {
				t.Errorf("upload without a token: %d", status)
			}
			for _, tok := range []string{w.ngoWorker, w.analyst, w.officer} {
				w.wantError(t, 403, "", "POST", "/api/v1/library", tok, materialBody())
				if status, _ := w.upload(t, tok, materialBody(), "a.txt", "text/plain", []byte("text")); status != 403 {
					t.Errorf("upload by a reader: %d", status)
				}
			}
		})
		if n := w.count(t, "library_items"); n != before || w.count(t, "library_files") != before-1 {
			t.Fatalf("refusals stored materials: %d, was %d", n, before)
		}
	})
}
