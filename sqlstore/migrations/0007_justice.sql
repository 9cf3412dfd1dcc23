-- Access to justice and safe return (issue 9). Personal detail is sealed
-- under the person's key (BLOB columns); what statistics and the return
-- gate need stays plain. Amounts are integers in the currency's minor
-- units, never floating point.

CREATE TABLE proceedings (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    stage       TEXT NOT NULL,
    charges     TEXT NOT NULL,
    person_role TEXT NOT NULL,
    details     BLOB,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX proceedings_case ON proceedings (case_id, created_at);

CREATE TABLE proceeding_events (
    id            TEXT PRIMARY KEY,
    proceeding_id TEXT NOT NULL REFERENCES proceedings(id),
    case_id       TEXT NOT NULL REFERENCES cases(id),
    kind          TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    measure       TEXT NOT NULL,
    status        TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    months        INTEGER NOT NULL,
    suspended     BOOLEAN NOT NULL,
    stage         TEXT NOT NULL,
    notes         BLOB,
    created_by    TEXT NOT NULL,
    created_org   TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX proceeding_events_case ON proceeding_events (case_id, created_at);

CREATE TABLE non_punishment (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    status      TEXT NOT NULL,
    compelled   BOOLEAN NOT NULL,
    details     BLOB,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX non_punishment_case ON non_punishment (case_id, status);

CREATE TABLE compensation_claims (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    route       TEXT NOT NULL,
    filed_on    TEXT NOT NULL,
    currency    TEXT NOT NULL,
    claimed     BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX compensation_claims_case ON compensation_claims (case_id, created_at);
CREATE INDEX compensation_claims_filed ON compensation_claims (filed_on);

-- One award a claim, also across processes.
CREATE TABLE compensation_awards (
    id         TEXT PRIMARY KEY,
    claim_id   TEXT NOT NULL UNIQUE REFERENCES compensation_claims(id),
    decided_on TEXT NOT NULL,
    awarded    BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE compensation_payments (
    id         TEXT PRIMARY KEY,
    claim_id   TEXT NOT NULL REFERENCES compensation_claims(id),
    paid_on    TEXT NOT NULL,
    paid       BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX compensation_payments_claim ON compensation_payments (claim_id, created_at);

CREATE TABLE return_assessments (
    id                  TEXT PRIMARY KEY,
    case_id             TEXT NOT NULL REFERENCES cases(id),
    destination_country TEXT NOT NULL,
    details             BLOB,
    risk                TEXT NOT NULL,
    barred              BOOLEAN NOT NULL,
    status              TEXT NOT NULL,
    assessed_on         TEXT NOT NULL,
    author_id           TEXT NOT NULL,
    author_org          TEXT NOT NULL,
    reviewed_by         TEXT NOT NULL DEFAULT '',
    review_reasons      BLOB,
    reviewed_on         TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX return_assessments_case ON return_assessments (case_id, created_at);

-- A return closes its episode, so an episode has at most one.
CREATE TABLE returns (
    id                  TEXT PRIMARY KEY,
    case_id             TEXT NOT NULL UNIQUE REFERENCES cases(id),
    assessment_id       TEXT NOT NULL REFERENCES return_assessments(id),
    return_date         TEXT NOT NULL,
    destination_country TEXT NOT NULL,
    receiving_org       TEXT NOT NULL,
    partner_id          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    created_org         TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);

CREATE TABLE return_follow_ups (
    id          TEXT PRIMARY KEY,
    return_id   TEXT NOT NULL REFERENCES returns(id),
    case_id     TEXT NOT NULL REFERENCES cases(id),
    on_date     TEXT NOT NULL,
    reached     BOOLEAN NOT NULL,
    situation   TEXT NOT NULL,
    notes       BLOB,
    new_case    TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX return_follow_ups_case ON return_follow_ups (case_id, created_at);
