-- The contacts that have custom fields: most workspaces have none, and an
-- export's spreadsheet columns (the custom field names in use) would
-- otherwise read every contact to find that out.
CREATE INDEX contacts_with_custom ON contacts (workspace_id, id) WHERE custom_fields <> '{}';
