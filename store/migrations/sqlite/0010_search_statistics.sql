-- PostgreSQL keeps a larger histogram of the search column; SQLite's
-- search reads its FTS5 index in id order and needs none. This keeps the
-- two histories at the same version.
SELECT 1;
