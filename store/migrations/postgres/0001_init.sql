-- contactd schema, PostgreSQL edition. Keep versions in step with sqlite/.
-- Ready for Citus: every table but workspaces (a reference table) carries
-- workspace_id, and every primary key and unique index starts with it, so a
-- table can be distributed by workspace_id without change.

CREATE TABLE workspaces (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    default_region text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL
);

CREATE TABLE api_keys (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    id           bigserial,
    name         text NOT NULL DEFAULT '',
    role         text NOT NULL,
    key_hash     text NOT NULL,
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (workspace_id, key_hash);

CREATE TABLE contacts (
    workspace_id    bigint NOT NULL REFERENCES workspaces (id),
    id              bigserial,
    phone_e164      text NOT NULL DEFAULT '',
    first_name      text NOT NULL DEFAULT '',
    last_name       text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    company         text NOT NULL DEFAULT '',
    city            text NOT NULL DEFAULT '',
    country         text NOT NULL DEFAULT '',
    timezone        text NOT NULL DEFAULT '',
    tags            jsonb NOT NULL DEFAULT '[]',
    custom_fields   jsonb NOT NULL DEFAULT '{}',
    alt_phones      jsonb NOT NULL DEFAULT '[]',
    alt_emails      jsonb NOT NULL DEFAULT '[]',
    phone_country   text NOT NULL DEFAULT '',
    phone_type      text NOT NULL DEFAULT '',
    phone_timezones jsonb NOT NULL DEFAULT '[]',
    dnc             boolean NOT NULL DEFAULT false,
    status          text NOT NULL DEFAULT 'active',
    merged_into     bigint,
    version         bigint NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    -- search_doc is the lower-cased, accent-folded text that search matches:
    -- names, company, emails and every written form of the phones' digits.
    search_doc      text NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_id, id)
);
-- One live contact per phone per workspace. Active contacts always have a
-- phone, and the predicate is only the status so that every query saying
-- status = 'active' can use the index (SQLite uses a partial index only when
-- the query's WHERE contains the index's).
CREATE UNIQUE INDEX contacts_live_phone ON contacts (workspace_id, phone_e164)
    WHERE status = 'active';
CREATE INDEX contacts_status ON contacts (workspace_id, status, id);
CREATE INDEX contacts_created ON contacts (workspace_id, created_at);
-- Substring search: trigram GIN over search_doc (pg_trgm, created in the
-- public schema by the migration runner before this file runs).
CREATE INDEX contacts_search ON contacts USING gin (search_doc gin_trgm_ops);

CREATE TABLE contact_tags (
    workspace_id bigint NOT NULL,
    tag          text NOT NULL, -- lower-cased
    contact_id   bigint NOT NULL,
    PRIMARY KEY (workspace_id, tag, contact_id)
);
CREATE INDEX contact_tags_contact ON contact_tags (workspace_id, contact_id);

CREATE TABLE audit_events (
    workspace_id bigint NOT NULL,
    id           bigserial,
    action       text NOT NULL,
    actor_key_id bigint,
    contact_id   bigint,
    details      jsonb NOT NULL DEFAULT '{}',
    at           timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX audit_events_contact ON audit_events (workspace_id, contact_id, id);
