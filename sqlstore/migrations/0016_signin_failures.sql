-- Sign-in failures of addresses without an active account, by keyed hash of
-- the address: an unknown address is counted and locked exactly as an
-- account is, so that neither the work a sign-in does nor the lockout tells
-- which addresses have accounts.
CREATE TABLE signin_failures (
    address_hash TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
