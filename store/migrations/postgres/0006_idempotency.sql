-- Idempotency-Key: one row per key an API key used in the last 24 hours.
-- status 0 marks a request still running (claimed by token); once it ends
-- the answer (status, Content-Type, Location, body) is kept so that a retry
-- gets it again instead of doing the work twice. body_sha256 fingerprints
-- the request body so that a key reused for another request is refused.
CREATE TABLE idempotency_keys (
    workspace_id bigint NOT NULL,
    api_key_id   bigint NOT NULL,
    idem_key     text NOT NULL,
    token        text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    body_sha256  text NOT NULL DEFAULT '',
    status       integer NOT NULL DEFAULT 0,
    content_type text NOT NULL DEFAULT '',
    location     text NOT NULL DEFAULT '',
    body         bytea,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, api_key_id, idem_key)
);
-- Expired keys are swept per workspace on every claim.
CREATE INDEX idempotency_keys_created ON idempotency_keys (workspace_id, created_at);
