-- Stored file chunks move from a WITHOUT ROWID table, whose b-tree is
-- keyed by (workspace_id, file_id, seq) and holds each 1 MB chunk inside its
-- key's record, to a rowid table with a unique index on that key. Finding
-- where a new chunk goes compared the new key with existing records, and a
-- record whose chunk overflows its page is read whole for that: every chunk
-- an export stored read back several megabytes of earlier chunks (a quarter
-- of an export's CPU at a million contacts). Now the chunks are only appended
-- to the table, and the index that finds them holds the keys alone.
CREATE TABLE file_chunks_new (
    workspace_id INTEGER NOT NULL,
    file_id      INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    data         BLOB NOT NULL
);
INSERT INTO file_chunks_new (workspace_id, file_id, seq, data)
    SELECT workspace_id, file_id, seq, data FROM file_chunks ORDER BY workspace_id, file_id, seq;
DROP TABLE file_chunks;
ALTER TABLE file_chunks_new RENAME TO file_chunks;
CREATE UNIQUE INDEX file_chunks_key ON file_chunks (workspace_id, file_id, seq);
