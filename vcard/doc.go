// Package vcard reads a vCard file (.vcf: versions 2.1, 3.0 and 4.0) as rows
// under fixed [Headers], so that the import pipeline that maps the columns
// of a CSV to contact fields takes the phone books people export from
// Apple, Google, Android, Outlook and Thunderbird as they are.
//
// Files run to hundreds of megabytes, mostly photos, so cards are read one
// at a time, and a property no column wants (PHOTO, LOGO, SOUND, KEY and
// every other) streams past unstored, however long.
//
// A card becomes one row: FN, N, NICKNAME, ORG, TITLE, BDAY and URL fill
// their columns (the first that is not empty counts); NOTE and CATEGORIES
// gather every value; the first cell phone (by TYPE, or by an Apple or
// Google item label) is Mobile Phone and the other TELs fill Phone to Phone
// (5) in file order; EMAILs go preferred first; City and Country come from
// one ADR. Values past the last phone or email column are joined into it
// with " ::: ", so nothing is lost. A card with nothing in it is still a
// row: the importer reports it, and the operator sees it went nowhere.
//
// Text is UTF-8 by default; UTF-16 (with or without a byte-order mark) is
// decoded first; a file that is not UTF-8 is Windows-1252; a CHARSET
// parameter names the code page of one value. What does not fit its
// claimed charset is read byte by byte, never as U+FFFD (see decodeText).
//
// The package is lenient where real files demand it: blank lines
// anywhere, a second BOM or a Ctrl-Z between cards (files joined with cat
// or Windows' copy), folding inside a property name, raw line breaks inside
// a value (Thunderbird writes a bare CR in one), 2.1 base64 blocks that are
// not indented, and a 2.1 AGENT holding a whole card. It is strict about
// the card structure, since a card that never ends or text between cards
// means the file was cut or pasted together and contacts could silently
// go missing.
package vcard
