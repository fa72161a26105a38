package api

import (
	"fmt"
	"testing"
	"time"
)

func TestTokenBucket(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(10, 5, func() time.Time { return now })
	for i := 4; i >= 0; i-- {
		if v := l.take("a", false); !v.ok || v.remaining != i || v.limit != 5 {
			t.Fatalf("take %d: %+v", i, v)
		}
	}
	v := l.take("a", false)
	if v.ok || v.retry != 100*time.Millisecond || v.reset != 500*time.Millisecond {
		t.Fatalf("empty bucket: %+v", v)
	}
	if v := l.take("a", true); v.ok {
		t.Fatalf("peek at an empty bucket: %+v", v)
	}
	now = now.Add(250 * time.Millisecond)
	if v := l.take("a", true); !v.ok || v.remaining != 2 {
		t.Fatalf("peek after refill: %+v", v)
	}
	if v := l.take("a", true); !v.ok || v.remaining != 2 {
		t.Fatalf("a peek spent a token: %+v", v)
	}
	if v := l.take("never-seen", true); !v.ok || l.size() != 1 {
		t.Fatalf("a peek made a bucket: %+v, %d buckets", v, l.size())
	}
	now = now.Add(time.Hour)
	if v := l.take("a", false); !v.ok || v.remaining != 4 {
		t.Fatalf("refilled past the burst: %+v", v)
	}
}

// Full buckets are forgotten, so memory follows the clients active in the
// last minute; past maxBuckets new clients share one bucket.
func TestTokenBucketEviction(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(1, 2, func() time.Time { return now })
	for i := range 1000 {
		l.take(fmt.Sprint(i), false)
	}
	if l.size() != 1000 {
		t.Fatalf("%d buckets", l.size())
	}
	now = now.Add(sweepEvery)
	l.take("x", false)
	if l.size() != 1 {
		t.Fatalf("%d buckets after a minute idle, want 1", l.size())
	}
	for i := range maxBuckets + 10 {
		l.take(fmt.Sprint(i), false)
	}
	if l.size() > maxBuckets+1 {
		t.Fatalf("%d buckets, over the bound %d", l.size(), maxBuckets)
	}
	for range 2 {
		l.take("new-1", false)
	}
	if v := l.take("new-2", false); v.ok {
		t.Fatalf("clients past the bound do not share a bucket: %+v", v)
	}
}
