-- NRM country assessments (issue 12). Nothing here is about a victim: an
-- assessment names a country, a period and the professionals of its team
-- (a JSON list of names, never logged). Scores are 0 to 3; one score a
-- benchmark of an assessment, one assessment a framework, country and
-- period, also across processes.

CREATE TABLE country_assessments (
    id           TEXT PRIMARY KEY,
    framework    TEXT NOT NULL,
    country      TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    team         TEXT NOT NULL,
    findings     TEXT NOT NULL,
    status       TEXT NOT NULL,
    published_on TEXT NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX country_assessments_one_per_period ON country_assessments (framework, country, period_from, period_to);
CREATE INDEX country_assessments_latest ON country_assessments (framework, country, period_to);

CREATE TABLE assessment_scores (
    assessment_id TEXT NOT NULL REFERENCES country_assessments(id),
    benchmark_id  TEXT NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 3),
    evidence      TEXT NOT NULL,
    sources       TEXT NOT NULL,
    scored_by     TEXT NOT NULL,
    scored_at     BIGINT NOT NULL,
    PRIMARY KEY (assessment_id, benchmark_id)
);

CREATE TABLE assessment_recommendations (
    id            TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES country_assessments(id),
    benchmark_id  TEXT NOT NULL,
    text          TEXT NOT NULL,
    addressee     TEXT NOT NULL,
    due           TEXT NOT NULL,
    made_on       TEXT NOT NULL,
    status        TEXT NOT NULL,
    status_on     TEXT NOT NULL,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assessment_recommendations_of ON assessment_recommendations (assessment_id, created_at);
-- The clocks of a team's dashboard: its organisation's open recommendations, soonest first.
CREATE INDEX assessment_recommendations_due ON assessment_recommendations (org_id, status, due);

CREATE TABLE recommendation_progress (
    id                TEXT PRIMARY KEY,
    recommendation_id TEXT NOT NULL REFERENCES assessment_recommendations(id),
    on_date           TEXT NOT NULL,
    status            TEXT NOT NULL,
    note              TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX recommendation_progress_of ON recommendation_progress (recommendation_id, on_date);
