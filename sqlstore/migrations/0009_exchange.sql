-- Transnational referral (exchange/format.md): the partner instances an
-- admin of the co-ordinating organisation chose to trust. A partner removed
-- keeps its row (the audit log and old referrals name it) but no longer
-- counts: at most one active registration per fingerprint.
CREATE TABLE exchange_partners (
    id             TEXT PRIMARY KEY,
    instance       TEXT NOT NULL,
    country        TEXT NOT NULL,
    url            TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    signing_key    BLOB NOT NULL,
    encryption_key BLOB NOT NULL,
    added_by       TEXT NOT NULL,
    added_at       BIGINT NOT NULL,
    removed_at     BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX exchange_partners_active ON exchange_partners (fingerprint) WHERE removed_at = 0;
