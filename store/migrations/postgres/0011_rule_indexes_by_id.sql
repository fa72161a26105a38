-- The rule indexes hold the contact id as their last key, not among the
-- included columns: the contacts with one value of a field are then one
-- range in id order, which PostgreSQL merge-joins with a tag's or a
-- segment's contacts (their primary keys end in the contact id too)
-- instead of hashing one side, and a members page walks in id order from
-- its cursor. The column itself stays included, for index-only scans.
CREATE INDEX contacts_rule_city_id ON contacts (workspace_id, status, lower(city COLLATE "C"), id) INCLUDE (city);
DROP INDEX contacts_rule_city;
ALTER INDEX contacts_rule_city_id RENAME TO contacts_rule_city;
CREATE INDEX contacts_rule_phone_country_id ON contacts (workspace_id, status, lower(phone_country COLLATE "C"), id) INCLUDE (phone_country);
DROP INDEX contacts_rule_phone_country;
ALTER INDEX contacts_rule_phone_country_id RENAME TO contacts_rule_phone_country;
