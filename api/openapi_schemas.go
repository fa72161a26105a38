package api

func str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

func strList(desc string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": desc}
}

func object(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func listOf(item string) map[string]any {
	return object([]string{"data", "page", "per_page", "total"}, map[string]any{
		"data":         map[string]any{"type": "array", "items": ref(item)},
		"page":         map[string]any{"type": "integer"},
		"per_page":     map[string]any{"type": "integer"},
		"total":        map[string]any{"type": "integer"},
		"total_capped": map[string]any{"type": "boolean", "description": "total stopped counting: at 200 for a search of contacts, at 1000 for other lists"},
		"next_cursor":  str("pass as cursor for the next page; absent on the last page"),
	})
}

var customFields = map[string]any{"type": "object", "description": "name -> string, number or boolean",
	"additionalProperties": map[string]any{"type": []any{"string", "number", "boolean"}}}

// contactWritable are the fields a client may send for a contact.
func contactWritable(nullable bool) map[string]any {
	text := func(d string) map[string]any {
		s := str(d)
		if nullable {
			s["type"] = []any{"string", "null"}
		}
		return s
	}
	return map[string]any{
		"phone_e164":    str("any common written form; stored as E.164"),
		"first_name":    text(""),
		"last_name":     text(""),
		"email":         text("trimmed, domain lower-cased"),
		"company":       text(""),
		"city":          text(""),
		"country":       text("ISO 3166-1 alpha-2; also the region for national phone forms"),
		"timezone":      text("IANA zone; when set, calling windows use it"),
		"tags":          strList("replaces the list"),
		"custom_fields": customFields,
		"alt_phones":    strList("other numbers of the person"),
		"alt_emails":    strList("other addresses of the person"),
	}
}

// schemaSets are the OpenAPI schemas of the API's features; each feature's
// file registers its own in init.
var schemaSets = []map[string]any{coreSchemas}

func allSchemas() map[string]any {
	out := map[string]any{}
	for _, set := range schemaSets {
		for k, v := range set {
			out[k] = v
		}
	}
	return out
}

var coreSchemas = map[string]any{
	"Contact": object(nil, map[string]any{
		"id":              map[string]any{"type": "integer"},
		"phone_e164":      str("E.164; empty once erased"),
		"first_name":      str(""),
		"last_name":       str(""),
		"email":           str(""),
		"company":         str(""),
		"city":            str(""),
		"country":         str(""),
		"tags":            strList(""),
		"custom_fields":   customFields,
		"alt_phones":      strList("E.164"),
		"alt_emails":      strList(""),
		"phone_country":   str("region of the phone number"),
		"phone_type":      str("mobile, fixed_line, fixed_line_or_mobile, toll_free, voip, ..."),
		"phone_timezones": strList("every IANA zone the number may be in"),
		"timezone":        str("the contact's own zone, else the number's zone when it has exactly one"),
		"dnc":             map[string]any{"type": "boolean"},
		"status":          map[string]any{"type": "string", "enum": []any{"active", "deleted", "merged", "erased"}},
		"merged_into":     map[string]any{"type": []any{"integer", "null"}},
		"version":         map[string]any{"type": "integer", "description": "also the ETag"},
		"created_at":      map[string]any{"type": "string", "format": "date-time"},
		"updated_at":      map[string]any{"type": "string", "format": "date-time"},
	}),
	"ContactCreate": func() map[string]any {
		p := contactWritable(false)
		p["default_region"] = str("region for national phone forms in this request")
		return object([]string{"phone_e164"}, p)
	}(),
	"ContactPatch": func() map[string]any {
		p := contactWritable(true)
		p["custom_fields"] = map[string]any{"type": "object", "description": "merged key by key; null removes a key"}
		p["default_region"] = str("region for national phone forms in this request")
		p["version"] = map[string]any{"type": "integer", "description": "expected version; stale answers 412"}
		return object(nil, p)
	}(),
	"ContactList": listOf("Contact"),
	"AuditEvent": object(nil, map[string]any{
		"id":           map[string]any{"type": "integer"},
		"action":       str("e.g. contact.created, contact.updated"),
		"actor_key_id": map[string]any{"type": []any{"integer", "null"}},
		"contact_id":   map[string]any{"type": []any{"integer", "null"}},
		"details":      map[string]any{"type": "object", "description": "field names and ids, never personal data"},
		"at":           map[string]any{"type": "string", "format": "date-time"},
	}),
	"AuditEventList": listOf("AuditEvent"),
	"APIKey": object(nil, map[string]any{
		"id":           map[string]any{"type": "integer"},
		"workspace_id": map[string]any{"type": "integer"},
		"name":         str(""),
		"role":         map[string]any{"type": "string", "enum": []any{"read", "write", "admin"}},
		"prefix":       str("the key's first characters, to tell keys apart"),
		"created_at":   map[string]any{"type": "string", "format": "date-time"},
		"expires_at":   map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
		"revoked_at":   map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
		"key":          str("the secret; only in the answer that creates the key"),
	}),
	"APIKeyList": object([]string{"data"}, map[string]any{"data": map[string]any{"type": "array", "items": ref("APIKey")}}),
	"APIKeyCreate": object([]string{"role"}, map[string]any{
		"name":       str(""),
		"role":       map[string]any{"type": "string", "enum": []any{"read", "write", "admin"}},
		"expires_at": map[string]any{"type": "string", "format": "date-time"},
	}),
	"Workspace": object(nil, map[string]any{
		"id":             map[string]any{"type": "integer"},
		"name":           str(""),
		"default_region": str("region for national phone forms"),
		"created_at":     map[string]any{"type": "string", "format": "date-time"},
	}),
	"WorkspacePatch": object(nil, map[string]any{
		"name":           str(""),
		"default_region": str("ISO 3166-1 alpha-2"),
	}),
	"ImportForm": object([]string{"file"}, map[string]any{
		"file":           map[string]any{"type": "string", "format": "binary", "description": "CSV, TSV or XLSX; UTF-8, UTF-16 or Windows-1252"},
		"column_mapping": str("JSON object: file header -> phone_e164, first_name, last_name, email, company, city, country, timezone, tags, alt_phones, alt_emails, full_name, ignore or custom.<name>; default: the suggested mapping"),
		"mode":           map[string]any{"type": "string", "enum": []any{"create_or_update", "create_only", "update_only"}},
		"match_on":       map[string]any{"type": "string", "enum": []any{"phone_e164", "email"}},
		"default_region": str("region for national phone forms when the row has no country"),
		"segment_id":     map[string]any{"type": "integer", "description": "static segment to add every imported contact to"},
		"tags":           str("tags to add to every imported contact, comma-separated"),
		"dry_run":        map[string]any{"type": "boolean", "description": "validate the whole file and answer a preview; write nothing"},
	}),
	"ContactImport": object(nil, map[string]any{
		"id":             map[string]any{"type": "integer"},
		"status":         map[string]any{"type": "string", "enum": []any{"queued", "running", "completed", "failed", "cancelled"}},
		"filename":       str(""),
		"mode":           str(""),
		"match_on":       str(""),
		"encoding":       str("as detected"),
		"delimiter":      str("as detected"),
		"headers":        strList("the file's headers, duplicates numbered"),
		"column_mapping": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		"total_rows":     map[string]any{"type": "integer", "description": "data rows in the file (blank lines not counted)"},
		"processed_rows": map[string]any{"type": "integer", "description": "rows applied so far, committed with each batch"},
		"created":        map[string]any{"type": "integer"},
		"updated":        map[string]any{"type": "integer"},
		"skipped":        map[string]any{"type": "integer"},
		"failed":         map[string]any{"type": "integer", "description": "rows in the error report"},
		"warnings":       map[string]any{"type": "integer", "description": "rows imported after a repair (e.g. Excel scientific notation)"},
		"error":          str("why a failed import stopped"),
		"created_at":     map[string]any{"type": "string", "format": "date-time"},
		"started_at":     map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
		"finished_at":    map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
	}),
	"ContactImportList": listOf("ContactImport"),
	"ImportPreview": object(nil, map[string]any{
		"encoding":          str(""),
		"delimiter":         str(""),
		"headers":           strList(""),
		"suggested_mapping": map[string]any{"type": "object"},
		"column_mapping":    map[string]any{"type": "object", "description": "the mapping the import would use"},
		"rows":              map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"row_number": map[string]any{"type": "integer"}, "contact": ref("Contact"), "errors": map[string]any{"type": "array"}, "warning": str("")}}},
		"summary":           map[string]any{"type": "object", "properties": map[string]any{"rows": map[string]any{"type": "integer"}, "valid": map[string]any{"type": "integer"}, "invalid": map[string]any{"type": "integer"}, "empty": map[string]any{"type": "integer"}, "warnings": map[string]any{"type": "integer"}, "duplicates_in_file": map[string]any{"type": "integer"}}},
	}),
	"Health": object([]string{"status"}, map[string]any{"status": str("ok or unavailable")}),
	"Problem": map[string]any{"type": "object", "required": []any{"type", "title", "status", "code"},
		"properties": map[string]any{
			"type":        str("URI naming the problem"),
			"title":       str(""),
			"status":      map[string]any{"type": "integer"},
			"detail":      str("what went wrong and what to do"),
			"code":        str("stable machine code, e.g. invalid_phone, not_found, conflict"),
			"errors":      map[string]any{"type": "array", "items": object([]string{"field", "code", "message"}, map[string]any{"field": str(""), "code": str(""), "message": str("")})},
			"existing_id": map[string]any{"type": "integer", "description": "the contact a conflict collided with"},
			"request_id":  str("quote it when reporting a problem"),
		}},
}
