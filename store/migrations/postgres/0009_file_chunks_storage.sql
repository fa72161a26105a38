-- SQLite rebuilds file_chunks as a rowid table here. PostgreSQL stores the
-- chunks' bytes with lz4 instead of pglz: pglz took 2.6 s of CPU to store
-- the 95 MB CSV of a million contacts, longer than the export itself took
-- to write it, where lz4 takes 0.6 s and compresses as well. A server built
-- without lz4 stores new chunks uncompressed (0.4 s, twice the size). Only
-- chunks written from now on change; older ones keep their compression.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE file_chunks ALTER COLUMN data SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
    ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
END $$;
