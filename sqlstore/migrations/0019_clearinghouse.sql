-- The clearinghouse (issue 13): a directory of actors and focal points, a
-- library of materials, good practices. A directory entry's name, e-mail
-- and phone (contact) are sealed under the entry's own data key; country,
-- languages and areas stay plain for the filters. Lists are stored as
-- ",a,b," so that one LIKE finds a member on both engines. The library's
-- full-text index is the engine's own, created in Go after this file
-- (sqlstore/library.go): an FTS5 table on SQLite, a tsvector column with a
-- GIN index on PostgreSQL.

CREATE TABLE directory_entries (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    organisation TEXT NOT NULL,
    country      TEXT NOT NULL,
    role         TEXT NOT NULL,
    languages    TEXT NOT NULL,
    areas        TEXT NOT NULL,
    public       BOOLEAN NOT NULL,
    hours        TEXT NOT NULL,
    contact      BLOB NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX directory_country ON directory_entries (country, organisation);
CREATE INDEX directory_public ON directory_entries (public, country);

-- body: the text extracted from the uploaded file, for the search.
CREATE TABLE library_items (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    languages   TEXT NOT NULL,
    countries   TEXT NOT NULL,
    themes      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    url         TEXT NOT NULL,
    summary     TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_type   TEXT NOT NULL,
    file_size   BIGINT NOT NULL,
    file_sha256 TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX library_created ON library_items (created_at);

CREATE TABLE library_files (
    item_id TEXT PRIMARY KEY REFERENCES library_items(id),
    content BLOB NOT NULL
);

CREATE TABLE practices (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    title       TEXT NOT NULL,
    country     TEXT NOT NULL,
    theme       TEXT NOT NULL,
    source      TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    summary     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX practices_country ON practices (country, theme);

CREATE TABLE practice_items (
    practice_id TEXT NOT NULL REFERENCES practices(id),
    item_id     TEXT NOT NULL REFERENCES library_items(id),
    PRIMARY KEY (practice_id, item_id)
);
