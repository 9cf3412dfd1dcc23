-- Statistics (CONTRACT.md, "Statistics"). Nothing here names a person,
-- holds a date finer than the year or any free text, or needs a data key.

-- The dataset "cases": one row per case (and per anonymous notification),
-- kept in the transaction of every write that changes it (sqlstore/statistics.go).
-- id is the case's (or notification's) id, so that the row can be kept
-- up to date; it is never part of an answer. An erased person's row stays,
-- an anonymous count. NULL is a missing value.
CREATE TABLE stat_cases (
    id                      TEXT PRIMARY KEY,
    record                  TEXT NOT NULL,
    year                    TEXT,
    sex                     TEXT,
    age_band                TEXT,
    majority                TEXT,
    citizenship             TEXT,
    country_of_exploitation TEXT,
    exploitation_type       TEXT,
    referring_org_kind      TEXT,
    state                   TEXT,
    identification_outcome  TEXT,
    rg_outcome              TEXT,
    cg_outcome              TEXT,
    days_to_rg              TEXT,
    days_to_cg              TEXT,
    closure_reason          TEXT
);

-- Imported datasets (nrm stats import): the layout names the columns;
-- c01.. hold them in the layout's order.
CREATE TABLE stat_datasets (
    name        TEXT PRIMARY KEY,
    layout      TEXT NOT NULL,
    row_count   BIGINT NOT NULL,
    imported_at BIGINT NOT NULL
);

CREATE TABLE stat_rows (
    dataset TEXT NOT NULL,
    row_key TEXT NOT NULL,
    c01 TEXT,
    c02 TEXT,
    c03 TEXT,
    c04 TEXT,
    c05 TEXT,
    c06 TEXT,
    c07 TEXT,
    c08 TEXT,
    c09 TEXT,
    c10 TEXT,
    c11 TEXT,
    c12 TEXT,
    c13 TEXT,
    c14 TEXT,
    c15 TEXT,
    c16 TEXT,
    c17 TEXT,
    c18 TEXT,
    c19 TEXT,
    c20 TEXT,
    c21 TEXT,
    c22 TEXT,
    c23 TEXT,
    c24 TEXT,
    c25 TEXT,
    c26 TEXT,
    c27 TEXT,
    c28 TEXT,
    c29 TEXT,
    c30 TEXT,
    c31 TEXT,
    c32 TEXT,
    c33 TEXT,
    c34 TEXT,
    c35 TEXT,
    c36 TEXT,
    c37 TEXT,
    c38 TEXT,
    c39 TEXT,
    c40 TEXT,
    c41 TEXT,
    c42 TEXT,
    c43 TEXT,
    c44 TEXT,
    c45 TEXT,
    c46 TEXT,
    c47 TEXT,
    c48 TEXT,
    c49 TEXT,
    c50 TEXT,
    c51 TEXT,
    c52 TEXT,
    c53 TEXT,
    c54 TEXT,
    c55 TEXT,
    c56 TEXT,
    c57 TEXT,
    c58 TEXT,
    c59 TEXT,
    c60 TEXT,
    c61 TEXT,
    c62 TEXT,
    c63 TEXT,
    PRIMARY KEY (dataset, row_key)
);

-- The values of multi-valued fields ("a;b"), one row each, for --split.
CREATE TABLE stat_values (
    dataset TEXT NOT NULL,
    row_key TEXT NOT NULL,
    col     TEXT NOT NULL,
    value   TEXT NOT NULL
);
CREATE INDEX stat_values_row ON stat_values (dataset, col, row_key);
CREATE INDEX stat_values_key ON stat_values (dataset, row_key);

-- The differential-privacy ledger: every release and the epsilon it spent
-- (an exact fraction), and each dataset's budget spent so far.
CREATE TABLE stat_releases (
    id          TEXT PRIMARY KEY,
    dataset     TEXT NOT NULL,
    by_columns  TEXT NOT NULL,
    epsilon     TEXT NOT NULL,
    released_at BIGINT NOT NULL
);
CREATE INDEX stat_releases_dataset ON stat_releases (dataset, released_at);

CREATE TABLE stat_budgets (
    dataset TEXT PRIMARY KEY,
    spent   TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- The rows of the cases already there are filled in by a data migration
-- (sqlstore/statistics.go, backfillStats), which reads them as the store does.
