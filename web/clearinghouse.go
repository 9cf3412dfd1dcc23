package web

// The clearinghouse's pages (CONTRACT.md, "Clearinghouse and
// co-ordination"): the directory (GET /directory), the library with its
// search box, upload form and downloads (GET /library), and the good
// practices (GET /practices), reached from one menu entry that signed-in
// users see. Every form works without JavaScript; the service decides who
// may read and add.

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// clearPage is what the three pages share: the forms' state and the code
// lists of their selects.
type clearPage struct {
	formState
	Tab      string
	CanWrite bool
	Themes   []string
	Kinds    []string
	Query    map[string]string // the search as typed
}

// Picked says whether a code is among the chosen values of a multiple
// select (kept comma-separated after an error).
func (p clearPage) Picked(id, code string) bool {
	return slices.Contains(strings.Split(p.Values[id], ","), code)
}

// themeSelect is a multiple select of the themes.
type themeSelect struct {
	Page            clearPage
	ID, Name, Label string
}

// ThemeSelect draws a multiple select of the themes of a named form.
func (p clearPage) ThemeSelect(form, name, label string) themeSelect {
	return themeSelect{Page: p, ID: form + "." + name, Name: name, Label: label}
}

type directoryPage struct {
	clearPage
	Entries []nrm.DirectoryEntry
}

type libraryPage struct {
	clearPage
	Items []nrm.LibraryItem
}

type practicesPage struct {
	clearPage
	Practices []nrm.Practice
	Items     map[string]nrm.LibraryItem // the library, to name linked items
	ItemList  []nrm.LibraryItem
}

func (w *Web) newClearPage(r *http.Request, v *view, failed, tab string, write nrm.Action, s service.SessionInfo, query ...string) clearPage {
	p := clearPage{formState: newTrackForms(r, v, failed).formState, Tab: tab, CanWrite: nrm.Can(s.Actor, write, nrm.Access{}),
		Themes: nrm.Themes, Kinds: nrm.LibraryKinds, Query: map[string]string{}}
	for _, k := range query {
		p.Query[k] = r.URL.Query().Get(k)
	}
	return p
}

// codes splits a typed list (commas or spaces) of codes.
func codes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

func (w *Web) directoryPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderDirectory(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderDirectory(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	q := r.URL.Query()
	p := w.newClearPage(r, &v, "", "directory", nrm.ActDirectoryWrite, s, "q", "country", "area", "language")
	f, err := service.ParseDirectoryFilter(q.Get("q"), q.Get("country"), q.Get("area"), q.Get("language"))
	var es []nrm.DirectoryEntry
	if err == nil {
		es, err = w.svc.Directory(r.Context(), f)
	}
	if nrm.ErrorCode(err) == nrm.CodeInvalid {
		e := nrm.AsError(err)
		v.FieldErrors["search."+e.Field], err = e.Message, nil
	}
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = directoryPage{clearPage: p, Entries: es}
	w.render(rw, r, s, status, "directory", v)
}

// addDirectoryEntry: POST /directory.
func (w *Web) addDirectoryEntry(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	r.ParseForm()
	in := nrm.DirectoryInput{Name: f("name"), Organisation: f("organisation"), Country: f("country"), Role: f("role"),
		Languages: codes(f("languages")), Areas: r.PostForm["areas"], Email: f("email"), Phone: f("phone"),
		Public: f("public") == "true", Hours: f("hours")}
	values := map[string]string{"areas": strings.Join(in.Areas, ","), "public": f("public")}
	for _, k := range []string{"name", "organisation", "country", "role", "languages", "email", "phone", "hours"} {
		values[k] = f(k)
	}
	if _, err := w.svc.AddDirectoryEntry(r.Context(), in); err != nil {
		w.formFailed(rw, r, s, err, "dir", values, func(status int, v view) { w.renderDirectory(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/directory?saved=track", http.StatusSeeOther)
}

func (w *Web) libraryPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderLibrary(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderLibrary(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	p := w.newClearPage(r, &v, "", "library", nrm.ActLibraryWrite, s, "q")
	q, err := service.ParseLibraryQuery(r.URL.Query().Get("q"))
	var its []nrm.LibraryItem
	if err == nil {
		its, err = w.svc.Library(r.Context(), q)
	}
	if nrm.ErrorCode(err) == nrm.CodeInvalid {
		e := nrm.AsError(err)
		v.FieldErrors["search."+e.Field], err = e.Message, nil
	}
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = libraryPage{clearPage: p, Items: its}
	w.render(rw, r, s, status, "library", v)
}

// addLibraryItem: POST /library, a multipart form with an optional file.
func (w *Web) addLibraryItem(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.LibraryInput{Title: f("title"), Kind: f("kind"), Languages: codes(f("languages")), Countries: codes(f("countries")),
		Themes: r.PostForm["themes"], URL: f("url"), Summary: f("summary")}
	values := map[string]string{"themes": strings.Join(in.Themes, ",")}
	for _, k := range []string{"title", "kind", "languages", "countries", "year", "url", "summary"} {
		values[k] = f(k)
	}
	var bad error
	if y := strings.TrimSpace(f("year")); y != "" {
		if in.Year = formInt(y); in.Year == nil {
			bad = nrm.Invalid("year", "a year such as 2024")
		}
	}
	var upload *service.Upload
	if bad == nil && r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			file, err := fhs[0].Open()
			if err == nil {
				data, rerr := io.ReadAll(io.LimitReader(file, service.MaxMaterialSize+1))
				file.Close()
				upload, err = &service.Upload{Name: fhs[0].Filename, Data: data}, rerr
			}
			if err != nil {
				bad = nrm.Invalid("file", "the file could not be read; try again")
			}
		}
	}
	if bad == nil {
		_, bad = w.svc.AddLibraryItem(r.Context(), in, upload)
	}
	if bad != nil {
		w.formFailed(rw, r, s, bad, "lib", values, func(status int, v view) { w.renderLibrary(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/library?saved=track", http.StatusSeeOther)
}

// libraryFile: GET /library/{id}/file, as an attachment.
func (w *Web) libraryFile(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	file, data, err := w.svc.LibraryFile(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	// No sniffing, and a policy that runs nothing should a browser open it.
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	rw.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
	rw.Header().Set("Content-Type", file.Type)
	rw.Header().Set("Content-Disposition", `attachment; filename="`+file.Name+`"`)
	rw.Header().Set("Cache-Control", "no-store")
	rw.Write(data)
}

func (w *Web) practicesPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderPractices(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderPractices(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	q := r.URL.Query()
	p := w.newClearPage(r, &v, "", "practices", nrm.ActPracticeWrite, s, "q", "country", "theme")
	words, country, theme, err := service.ParsePracticeFilter(q.Get("q"), q.Get("country"), q.Get("theme"))
	var ps []nrm.Practice
	if err == nil {
		ps, err = w.svc.Practices(r.Context(), words, country, theme)
	}
	if nrm.ErrorCode(err) == nrm.CodeInvalid {
		e := nrm.AsError(err)
		v.FieldErrors["search."+e.Field], err = e.Message, nil
	}
	var its []nrm.LibraryItem
	if err == nil {
		its, err = w.svc.Library(r.Context(), "")
	}
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	byID := map[string]nrm.LibraryItem{}
	for _, it := range its {
		byID[it.ID] = it
	}
	v.Data = practicesPage{clearPage: p, Practices: ps, Items: byID, ItemList: its}
	w.render(rw, r, s, status, "practices", v)
}

// addPractice: POST /practices.
func (w *Web) addPractice(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	r.ParseForm()
	in := nrm.PracticeInput{Title: f("title"), Country: f("country"), Theme: f("theme"), Source: f("source"),
		Evidence: f("evidence"), Summary: f("summary"), LibraryItems: r.PostForm["library_items"]}
	values := map[string]string{"library_items": strings.Join(in.LibraryItems, ",")}
	for _, k := range []string{"title", "country", "theme", "source", "evidence", "summary"} {
		values[k] = f(k)
	}
	if _, err := w.svc.AddPractice(r.Context(), in); err != nil {
		w.formFailed(rw, r, s, err, "practice", values, func(status int, v view) { w.renderPractices(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/practices?saved=track", http.StatusSeeOther)
}

// uploadTooLarge says whether the library's upload form sent more than its
// limit (else the missing CSRF token would be blamed).
func uploadTooLarge(r *http.Request) bool {
	if r.Pattern != "POST /library" {
		return false
	}
	var tooBig *http.MaxBytesError
	return errors.As(r.ParseMultipartForm(32<<20), &tooBig)
}

// registerClearinghouse adds the clearinghouse's pages.
func (w *Web) registerClearinghouse(handle func(string, http.Handler)) {
	handle("GET /clearinghouse", w.signedIn(func(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
		http.Redirect(rw, r, "/library", http.StatusSeeOther)
	}))
	handle("GET /directory", w.signedIn(w.directoryPage))
	handle("POST /directory", w.signedIn(w.addDirectoryEntry))
	handle("GET /library", w.signedIn(w.libraryPage))
	handle("POST /library", w.signedIn(w.addLibraryItem))
	handle("GET /library/{id}/file", w.signedIn(w.libraryFile))
	handle("GET /practices", w.signedIn(w.practicesPage))
	handle("POST /practices", w.signedIn(w.addPractice))
}
