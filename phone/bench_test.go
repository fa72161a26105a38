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

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := benchInputs[i%len(benchInputs)]
		_, _ = Normalize(in.raw, in.region)
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
