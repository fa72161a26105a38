package vcard

// Headers are the columns every vCard row has, in this order. The names are
// those of the CSV exports the mapping already knows, so a vCard file gets
// the same suggested mapping as a Google or Outlook CSV of the same people.
var Headers = []string{
	"Full Name", "First Name", "Middle Name", "Last Name", "Nickname", "Organization", "Title",
	"Mobile Phone", "Phone", "Phone (2)", "Phone (3)", "Phone (4)", "Phone (5)",
	"Email", "Email (2)", "Email (3)", "City", "Country", "Categories", "Note", "Birthday", "URL",
}

// Column indexes into a row, matching Headers.
const (
	colFullName = iota
	colFirstName
	colMiddleName
	colLastName
	colNickname
	colOrganization
	colTitle
	colMobile
	colPhone // Phone, then Phone (2) to Phone (5)
	_
	_
	_
	colLastPhone // Phone (5): also holds every phone past the fifth
	colEmail     // Email, then Email (2)
	_
	colLastEmail // Email (3): also holds every email past the third
	colCity
	colCountry
	colCategories
	colNote
	colBirthday
	colURL
	numCols
)

// multiSep joins the values that do not get a column of their own (a
// sixth phone, a fourth email). It is the separator of Google's CSV export,
// which the importer already splits.
const multiSep = " ::: "
