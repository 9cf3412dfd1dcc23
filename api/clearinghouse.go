package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// The clearinghouse (CONTRACT.md, "Clearinghouse and co-ordination"): the
// directory, the library (with uploads) and the good practices.

// clearinghouseRoutes are its operations (in routes()).
func (a *API) clearinghouseRoutes() []route {
	return []route{
		{"POST /api/v1/directory", a.addDirectoryEntry},
		{"GET /api/v1/directory", a.directory},
		{"POST /api/v1/library", a.addLibraryItem},
		{"GET /api/v1/library", a.library},
		{"GET /api/v1/library/{id}", a.libraryItem},
		{"GET /api/v1/library/{id}/file", a.libraryFile},
		{"POST /api/v1/practices", a.addPractice},
		{"GET /api/v1/practices", a.practices},
	}
}

type directoryJSON struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Organisation string    `json:"organisation"`
	Country      string    `json:"country"`
	Role         string    `json:"role"`
	Languages    []string  `json:"languages"`
	Areas        []string  `json:"areas"`
	Email        string    `json:"email"`
	Phone        string    `json:"phone"`
	Public       bool      `json:"public"`
	Hours        string    `json:"hours"`
	OrgID        string    `json:"org_id"`
	CreatedAt    time.Time `json:"created_at"`
}

func toDirectoryJSON(e nrm.DirectoryEntry) directoryJSON {
	return directoryJSON{ID: e.ID, Name: e.Name, Organisation: e.Organisation, Country: e.Country, Role: e.Role,
		Languages: e.Languages, Areas: e.Areas, Email: e.Email, Phone: e.Phone, Public: e.Public, Hours: e.Hours,
		OrgID: e.OrgID, CreatedAt: e.CreatedAt}
}

type libraryFileJSON struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	URL    string `json:"url"`
}

type libraryJSON struct {
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Kind      string           `json:"kind"`
	Languages []string         `json:"languages"`
	Countries []string         `json:"countries"`
	Themes    []string         `json:"themes"`
	Year      *int             `json:"year"`
	URL       string           `json:"url,omitempty"`
	Summary   string           `json:"summary"`
	File      *libraryFileJSON `json:"file,omitempty"`
	OrgID     string           `json:"org_id"`
	CreatedAt time.Time        `json:"created_at"`
}

func toLibraryJSON(it nrm.LibraryItem) libraryJSON {
	out := libraryJSON{ID: it.ID, Title: it.Title, Kind: it.Kind, Languages: it.Languages, Countries: it.Countries,
		Themes: it.Themes, URL: it.URL, Summary: it.Summary, OrgID: it.OrgID, CreatedAt: it.CreatedAt}
	if it.Year != 0 {
		y := it.Year
		out.Year = &y
	}
	if f := it.File; f != nil {
		out.File = &libraryFileJSON{Name: f.Name, Type: f.Type, Size: f.Size, SHA256: f.SHA256, URL: "/api/v1/library/" + it.ID + "/file"}
	}
	return out
}

type practiceJSON struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Country      string    `json:"country"`
	Theme        string    `json:"theme"`
	Source       string    `json:"source"`
	Evidence     string    `json:"evidence"`
	Summary      string    `json:"summary"`
	LibraryItems []string  `json:"library_items"`
	OrgID        string    `json:"org_id"`
	CreatedAt    time.Time `json:"created_at"`
}

func toPracticeJSON(p nrm.Practice) practiceJSON {
	return practiceJSON{ID: p.ID, Title: p.Title, Country: p.Country, Theme: p.Theme, Source: p.Source, Evidence: p.Evidence,
		Summary: p.Summary, LibraryItems: p.LibraryItems, OrgID: p.OrgID, CreatedAt: p.CreatedAt}
}

func (a *API) addDirectoryEntry(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.DirectoryInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	e, err := a.svc.AddDirectoryEntry(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toDirectoryJSON(e), nil
}

func (a *API) directory(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f, err := service.ParseDirectoryFilter(q.Get("q"), q.Get("country"), q.Get("area"), q.Get("language"))
	if err != nil {
		return 0, nil, err
	}
	es, err := a.svc.Directory(r.Context(), f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(es, toDirectoryJSON), nil
}

// addLibraryItem takes JSON (a link), or multipart/form-data with a
// "metadata" part (the same JSON) and a "file" part.
func (a *API) addLibraryItem(w http.ResponseWriter, r *http.Request) (int, any, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		var in nrm.LibraryInput
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		return a.createLibraryItem(w, r, in, nil)
	}
	in, file, err := readMaterialUpload(r)
	if tooLarge(err) {
		return 0, nil, nrm.Invalid("file", "larger than %d MiB", service.MaxMaterialSize>>20)
	}
	if err != nil {
		return 0, nil, err
	}
	return a.createLibraryItem(w, r, in, file)
}

func (a *API) createLibraryItem(w http.ResponseWriter, r *http.Request, in nrm.LibraryInput, file *service.Upload) (int, any, error) {
	it, err := a.svc.AddLibraryItem(r.Context(), in, file)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/api/v1/library/"+it.ID)
	return http.StatusCreated, toLibraryJSON(it), nil
}

// errTooLarge marks an upload past the limit.
var errTooLarge = errors.New("upload too large")

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.Is(err, errTooLarge) || errors.As(err, &mb)
}

// readMaterialUpload reads the parts of an upload: the metadata JSON and
// at most one file, bounded.
func readMaterialUpload(r *http.Request) (nrm.LibraryInput, *service.Upload, error) {
	var in nrm.LibraryInput
	r.Body = http.MaxBytesReader(nil, r.Body, service.MaxMaterialSize+maxBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return in, nil, &malformedError{nrm.Invalid("body", "a multipart/form-data body is expected")}
	}
	var file *service.Upload
	seenMeta := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if tooLarge(err) {
				return in, nil, err
			}
			return in, nil, &malformedError{nrm.Invalid("body", "malformed multipart body")}
		}
		switch p.FormName() {
		case "metadata":
			if seenMeta {
				return in, nil, nrm.Invalid("metadata", "only one metadata part")
			}
			seenMeta = true
			if err := decodeJSON(io.LimitReader(p, maxBody), &in); err != nil {
				return in, nil, err
			}
		case "file":
			if file != nil {
				return in, nil, nrm.Invalid("file", "only one file")
			}
			data, err := io.ReadAll(io.LimitReader(p, service.MaxMaterialSize+1))
			if err != nil {
				if tooLarge(err) {
					return in, nil, err
				}
				return in, nil, &malformedError{nrm.Invalid("file", "the file could not be read")}
			}
			if len(data) > service.MaxMaterialSize {
				return in, nil, errTooLarge
			}
			file = &service.Upload{Name: p.FileName(), Data: data}
		default:
			return in, nil, nrm.Invalid(strings.TrimSpace(p.FormName()), "unknown part: send metadata and file")
		}
	}
	if !seenMeta {
		return in, nil, nrm.Invalid("metadata", "a metadata part (JSON) is required")
	}
	return in, file, nil
}

func (a *API) library(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q, err := service.ParseLibraryQuery(r.URL.Query().Get("q"))
	if err != nil {
		return 0, nil, err
	}
	its, err := a.svc.Library(r.Context(), q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(its, toLibraryJSON), nil
}

func (a *API) libraryItem(w http.ResponseWriter, r *http.Request) (int, any, error) {
	it, err := a.svc.LibraryItem(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toLibraryJSON(it), nil
}

// libraryFile serves a material's file as an attachment of its sniffed
// type, never to be rendered in the browser's origin.
func (a *API) libraryFile(w http.ResponseWriter, r *http.Request) (int, any, error) {
	f, data, err := a.svc.LibraryFile(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	SetDownloadHeaders(w.Header())
	return http.StatusOK, rawBody{contentType: f.Type, filename: f.Name, data: data}, nil
}

// SetDownloadHeaders are the headers of a material's file: no sniffing, and
// a policy that runs nothing should a browser open it anyway.
func SetDownloadHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
}

func (a *API) addPractice(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.PracticeInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p, err := a.svc.AddPractice(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toPracticeJSON(p), nil
}

func (a *API) practices(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	words, country, theme, err := service.ParsePracticeFilter(q.Get("q"), q.Get("country"), q.Get("theme"))
	if err != nil {
		return 0, nil, err
	}
	ps, err := a.svc.Practices(r.Context(), words, country, theme)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(ps, toPracticeJSON), nil
}
