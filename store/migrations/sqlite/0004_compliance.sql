-- Compliance: calling-window settings, DNC lists and entries, DNC imports,
-- consent history, erasure (GDPR) and the privacy request log.

-- The calling window is judged in each number's local time: start <= local
-- time < end, on the allowed days ('[]' = every day).
ALTER TABLE workspaces ADD COLUMN calling_window_start TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE workspaces ADD COLUMN calling_window_end TEXT NOT NULL DEFAULT '21:00';
ALTER TABLE workspaces ADD COLUMN calling_days TEXT NOT NULL DEFAULT '[]';
ALTER TABLE workspaces ADD COLUMN require_consent INTEGER NOT NULL DEFAULT 0;

-- A workspace has its internal list (created on first use) and any number of
-- registry lists (national DNC extracts). A registry list is replaced whole
-- by each import: entries carry the generation (import id) that loaded them
-- and only the list's current generation counts, so a check never sees a
-- half-loaded list. Internal lists stay at generation 0.
CREATE TABLE dnc_lists (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL, -- internal, registry
    region       TEXT NOT NULL DEFAULT '', -- numbers a registry covers ('' = all)
    max_age_days INTEGER NOT NULL DEFAULT 0, -- 0 = never stale
    generation   INTEGER NOT NULL DEFAULT 0,
    refreshed_at TEXT,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX dnc_lists_name ON dnc_lists (workspace_id, name);

-- Entries are keyed by number, never by contact: a merge, a hard delete or a
-- new contact with the same number all stay suppressed.
CREATE TABLE dnc_entries (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL,
    list_id        INTEGER NOT NULL,
    generation     INTEGER NOT NULL DEFAULT 0,
    number         TEXT NOT NULL, -- E.164, or '+' and the digits of a prefix
    is_prefix      INTEGER NOT NULL DEFAULT 0,
    channel        TEXT NOT NULL, -- voice, sms, all
    reason         TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL, -- manual, opt_out, import, registry, agent
    call_id        TEXT NOT NULL DEFAULT '',
    expires_at     TEXT,
    import_id      INTEGER,
    created_by_key INTEGER,
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX dnc_entries_key ON dnc_entries (workspace_id, list_id, generation, number, is_prefix, channel);
CREATE INDEX dnc_entries_lookup ON dnc_entries (workspace_id, is_prefix, number);

CREATE TABLE dnc_imports (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL,
    list_id        INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'queued',
    file_id        INTEGER,
    filename       TEXT NOT NULL DEFAULT '',
    options        TEXT NOT NULL DEFAULT '{}',
    total_rows     INTEGER NOT NULL DEFAULT 0,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    added          INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    created_by_key INTEGER,
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT
);
CREATE INDEX dnc_imports_ws ON dnc_imports (workspace_id, id);

CREATE TABLE dnc_import_errors (
    workspace_id  INTEGER NOT NULL,
    import_id     INTEGER NOT NULL,
    row_number    INTEGER NOT NULL,
    error_code    TEXT NOT NULL,
    error_message TEXT NOT NULL,
    raw           TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (workspace_id, import_id, row_number)
) WITHOUT ROWID;

-- Consent and opt-out history: rows are only ever added (erasure empties
-- proof). The latest record per channel is what counts.
CREATE TABLE contact_consents (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    contact_id   INTEGER NOT NULL,
    channel      TEXT NOT NULL, -- voice, sms, email, all
    status       TEXT NOT NULL, -- granted, revoked
    source       TEXT NOT NULL,
    captured_at  TEXT NOT NULL,
    proof        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX contact_consents_contact ON contact_consents (workspace_id, contact_id, id);

-- Per-workspace secrets, created on first use (the erasure HMAC key).
CREATE TABLE workspace_secrets (
    workspace_id INTEGER NOT NULL,
    name         TEXT NOT NULL,
    secret       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;

-- HMAC-SHA256 (workspace secret) of each phone and email of an erased
-- person: enough to refuse them again, useless for finding out who they were.
CREATE TABLE erased_identities (
    workspace_id INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    kind         TEXT NOT NULL, -- phone, email
    contact_id   INTEGER NOT NULL,
    erased_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, hash)
) WITHOUT ROWID;

-- Data exports, erasures and hard deletes, for the operator's records.
CREATE TABLE privacy_requests (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    kind         TEXT NOT NULL, -- data_export, erasure, hard_delete
    contact_id   INTEGER NOT NULL,
    actor_key_id INTEGER,
    created_at   TEXT NOT NULL
);
CREATE INDEX privacy_requests_ws ON privacy_requests (workspace_id, id);

-- Erasure must not leave a person's text in the search index: with
-- secure-delete, FTS5 removes a deleted row's terms from the index itself
-- instead of adding a delete marker that hides them until the next merge.
INSERT INTO contact_search (contact_search, rank) VALUES ('secure-delete', 1);
