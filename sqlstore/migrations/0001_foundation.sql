-- Organisations, users, sign-in, API tokens, persons and cases.
-- Times are integer microseconds since 1970 (UTC); civil dates are TEXT YYYY-MM-DD.
-- Columns of type BLOB hold sealed personal data (see package keyring).

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations(id),
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    totp_secret    BLOB,
    totp_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    failed_signins INTEGER NOT NULL DEFAULT 0,
    locked_until   BIGINT NOT NULL DEFAULT 0,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
);

-- Sessions and tokens are stored only as SHA-256 hashes of the secret.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    stage        TEXT NOT NULL,
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Wrapped data keys: one per person (and one per user, for the TOTP seed).
-- Destroying a row's key is erasure: the sealed columns can never be opened again.
CREATE TABLE data_keys (
    id          TEXT PRIMARY KEY,
    wrapped     BLOB,
    kek_version INTEGER NOT NULL,
    destroyed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX data_keys_version ON data_keys (kek_version);

CREATE TABLE persons (
    id            TEXT PRIMARY KEY,
    given_name    BLOB,
    family_name   BLOB,
    aliases       BLOB,
    date_of_birth BLOB,
    contact       BLOB,
    age_uncertain BOOLEAN NOT NULL DEFAULT FALSE,
    sex           TEXT NOT NULL,
    citizenship   TEXT NOT NULL DEFAULT '',
    erased_at     BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE cases (
    id                 TEXT PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    org_id             TEXT NOT NULL REFERENCES organisations(id),
    person_id          TEXT NOT NULL REFERENCES persons(id),
    state              TEXT NOT NULL,
    child              BOOLEAN NOT NULL,
    encounter_date     TEXT NOT NULL,
    encounter_place    BLOB,
    encounter_country  TEXT NOT NULL DEFAULT '',
    exploitation_types TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cases_org ON cases (org_id, created_at);
CREATE INDEX cases_person ON cases (person_id);

-- Organisations other than the creator that hold an accepted referral of a
-- case, and the compartments (a bit set, see nrm.Scope) they may read.
CREATE TABLE case_partners (
    case_id TEXT NOT NULL REFERENCES cases(id),
    org_id  TEXT NOT NULL REFERENCES organisations(id),
    scope   INTEGER NOT NULL,
    PRIMARY KEY (case_id, org_id)
);
CREATE INDEX case_partners_org ON case_partners (org_id, case_id);
