package phone

import (
	"sync"
	"testing"
)

// TestNormalizeConcurrent runs Normalize from several goroutines, as bulk
// imports do; under -race it checks neither this package nor the library's
// caches race, and the answers match sequential ones.
func TestNormalizeConcurrent(t *testing.T) {
	want := make([]Number, len(benchInputs))
	for i, in := range benchInputs {
		want[i], _ = Normalize(in.raw, in.region)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				for i, in := range benchInputs {
					if got, _ := Normalize(in.raw, in.region); !equalNumber(got, want[i]) {
						t.Errorf("Normalize(%q, %q) = %+v concurrently, %+v alone", in.raw, in.region, got, want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
