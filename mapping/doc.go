// Package mapping decides which column of an uploaded contact file becomes
// which contact field: it parses and checks the operator's column_mapping,
// suggests one from the headers when the operator sent none, lays a mapping
// over a file's rows, and undoes what spreadsheets do to phone cells.
//
// # Targets
//
// A mapping sends each source header to a target: a contact field
// (phone_e164, first_name, last_name, email, company, city, country,
// timezone, tags, alt_phones, alt_emails, dnc), custom.<name>, the
// pseudo-target full_name, or ignore. Headers the mapping does not name are
// ignored.
//
// # Several columns, one field
//
// phone_e164, alt_phones, email, alt_emails and tags may each be the target
// of several columns; every other target takes at most one. For phones, per
// row and in file column order, the first non-empty phone_e164 value is the
// primary phone, and when every phone_e164 cell is empty the first non-empty
// alt_phones value takes its place, so a row whose mobile cell is empty but
// whose home phone is set still has a number to call. Every other phone value
// becomes an alt phone. Emails follow the same rule. Tags from every tags
// column are united.
//
// # full_name
//
// full_name is split into first and last name (see SplitFullName), and only
// for rows whose first_name and last_name cells are both empty: when a file
// has "First Name", "Last Name" and "Display Name", the display name fills
// the rows that have no first or last name and changes nothing else.
//
// # What Suggest keeps and drops
//
// Nothing is lost silently: a column Suggest does not recognise becomes
// custom.<slug of its header> (see Slug), as does a recognised column that
// loses to a better one for a single-valued field (Outlook's "Business City"
// when "Home City" is city). Only columns that carry no data of the
// contact's own are ignored: Google's per-row type labels ("Phone 1 - Type":
// "Mobile"), its "Photo" URL, and columns with a blank header.
package mapping
