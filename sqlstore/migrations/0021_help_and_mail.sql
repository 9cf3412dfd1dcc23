-- Help without an account (issue 13). A self-referral from the public help
-- page: what the person chose to say and how and when to contact them are
-- sealed in one blob under the self-referral's own data key (data_keys,
-- id = the self-referral's id). No column holds a client address or a user
-- agent, and none ever may.
CREATE TABLE self_referrals (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    state       TEXT NOT NULL,
    language    TEXT NOT NULL,
    sealed      BLOB NOT NULL,
    case_id     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX self_referrals_org ON self_referrals (org_id, state, created_at);

-- E-mail notifications waiting to be sent, queued in the transaction of
-- what causes them. A mail names a kind and a link only, and a user (the
-- address is looked up when it is sent).
CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    link            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

-- Each clock is warned of once per due date, also across processes (the
-- primary key).
CREATE TABLE clock_warnings (
    case_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    ref_id     TEXT NOT NULL,
    due        TEXT NOT NULL,
    warned_at  BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind, ref_id, due)
);
