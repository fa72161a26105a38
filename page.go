package contactd

// Paging limits shared by every list.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
	// MaxSearchCount caps the count of a search: counting every match of a
	// short query over a million contacts would be slower than the page itself.
	MaxSearchCount = 1000
)

// Page asks for one page of a list, either by number or by cursor. A cursor
// (opaque to clients) is the id after which the page starts; it makes deep
// paging as cheap as the first page.
type Page struct {
	Page    int
	PerPage int
	AfterID int64 // set from a cursor; 0 means use Page
}

// Offset is the row offset of Page when no cursor is used.
func (p Page) Offset() int { return (p.Page - 1) * p.PerPage }

// PageInfo describes the list a page came from.
type PageInfo struct {
	Total       int64
	TotalCapped bool  // Total stopped counting at MaxSearchCount
	NextAfterID int64 // 0 when there is no next page
}
