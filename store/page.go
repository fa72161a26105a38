package store

import "github.com/contactd/contactd"

// checkPage refuses a page the API should already have refused, so that a
// store caller cannot ask for an unbounded list.
func checkPage(p contactd.Page) error {
	if p.PerPage <= 0 || p.PerPage > contactd.MaxPerPage || p.Page < 1 {
		return contactd.Errorf(contactd.EInvalidPagination, "page must be at least 1 and per_page between 1 and %d", contactd.MaxPerPage)
	}
	return nil
}
