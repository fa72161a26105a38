-- Segments, their static members, and contact exports.

-- A static segment lists its members in segment_members; a dynamic one holds
-- a rule tree (JSON, see package rules) that selects whoever matches now.
CREATE TABLE segments (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL, -- static, dynamic
    rules        TEXT,          -- dynamic segments only
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX segments_name ON segments (workspace_id, name);

-- Members of static segments. Rows of contacts that are no longer active
-- stay (a restored contact is a member again); queries join contacts and
-- keep active ones only.
CREATE TABLE segment_members (
    workspace_id INTEGER NOT NULL,
    segment_id   INTEGER NOT NULL,
    contact_id   INTEGER NOT NULL,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (workspace_id, segment_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX segment_members_contact ON segment_members (workspace_id, contact_id);

CREATE TABLE contact_exports (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'queued', -- queued, running, completed, failed
    format         TEXT NOT NULL,
    fields         TEXT NOT NULL DEFAULT '[]',
    filters        TEXT NOT NULL DEFAULT '{}',
    bom            INTEGER NOT NULL DEFAULT 0,
    total_rows     INTEGER NOT NULL DEFAULT 0,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    size_bytes     INTEGER NOT NULL DEFAULT 0,
    file_id        INTEGER,
    filename       TEXT NOT NULL DEFAULT '',
    error          TEXT NOT NULL DEFAULT '',
    created_by_key INTEGER,
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT,
    expires_at     TEXT
);
CREATE INDEX contact_exports_ws ON contact_exports (workspace_id, id);

-- Rule conditions on the fields campaigns target most: a city, a phone's
-- country. status comes before the value so that the active members of a
-- segment ("status = 'active' AND lower(city) = 'pune'") are one index range.
-- Tags are served by contact_tags, created_at by contacts_created.
CREATE INDEX contacts_rule_city ON contacts (workspace_id, status, lower(city));
CREATE INDEX contacts_rule_phone_country ON contacts (workspace_id, status, lower(phone_country));
