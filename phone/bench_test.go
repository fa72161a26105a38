package phone

import "testing"

// benchInputs is a mix of how numbers arrive in imports: international,
// national with and without trunk prefix, IDD prefixes, punctuation, an
// extension, non-ASCII digits and a refusal.
var benchInputs = []struct{ raw, region string }{
	{"+91 99000 00001", ""},
	{"09900000001", "IN"},
	{"9876543210", "IN"},
	{"0091 9900000001", "GB"},
	{"+1 (212) 555-1234", ""},
	{"212-555-1234", "US"},
	{"1-415-555-2671 x12", "US"},
	{"011 44 7400 123456", "US"},
	{"07400 123456", "GB"},
	{"+44 (0)20 7946 0958", ""},
	{"+९१ ९९०००००००१", ""},
	{"+91 12345", ""},
}

// fastForms are the written forms the fast path is for, one number each.
var fastForms = []struct{ name, raw, region string }{
	{"e164", "+919900000001", ""},
	{"intl-spaced", "+91 99000-00001", ""},
	{"nanp-paren", "(212) 555-1234", "US"},
	{"national-trunk-IN", "09900000001", "IN"},
	{"national-trunk-GB", "07400 123456", "GB"},
	{"national-IN", "9900000001", "IN"},
	{"landline-IN", "022 2345 6789", "IN"},
	{"idd-00", "0091 99000 00001", ""},
	{"idd-00-GB", "00 44 7400 123456", "GB"},
	{"idd-011", "011 44 7400 123456", "US"},
	{"intl-trunk-paren", "+44 (0)7400 123456", ""},
	{"nanp-e164", "+12125551234", ""},
}

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	fast := 0
	for _, in := range benchInputs {
		if _, ok := fastOnly(in.raw, in.region); ok {
			fast++
		}
	}
	b.ReportMetric(float64(fast)/float64(len(benchInputs)), "fast-fraction")
	for i := 0; b.Loop(); i++ {
		in := benchInputs[i%len(benchInputs)]
		_, _ = Normalize(in.raw, in.region)
	}
}

// BenchmarkNormalizeLibrary is BenchmarkNormalize without the fast path:
// what Normalize cost before it.
func BenchmarkNormalizeLibrary(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := benchInputs[i%len(benchInputs)]
		_, _ = normalize(in.raw, in.region, false)
	}
}

// BenchmarkNormalizeEach breaks the mix down so a regression can be traced
// to a form.
func BenchmarkNormalizeEach(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.region+"/"+in.raw, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Normalize(in.raw, in.region)
			}
		})
	}
}

// BenchmarkFastPath times Normalize on each form the fast path is for,
// next to the library path on the same input.
func BenchmarkFastPath(b *testing.B) {
	loadFastTables() // not part of any form's cost
	for _, f := range fastForms {
		if _, ok := fastOnly(f.raw, f.region); !ok {
			b.Fatalf("%s: fast path declines %q in %q", f.name, f.raw, f.region)
		}
		b.Run(f.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Normalize(f.raw, f.region)
			}
		})
		b.Run(f.name+"/library", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = normalize(f.raw, f.region, false)
			}
		})
	}
}

// BenchmarkNormalizeParallel shows how imports that normalize on several
// goroutines scale; the library serializes on its regexp cache's RWMutex.
func BenchmarkNormalizeParallel(b *testing.B) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			in := benchInputs[i%len(benchInputs)]
			_, _ = Normalize(in.raw, in.region)
		}
	})
}

// BenchmarkBuildFastTables is the one-off cost of the first Normalize.
func BenchmarkBuildFastTables(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		buildFastTables()
	}
}
