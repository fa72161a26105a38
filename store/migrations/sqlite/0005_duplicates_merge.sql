-- Duplicate review and lossless merge.

-- contact_match_keys holds, for every active contact, the values that make
-- two contacts candidates for one person: each folded email, each phone,
-- and for similar names a blocking key per context (company, work email
-- domain, city). Written with every change of a contact; non-active
-- contacts have none. name is the folded name that name keys compare.
CREATE TABLE contact_match_keys (
    workspace_id INTEGER NOT NULL,
    match_key    TEXT NOT NULL,
    contact_id   INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_id, match_key, contact_id)
) WITHOUT ROWID;
-- Covering, so that a contact's keys are read from this index alone: if a
-- lookup also had to visit the table, SQLite (without statistics) would
-- rather scan the workspace's part of the primary key.
CREATE INDEX contact_match_keys_contact ON contact_match_keys (workspace_id, contact_id, match_key, kind, name);

-- The groups those keys make, kept up to date at write time so that a page
-- of groups is an index range. group_id is the group's lowest contact id;
-- summary holds its links (match, key, confidence, contact ids).
CREATE TABLE duplicate_groups (
    workspace_id INTEGER NOT NULL,
    group_id     INTEGER NOT NULL,
    match_rank   INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    summary      TEXT NOT NULL,
    PRIMARY KEY (workspace_id, group_id)
);
CREATE INDEX duplicate_groups_rank ON duplicate_groups (workspace_id, match_rank, group_id);

CREATE TABLE duplicate_members (
    workspace_id INTEGER NOT NULL,
    contact_id   INTEGER NOT NULL,
    group_id     INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX duplicate_members_group ON duplicate_members (workspace_id, group_id);

-- Pairs an operator said are not one person (contact_a < contact_b).
CREATE TABLE duplicate_dismissals (
    workspace_id INTEGER NOT NULL,
    contact_a    INTEGER NOT NULL,
    contact_b    INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, contact_a, contact_b)
) WITHOUT ROWID;
CREATE INDEX duplicate_dismissals_b ON duplicate_dismissals (workspace_id, contact_b);

-- One row per workspace, locked by whoever regroups (PostgreSQL; SQLite's
-- one writer already excludes the others), so that two transactions never
-- regroup the same contacts from stale views.
CREATE TABLE match_key_locks (
    workspace_id INTEGER PRIMARY KEY
);

-- Contacts merged into a given one: merges repoint them, erasure finds them.
CREATE INDEX contacts_merged_into ON contacts (workspace_id, merged_into) WHERE merged_into IS NOT NULL;

-- Every merge, with what undoing it needs: the contacts as they were and
-- the values the primary overruled. Erasure scrubs state.
CREATE TABLE contact_merges (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    primary_id    INTEGER NOT NULL,
    secondary_ids TEXT NOT NULL DEFAULT '[]',
    state         TEXT NOT NULL DEFAULT '{}',
    actor_key_id  INTEGER,
    created_at    TEXT NOT NULL,
    undone_at     TEXT
);
CREATE INDEX contact_merges_primary ON contact_merges (workspace_id, primary_id, id);

-- Which merges each contact took part in (as primary or secondary), so
-- that erasure finds every record holding its data.
CREATE TABLE contact_merge_contacts (
    workspace_id INTEGER NOT NULL,
    contact_id   INTEGER NOT NULL,
    merge_id     INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, merge_id)
) WITHOUT ROWID;

-- Contacts that existed before this migration get their keys from the
-- server at start (store.Open), in batches: the folding is Go code.
CREATE TABLE match_key_backfill (
    workspace_id INTEGER NOT NULL,
    contact_id   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, contact_id)
) WITHOUT ROWID;
INSERT INTO match_key_backfill (workspace_id, contact_id)
    SELECT workspace_id, id FROM contacts WHERE status = 'active';
