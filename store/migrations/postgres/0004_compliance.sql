-- Compliance: calling-window settings, DNC lists and entries, DNC imports,
-- consent history, erasure (GDPR) and the privacy request log.

-- The calling window is judged in each number's local time: start <= local
-- time < end, on the allowed days ('[]' = every day).
ALTER TABLE workspaces ADD COLUMN calling_window_start text NOT NULL DEFAULT '09:00';
ALTER TABLE workspaces ADD COLUMN calling_window_end text NOT NULL DEFAULT '21:00';
ALTER TABLE workspaces ADD COLUMN calling_days jsonb NOT NULL DEFAULT '[]';
ALTER TABLE workspaces ADD COLUMN require_consent boolean NOT NULL DEFAULT false;

-- A workspace has its internal list (created on first use) and any number of
-- registry lists (national DNC extracts). A registry list is replaced whole
-- by each import: entries carry the generation (import id) that loaded them
-- and only the list's current generation counts, so a check never sees a
-- half-loaded list. Internal lists stay at generation 0.
CREATE TABLE dnc_lists (
    workspace_id bigint NOT NULL,
    id           bigserial,
    name         text NOT NULL,
    kind         text NOT NULL, -- internal, registry
    region       text NOT NULL DEFAULT '', -- numbers a registry covers ('' = all)
    max_age_days integer NOT NULL DEFAULT 0, -- 0 = never stale
    generation   bigint NOT NULL DEFAULT 0,
    refreshed_at timestamptz,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX dnc_lists_name ON dnc_lists (workspace_id, name);

-- Entries are keyed by number, never by contact: a merge, a hard delete or a
-- new contact with the same number all stay suppressed.
CREATE TABLE dnc_entries (
    workspace_id   bigint NOT NULL,
    id             bigserial,
    list_id        bigint NOT NULL,
    generation     bigint NOT NULL DEFAULT 0,
    number         text NOT NULL, -- E.164, or '+' and the digits of a prefix
    is_prefix      boolean NOT NULL DEFAULT false,
    channel        text NOT NULL, -- voice, sms, all
    reason         text NOT NULL DEFAULT '',
    source         text NOT NULL, -- manual, opt_out, import, registry, agent
    call_id        text NOT NULL DEFAULT '',
    expires_at     timestamptz,
    import_id      bigint,
    created_by_key bigint,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX dnc_entries_key ON dnc_entries (workspace_id, list_id, generation, number, is_prefix, channel);
CREATE INDEX dnc_entries_lookup ON dnc_entries (workspace_id, is_prefix, number);

CREATE TABLE dnc_imports (
    workspace_id   bigint NOT NULL,
    id             bigserial,
    list_id        bigint NOT NULL,
    status         text NOT NULL DEFAULT 'queued',
    file_id        bigint,
    filename       text NOT NULL DEFAULT '',
    options        jsonb NOT NULL DEFAULT '{}',
    total_rows     bigint NOT NULL DEFAULT 0,
    processed_rows bigint NOT NULL DEFAULT 0,
    added          bigint NOT NULL DEFAULT 0,
    duplicates     bigint NOT NULL DEFAULT 0,
    failed         bigint NOT NULL DEFAULT 0,
    error          text NOT NULL DEFAULT '',
    created_by_key bigint,
    created_at     timestamptz NOT NULL,
    started_at     timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE dnc_import_errors (
    workspace_id  bigint NOT NULL,
    import_id     bigint NOT NULL,
    row_number    bigint NOT NULL,
    error_code    text NOT NULL,
    error_message text NOT NULL,
    raw           jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (workspace_id, import_id, row_number)
);

-- Consent and opt-out history: rows are only ever added (erasure empties
-- proof). The latest record per channel is what counts.
CREATE TABLE contact_consents (
    workspace_id bigint NOT NULL,
    id           bigserial,
    contact_id   bigint NOT NULL,
    channel      text NOT NULL, -- voice, sms, email, all
    status       text NOT NULL, -- granted, revoked
    source       text NOT NULL,
    captured_at  timestamptz NOT NULL,
    proof        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX contact_consents_contact ON contact_consents (workspace_id, contact_id, id);

-- Per-workspace secrets, created on first use (the erasure HMAC key).
CREATE TABLE workspace_secrets (
    workspace_id bigint NOT NULL,
    name         text NOT NULL,
    secret       text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, name)
);

-- HMAC-SHA256 (workspace secret) of each phone and email of an erased
-- person: enough to refuse them again, useless for finding out who they were.
CREATE TABLE erased_identities (
    workspace_id bigint NOT NULL,
    hash         text NOT NULL,
    kind         text NOT NULL, -- phone, email
    contact_id   bigint NOT NULL,
    erased_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, hash)
);

-- Data exports, erasures and hard deletes, for the operator's records.
CREATE TABLE privacy_requests (
    workspace_id bigint NOT NULL,
    id           bigserial,
    kind         text NOT NULL, -- data_export, erasure, hard_delete
    contact_id   bigint NOT NULL,
    actor_key_id bigint,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
