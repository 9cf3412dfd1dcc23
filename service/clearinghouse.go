package service

// The clearinghouse (CONTRACT.md, "Clearinghouse and co-ordination"): the
// directory of actors and focal points and the good practices; the library
// is in library.go. The directory's contacts (name, e-mail, phone) are
// personal data of professionals: sealed under each entry's own data key,
// read by signed-in users only, and never written to the log or the audit
// detail (which hold ids, counts and codes).

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// ClearinghouseStore is what the clearinghouse asks of a transaction
// (sqlstore/clearinghouse.go, sqlstore/library.go).
type ClearinghouseStore interface {
	InsertDirectoryEntry(ctx context.Context, d nrm.DirectoryRecord) error
	DirectoryEntries(ctx context.Context, f nrm.DirectoryFilter) ([]nrm.DirectoryRecord, error)
	InsertLibraryItem(ctx context.Context, it nrm.LibraryItem, body string, content []byte) error
	LibraryItems(ctx context.Context, q string) ([]nrm.LibraryItem, error)
	LibraryItem(ctx context.Context, id string) (nrm.LibraryItem, error)
	LibraryFile(ctx context.Context, id string) ([]byte, error)
	MissingLibraryItems(ctx context.Context, ids []string) ([]string, error)
	InsertPractice(ctx context.Context, p nrm.Practice) error
	Practices(ctx context.Context, q, country, theme string) ([]nrm.Practice, error)
}

// directoryContact is what is sealed of an entry.
type directoryContact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// AddDirectoryEntry records a contact of the directory.
func (s *Service) AddDirectoryEntry(ctx context.Context, in nrm.DirectoryInput) (nrm.DirectoryEntry, error) {
	a, err := s.allow(ctx, nrm.ActDirectoryWrite)
	if err != nil {
		return nrm.DirectoryEntry{}, err
	}
	e, err := in.Validate()
	if err != nil {
		return e, err
	}
	e.ID, e.OrgID, e.CreatedBy = nrm.NewID(), a.OrgID, a.UserID
	err = s.write(ctx, func(tx Tx) error {
		e.CreatedAt = tx.Time()
		dk, err := s.dataKey(ctx, tx, e.ID, true)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(directoryContact{Name: e.Name, Email: e.Email, Phone: e.Phone})
		rec := nrm.DirectoryRecord{DirectoryEntry: e, Contact: dk.Seal(b, keyring.AD("directory_entries", "contact", e.ID))}
		if err := tx.InsertDirectoryEntry(ctx, rec); err != nil {
			return err
		}
		detail := fmt.Sprintf("country %s public %t", e.Country, e.Public)
		return s.record(ctx, tx, s.entry(ctx, "directory.create", "directory/"+e.ID, outcomeOK, detail))
	})
	return e, err
}

// ParseDirectoryFilter reads the query of a directory search.
func ParseDirectoryFilter(q, country, area, language string) (nrm.DirectoryFilter, error) {
	f := nrm.DirectoryFilter{Q: strings.TrimSpace(q)}
	var err error
	if len(f.Q) > 200 {
		return f, nrm.Invalid("q", "at most 200 characters")
	}
	if f.Country, err = nrm.ParseCountry("country", country, true); err != nil {
		return f, err
	}
	if f.Area = strings.TrimSpace(area); f.Area != "" && !nrm.ValidTheme(f.Area) {
		return f, nrm.Invalid("area", "unknown area: the areas are the themes")
	}
	if l := strings.TrimSpace(language); l != "" {
		ls, err := nrm.ParseLanguages("language", []string{l})
		if err != nil {
			return f, err
		}
		f.Language = ls[0]
	}
	return f, nil
}

// Directory searches the directory. The words searched for are not
// recorded: they may be a person's name.
func (s *Service) Directory(ctx context.Context, f nrm.DirectoryFilter) ([]nrm.DirectoryEntry, error) {
	if _, err := s.allow(ctx, nrm.ActDirectoryRead); err != nil {
		return nil, err
	}
	var out []nrm.DirectoryEntry
	if err := s.read(ctx, func(tx Tx) (err error) {
		out, err = s.directory(ctx, tx, f)
		return err
	}); err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("entries %d", len(out))
	return out, s.recordRead(ctx, s.entry(ctx, "directory.list", "", outcomeOK, detail))
}

// directory loads and opens the entries of a filter, keeping those that
// match its words.
func (s *Service) directory(ctx context.Context, tx Tx, f nrm.DirectoryFilter) ([]nrm.DirectoryEntry, error) {
	recs, err := tx.DirectoryEntries(ctx, f)
	if err != nil {
		return nil, err
	}
	out := []nrm.DirectoryEntry{}
	for _, r := range recs {
		dk, err := s.dataKey(ctx, tx, r.ID, false)
		if err != nil {
			return nil, err
		}
		b, err := dk.Open(r.Contact, keyring.AD("directory_entries", "contact", r.ID))
		if err != nil {
			return nil, nrm.Internal(fmt.Errorf("directory_entries.contact of %s: %w", r.ID, err))
		}
		var c directoryContact
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, nrm.Internal(err)
		}
		e := r.DirectoryEntry
		e.Name, e.Email, e.Phone = c.Name, c.Email, c.Phone
		if e.Matches(f.Q) {
			out = append(out, e)
		}
	}
	return out, nil
}

// AddPractice records a good practice; the materials it links must exist.
func (s *Service) AddPractice(ctx context.Context, in nrm.PracticeInput) (nrm.Practice, error) {
	a, err := s.allow(ctx, nrm.ActPracticeWrite)
	if err != nil {
		return nrm.Practice{}, err
	}
	p, err := in.Validate()
	if err != nil {
		return p, err
	}
	p.ID, p.OrgID, p.CreatedBy = nrm.NewID(), a.OrgID, a.UserID
	if p.LibraryItems == nil {
		p.LibraryItems = []string{}
	}
	err = s.write(ctx, func(tx Tx) error {
		missing, err := tx.MissingLibraryItems(ctx, p.LibraryItems)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return nrm.Invalid("library_items", "no library item %s", missing[0])
		}
		p.CreatedAt = tx.Time()
		if err := tx.InsertPractice(ctx, p); err != nil {
			return err
		}
		detail := fmt.Sprintf("country %s theme %s", p.Country, p.Theme)
		return s.record(ctx, tx, s.entry(ctx, "practice.create", "practice/"+p.ID, outcomeOK, detail))
	})
	return p, err
}

// ParsePracticeFilter reads the query of a practice search.
func ParsePracticeFilter(q, country, theme string) (string, string, string, error) {
	q = strings.TrimSpace(q)
	if len(q) > 200 {
		return "", "", "", nrm.Invalid("q", "at most 200 characters")
	}
	c, err := nrm.ParseCountry("country", country, true)
	if err != nil {
		return "", "", "", err
	}
	if theme = strings.TrimSpace(theme); theme != "" && !nrm.ValidTheme(theme) {
		return "", "", "", nrm.Invalid("theme", "unknown theme")
	}
	return q, c, theme, nil
}

// Practices searches the good practices.
func (s *Service) Practices(ctx context.Context, q, country, theme string) ([]nrm.Practice, error) {
	if _, err := s.allow(ctx, nrm.ActPracticeRead); err != nil {
		return nil, err
	}
	var out []nrm.Practice
	if err := s.read(ctx, func(tx Tx) (err error) {
		out, err = tx.Practices(ctx, q, country, theme)
		return err
	}); err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "practice.list", "", outcomeOK, fmt.Sprintf("practices %d", len(out))))
}
