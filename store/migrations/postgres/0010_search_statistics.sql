-- Search asks search_doc LIKE '%term%', and the planner estimates that from
-- the column's histogram: the share of its sampled values that hold the
-- term. With the default 100 values, a term that none of them held was
-- estimated at 0.01% of the rows whether 30 contacts matched it or 7,000,
-- and the page of a common term fetched and sorted every match instead of
-- walking contacts in id order to the first few. A histogram of 1,000
-- values tells apart terms down to 0.1% of the rows. ANALYZE samples more
-- rows for it (300 per histogram value), a few seconds at a million.
ALTER TABLE contacts ALTER COLUMN search_doc SET STATISTICS 1000;
