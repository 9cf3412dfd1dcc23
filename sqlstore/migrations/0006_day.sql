-- A case worker's day: who in an organisation works on a case, and when a
-- user last looked at what is new for them.

-- Each organisation involved in a case assigns it to one of its own
-- workers (or to nobody): an NGO's assignment says nothing to the
-- authority's staff, and the other way round.
CREATE TABLE case_assignments (
    case_id     TEXT NOT NULL REFERENCES cases(id),
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    assigned_by TEXT NOT NULL,
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, org_id)
);
-- "My cases": a worker's assignments.
CREATE INDEX case_assignments_user ON case_assignments (user_id, case_id);

-- The last time a user opened their list of what is new: referrals, flags
-- and clocks that came after it are new.
CREATE TABLE user_seen (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    seen_at BIGINT NOT NULL
);
