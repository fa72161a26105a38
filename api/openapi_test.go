package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/contactd/contactd/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The OpenAPI document is pinned: a change to the API shows up as a diff of
// testdata/openapi.json in review. Regenerate with go test ./api -update.
func TestOpenAPIGolden(t *testing.T) {
	e := newEnv(t, store.SQLite)
	r := e.do("GET", "/api/v1/openapi.json", e.read, nil)
	if r.status != 200 {
		t.Fatalf("openapi: %d %s", r.status, r.body)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]any)
	for _, rt := range routes(e) {
		item, ok := paths[rt.Pattern].(map[string]any)
		if !ok || item[strings.ToLower(rt.Method)] == nil {
			t.Errorf("route %s %s is not documented", rt.Method, rt.Pattern)
		}
	}
	// Every $ref must resolve.
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, ref := range refsIn(doc) {
		if _, ok := schemas[strings.TrimPrefix(ref, "#/components/schemas/")]; !ok {
			t.Errorf("dangling $ref %s", ref)
		}
	}
	golden := "testdata/openapi.json"
	if *update {
		if err := os.WriteFile(golden, r.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./api -update)", err)
	}
	if !bytes.Equal(r.body, want) {
		t.Errorf("openapi.json differs from %s; if the change is meant, run go test ./api -run OpenAPI -update and review the diff", golden)
	}
}

func refsIn(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "$ref" {
				out = append(out, s)
			}
			out = append(out, refsIn(val)...)
		}
	case []any:
		for _, val := range x {
			out = append(out, refsIn(val)...)
		}
	}
	return out
}
