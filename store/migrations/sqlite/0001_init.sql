-- contactd schema, SQLite edition. Keep versions in step with postgres/.
-- Times are TEXT in one fixed-width UTC form (2006-01-02T15:04:05.000000Z)
-- so that they sort and compare as strings.

CREATE TABLE workspaces (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    default_region TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX workspaces_name ON workspaces (name);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (workspace_id, key_hash);

CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    phone_e164      TEXT NOT NULL DEFAULT '',
    first_name      TEXT NOT NULL DEFAULT '',
    last_name       TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    company         TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL DEFAULT '',
    country         TEXT NOT NULL DEFAULT '',
    timezone        TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '[]',
    custom_fields   TEXT NOT NULL DEFAULT '{}',
    alt_phones      TEXT NOT NULL DEFAULT '[]',
    alt_emails      TEXT NOT NULL DEFAULT '[]',
    phone_country   TEXT NOT NULL DEFAULT '',
    phone_type      TEXT NOT NULL DEFAULT '',
    phone_timezones TEXT NOT NULL DEFAULT '[]',
    dnc             INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'active',
    merged_into     INTEGER,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT,
    -- search_doc is the lower-cased, accent-folded text that search matches:
    -- names, company, emails and every written form of the phones' digits.
    search_doc      TEXT NOT NULL DEFAULT ''
);
-- One live contact per phone per workspace. Active contacts always have a
-- phone, and the predicate is only the status so that every query saying
-- status = 'active' can use the index (SQLite uses a partial index only when
-- the query's WHERE contains the index's).
CREATE UNIQUE INDEX contacts_live_phone ON contacts (workspace_id, phone_e164)
    WHERE status = 'active';
CREATE INDEX contacts_status ON contacts (workspace_id, status, id);
CREATE INDEX contacts_created ON contacts (workspace_id, created_at);

-- Substring search: an FTS5 trigram index over contacts.search_doc, kept in
-- step by triggers. SQLite only; PostgreSQL uses pg_trgm on the same column.
CREATE VIRTUAL TABLE contact_search USING fts5 (
    search_doc, content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_search (rowid, search_doc) VALUES (new.id, new.search_doc);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contact_search (contact_search, rowid, search_doc) VALUES ('delete', old.id, old.search_doc);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF search_doc ON contacts
    WHEN old.search_doc IS NOT new.search_doc BEGIN
    INSERT INTO contact_search (contact_search, rowid, search_doc) VALUES ('delete', old.id, old.search_doc);
    INSERT INTO contact_search (rowid, search_doc) VALUES (new.id, new.search_doc);
END;

-- Tags by value, for filters; contacts.tags keeps them in the order given.
CREATE TABLE contact_tags (
    workspace_id INTEGER NOT NULL,
    tag          TEXT NOT NULL, -- lower-cased
    contact_id   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, tag, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_tags_contact ON contact_tags (workspace_id, contact_id);

CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    action       TEXT NOT NULL,
    actor_key_id INTEGER,
    contact_id   INTEGER,
    details      TEXT NOT NULL DEFAULT '{}',
    at           TEXT NOT NULL
);
CREATE INDEX audit_events_contact ON audit_events (workspace_id, contact_id, id);
CREATE INDEX audit_events_ws ON audit_events (workspace_id, id);
