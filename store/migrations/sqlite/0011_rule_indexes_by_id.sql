-- PostgreSQL's rule indexes now end in the contact id. SQLite's already
-- do: every index of a rowid table ends in the rowid, so the contacts with
-- one value of a field are a range in id order. This keeps the two
-- histories at the same version.
SELECT 1;
