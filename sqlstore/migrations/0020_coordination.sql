-- Co-ordination (issue 13): events, their follow-ups, activities, and the
-- secret calendar feed of each organisation. Nothing here is about a
-- person: participants are organisations and head counts, so nothing is
-- sealed. body holds the event's organisers, participants, agenda and
-- outcomes as JSON; what lists filter on stays in columns.

CREATE TABLE coord_events (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    kind        TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    country     TEXT NOT NULL,
    title       TEXT NOT NULL,
    place       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX coord_events_date ON coord_events (on_date, id);
CREATE INDEX coord_events_country ON coord_events (country, on_date);

CREATE TABLE coord_event_themes (
    event_id    TEXT NOT NULL REFERENCES coord_events(id),
    theme       TEXT NOT NULL,
    PRIMARY KEY (event_id, theme)
);
CREATE INDEX coord_event_themes_theme ON coord_event_themes (theme, event_id);

-- The organisations in nrm an event concerns (recorder, organisers and
-- participants named by id, owners of follow-ups): their calendar feeds.
CREATE TABLE coord_event_orgs (
    event_id    TEXT NOT NULL REFERENCES coord_events(id),
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (event_id, org_id)
);
CREATE INDEX coord_event_orgs_org ON coord_event_orgs (org_id, event_id);

-- done_at is 0 while the follow-up is open.
CREATE TABLE coord_follow_ups (
    event_id    TEXT NOT NULL REFERENCES coord_events(id),
    n           INTEGER NOT NULL,
    owner_org   TEXT NOT NULL REFERENCES organisations(id),
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    due         TEXT NOT NULL,
    text        TEXT NOT NULL,
    done_at     BIGINT NOT NULL,
    done_by     TEXT NOT NULL,
    PRIMARY KEY (event_id, n)
);
CREATE INDEX coord_follow_ups_owner ON coord_follow_ups (owner_org, done_at, due);
CREATE INDEX coord_follow_ups_org ON coord_follow_ups (org_id, done_at, due);
CREATE INDEX coord_follow_ups_due ON coord_follow_ups (done_at, due);

CREATE TABLE coord_activities (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    on_date     TEXT NOT NULL,
    country     TEXT NOT NULL,
    theme       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    partners    TEXT NOT NULL,
    summary     TEXT NOT NULL,
    results     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX coord_activities_date ON coord_activities (on_date, id);

-- One secret feed address per organisation; only the token's SHA-256 is kept.
CREATE TABLE calendar_feeds (
    org_id      TEXT PRIMARY KEY REFERENCES organisations(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);
