package api_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/contactd/contactd/store/storetest"
)

// hostile is one request an attacker, a fuzzer or a broken client might
// send, and the answer it must get: a 4xx problem with a stable code, and
// not one row of the database changed.
type hostile struct {
	name         string
	method, path string
	key          string // admin, write or read
	body         any    // string, []byte, or a value sent as JSON
	headers      []string
	status       int
	code         string
}

// nest wraps inner in n levels of open ... close.
func nest(open, close string, n int, inner string) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

// deepRules is a rule tree of n nested all groups around one condition.
func deepRules(n int) string {
	return nest(`{"all":[`, `]}`, n, `{"field":"city","op":"eq","value":"Pune"}`)
}

// inList is an in condition on city with n values.
func inList(n int) string {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprintf(`"c%d"`, i)
	}
	return `{"field":"city","op":"in","value":[` + strings.Join(vals, ",") + `]}`
}

// part is one field of a multipart body; a file when filename is set.
type part struct {
	name, filename, content string
}

// multipartBody builds a multipart/form-data body and its Content-Type.
// Filenames go into the header exactly as given (no escaping), as a
// hostile client would send them.
func multipartBody(parts ...part) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, p.name, p.filename))
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, p.name))
		}
		w, _ := mw.CreatePart(h)
		io.WriteString(w, p.content)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// upload is a hostile case posting a multipart body to path.
func uploadCase(name, path string, status int, code string, parts ...part) hostile {
	body, ct := multipartBody(parts...)
	return hostile{name: name, method: "POST", path: path, key: "write", body: body, headers: []string{"Content-Type", ct}, status: status, code: code}
}

const csvOK = "Phone,Name\n+919900000077,Zed\n"

// hostileCatalog lists the cases, family by family, aimed at fixture f.
func hostileCatalog(f fixture) []hostile {
	contact := fmt.Sprintf("/api/v1/contacts/%d", f.contactID)
	segment := fmt.Sprintf("/api/v1/contact_segments/%d", f.segmentID)
	const (
		maxInt64  = "9223372036854775807"
		overInt64 = "9223372036854775808"
	)
	cursor := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	megabyteName := `{"phone_e164":"+919911111111","first_name":"` + strings.Repeat("n", 1000000) + `"}`
	segRules := func(rules string) string { return `{"name":"hostile","type":"dynamic","rules":` + rules + `}` }
	exportRules := func(rules string) string { return `{"filters":{"rules":` + rules + `}}` }
	cases := []hostile{
		// Contacts: malformed JSON in every way a body can be wrong.
		{name: "contact/malformed", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164": +91}`, status: 400, code: "bad_request"},
		{name: "contact/truncated", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+9199`, status: 400, code: "bad_request"},
		{name: "contact/truncated after key", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164"`, status: 400, code: "bad_request"},
		{name: "contact/trailing garbage", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111"} garbage`, status: 400, code: "bad_request"},
		{name: "contact/trailing comma", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111",}`, status: 400, code: "bad_request"},
		{name: "contact/duplicate key", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","phone_e164":"+919911111112"}`, status: 400, code: "bad_request"},
		{name: "contact/duplicate key in other case", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","PHONE_E164":"+919911111112"}`, status: 400, code: "bad_request"},
		{name: "contact/duplicate key by long s", method: "PATCH", path: contact, body: "{\"tags\":[\"a\"],\"tag\u017F\":[\"b\"]}", status: 400, code: "bad_request"},
		{name: "contact/duplicate nested key", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":{"a":"1","a":"2"}}`, status: 400, code: "bad_request"},
		{name: "contact/10k nested arrays", method: "POST", path: "/api/v1/contacts", body: `{"first_name":` + nest("[", "]", 10000, "") + `}`, status: 400, code: "bad_request"},
		{name: "contact/10k nested objects in custom_fields", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":` + nest(`{"a":`, `}`, 10000, "1") + `}`, status: 400, code: "bad_request"},
		{name: "contact/nested custom field", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":` + nest(`{"a":`, `}`, 50, "1") + `}`, status: 422, code: "validation_failed"},
		{name: "contact/custom number 1e400", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":{"n":1e400}}`, status: 422, code: "validation_failed"},
		{name: "contact/custom number -1e400", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":{"n":-1e400}}`, status: 422, code: "validation_failed"},
		{name: "contact/custom number 1e-400", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":{"n":1e-400}}`, status: 422, code: "validation_failed"},
		{name: "contact/custom number of 20000 decimals", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":{"n":0.` + strings.Repeat("0", 20000) + `1}}`, status: 422, code: "validation_failed"},
		{name: "contact/custom number of 300 digits", method: "PATCH", path: contact, body: `{"custom_fields":{"n":` + strings.Repeat("9", 300) + `}}`, status: 422, code: "validation_failed"},
		{name: "contact/phone as 1e400", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":1e400}`, status: 422, code: "validation_failed"},
		{name: "contact/tags as object", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","tags":{"a":1}}`, status: 422, code: "validation_failed"},
		{name: "contact/NUL in name", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","first_name":"Ra\u0000hul"}`, status: 422, code: "validation_failed"},
		{name: "contact/NUL in custom field", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":{"x":"a\u0000b"}}`, status: 422, code: "validation_failed"},
		{name: "contact/NUL in custom field name", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","custom_fields":{"a\u0000b":"x"}}`, status: 422, code: "validation_failed"},
		{name: "contact/NUL in tag", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","tags":["v\u0000ip"]}`, status: 422, code: "validation_failed"},
		{name: "contact/RTL override in name", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","first_name":"Ra\u202Elhu"}`, status: 422, code: "validation_failed"},
		{name: "contact/isolate in company", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","company":"\u2067Acme"}`, status: 422, code: "validation_failed"},
		{name: "contact/escape char in city", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","city":"\u001b[31mPune"}`, status: 422, code: "validation_failed"},
		{name: "contact/invalid UTF-8 in name", method: "POST", path: "/api/v1/contacts", body: "{\"phone_e164\":\"+919911111111\",\"first_name\":\"Ra\xffhul\"}", status: 400, code: "bad_request"},
		{name: "contact/overlong UTF-8 slash", method: "POST", path: "/api/v1/contacts", body: "{\"phone_e164\":\"+919911111111\",\"first_name\":\"..\xc0\xaf..\"}", status: 400, code: "bad_request"},
		{name: "contact/surrogate half escaped", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","first_name":"\ud800x"}`, status: 422, code: "validation_failed"},
		{name: "contact/UTF-16 body", method: "POST", path: "/api/v1/contacts", body: "\xff\xfe{\x00}\x00", status: 400, code: "bad_request"},
		{name: "contact/1 MB name", method: "POST", path: "/api/v1/contacts", body: megabyteName, status: 422, code: "validation_failed"},
		{name: "contact/SQL injection as phone", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"'; DROP TABLE contacts; --"}`, status: 422, code: "invalid_phone"},
		{name: "contact/SQL injection as email", method: "POST", path: "/api/v1/contacts", body: `{"phone_e164":"+919911111111","email":"x'--@example.com' OR '1'='1"}`, status: 422, code: "invalid_email"},
		{name: "contact/xml body", method: "POST", path: "/api/v1/contacts", body: `<contact/>`, headers: []string{"Content-Type", "application/xml"}, status: 415, code: "unsupported_media_type"},
		{name: "contact/multipart body", method: "POST", path: "/api/v1/contacts", body: `{}`, headers: []string{"Content-Type", "multipart/form-data; boundary=x"}, status: 415, code: "unsupported_media_type"},
		{name: "contact/garbage content type", method: "POST", path: "/api/v1/contacts", body: `{}`, headers: []string{"Content-Type", ";;;==="}, status: 415, code: "unsupported_media_type"},
		{name: "contact/64 KB content type", method: "POST", path: "/api/v1/contacts", body: `{}`, headers: []string{"Content-Type", "application/" + strings.Repeat("x", 64<<10)}, status: 415, code: "unsupported_media_type"},
		{name: "contact/64 KB api key", method: "GET", path: "/api/v1/contacts", headers: []string{"X-Api-Key", "cdk_1_" + strings.Repeat("a", 64<<10)}, status: 401, code: "unauthorized"},
		{name: "contact/64 KB bearer", method: "GET", path: "/api/v1/contacts", key: "none", headers: []string{"Authorization", "Bearer " + strings.Repeat("b", 64<<10)}, status: 401, code: "unauthorized"},
		{name: "contact/api key id overflow", method: "GET", path: "/api/v1/contacts", key: "none", headers: []string{"X-Api-Key", "cdk_" + overInt64 + "_abcdefabcdefabcdefabcdefabcdef"}, status: 401, code: "unauthorized"},
		{name: "contact/api key negative id", method: "GET", path: "/api/v1/contacts", key: "none", headers: []string{"X-Api-Key", "cdk_-1_abcdefabcdefabcdefabcdefabcdef"}, status: 401, code: "unauthorized"},
		{name: "contact/64 KB If-Match", method: "PATCH", path: contact, body: `{"city":"x"}`, headers: []string{"If-Match", strings.Repeat("9", 64<<10)}, status: 400, code: "bad_request"},
		{name: "contact/If-Match overflow", method: "PATCH", path: contact, body: `{"city":"x"}`, headers: []string{"If-Match", `"` + overInt64 + `"`}, status: 400, code: "bad_request"},
		{name: "contact/If-Match max version", method: "PATCH", path: contact, body: `{"city":"x"}`, headers: []string{"If-Match", `"` + maxInt64 + `"`}, status: 412, code: "precondition_failed"},
		{name: "contact/version overflow", method: "PATCH", path: contact, body: `{"city":"x","version":` + overInt64 + `}`, status: 422, code: "validation_failed"},
		{name: "contact/version negative", method: "PATCH", path: contact, body: `{"city":"x","version":-1}`, status: 422, code: "validation_failed"},
		{name: "contact/version 1e400", method: "PATCH", path: contact, body: `{"city":"x","version":1e400}`, status: 422, code: "validation_failed"},
		{name: "contact/patch NUL", method: "PATCH", path: contact, body: `{"last_name":"\u0000"}`, status: 422, code: "validation_failed"},
		{name: "contact/patch custom field null name", method: "PATCH", path: contact, body: `{"custom_fields":{"id; DROP TABLE contacts":"x"}}`, status: 422, code: "validation_failed"},
		{name: "contact/id overflow", method: "GET", path: "/api/v1/contacts/" + overInt64, status: 400, code: "invalid_id"},
		{name: "contact/id max", method: "GET", path: "/api/v1/contacts/" + maxInt64, status: 404, code: "not_found"},
		{name: "contact/id SQL injection", method: "GET", path: "/api/v1/contacts/1%20OR%201=1", status: 400, code: "invalid_id"},
		{name: "contact/id exponent", method: "DELETE", path: "/api/v1/contacts/1e3", status: 400, code: "invalid_id"},
		{name: "contact/id hex", method: "POST", path: "/api/v1/contacts/0x10/restore", status: 400, code: "invalid_id"},
		{name: "contact/restore max id", method: "POST", path: "/api/v1/contacts/" + maxInt64 + "/restore", status: 404, code: "not_found"},
		{name: "contact/page overflow", method: "GET", path: "/api/v1/contacts?page=" + overInt64, status: 400, code: "invalid_pagination"},
		{name: "contact/per_page overflow", method: "GET", path: "/api/v1/contacts?per_page=" + overInt64, status: 400, code: "invalid_pagination"},
		{name: "contact/per_page exponent", method: "GET", path: "/api/v1/contacts?per_page=1e2", status: 400, code: "invalid_pagination"},
		{name: "contact/cursor overflow", method: "GET", path: "/api/v1/contacts?cursor=" + cursor("c1:"+overInt64), status: 400, code: "invalid_pagination"},
		{name: "contact/cursor negative", method: "GET", path: "/api/v1/contacts?cursor=" + cursor("c1:-5"), status: 400, code: "invalid_pagination"},
		{name: "contact/cursor SQL", method: "GET", path: "/api/v1/contacts?cursor=" + cursor("c1:1 OR 1=1"), status: 400, code: "invalid_pagination"},
		{name: "contact/status injection", method: "GET", path: "/api/v1/contacts?status=active'%20OR%20'1'='1", status: 422, code: "validation_failed"},
		{name: "contact/created_after year 99999", method: "GET", path: "/api/v1/contacts?created_after=99999-01-01", status: 422, code: "validation_failed"},
		{name: "contact/search NUL", method: "GET", path: "/api/v1/contacts?search=a%00b", status: 422, code: "validation_failed"},
		{name: "contact/search invalid UTF-8", method: "GET", path: "/api/v1/contacts?search=%C0%AF%FF", status: 422, code: "validation_failed"},
		{name: "contact/tag NUL", method: "GET", path: "/api/v1/contacts?tag=v%00ip", status: 422, code: "validation_failed"},
		{name: "contact/tag invalid UTF-8", method: "GET", path: "/api/v1/contacts?tag=%FF", status: 422, code: "validation_failed"},
		{name: "contact/rules query duplicate key", method: "GET", path: "/api/v1/contacts?rules=" + url.QueryEscape(`{"field":"city","op":"eq","value":"x","value":"y"}`), key: "read", status: 422, code: "invalid_rule"},
		{name: "contact/rules query NUL", method: "GET", path: "/api/v1/contacts?rules=" + url.QueryEscape(`{"field":"city","op":"eq","value":"a\u0000"}`), key: "read", status: 422, code: "invalid_rule"},
		{name: "contact/rules query invalid UTF-8", method: "GET", path: "/api/v1/contacts?rules=%FF", key: "read", status: 422, code: "invalid_rule"},
		{name: "contact/rules query 1000 deep", method: "GET", path: "/api/v1/contacts?rules=" + url.QueryEscape(deepRules(1000)), key: "read", status: 422, code: "validation_failed"},
		{name: "contact/segment_id query overflow", method: "GET", path: "/api/v1/contacts?segment_id=" + overInt64, key: "read", status: 400, code: "invalid_id"},
		{name: "contact/dnc query maybe", method: "GET", path: "/api/v1/contacts?dnc=maybe", key: "read", status: 422, code: "validation_failed"},
		{name: "contact/delete read key", method: "DELETE", path: contact, key: "read", status: 403, code: "forbidden"},

		// Imports.
		uploadCase("import/no file", "/api/v1/contacts/import", 400, "file_missing", part{name: "mode", content: "create_only"}),
		uploadCase("import/two files", "/api/v1/contacts/import", 400, "too_many_files", part{name: "file", filename: "a.csv", content: csvOK}, part{name: "file", filename: "b.csv", content: csvOK}),
		uploadCase("import/traversal name, empty file", "/api/v1/contacts/import", 422, "empty_file", part{name: "file", filename: "../../etc/passwd", content: ""}),
		uploadCase("import/absolute name, binary file", "/api/v1/contacts/import", 422, "binary_file", part{name: "file", filename: "/etc/shadow", content: "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"}),
		uploadCase("import/windows name, no phone column", "/api/v1/contacts/import", 422, "no_phone_column", part{name: "file", filename: `C:\Windows\System32\drivers\etc\hosts`, content: "Name,City\nZed,Pune\n"}, part{name: "column_mapping", content: `{"Name":"first_name"}`}),
		uploadCase("import/NUL in filename", "/api/v1/contacts/import", 400, "bad_request", part{name: "file", filename: "a\x00.csv", content: csvOK}, part{name: "mode", content: "upsert"}),
		uploadCase("import/file twice after fields", "/api/v1/contacts/import", 400, "too_many_files", part{name: "mode", content: "create_only"}, part{name: "file", filename: "a.csv", content: csvOK}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/field twice", "/api/v1/contacts/import", 400, "bad_request", part{name: "mode", content: "create_only"}, part{name: "mode", content: "update_only"}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/unknown field", "/api/v1/contacts/import", 400, "unknown_field", part{name: "file", filename: "a.csv", content: csvOK}, part{name: "../../etc/passwd", content: "x"}),
		uploadCase("import/segment_id overflow", "/api/v1/contacts/import", 400, "invalid_id", part{name: "segment_id", content: overInt64}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/segment_id negative", "/api/v1/contacts/import", 400, "invalid_id", part{name: "segment_id", content: "-1"}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/segment_id absent", "/api/v1/contacts/import", 404, "not_found", part{name: "segment_id", content: maxInt64}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/dry_run maybe", "/api/v1/contacts/import", 422, "validation_failed", part{name: "dry_run", content: "maybe"}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/region injection", "/api/v1/contacts/import", 422, "validation_failed", part{name: "default_region", content: "IN' OR '1'='1"}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/mapping malformed", "/api/v1/contacts/import", 422, "invalid_mapping", part{name: "column_mapping", content: `{"Phone":`}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/mapping 10k nested", "/api/v1/contacts/import", 422, "invalid_mapping", part{name: "column_mapping", content: nest(`{"a":`, `}`, 10000, `"x"`)}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/mapping SQL field", "/api/v1/contacts/import", 422, "invalid_mapping", part{name: "column_mapping", content: `{"Phone":"id; DROP TABLE contacts"}`}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/mapping duplicate key", "/api/v1/contacts/import", 422, "invalid_mapping", part{name: "column_mapping", content: `{"Phone":"phone_e164","Phone":"email"}`}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/mapping unknown header", "/api/v1/contacts/import", 422, "unknown_header", part{name: "column_mapping", content: `{"../../etc/passwd":"phone_e164"}`}, part{name: "file", filename: "a.csv", content: csvOK}),
		uploadCase("import/dry run empty", "/api/v1/contacts/import", 422, "empty_file", part{name: "dry_run", content: "true"}, part{name: "file", filename: "../x.csv", content: "\xef\xbb\xbf"}),
		uploadCase("import/zip that is no workbook", "/api/v1/contacts/import", 422, "binary_file", part{name: "file", filename: "a.xlsx", content: string(zipOf(map[string]string{"a.txt": "hello"}))}),
		{name: "import/json body", method: "POST", path: "/api/v1/contacts/import", key: "write", body: `{"file":"x"}`, status: 415, code: "unsupported_media_type"},
		{name: "import/no boundary", method: "POST", path: "/api/v1/contacts/import", key: "write", body: "--x\r\n", headers: []string{"Content-Type", "multipart/form-data"}, status: 400, code: "bad_request"},
		{name: "import/truncated multipart", method: "POST", path: "/api/v1/contacts/import", key: "write", body: "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nPhone\n+9199", headers: []string{"Content-Type", "multipart/form-data; boundary=xyz"}, status: 400, code: "bad_request"},
		{name: "import/cancel id overflow", method: "POST", path: "/api/v1/contact-imports/" + overInt64 + "/cancel", status: 400, code: "invalid_id"},
		{name: "import/cancel absent", method: "POST", path: "/api/v1/contact-imports/" + maxInt64 + "/cancel", status: 404, code: "not_found"},
		{name: "import/page overflow", method: "GET", path: "/api/v1/contact-imports?page=" + overInt64, status: 400, code: "invalid_pagination"},
		{name: "import/error report absent", method: "GET", path: "/api/v1/contact-imports/" + maxInt64 + "/error_report", status: 404, code: "not_found"},

		// Exports.
		{name: "export/format exe", method: "POST", path: "/api/v1/contact-exports", body: `{"format":"exe"}`, status: 422, code: "validation_failed"},
		{name: "export/field injection", method: "POST", path: "/api/v1/contact-exports", body: `{"fields":["id; DROP TABLE contacts"]}`, status: 422, code: "validation_failed"},
		{name: "export/segment_id overflow", method: "POST", path: "/api/v1/contact-exports", body: `{"filters":{"segment_id":` + overInt64 + `}}`, status: 422, code: "validation_failed"},
		{name: "export/segment_id negative", method: "POST", path: "/api/v1/contact-exports", body: `{"filters":{"segment_id":-1}}`, status: 422, code: "validation_failed"},
		{name: "export/segment_id absent", method: "POST", path: "/api/v1/contact-exports", body: `{"filters":{"segment_id":` + maxInt64 + `}}`, status: 404, code: "not_found"},
		{name: "export/status injection", method: "POST", path: "/api/v1/contact-exports", body: `{"filters":{"status":"active' OR '1'='1"}}`, status: 422, code: "validation_failed"},
		{name: "export/created_after garbage", method: "POST", path: "/api/v1/contact-exports", body: `{"filters":{"created_after":"yesterday"}}`, status: 422, code: "validation_failed"},
		{name: "export/search NUL", method: "POST", path: "/api/v1/contact-exports", body: `{"filters":{"search":"a\u0000"}}`, status: 422, code: "validation_failed"},
		{name: "export/rules unknown op", method: "POST", path: "/api/v1/contact-exports", body: exportRules(`{"field":"city","op":"regex","value":".*"}`), status: 422, code: "invalid_rule"},
		{name: "export/rules field injection", method: "POST", path: "/api/v1/contact-exports", body: exportRules(`{"field":"id; DROP TABLE contacts","op":"eq","value":"1"}`), status: 422, code: "invalid_rule"},
		{name: "export/rules 1000 deep", method: "POST", path: "/api/v1/contact-exports", body: exportRules(deepRules(1000)), status: 422, code: "invalid_rule"},
		{name: "export/rules 10k deep", method: "POST", path: "/api/v1/contact-exports", body: exportRules(deepRules(10000)), status: 400, code: "bad_request"},
		{name: "export/rules huge in", method: "POST", path: "/api/v1/contact-exports", body: exportRules(inList(5000)), status: 422, code: "invalid_rule"},
		{name: "export/download not ready", method: "GET", path: fmt.Sprintf("/api/v1/contact-exports/%d/download", f.exportID), key: "read", status: 409, code: "conflict"},
		{name: "export/download absent", method: "GET", path: "/api/v1/contact-exports/" + maxInt64 + "/download", key: "read", status: 404, code: "not_found"},

		// Segments and their rules.
		{name: "segment/rules unknown op", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"all":[{"field":"city","op":"like","value":"%"}]}`), status: 422, code: "invalid_rule"},
		{name: "segment/rules field injection", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"all":[{"field":"city) OR 1=1 --","op":"eq","value":"x"}]}`), status: 422, code: "invalid_rule"},
		{name: "segment/rules custom field injection", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"field":"custom.x'); DROP TABLE contacts; --","op":"eq","value":"x"}`), status: 422, code: "invalid_rule"},
		{name: "segment/rules value injection into unknown op", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"field":"city","op":"eq; DROP TABLE contacts","value":"x"}`), status: 422, code: "invalid_rule"},
		{name: "segment/rules 1000 deep", method: "POST", path: "/api/v1/contact_segments", body: segRules(deepRules(1000)), status: 422, code: "invalid_rule"},
		{name: "segment/rules 10k deep", method: "POST", path: "/api/v1/contact_segments", body: segRules(deepRules(10000)), status: 400, code: "bad_request"},
		{name: "segment/rules huge in", method: "POST", path: "/api/v1/contact_segments", body: segRules(inList(20000)), status: 422, code: "invalid_rule"},
		{name: "segment/rules custom 1e400", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"field":"custom.n","op":"gte","value":1e400}`), status: 422, code: "invalid_rule"},
		{name: "segment/rules segment overflow", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"field":"segments","op":"has","value":` + overInt64 + `}`), status: 422, code: "invalid_rule"},
		{name: "segment/rules segment absent", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"field":"segments","op":"has","value":` + maxInt64 + `}`), status: 422, code: "invalid_rule"},
		{name: "segment/rules as string", method: "POST", path: "/api/v1/contact_segments", body: segRules(`"1=1; DROP TABLE contacts"`), status: 422, code: "invalid_rule"},
		{name: "segment/rules duplicate key", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"field":"city","op":"eq","value":"x","value":{"all":[]}}`), status: 400, code: "bad_request"},
		{name: "segment/rules relative time overflow", method: "POST", path: "/api/v1/contact_segments", body: segRules(`{"field":"created_at","op":"gte","value":"now-` + maxInt64 + `d"}`), status: 422, code: "invalid_rule"},
		{name: "segment/dynamic without rules", method: "POST", path: "/api/v1/contact_segments", body: `{"name":"x","type":"dynamic"}`, status: 422, code: "validation_failed"},
		{name: "segment/type injection", method: "POST", path: "/api/v1/contact_segments", body: `{"name":"x","type":"static' OR '1'='1"}`, status: 422, code: "validation_failed"},
		{name: "segment/name NUL", method: "POST", path: "/api/v1/contact_segments", body: `{"name":"a\u0000b"}`, status: 422, code: "validation_failed"},
		{name: "segment/name 1 MB", method: "POST", path: "/api/v1/contact_segments", body: `{"name":"` + strings.Repeat("s", 1000000) + `"}`, status: 422, code: "validation_failed"},
		{name: "segment/description NUL", method: "POST", path: "/api/v1/contact_segments", body: `{"name":"d","description":"a\u0000b"}`, status: 422, code: "validation_failed"},
		{name: "segment/patch name RTL", method: "PATCH", path: segment, body: `{"name":"\u202Eexif"}`, status: 422, code: "validation_failed"},
		{name: "segment/name taken", method: "POST", path: "/api/v1/contact_segments", body: `{"name":"fixture"}`, status: 409, code: "conflict"},
		{name: "segment/members overflow", method: "POST", path: segment + "/contacts", body: `{"contact_ids":[` + overInt64 + `]}`, status: 422, code: "validation_failed"},
		{name: "segment/members 1e400", method: "POST", path: segment + "/contacts", body: `{"contact_ids":[1e400]}`, status: 422, code: "validation_failed"},
		{name: "segment/members negative", method: "POST", path: segment + "/contacts", body: `{"contact_ids":[-1,0]}`, status: 422, code: "validation_failed"},
		{name: "segment/members empty", method: "POST", path: segment + "/contacts", body: `{"contact_ids":[]}`, status: 422, code: "validation_failed"},
		{name: "segment/members too many", method: "POST", path: segment + "/contacts", body: `{"contact_ids":[` + strings.TrimSuffix(strings.Repeat("1,", 10001), ",") + `]}`, status: 422, code: "validation_failed"},
		{name: "segment/remove members as string", method: "DELETE", path: segment + "/contacts", body: `{"contact_ids":"1,2"}`, status: 422, code: "validation_failed"},
		{name: "segment/patch rules of static", method: "PATCH", path: segment, body: `{"rules":{"field":"city","op":"eq","value":"x"}}`, status: 422, code: "validation_failed"},
		{name: "segment/page negative", method: "GET", path: segment + "/contacts?page=-1", key: "read", status: 400, code: "invalid_pagination"},

		// Duplicates and merge.
		{name: "merge/into itself", method: "POST", path: contact + "/merge", body: fmt.Sprintf(`{"secondary_ids":[%d]}`, f.contactID), status: 422, code: "validation_failed"},
		{name: "merge/no secondaries", method: "POST", path: contact + "/merge", body: `{"secondary_ids":[]}`, status: 422, code: "validation_failed"},
		{name: "merge/secondary overflow", method: "POST", path: contact + "/merge", body: `{"secondary_ids":[` + overInt64 + `]}`, status: 422, code: "validation_failed"},
		{name: "merge/secondary negative", method: "POST", path: contact + "/merge", body: `{"secondary_ids":[-1]}`, status: 422, code: "validation_failed"},
		{name: "merge/secondary 2^63 as float", method: "POST", path: contact + "/merge", body: `{"secondary_ids":[9.223372036854775808e18]}`, status: 422, code: "validation_failed"},
		{name: "merge/secondary absent", method: "POST", path: contact + "/merge", body: `{"secondary_ids":[` + maxInt64 + `]}`, status: 404, code: "not_found"},
		{name: "merge/too many", method: "POST", path: contact + "/merge", body: `{"secondary_ids":[` + strings.TrimSuffix(strings.Repeat("7,", 5000), ",") + `]}`, status: 422, code: "validation_failed"},
		{name: "merge/primary absent", method: "POST", path: "/api/v1/contacts/" + maxInt64 + "/merge", body: `{"secondary_ids":[1]}`, status: 404, code: "not_found"},
		{name: "unmerge/not merged", method: "POST", path: contact + "/unmerge", body: `{}`, status: 404, code: "not_found"},
		{name: "dismiss/one id", method: "POST", path: "/api/v1/contacts/duplicates/dismiss", body: fmt.Sprintf(`{"contact_ids":[%d]}`, f.contactID), status: 422, code: "validation_failed"},
		{name: "dismiss/ids overflow", method: "POST", path: "/api/v1/contacts/duplicates/dismiss", body: `{"contact_ids":[1,` + overInt64 + `]}`, status: 422, code: "validation_failed"},
		{name: "duplicates/per_page overflow", method: "GET", path: "/api/v1/contacts/duplicates?per_page=" + overInt64, key: "read", status: 400, code: "invalid_pagination"},

		// DNC.
		{name: "dnc/SQL as phone", method: "POST", path: "/api/v1/dnc", body: `{"phone_e164":"'; DELETE FROM dnc_entries; --"}`, status: 422, code: "invalid_phone"},
		{name: "dnc/phone and prefix", method: "POST", path: "/api/v1/dnc", body: `{"phone_e164":"+919911111111","prefix":"+9199"}`, status: 422, code: "validation_failed"},
		{name: "dnc/prefix garbage", method: "POST", path: "/api/v1/dnc", body: `{"prefix":"+%"}`, status: 422, code: "validation_failed"},
		{name: "dnc/prefix plus only", method: "POST", path: "/api/v1/dnc", body: `{"prefix":"+"}`, status: 422, code: "validation_failed"},
		{name: "dnc/expires garbage", method: "POST", path: "/api/v1/dnc", body: `{"phone_e164":"+919911111111","expires_at":"tomorrow"}`, status: 422, code: "validation_failed"},
		{name: "dnc/reason NUL", method: "POST", path: "/api/v1/dnc", body: `{"phone_e164":"+919911111111","reason":"a\u0000"}`, status: 422, code: "validation_failed"},
		{name: "dnc/unknown list", method: "POST", path: "/api/v1/dnc", body: `{"phone_e164":"+919911111111","list":"x' OR '1'='1"}`, status: 404, code: "not_found"},
		{name: "dnc/channel bogus", method: "POST", path: "/api/v1/dnc", body: `{"phone_e164":"+919911111111","channel":"pigeon"}`, status: 422, code: "validation_failed"},
		{name: "dnc/list max_age overflow", method: "POST", path: "/api/v1/dnc/lists", key: "admin", body: `{"name":"n","region":"IN","max_age_days":` + overInt64 + `}`, status: 422, code: "validation_failed"},
		{name: "dnc/list max_age negative", method: "POST", path: "/api/v1/dnc/lists", key: "admin", body: `{"name":"n","region":"IN","max_age_days":-1}`, status: 422, code: "validation_failed"},
		{name: "dnc/list name RTL", method: "POST", path: "/api/v1/dnc/lists", key: "admin", body: `{"name":"\u202Egnp","region":"IN"}`, status: 422, code: "validation_failed"},
		{name: "dnc/remove id overflow", method: "DELETE", path: "/api/v1/dnc/" + overInt64, status: 400, code: "invalid_id"},
		{name: "dnc/remove absent", method: "DELETE", path: "/api/v1/dnc/" + maxInt64, status: 404, code: "not_found"},
		{name: "dnc/opt out channel", method: "POST", path: contact + "/dnc", body: `{"channel":"telepathy"}`, status: 422, code: "validation_failed"},
		{name: "dnc/opt out absent", method: "POST", path: "/api/v1/contacts/" + maxInt64 + "/dnc", body: `{}`, status: 404, code: "not_found"},
		uploadCase("dnc/import no file", "/api/v1/dnc/import", 400, "file_missing", part{name: "reason", content: "x"}),
		uploadCase("dnc/import two files", "/api/v1/dnc/import", 400, "too_many_files", part{name: "file", filename: "a.txt", content: "+919911111111\n"}, part{name: "file", filename: "../../b.txt", content: "+919911111112\n"}),
		uploadCase("dnc/import traversal empty", "/api/v1/dnc/import", 422, "empty_file", part{name: "file", filename: "../../../../etc/passwd", content: ""}),
		uploadCase("dnc/import unknown field", "/api/v1/dnc/import", 400, "unknown_field", part{name: "file", filename: "a.txt", content: "+919911111111\n"}, part{name: "x", content: "y"}),

		// Consents.
		{name: "consent/channel bogus", method: "POST", path: contact + "/consents", body: `{"channel":"fax","status":"granted","source":"web"}`, status: 422, code: "validation_failed"},
		{name: "consent/status bogus", method: "POST", path: contact + "/consents", body: `{"channel":"voice","status":"maybe","source":"web"}`, status: 422, code: "validation_failed"},
		{name: "consent/captured_at garbage", method: "POST", path: contact + "/consents", body: `{"channel":"voice","status":"granted","source":"web","captured_at":"1e400"}`, status: 422, code: "validation_failed"},
		{name: "consent/proof 1 MB", method: "POST", path: contact + "/consents", body: `{"channel":"voice","status":"granted","source":"web","proof":"` + strings.Repeat("p", 1000000) + `"}`, status: 422, code: "validation_failed"},
		{name: "consent/source NUL", method: "POST", path: contact + "/consents", body: `{"channel":"voice","status":"granted","source":"w\u0000"}`, status: 422, code: "validation_failed"},
		{name: "consent/absent contact", method: "POST", path: "/api/v1/contacts/" + maxInt64 + "/consents", body: `{"channel":"voice","status":"granted","source":"web"}`, status: 404, code: "not_found"},

		// Compliance checks.
		{name: "compliance/nothing to check", method: "POST", path: "/api/v1/compliance/check", body: `{}`, status: 422, code: "validation_failed"},
		{name: "compliance/ids overflow", method: "POST", path: "/api/v1/compliance/check", body: `{"contact_ids":[` + overInt64 + `]}`, status: 422, code: "validation_failed"},
		{name: "compliance/at garbage", method: "POST", path: "/api/v1/compliance/check", body: `{"phones":["+919911111111"],"at":"now-ish"}`, status: 422, code: "validation_failed"},
		{name: "compliance/channel bogus", method: "POST", path: "/api/v1/compliance/check", body: `{"phones":["+919911111111"],"channel":"smoke"}`, status: 422, code: "validation_failed"},
		{name: "compliance/segment negative", method: "POST", path: "/api/v1/compliance/check", body: `{"segment_id":-1}`, status: 422, code: "validation_failed"},
		{name: "compliance/segment absent", method: "POST", path: "/api/v1/compliance/check.csv", body: `{"segment_id":` + maxInt64 + `}`, status: 404, code: "not_found"},
		{name: "compliance/phones and ids", method: "POST", path: "/api/v1/compliance/check.csv", body: `{"phones":["+919911111111"],"contact_ids":[1]}`, status: 422, code: "validation_failed"},

		// Privacy and erasure.
		{name: "privacy/hard delete unconfirmed", method: "DELETE", path: contact + "/hard_delete", key: "admin", status: 428, code: "precondition_required"},
		{name: "privacy/hard delete wrong confirm", method: "DELETE", path: contact + "/hard_delete?confirm=" + maxInt64, key: "admin", status: 400, code: "bad_request"},
		{name: "privacy/hard delete confirm overflow", method: "DELETE", path: contact + "/hard_delete?confirm=" + overInt64, key: "admin", status: 400, code: "bad_request"},
		{name: "privacy/hard delete write key", method: "DELETE", path: contact + fmt.Sprintf("/hard_delete?confirm=%d", f.contactID), key: "write", status: 403, code: "forbidden"},
		{name: "privacy/gdpr absent", method: "DELETE", path: "/api/v1/contacts/" + maxInt64 + "/gdpr_delete", status: 404, code: "not_found"},
		{name: "privacy/gdpr id overflow", method: "DELETE", path: "/api/v1/contacts/" + overInt64 + "/gdpr_delete", status: 400, code: "invalid_id"},
		{name: "privacy/data export absent", method: "GET", path: "/api/v1/contacts/" + maxInt64 + "/data_export", key: "read", status: 404, code: "not_found"},
		{name: "privacy/requests page overflow", method: "GET", path: "/api/v1/privacy_requests?page=" + overInt64, key: "read", status: 400, code: "invalid_pagination"},

		// API keys and the workspace.
		{name: "api_keys/role bogus", method: "POST", path: "/api/v1/api_keys", key: "admin", body: `{"role":"superadmin"}`, status: 422, code: "validation_failed"},
		{name: "api_keys/role injection", method: "POST", path: "/api/v1/api_keys", key: "admin", body: `{"role":"admin' OR '1'='1"}`, status: 422, code: "validation_failed"},
		{name: "api_keys/expires garbage", method: "POST", path: "/api/v1/api_keys", key: "admin", body: `{"role":"read","expires_at":"tomorrow"}`, status: 422, code: "validation_failed"},
		{name: "api_keys/expires in the past", method: "POST", path: "/api/v1/api_keys", key: "admin", body: `{"role":"read","expires_at":"2001-01-01T00:00:00Z"}`, status: 422, code: "validation_failed"},
		{name: "api_keys/expires year 10000", method: "POST", path: "/api/v1/api_keys", key: "admin", body: `{"role":"read","expires_at":"10000-01-01T00:00:00Z"}`, status: 422, code: "validation_failed"},
		{name: "api_keys/name NUL", method: "POST", path: "/api/v1/api_keys", key: "admin", body: `{"role":"read","name":"k\u0000"}`, status: 422, code: "validation_failed"},
		{name: "api_keys/name 1 MB", method: "POST", path: "/api/v1/api_keys", key: "admin", body: `{"role":"read","name":"` + strings.Repeat("k", 1000000) + `"}`, status: 422, code: "validation_failed"},
		{name: "api_keys/write key", method: "POST", path: "/api/v1/api_keys", key: "write", body: `{"role":"admin"}`, status: 403, code: "forbidden"},
		{name: "api_keys/revoke overflow", method: "DELETE", path: "/api/v1/api_keys/" + overInt64, key: "admin", status: 400, code: "invalid_id"},
		{name: "api_keys/revoke absent", method: "DELETE", path: "/api/v1/api_keys/" + maxInt64, key: "admin", status: 404, code: "not_found"},
		{name: "workspace/region bogus", method: "PATCH", path: "/api/v1/workspace", key: "admin", body: `{"default_region":"ZZ"}`, status: 422, code: "validation_failed"},
		{name: "workspace/window 25:00", method: "PATCH", path: "/api/v1/workspace", key: "admin", body: `{"calling_window":{"start":"25:00","end":"21:00"}}`, status: 422, code: "validation_failed"},
		{name: "workspace/consent as string", method: "PATCH", path: "/api/v1/workspace", key: "admin", body: `{"require_consent":"yes"}`, status: 422, code: "validation_failed"},
		{name: "workspace/name 1 MB", method: "PATCH", path: "/api/v1/workspace", key: "admin", body: `{"name":"` + strings.Repeat("w", 1000000) + `"}`, status: 422, code: "validation_failed"},
		{name: "workspace/name NUL", method: "PATCH", path: "/api/v1/workspace", key: "admin", body: `{"name":"a\u0000"}`, status: 422, code: "validation_failed"},

		// Audit.
		{name: "audit/contact_id negative", method: "GET", path: "/api/v1/audit_events?contact_id=-1", key: "read", status: 400, code: "invalid_id"},
		{name: "audit/contact_id overflow", method: "GET", path: "/api/v1/audit_events?contact_id=" + overInt64, key: "read", status: 400, code: "invalid_id"},
		{name: "audit/contact_id injection", method: "GET", path: "/api/v1/audit_events?contact_id=1%20OR%201=1", key: "read", status: 400, code: "invalid_id"},
		{name: "audit/action NUL", method: "GET", path: "/api/v1/audit_events?action=a%00", key: "read", status: 422, code: "validation_failed"},
		{name: "audit/action invalid UTF-8", method: "GET", path: "/api/v1/audit_events?action=%FF", key: "read", status: 422, code: "validation_failed"},
		{name: "audit/cursor overflow", method: "GET", path: "/api/v1/audit_events?cursor=" + cursor("c1:"+overInt64), key: "read", status: 400, code: "invalid_pagination"},
	}
	return cases
}

// Every hostile request gets its 4xx with a stable code, and leaves every
// table of the database exactly as it was.
func TestHostileRequests(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			h := newHostileEnv(t, engine)
			f := newFixture(t, h.env)
			cases := hostileCatalog(f)
			if len(cases) < 70 {
				t.Fatalf("only %d cases", len(cases))
			}
			keys := map[string]string{"admin": h.admin, "write": h.write, "read": h.read, "": h.write, "none": ""}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					he := *h.env
					he.t = t
					before := h.snapshot(t)
					r := he.do(tc.method, tc.path, keys[tc.key], tc.body, tc.headers...)
					if tc.code == "" {
						if r.status != tc.status {
							t.Errorf("status %d, want %d: %.300s", r.status, tc.status, r.body)
						}
						return
					}
					checkProblem(t, r, tc.status, tc.code)
					if changed := before.diff(h.snapshot(t)); len(changed) > 0 {
						t.Errorf("a refused request changed the database:\n%s", strings.Join(changed, "\n"))
					}
				})
			}
			if entries, _ := os.ReadDir(h.tempDir); len(entries) > 0 {
				t.Errorf("uploads left in the temporary folder: %v", entries)
			}
		})
	}
}
