-- The search index keeps, for each trigram, only which contacts have it
-- (detail=none), not where in the text: substring search asks only
-- "which rows", and SQLite checks each candidate row's text against the
-- pattern anyway. Positions made the index twice the size and every bulk
-- insert pay for them. Queries use LIKE (phrase MATCH needs positions).
--
-- secure-delete is now off by default: with it, every changed row of an
-- import sought out its old terms in every segment (milliseconds a row).
-- Erasure and hard delete turn it on inside their own transaction, so
-- an erased person's terms are still removed physically (see fts.go).
DROP TRIGGER contacts_search_insert;
DROP TRIGGER contacts_search_delete;
DROP TRIGGER contacts_search_update;
DROP TABLE contact_search;
CREATE VIRTUAL TABLE contact_search USING fts5 (
    search_doc, content = 'contacts', content_rowid = 'id', tokenize = 'trigram',
    detail = none, columnsize = 0
);
INSERT INTO contact_search (contact_search) VALUES ('rebuild');
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
