-- The audit log (an RFC 6962 Merkle tree: see package auditlog), blind
-- indexes for search and duplicate detection, duplicate flags, erasures.

-- One row per entry. The leaf hash is recomputed from the other columns on
-- verification; it is stored so that an edit is named exactly.
CREATE TABLE audit_entries (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    actor      TEXT NOT NULL,
    actor_org  TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    leaf_hash  BLOB NOT NULL
);
-- Every index costs each of the many appends: auditors filter by case and
-- by user through these two; a time range is narrowed through the
-- checkpoints' times, an action filter scans within the other filters.
CREATE INDEX audit_entries_object ON audit_entries (object, seq);
CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);

-- Every signed checkpoint (tree size and root, as a C2SP signed note).
CREATE TABLE audit_checkpoints (
    size   BIGINT PRIMARY KEY,
    signed TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX audit_checkpoints_at ON audit_checkpoints (at);

-- The tree's compact state, shared by every process; appenders lock it.
CREATE TABLE audit_head (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    size   BIGINT NOT NULL,
    hashes BLOB NOT NULL
);

-- Keyed blind indexes (HMAC, see keyring.BlindIndex) of normalised names
-- and of name plus date of birth. They find matches without plaintext.
CREATE TABLE person_index (
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (kind, value, person_id)
);
CREATE INDEX person_index_person ON person_index (person_id);

-- A possible duplicate or re-trafficking: a new case whose person matches
-- a person already known. Each side learns only that a match exists and
-- which organisation to contact.
CREATE TABLE case_flags (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    case_org     TEXT NOT NULL REFERENCES organisations(id),
    matched_case TEXT NOT NULL REFERENCES cases(id),
    matched_org  TEXT NOT NULL REFERENCES organisations(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX case_flags_case ON case_flags (case_id);
CREATE INDEX case_flags_matched ON case_flags (matched_case);

CREATE TABLE erasures (
    person_id  TEXT PRIMARY KEY REFERENCES persons(id),
    case_id    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    erased_by  TEXT NOT NULL,
    erased_at  BIGINT NOT NULL
);

-- Free-text notes, each in one compartment, sealed under the person's key.
CREATE TABLE case_notes (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    person_id   TEXT NOT NULL REFERENCES persons(id),
    compartment TEXT NOT NULL,
    body        BLOB,
    author      TEXT NOT NULL,
    author_org  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);
