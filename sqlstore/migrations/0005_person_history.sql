-- Corrections of a person (spelling, date of birth, contact...) and the
-- guardian of a child. Old values and the guardian are sealed under the
-- person's key (BLOB columns), so erasure shreds them with the rest.

-- The person confirmed that their contact may be used.
ALTER TABLE persons ADD COLUMN safe_to_contact BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per correction: which fields (names only, never values), their
-- sealed values before, who and when.
CREATE TABLE person_history (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES persons(id),
    case_id       TEXT NOT NULL REFERENCES cases(id),
    fields        TEXT NOT NULL,
    old_values    BLOB,
    corrected_by  TEXT NOT NULL,
    corrected_org TEXT NOT NULL,
    corrected_at  BIGINT NOT NULL
);
CREATE INDEX person_history_person ON person_history (person_id, corrected_at);

-- The guardian appointed for a child, one per case; its details sealed.
CREATE TABLE case_guardians (
    case_id   TEXT PRIMARY KEY REFERENCES cases(id),
    person_id TEXT NOT NULL REFERENCES persons(id),
    details   BLOB,
    set_by    TEXT NOT NULL,
    set_org   TEXT NOT NULL,
    set_at    BIGINT NOT NULL
);
