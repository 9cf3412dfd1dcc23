package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
)

// The clearinghouse's directory and good practices: rows only; the service
// seals the directory's contacts and decides who may read and write.

// maxClearRows bounds one list of the clearinghouse.
const maxClearRows = 500

// packList stores a list as ",a,b," so that LIKE '%,a,%' finds a member.
func packList(l []string) string {
	if len(l) == 0 {
		return ","
	}
	return "," + strings.Join(l, ",") + ","
}

func unpackList(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, ",") {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// member is the LIKE pattern of one list member (codes hold no % or _).
func member(v string) string { return "%," + v + ",%" }

const directoryColumns = `id, org_id, organisation, country, role, languages, areas, public, hours, contact, created_by, created_at`

func scanDirectory(r scanner) (nrm.DirectoryRecord, error) {
	var d nrm.DirectoryRecord
	var langs, areas string
	var at int64
	err := r.Scan(&d.ID, &d.OrgID, &d.Organisation, &d.Country, &d.Role, &langs, &areas, &d.Public, &d.Hours, &d.Contact,
		&d.CreatedBy, &at)
	d.Languages, d.Areas, d.CreatedAt = unpackList(langs), unpackList(areas), fromMicros(at)
	return d, err
}

// InsertDirectoryEntry stores an entry; its contact comes sealed.
func (tx *Tx) InsertDirectoryEntry(ctx context.Context, d nrm.DirectoryRecord) error {
	return tx.execErr(ctx, "INSERT INTO directory_entries ("+directoryColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		d.ID, d.OrgID, d.Organisation, d.Country, d.Role, packList(d.Languages), packList(d.Areas), d.Public, d.Hours,
		d.Contact, d.CreatedBy, micros(d.CreatedAt))
}

// DirectoryEntries lists the entries of the plain filters (country, area,
// language, public), by country and organisation. The words of f.Q are
// the service's to match, on the opened contacts.
func (tx *Tx) DirectoryEntries(ctx context.Context, f nrm.DirectoryFilter) ([]nrm.DirectoryRecord, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Country != "" {
		where, args = append(where, "country = ?"), append(args, f.Country)
	}
	if f.Area != "" {
		where, args = append(where, "areas LIKE ?"), append(args, member(f.Area))
	}
	if f.Language != "" {
		where, args = append(where, "languages LIKE ?"), append(args, member(f.Language))
	}
	if f.PublicOnly {
		where, args = append(where, "public = ?"), append(args, true)
	}
	return collect(tx, ctx, scanDirectory, "SELECT "+directoryColumns+" FROM directory_entries WHERE "+
		strings.Join(where, " AND ")+" ORDER BY country, organisation, created_at, id LIMIT "+strconv.Itoa(maxClearRows), args...)
}

const practiceColumns = `id, org_id, title, country, theme, source, evidence, summary, created_by, created_at`

func scanPractice(r scanner) (nrm.Practice, error) {
	var p nrm.Practice
	var at int64
	err := r.Scan(&p.ID, &p.OrgID, &p.Title, &p.Country, &p.Theme, &p.Source, &p.Evidence, &p.Summary, &p.CreatedBy, &at)
	p.CreatedAt, p.LibraryItems = fromMicros(at), []string{}
	return p, err
}

// InsertPractice stores a practice and its links to the library.
func (tx *Tx) InsertPractice(ctx context.Context, p nrm.Practice) error {
	if err := tx.execErr(ctx, "INSERT INTO practices ("+practiceColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		p.ID, p.OrgID, p.Title, p.Country, p.Theme, p.Source, p.Evidence, p.Summary, p.CreatedBy, micros(p.CreatedAt)); err != nil {
		return err
	}
	for _, id := range p.LibraryItems {
		if err := tx.execErr(ctx, "INSERT INTO practice_items (practice_id, item_id) VALUES (?, ?)", p.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// Practices lists the practices of a country and theme (either empty: any)
// whose title, summary, source or evidence hold every word of q, newest
// first.
func (tx *Tx) Practices(ctx context.Context, q, country, theme string) ([]nrm.Practice, error) {
	where, args := []string{"1 = 1"}, []any{}
	if country != "" {
		where, args = append(where, "country = ?"), append(args, country)
	}
	if theme != "" {
		where, args = append(where, "theme = ?"), append(args, theme)
	}
	for _, w := range strings.Fields(strings.ToLower(q)) {
		where = append(where, `lower(title || ' ' || summary || ' ' || source || ' ' || evidence) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(w)+"%")
	}
	ps, err := collect(tx, ctx, scanPractice, "SELECT "+practiceColumns+" FROM practices WHERE "+strings.Join(where, " AND ")+
		" ORDER BY created_at DESC, id LIMIT "+strconv.Itoa(maxClearRows), args...)
	if err != nil || len(ps) == 0 {
		return ps, err
	}
	ids := make([]string, len(ps))
	byID := map[string]*nrm.Practice{}
	for i := range ps {
		ids[i], byID[ps[i].ID] = ps[i].ID, &ps[i]
	}
	marks, idArgs := inList(ids)
	type link struct{ practice, item string }
	links, err := collect(tx, ctx, func(r scanner) (link, error) {
		var l link
		return l, r.Scan(&l.practice, &l.item)
	}, "SELECT practice_id, item_id FROM practice_items WHERE practice_id IN ("+marks+") ORDER BY item_id", idArgs...)
	for _, l := range links {
		byID[l.practice].LibraryItems = append(byID[l.practice].LibraryItems, l.item)
	}
	return ps, err
}

// likeEscape escapes the wildcards of LIKE (with ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
