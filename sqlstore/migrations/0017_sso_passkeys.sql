-- Single sign-on with OpenID Connect and passkeys (WebAuthn).

-- A provider's subject, linked to the user an admin confirmed it as.
-- The pair (issuer, subject) is what OpenID Connect promises is stable;
-- an e-mail address is not.
CREATE TABLE oidc_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities (user_id);

-- An admin's mapping from a claim value (a group, an e-mail domain) to
-- their organisation and a role. A mapping alone gives nobody a role: it
-- only says whose admin confirms a first sign-in.
CREATE TABLE oidc_mappings (
    id         TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL,
    claim      TEXT NOT NULL,
    value      TEXT NOT NULL,
    org_id     TEXT NOT NULL REFERENCES organisations(id),
    role       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX oidc_mappings_unique ON oidc_mappings (issuer, claim, value, org_id);

-- A first sign-in of an unknown subject, waiting for an admin of the
-- mapped organisation. One pending request per subject.
CREATE TABLE oidc_requests (
    id         TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    email      TEXT NOT NULL,
    name       TEXT NOT NULL,
    org_id     TEXT NOT NULL REFERENCES organisations(id),
    role       TEXT NOT NULL,
    mapping_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL DEFAULT 0,
    decided_by TEXT NOT NULL DEFAULT '',
    user_id    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX oidc_requests_pending ON oidc_requests (issuer, subject) WHERE status = 'pending';
CREATE INDEX oidc_requests_org ON oidc_requests (org_id, status);

-- A sign-in ceremony under way (an OpenID Connect redirect, a WebAuthn
-- challenge), keyed by the hash of the secret in a short-lived cookie and
-- used once.
CREATE TABLE signin_flows (
    id_hash    TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    TEXT NOT NULL DEFAULT '',
    data       BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

-- Passkeys: the public key only; the private key never leaves the
-- authenticator. sign_count only rises (a regression is a cloned key).
-- record is what the next ceremony needs (flags, attestation), sealed under
-- the user's data key, so that a row written into the database by anyone
-- but nrm does not verify.
CREATE TABLE passkeys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    credential   BLOB NOT NULL,
    public_key   BLOB NOT NULL,
    record       BLOB NOT NULL,
    sign_count   BIGINT NOT NULL,
    transports   TEXT NOT NULL,
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX passkeys_credential ON passkeys (credential);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- Per organisation: whether authenticator-app codes (TOTP) stay a
-- fallback beside passkeys. No row: they do.
CREATE TABLE org_signin_settings (
    org_id       TEXT PRIMARY KEY REFERENCES organisations(id),
    totp_allowed BOOLEAN NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
