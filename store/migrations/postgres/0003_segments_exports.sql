-- Segments, their static members, and contact exports.

-- A static segment lists its members in segment_members; a dynamic one holds
-- a rule tree (JSON, see package rules) that selects whoever matches now.
CREATE TABLE segments (
    workspace_id bigint NOT NULL,
    id           bigserial,
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    type         text NOT NULL, -- static, dynamic
    rules        jsonb,         -- dynamic segments only
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX segments_name ON segments (workspace_id, name);

-- Members of static segments. Rows of contacts that are no longer active
-- stay (a restored contact is a member again); queries join contacts and
-- keep active ones only.
CREATE TABLE segment_members (
    workspace_id bigint NOT NULL,
    segment_id   bigint NOT NULL,
    contact_id   bigint NOT NULL,
    added_at     timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, segment_id, contact_id)
);
CREATE INDEX segment_members_contact ON segment_members (workspace_id, contact_id);

CREATE TABLE contact_exports (
    workspace_id   bigint NOT NULL,
    id             bigserial,
    status         text NOT NULL DEFAULT 'queued', -- queued, running, completed, failed
    format         text NOT NULL,
    fields         jsonb NOT NULL DEFAULT '[]',
    filters        jsonb NOT NULL DEFAULT '{}',
    bom            boolean NOT NULL DEFAULT false,
    total_rows     bigint NOT NULL DEFAULT 0,
    processed_rows bigint NOT NULL DEFAULT 0,
    size_bytes     bigint NOT NULL DEFAULT 0,
    file_id        bigint,
    filename       text NOT NULL DEFAULT '',
    error          text NOT NULL DEFAULT '',
    created_by_key bigint,
    created_at     timestamptz NOT NULL,
    started_at     timestamptz,
    finished_at    timestamptz,
    expires_at     timestamptz,
    PRIMARY KEY (workspace_id, id)
);

-- Rule conditions on the fields campaigns target most: a city, a phone's
-- country. Rules fold text in ASCII and compare in byte order, exactly as
-- SQLite does, hence COLLATE "C". status comes before the value so that the
-- active members of a segment are one index range. INCLUDE holds the column
-- itself, without which PostgreSQL cannot answer from an index on an
-- expression alone, and the id that joins to tags and segments: counts are
-- then index-only scans (20k matches of a million: 15 ms rather than 370;
-- joined to a tag: 170 ms rather than 700, on a loaded 2-core machine).
-- Tags are served by contact_tags, created_at by contacts_created.
CREATE INDEX contacts_rule_city ON contacts (workspace_id, status, lower(city COLLATE "C")) INCLUDE (city, id);
CREATE INDEX contacts_rule_phone_country ON contacts (workspace_id, status, lower(phone_country COLLATE "C")) INCLUDE (phone_country, id);
