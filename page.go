package contactd

// Paging limits shared by every list.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
	// MaxSearchCount caps the count of a contact search: counting every
	// match of a common term over a million contacts would be slower than
	// the page itself. The count costs PostgreSQL a table fetch per match
	// it verifies (or a walk to the cap), so the cap is what a search pays:
	// 1,000 cost a term that 1% of a million contacts share 20-40 ms on
	// PostgreSQL, 200 cost 4-8 ms. 200 is four default pages; past it the
	// answer is "200 or more" (total_capped) and pages go on by cursor.
	MaxSearchCount = 200
	// MaxListCount caps the counts of the other lists that can grow huge:
	// the duplicate queue and the members of a segment.
	MaxListCount = 1000
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
	TotalCapped bool  // Total stopped counting at MaxSearchCount or MaxListCount
	NextAfterID int64 // 0 when there is no next page
}
