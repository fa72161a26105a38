package contactd

import "time"

// IdempotencyTTL is how long a stored answer to an Idempotency-Key is kept:
// a retry within it gets the first answer again; after it the key is free.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKey is the longest Idempotency-Key accepted, in bytes.
const MaxIdempotencyKey = 255

// IdempotentRequest is one use of an Idempotency-Key by one API key: the
// request it named and, once that finished, the answer to replay. Status 0
// means the first request is still running.
type IdempotentRequest struct {
	Key    string
	Method string
	Path   string // path and query
	// BodySHA256 is the hash of the request body, filled when the answer is
	// stored; a retry whose body hashes differently reuses the key wrongly.
	BodySHA256  string
	Status      int
	ContentType string
	Location    string
	Body        []byte
	CreatedAt   time.Time
	// Token tells the claim that this server holds from a later one that
	// took over a claim left by a crashed server.
	Token string
}
