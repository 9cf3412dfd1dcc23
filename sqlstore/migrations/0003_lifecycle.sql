-- The NRM case lifecycle: screenings, consents, referrals, decisions,
-- protection, closure and episodes, the timeline and the clocks.
-- Free text is sealed under the person's key (BLOB columns).

-- Access of partner organisations now comes from accepted referrals and
-- the consents they rest on, decided at read time (see CaseAccess), so that
-- a withdrawal or an expiry ends access at once.
DROP TABLE case_partners;

ALTER TABLE cases ADD COLUMN episode INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN previous_case TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN closed_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN closed_on TEXT NOT NULL DEFAULT '';
-- The date the competent authority accepted the NRM referral.
ALTER TABLE cases ADD COLUMN nrm_accepted_on TEXT NOT NULL DEFAULT '';

CREATE TABLE case_events (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    at          BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    on_date     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    compartment TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_org   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    ref_id      TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, seq);

CREATE TABLE screenings (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id),
    indicator_set TEXT NOT NULL,
    indicators    TEXT NOT NULL,
    met           TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    evidence      BLOB,
    screened_on   TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_org   TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX screenings_case ON screenings (case_id, created_at);

CREATE TABLE consents (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id),
    purpose       TEXT NOT NULL,
    recipient_org TEXT NOT NULL REFERENCES organisations(id),
    scope         INTEGER NOT NULL,
    given_on      TEXT NOT NULL,
    expires       TEXT NOT NULL,
    language      TEXT NOT NULL,
    interpreter   BOOLEAN NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_org  TEXT NOT NULL,
    status        TEXT NOT NULL,
    withdrawn_at  BIGINT NOT NULL DEFAULT 0,
    withdrawn_by  TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX consents_case ON consents (case_id);

CREATE TABLE referrals (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    from_org         TEXT NOT NULL REFERENCES organisations(id),
    to_org           TEXT NOT NULL REFERENCES organisations(id),
    reason           BLOB,
    consent_id       TEXT NOT NULL,
    scope            INTEGER NOT NULL,
    status           TEXT NOT NULL,
    response_reason  BLOB,
    nrm              BOOLEAN NOT NULL,
    child_protection BOOLEAN NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    responded_by     TEXT NOT NULL DEFAULT '',
    responded_at     BIGINT NOT NULL DEFAULT 0,
    version          BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_to ON referrals (to_org, status, case_id);

CREATE TABLE decisions (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    decided_on  TEXT NOT NULL,
    reasons     BLOB,
    decided_by  TEXT NOT NULL,
    decided_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX decisions_case ON decisions (case_id, created_at);

-- The clocks running on each case, kept with the events that start and
-- stop them, so that "due soon / overdue" is one indexed range scan.
CREATE TABLE deadlines (
    case_id TEXT NOT NULL REFERENCES cases(id),
    kind    TEXT NOT NULL,
    ref_id  TEXT NOT NULL,
    due     TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, ref_id)
);
CREATE INDEX deadlines_due ON deadlines (due);

-- The support track (compartment support).
CREATE TABLE needs_assessments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    assessed_on TEXT NOT NULL,
    needs       TEXT NOT NULL,
    notes       BLOB,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX needs_case ON needs_assessments (case_id);

CREATE TABLE support_plans (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    type        TEXT NOT NULL,
    objectives  BLOB,
    action_plan BLOB,
    starts_on   TEXT NOT NULL,
    planned_end TEXT NOT NULL,
    review_on   TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX support_plans_case ON support_plans (case_id);

CREATE TABLE services (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    type        TEXT NOT NULL,
    provider    TEXT NOT NULL,
    started_on  TEXT NOT NULL,
    ended_on    TEXT NOT NULL,
    notes       BLOB,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX services_case ON services (case_id);

CREATE TABLE residence_permits (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    basis       TEXT NOT NULL,
    applied_on  TEXT NOT NULL,
    granted_on  TEXT NOT NULL,
    expires_on  TEXT NOT NULL,
    renewed_on  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_org TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX residence_case ON residence_permits (case_id);

-- Anonymous notifications: an adult who does not consent is still counted.
-- No personal data, no link to any case.
CREATE TABLE notifications (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organisations(id),
    notified_on       TEXT NOT NULL,
    sex               TEXT NOT NULL,
    age_band          TEXT NOT NULL,
    nationality       TEXT NOT NULL,
    exploitation_type TEXT NOT NULL,
    country           TEXT NOT NULL,
    region            TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
