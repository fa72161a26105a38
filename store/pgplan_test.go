package store_test

import (
	"context"
	"testing"

	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// PostgreSQL connections plan every statement for its parameters: a generic
// plan of a search cannot use the trigram index (see withCustomPlans).
func TestPostgresPlansForParameters(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		if engine != store.Postgres {
			continue
		}
		db := storetest.Open(t, engine)
		mode, err := db.Setting(context.Background(), "plan_cache_mode")
		if err != nil || mode != "force_custom_plan" {
			t.Fatalf("plan_cache_mode = %q, %v", mode, err)
		}
	}
}
