-- Idempotency-Key: one row per key an API key used in the last 24 hours.
-- status 0 marks a request still running (claimed by token); once it ends
-- the answer (status, Content-Type, Location, body) is kept so that a retry
-- gets it again instead of doing the work twice. body_sha256 fingerprints
-- the request body so that a key reused for another request is refused.
CREATE TABLE idempotency_keys (
    workspace_id INTEGER NOT NULL,
    api_key_id   INTEGER NOT NULL,
    idem_key     TEXT NOT NULL,
    token        TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    body_sha256  TEXT NOT NULL DEFAULT '',
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    body         BLOB,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, api_key_id, idem_key)
);
-- Expired keys are swept per workspace on every claim.
CREATE INDEX idempotency_keys_created ON idempotency_keys (workspace_id, created_at);
