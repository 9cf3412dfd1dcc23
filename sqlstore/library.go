package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
)

// The library of materials, searched with the engine's own full-text
// index: an FTS5 table on SQLite, a generated tsvector column with a GIN
// index on PostgreSQL, both over the title, the summary and the text of the
// uploaded file. The "simple" configuration (and FTS5's unicode61
// tokenizer) fold case without stemming: the materials are in many
// languages.

func init() { dataMigrations[19] = libraryFullText }

func libraryFullText(ctx context.Context, tx *Tx) error {
	stmts := []string{`CREATE VIRTUAL TABLE library_search USING fts5(item_id UNINDEXED, title, summary, body,
		tokenize = 'unicode61 remove_diacritics 2')`}
	if tx.s.engine == Postgres {
		stmts = []string{
			`ALTER TABLE library_items ADD COLUMN search tsvector GENERATED ALWAYS AS
				(to_tsvector('simple', title || ' ' || summary || ' ' || body)) STORED`,
			`CREATE INDEX library_items_search ON library_items USING GIN (search)`,
		}
	}
	for _, s := range stmts {
		if _, err := tx.exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

const libraryColumns = `id, org_id, title, kind, languages, countries, themes, year, url, summary,
	file_name, file_type, file_size, file_sha256, created_by, created_at`

func scanLibraryItem(r scanner) (nrm.LibraryItem, error) {
	var it nrm.LibraryItem
	var langs, countries, themes string
	var f nrm.LibraryFile
	var at int64
	err := r.Scan(&it.ID, &it.OrgID, &it.Title, &it.Kind, &langs, &countries, &themes, &it.Year, &it.URL, &it.Summary,
		&f.Name, &f.Type, &f.Size, &f.SHA256, &it.CreatedBy, &at)
	it.Languages, it.Countries, it.Themes, it.CreatedAt = unpackList(langs), unpackList(countries), unpackList(themes), fromMicros(at)
	if f.Type != "" {
		it.File = &f
	}
	return it, err
}

// InsertLibraryItem stores a material, the bytes of its file (nil for a
// link) and the text to search it by.
func (tx *Tx) InsertLibraryItem(ctx context.Context, it nrm.LibraryItem, body string, content []byte) error {
	var f nrm.LibraryFile
	if it.File != nil {
		f = *it.File
	}
	if err := tx.execErr(ctx, "INSERT INTO library_items ("+libraryColumns+", body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		it.ID, it.OrgID, it.Title, it.Kind, packList(it.Languages), packList(it.Countries), packList(it.Themes), it.Year, it.URL,
		it.Summary, f.Name, f.Type, f.Size, f.SHA256, it.CreatedBy, micros(it.CreatedAt), body); err != nil {
		return err
	}
	if it.File != nil {
		if err := tx.execErr(ctx, "INSERT INTO library_files (item_id, content) VALUES (?, ?)", it.ID, content); err != nil {
			return err
		}
	}
	if tx.s.engine == SQLite {
		return tx.execErr(ctx, "INSERT INTO library_search (item_id, title, summary, body) VALUES (?, ?, ?, ?)",
			it.ID, it.Title, it.Summary, body)
	}
	return nil
}

// LibraryItems lists the materials whose title, summary or file text hold
// every word of q (all when q has none), newest first.
func (tx *Tx) LibraryItems(ctx context.Context, q string) ([]nrm.LibraryItem, error) {
	where, args := "", []any{}
	if words := strings.Fields(q); len(words) > 0 {
		if tx.s.engine == Postgres {
			where, args = " WHERE search @@ plainto_tsquery('simple', ?)", []any{strings.Join(words, " ")}
		} else {
			where, args = " WHERE id IN (SELECT item_id FROM library_search WHERE library_search MATCH ?)", []any{ftsQuery(words)}
		}
	}
	return collect(tx, ctx, scanLibraryItem, "SELECT "+libraryColumns+" FROM library_items"+where+
		" ORDER BY created_at DESC, id LIMIT "+strconv.Itoa(maxClearRows), args...)
}

// ftsQuery makes an FTS5 query of words a user typed: each word a quoted
// string (its quotes doubled), all of them required. Nothing the user types
// is read as FTS5 syntax.
func ftsQuery(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(q, " ")
}

// LibraryItem loads one material.
func (tx *Tx) LibraryItem(ctx context.Context, id string) (nrm.LibraryItem, error) {
	return one(tx.queryRow(ctx, "SELECT "+libraryColumns+" FROM library_items WHERE id = ?", id), scanLibraryItem, "library item")
}

// LibraryFile loads the bytes of a material's file.
func (tx *Tx) LibraryFile(ctx context.Context, id string) ([]byte, error) {
	return one(tx.queryRow(ctx, "SELECT content FROM library_files WHERE item_id = ?", id), func(r scanner) ([]byte, error) {
		var b []byte
		return b, r.Scan(&b)
	}, "file")
}

// MissingLibraryItems returns those of ids that name no material.
func (tx *Tx) MissingLibraryItems(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	marks, args := inList(ids)
	found, err := collect(tx, ctx, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, "SELECT id FROM library_items WHERE id IN ("+marks+")", args...)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, id := range ids {
		if !strings.Contains(","+strings.Join(found, ",")+",", ","+id+",") {
			missing = append(missing, id)
		}
	}
	return missing, nil
}
