package api

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/contactd/contactd"
)

func init() { statusOf[contactd.ERateLimited] = http.StatusTooManyRequests }

// RateLimit throttles clients with token buckets: one per API key, and one
// per remote address for requests without a valid key (missing or unknown
// keys, the public endpoints), so that guessing keys is as slow as the
// limit. The buckets live in each server's memory: the limit is per server
// instance. Sharing them through the database would cost a write per
// request, more than the abuse it stops, and the servers hold no other state
// that matters; losing the buckets on a restart only forgives the clients.
type RateLimit struct {
	// Rate is the sustained requests per second; 0 turns limiting off.
	Rate float64
	// Burst is how many requests may come at once (default: one second's).
	Burst int
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
}

func (s *Server) newLimiters() {
	rl := s.opts.RateLimit
	if rl.Rate <= 0 {
		return
	}
	if rl.Now == nil {
		rl.Now = time.Now
	}
	s.keyLimits = newLimiter(rl.Rate, rl.Burst, rl.Now)
	s.addrLimits = newLimiter(rl.Rate, rl.Burst, rl.Now)
}

// limitKey spends a token of the API key's bucket.
func (s *Server) limitKey(w http.ResponseWriter, keyID int64) error {
	if s.keyLimits == nil {
		return nil
	}
	return answerLimit(w, s.keyLimits.take(strconv.FormatInt(keyID, 10), false), "this API key")
}

// limitAddress spends a token of the remote address's bucket, or with peek
// checks that one is left: a request with a key is refused before the key
// is even looked up when its address has used up its bucket on bad keys.
func (s *Server) limitAddress(w http.ResponseWriter, r *http.Request, peek bool) error {
	if s.addrLimits == nil {
		return nil
	}
	return answerLimit(w, s.addrLimits.take(clientAddress(r), peek), "requests without a valid API key from this address")
}

// answerLimit sets the RateLimit headers (draft-ietf-httpapi-ratelimit-
// headers) that every answer carries, and refuses when the bucket is empty.
func answerLimit(w http.ResponseWriter, v verdict, who string) error {
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(v.limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(v.remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(seconds(v.reset)))
	if v.ok {
		return nil
	}
	retry := max(1, seconds(v.retry))
	h.Set("Retry-After", strconv.Itoa(retry))
	return contactd.Errorf(contactd.ERateLimited, "too many requests for %s: at most %d at once; retry after %d s (Retry-After)", who, v.limit, retry)
}

func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// clientAddress is the bucket of an anonymous request: the peer's IP
// address, or its /64 for IPv6, where one host commonly holds the whole
// prefix. Behind a reverse proxy all anonymous requests share the proxy's.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
