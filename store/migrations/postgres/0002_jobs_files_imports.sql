-- Durable jobs, stored files and contact imports.

-- jobs schedules background work. The row holds ids only; the work's own
-- state lives in its table (contact_imports, ...). A job is claimed with a
-- lease that its worker renews; a worker killed mid-job lets the lease lapse
-- and another (or the restarted) server takes the job over. On Citus this is
-- the one table the workers scan across workspaces (the queue), so it stays
-- a local table on the coordinator rather than a distributed one.
CREATE TABLE jobs (
    workspace_id bigint NOT NULL,
    id           bigserial,
    kind         text NOT NULL,
    ref_id       bigint NOT NULL,
    status       text NOT NULL DEFAULT 'queued', -- queued, running, done, failed
    attempts     integer NOT NULL DEFAULT 0,
    lease_owner  text NOT NULL DEFAULT '',
    lease_until  timestamptz,
    run_after    timestamptz NOT NULL,
    last_error   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX jobs_ready ON jobs (status, run_after);
CREATE UNIQUE INDEX jobs_ref ON jobs (workspace_id, kind, ref_id);

-- files holds uploads and exports in the database itself, in chunks, so that
-- API servers keep no state of their own and a backup holds everything.
CREATE TABLE files (
    workspace_id bigint NOT NULL,
    id           bigserial,
    name         text NOT NULL,
    size_bytes   bigint NOT NULL DEFAULT 0,
    sha256       text NOT NULL DEFAULT '',
    complete     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE TABLE file_chunks (
    workspace_id bigint NOT NULL,
    file_id      bigint NOT NULL,
    seq          integer NOT NULL,
    data         bytea NOT NULL,
    PRIMARY KEY (workspace_id, file_id, seq)
);

CREATE TABLE contact_imports (
    workspace_id   bigint NOT NULL,
    id             bigserial,
    status         text NOT NULL DEFAULT 'queued', -- queued, running, completed, failed, cancelled
    file_id        bigint,
    filename       text NOT NULL DEFAULT '',
    options        jsonb NOT NULL DEFAULT '{}',
    encoding       text NOT NULL DEFAULT '',
    delimiter      text NOT NULL DEFAULT '',
    headers        jsonb NOT NULL DEFAULT '[]',
    mapping        jsonb NOT NULL DEFAULT '{}',
    total_rows     bigint NOT NULL DEFAULT 0,
    processed_rows bigint NOT NULL DEFAULT 0,
    created        bigint NOT NULL DEFAULT 0,
    updated        bigint NOT NULL DEFAULT 0,
    skipped        bigint NOT NULL DEFAULT 0,
    failed         bigint NOT NULL DEFAULT 0,
    warnings       bigint NOT NULL DEFAULT 0,
    error          text NOT NULL DEFAULT '',
    cancel_requested boolean NOT NULL DEFAULT false,
    created_by_key bigint,
    created_at     timestamptz NOT NULL,
    started_at     timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (workspace_id, id)
);

-- One row per failed row of an import: the error report. raw keeps the
-- row's original cells so the operator can fix and re-upload them.
CREATE TABLE contact_import_errors (
    workspace_id  bigint NOT NULL,
    import_id     bigint NOT NULL,
    row_number    bigint NOT NULL,
    error_field   text NOT NULL DEFAULT '',
    error_code    text NOT NULL,
    error_message text NOT NULL,
    raw           jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (workspace_id, import_id, row_number)
);

CREATE INDEX contacts_email ON contacts (workspace_id, email) WHERE email <> '';
