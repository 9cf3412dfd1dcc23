package nrm

import (
	"bytes"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The clearinghouse (CONTRACT.md, "Clearinghouse and co-ordination"): a
// directory of actors and focal points, a library of materials and good
// practices. The directory's contacts are personal data of professionals:
// sealed, for signed-in users only. An entry marked public is an
// organisation's published line (a hotline) that the public help page shows.

const (
	maxClearText    = 300
	maxClearSummary = 5000
	maxClearList    = 50
)

// LibraryKinds are the kinds of material.
var LibraryKinds = []string{"handbook", "training", "legislation", "research", "guideline", "other"}

// DirectoryInput is a directory entry as given.
type DirectoryInput struct {
	Name         string   `json:"name"`
	Organisation string   `json:"organisation"`
	Country      string   `json:"country"`
	Role         string   `json:"role"`
	Languages    []string `json:"languages"`
	Areas        []string `json:"areas"`
	Email        string   `json:"email"`
	Phone        string   `json:"phone"`
	Public       bool     `json:"public"`
	Hours        string   `json:"hours"`
}

// DirectoryEntry is a contact of the directory. Name, e-mail and phone are
// sealed in the store.
type DirectoryEntry struct {
	ID           string
	OrgID        string
	Name         string
	Organisation string
	Country      string
	Role         string
	Languages    []string
	Areas        []string
	Email        string
	Phone        string
	Public       bool
	Hours        string
	CreatedBy    string
	CreatedAt    time.Time
}

// DirectoryRecord is an entry as stored: the contact sealed.
type DirectoryRecord struct {
	DirectoryEntry
	Contact []byte
}

// DirectoryFilter narrows a directory search; empty fields do not.
type DirectoryFilter struct {
	Q, Country, Area, Language string
	PublicOnly                 bool
}

// Validate checks an entry; a public entry (an organisation's line) needs
// no person's name.
func (in DirectoryInput) Validate() (DirectoryEntry, error) {
	e := DirectoryEntry{Public: in.Public}
	var err error
	if e.Name, err = clearText("name", in.Name, maxClearText, !in.Public); err != nil {
		return e, err
	}
	if e.Organisation, err = clearText("organisation", in.Organisation, maxClearText, true); err != nil {
		return e, err
	}
	if e.Country, err = ParseCountry("country", in.Country, false); err != nil {
		return e, err
	}
	if e.Role, err = clearText("role", in.Role, maxClearText, false); err != nil {
		return e, err
	}
	if e.Languages, err = ParseLanguages("languages", in.Languages); err != nil {
		return e, err
	}
	if e.Areas, err = ParseThemes("areas", in.Areas); err != nil {
		return e, err
	}
	if strings.TrimSpace(in.Email) != "" {
		if e.Email, err = ParseEmail("email", in.Email); err != nil {
			return e, err
		}
	}
	if e.Phone, err = parsePhone("phone", in.Phone); err != nil {
		return e, err
	}
	if e.Email == "" && e.Phone == "" {
		return e, Invalid("email", "an e-mail address or a phone number is required")
	}
	if e.Hours, err = clearText("hours", in.Hours, maxClearText, false); err != nil {
		return e, err
	}
	return e, nil
}

// HelpLine is the public part of a public entry.
func (e DirectoryEntry) HelpLine() HelpLine {
	return HelpLine{Organisation: e.Organisation, Country: e.Country, Languages: e.Languages, Areas: e.Areas,
		Phone: e.Phone, Email: e.Email, Hours: e.Hours}
}

// Matches reports whether the entry's words hold every word of q (case
// folded): the search over the sealed fields runs on the opened entries.
func (e DirectoryEntry) Matches(q string) bool {
	hay := strings.ToLower(strings.Join([]string{e.Name, e.Organisation, e.Role, e.Email}, " "))
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// LibraryInput is a material as given: a link, or a file uploaded beside it.
type LibraryInput struct {
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	Languages []string `json:"languages"`
	Countries []string `json:"countries"`
	Themes    []string `json:"themes"`
	Year      *int     `json:"year"`
	URL       string   `json:"url"`
	Summary   string   `json:"summary"`
}

// LibraryFile describes an uploaded file (its bytes are stored apart).
type LibraryFile struct {
	Name   string
	Type   string // sniffed from the content: application/pdf or text/plain; charset=utf-8
	Size   int64
	SHA256 string
}

// LibraryItem is a material of the library.
type LibraryItem struct {
	ID        string
	OrgID     string
	Title     string
	Kind      string
	Languages []string
	Countries []string
	Themes    []string
	Year      int // 0: not given
	URL       string
	Summary   string
	File      *LibraryFile
	CreatedBy string
	CreatedAt time.Time
}

// Validate checks a material's metadata; whether a link or a file is
// given is the service's check (the file comes apart).
func (in LibraryInput) Validate(today Date) (LibraryItem, error) {
	var it LibraryItem
	var err error
	if it.Title, err = clearText("title", in.Title, maxClearText, true); err != nil {
		return it, err
	}
	it.Kind = strings.TrimSpace(in.Kind)
	if !slices.Contains(LibraryKinds, it.Kind) {
		return it, Invalid("kind", "one of %s is required", strings.Join(LibraryKinds, ", "))
	}
	if it.Languages, err = ParseLanguages("languages", in.Languages); err != nil {
		return it, err
	}
	if it.Countries, err = parseCountries("countries", in.Countries); err != nil {
		return it, err
	}
	if it.Themes, err = ParseThemes("themes", in.Themes); err != nil {
		return it, err
	}
	if in.Year != nil {
		if *in.Year < 1900 || *in.Year > today.Time().Year()+1 {
			return it, Invalid("year", "a year between 1900 and %d is required", today.Time().Year()+1)
		}
		it.Year = *in.Year
	}
	if it.URL, err = parseLink("url", in.URL); err != nil {
		return it, err
	}
	if it.Summary, err = clearText("summary", in.Summary, maxClearSummary, false); err != nil {
		return it, err
	}
	return it, nil
}

// Material file types, decided by content.
const (
	TypePDF  = "application/pdf"
	TypeText = "text/plain; charset=utf-8"
)

// SniffMaterial decides the type of an uploaded file from its bytes alone:
// a PDF (it starts with %PDF-) or UTF-8 plain text without NUL bytes.
func SniffMaterial(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", Invalid("file", "the file is empty")
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF, nil
	case utf8.Valid(data) && bytes.IndexByte(data, 0) < 0:
		return TypeText, nil
	}
	return "", Invalid("file", "only PDF and UTF-8 plain text files are accepted")
}

// MaterialFileName is a safe name for a download: letters, digits, dots,
// dashes and underscores of the uploaded name, with the extension of the
// sniffed type.
func MaterialFileName(name, typ string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if l := strings.ToLower(name); strings.HasSuffix(l, ".pdf") || strings.HasSuffix(l, ".txt") {
		name = name[:len(name)-4]
	}
	var b strings.Builder
	for _, r := range name {
		if b.Len() >= 80 {
			break
		}
		if r < 128 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	base := strings.Trim(b.String(), "._")
	if base == "" {
		base = "material"
	}
	if typ == TypePDF {
		return base + ".pdf"
	}
	return base + ".txt"
}

// PracticeInput is a good practice as given.
type PracticeInput struct {
	Title        string   `json:"title"`
	Country      string   `json:"country"`
	Theme        string   `json:"theme"`
	Source       string   `json:"source"`
	Evidence     string   `json:"evidence"`
	Summary      string   `json:"summary"`
	LibraryItems []string `json:"library_items"`
}

// Practice is a good practice, linked to materials of the library.
type Practice struct {
	ID           string
	OrgID        string
	Title        string
	Country      string
	Theme        string
	Source       string
	Evidence     string
	Summary      string
	LibraryItems []string
	CreatedBy    string
	CreatedAt    time.Time
}

// Validate checks a practice; that the linked materials exist is the
// service's check.
func (in PracticeInput) Validate() (Practice, error) {
	var p Practice
	var err error
	if p.Title, err = clearText("title", in.Title, maxClearText, true); err != nil {
		return p, err
	}
	if p.Country, err = ParseCountry("country", in.Country, false); err != nil {
		return p, err
	}
	if p.Theme = strings.TrimSpace(in.Theme); !ValidTheme(p.Theme) {
		return p, Invalid("theme", "one of the themes is required")
	}
	if p.Source, err = clearText("source", in.Source, maxClearText, true); err != nil {
		return p, err
	}
	if p.Evidence, err = clearText("evidence", in.Evidence, maxClearSummary, false); err != nil {
		return p, err
	}
	if p.Summary, err = clearText("summary", in.Summary, maxClearSummary, true); err != nil {
		return p, err
	}
	if len(in.LibraryItems) > maxClearList {
		return p, Invalid("library_items", "at most %d", maxClearList)
	}
	for _, id := range in.LibraryItems {
		id = strings.TrimSpace(id)
		if !ValidID(id) {
			return p, Invalid("library_items", "not a library item's id")
		}
		if !slices.Contains(p.LibraryItems, id) {
			p.LibraryItems = append(p.LibraryItems, id)
		}
	}
	return p, nil
}

// ParseLanguages accepts a list of ISO 639-1 codes (two letters), without
// repeats.
func ParseLanguages(field string, in []string) ([]string, error) {
	return parseCodes(field, in, func(s string) (string, bool) {
		s = strings.ToLower(strings.TrimSpace(s))
		return s, len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
	}, "two-letter ISO 639-1 language codes are required")
}

// ParseThemes accepts a list of Themes, without repeats.
func ParseThemes(field string, in []string) ([]string, error) {
	return parseCodes(field, in, func(s string) (string, bool) {
		s = strings.TrimSpace(s)
		return s, ValidTheme(s)
	}, "unknown theme: the themes are "+strings.Join(Themes, ", "))
}

func parseCountries(field string, in []string) ([]string, error) {
	return parseCodes(field, in, func(s string) (string, bool) {
		c, err := ParseCountry(field, s, false)
		return c, err == nil
	}, "two-letter ISO 3166-1 country codes are required")
}

func parseCodes(field string, in []string, parse func(string) (string, bool), msg string) ([]string, error) {
	if len(in) > maxClearList {
		return nil, Invalid(field, "at most %d", maxClearList)
	}
	out := []string{}
	for _, s := range in {
		c, ok := parse(s)
		if !ok {
			return nil, Invalid(field, "%s", msg)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// clearText trims a text and checks it is given (when required), short
// enough and free of control characters but line breaks.
func clearText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" && required {
		return "", Invalid(field, "required")
	}
	if utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "at most %d characters", max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f || r == utf8.RuneError {
			return "", Invalid(field, "control characters are not allowed")
		}
	}
	return s, nil
}

func parsePhone(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() .", r):
		default:
			return "", Invalid(field, "digits, spaces and + - ( ) only")
		}
	}
	if s != "" && (digits < 3 || len(s) > 32) {
		return "", Invalid(field, "a phone number of 3 to 20 digits is required")
	}
	return s, nil
}

func parseLink(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > 2000 {
		return "", Invalid(field, "an http or https address is required")
	}
	return s, nil
}
