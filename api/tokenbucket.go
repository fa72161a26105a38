package api

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per client (an API key or an
// address). Each holds up to burst tokens, refills at rate per second, and a
// request takes one. It lives in the server's memory: see RateLimit.
type limiter struct {
	rate, burst float64
	now         func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// maxBuckets bounds the limiter's memory (about 100 bytes a bucket). Past
// it, clients without a bucket share one, so a flood of new addresses
// throttles itself rather than the server's memory.
const maxBuckets = 100_000

// overflowBucket is the one those clients share.
const overflowBucket = "\x00overflow"

// sweepEvery is how often full buckets are dropped.
const sweepEvery = time.Minute

// verdict is a limiter's answer for one request.
type verdict struct {
	ok        bool
	limit     int           // the burst
	remaining int           // whole tokens left
	reset     time.Duration // until the bucket is full again
	retry     time.Duration // until one token is back (when !ok)
}

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	if burst < 1 {
		burst = max(1, int(math.Ceil(rate)))
	}
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// take spends a token of client's bucket if it has one. With peek it only
// looks: the answer says whether a request would pass.
func (l *limiter) take(client string, peek bool) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b := l.buckets[client]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			client = overflowBucket
			b = l.buckets[client]
		}
		if b == nil {
			b = &bucket{tokens: l.burst, at: now}
			if !peek {
				l.buckets[client] = b
			}
		}
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.at = now
	}
	v := verdict{ok: b.tokens >= 1, limit: int(l.burst)}
	if v.ok && !peek {
		b.tokens--
	}
	if !v.ok {
		v.retry = l.duration(1 - b.tokens)
	}
	v.remaining = int(math.Floor(b.tokens))
	v.reset = l.duration(l.burst - b.tokens)
	return v
}

// sweep drops the buckets that are full again: a full bucket is the same as
// none, so forgetting it changes nothing for its client. It runs once a
// minute, or once a second while the map is at its bound (not on every
// request: a sweep walks every bucket).
func (l *limiter) sweep(now time.Time) {
	since := now.Sub(l.swept)
	if since < sweepEvery && (len(l.buckets) < maxBuckets || since < time.Second) {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

func (l *limiter) duration(tokens float64) time.Duration {
	if tokens <= 0 {
		return 0
	}
	return time.Duration(tokens / l.rate * float64(time.Second))
}

// size is the number of buckets held, for tests.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
