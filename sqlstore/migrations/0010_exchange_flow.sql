-- Transnational referral, the flow (exchange/format.md): consents that name
-- a partner instance, the referrals sent, the outbox of sealed packets, and
-- every packet received. No table here holds plaintext personal data: the
-- outbox holds packets encrypted to the partner, received payloads are
-- sealed under a data key of their own, sent referrals' reasons under the
-- case person's key.

-- A consent of purpose transnational-referral names the partner instance.
ALTER TABLE consents ADD COLUMN recipient_partner TEXT NOT NULL DEFAULT '';

-- Referrals sent to a partner instance. packet_id is the referral packet's
-- id: acks, follow-ups and withdrawals name it as their ref.
CREATE TABLE exchange_referrals (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id),
    partner_id    TEXT NOT NULL REFERENCES exchange_partners(id),
    consent_id    TEXT NOT NULL,
    packet_id     TEXT NOT NULL UNIQUE,
    scope         INTEGER NOT NULL,
    reason        BLOB,
    status        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_org   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    sent_at       BIGINT NOT NULL DEFAULT 0,
    responded_at  BIGINT NOT NULL DEFAULT 0,
    response      BLOB
);
CREATE INDEX exchange_referrals_case ON exchange_referrals (case_id, created_at);

-- The outbox: sealed packets waiting for delivery. A worker claims a row by
-- moving next_attempt_at forward (a lease), so that with several processes
-- each packet is delivered by one of them.
CREATE TABLE exchange_outbox (
    id              TEXT PRIMARY KEY,
    partner_id      TEXT NOT NULL REFERENCES exchange_partners(id),
    packet_id       TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    referral_id     TEXT NOT NULL DEFAULT '',
    packet          BLOB NOT NULL,
    content_hash    TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX exchange_outbox_due ON exchange_outbox (status, next_attempt_at);

-- Every packet received and accepted by the checks. The unique constraint
-- refuses a replay: a packet id is received once per sender.
CREATE TABLE exchange_received (
    id            TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES exchange_partners(id),
    sender        TEXT NOT NULL,
    packet_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    ref           TEXT NOT NULL DEFAULT '',
    content_hash  TEXT NOT NULL,
    payload       BLOB,
    status        TEXT NOT NULL,
    case_id       TEXT NOT NULL DEFAULT '',
    received_at   BIGINT NOT NULL,
    responded_by  TEXT NOT NULL DEFAULT '',
    responded_at  BIGINT NOT NULL DEFAULT 0,
    UNIQUE (sender, packet_id)
);
CREATE INDEX exchange_received_kind ON exchange_received (kind, status, received_at);
