package api

import (
	"net/http"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
)

func init() { statusOf[contactd.ETooManyImports] = http.StatusTooManyRequests }

// importRetryAfter is the Retry-After of too_many_imports, in seconds: when
// a place frees depends on the imports ahead, so it is a polite interval.
const importRetryAfter = "30"

// checkActiveImports refuses an import before its file is stored when the
// workspace is already at MaxActiveImports. The store checks again in the
// transaction that creates the import, where racing uploads are settled.
func (s *Server) checkActiveImports(w http.ResponseWriter, r *http.Request) error {
	max := s.opts.MaxActiveImports
	if max <= 0 {
		return nil
	}
	n, err := s.store.ActiveImports(r.Context())
	if err != nil {
		return err
	}
	if n >= max {
		w.Header().Set("Retry-After", importRetryAfter)
		return store.TooManyImports(max)
	}
	return nil
}
