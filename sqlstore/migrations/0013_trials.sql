-- Trial monitoring (issue 12). A trial belongs to the monitoring
-- organisation that observes it, never to a case: no column links it to a
-- case or a person. Court, case number and charges (details) and the notes
-- of each hearing are sealed under the trial's own data key (data_keys, id
-- = the trial's id); the country, the dates, the sheet's codes and the
-- outcome stay plain for the findings. Money is in minor units.

CREATE TABLE trials (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    country     TEXT NOT NULL,
    opened_on   TEXT NOT NULL,
    victims     INTEGER NOT NULL,
    defendants  INTEGER NOT NULL,
    details     BLOB NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX trials_org ON trials (org_id, created_at);
CREATE INDEX trials_country ON trials (country, opened_on);

-- sheet: a JSON object of item codes to value codes, every item present.
CREATE TABLE trial_hearings (
    id          TEXT PRIMARY KEY,
    trial_id    TEXT NOT NULL REFERENCES trials(id),
    on_date     TEXT NOT NULL,
    sheet       TEXT NOT NULL,
    notes       BLOB,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX trial_hearings_trial ON trial_hearings (trial_id, on_date);

-- One outcome a trial, also across processes (the primary key).
CREATE TABLE trial_outcomes (
    trial_id        TEXT PRIMARY KEY REFERENCES trials(id),
    id              TEXT NOT NULL UNIQUE,
    on_date         TEXT NOT NULL,
    verdict         TEXT NOT NULL,
    sentence_months INTEGER NOT NULL,
    suspended       BOOLEAN NOT NULL,
    currency        TEXT NOT NULL,
    awarded         BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
