-- SQLite's search index changed form (detail=none); PostgreSQL's pg_trgm
-- index needs no change. This keeps the two histories at the same version.
SELECT 1;
