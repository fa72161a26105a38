package mapping

import (
	"strconv"
	"strings"
	"unicode"
)

// candidate is what one header looks like to Suggest: the target it would
// feed, and its rank among columns competing for that target (lower wins;
// ties go to the leftmost column). target is "" for a header Suggest does not
// recognise.
type candidate struct {
	target string
	rank   int
}

// Phone ranks. Outbound calling reaches people on their mobiles, so a mobile
// column is the primary phone whenever the file has one.
const (
	rankMobile   = 0
	rankWhatsApp = 1 // a WhatsApp number is a mobile, but a second choice to one labelled mobile
	rankGeneric  = 2 // "Phone", "Primary Phone", "Phone 1 - Value"
	rankWork     = 3
	rankHome     = 4
	rankOther    = 5
)

// exactKeys are headers recognised whole, as HeaderKey folds them. They
// cover the name, company, tag, DNC and time-zone headers of Google
// Contacts, Outlook, HubSpot, Mailchimp, Salesforce, Zoho and Thunderbird
// exports and their common synonyms. Phones, emails, cities and countries
// come in too many shapes ("Business Phone 2", "E-mail 3 Address", "Address
// 1 - City") for a list; classifyTokens handles them.
var exactKeys = map[string]candidate{
	"first name": {FirstName, 0}, "firstname": {FirstName, 0}, "given name": {FirstName, 0},
	"forename": {FirstName, 1}, "fname": {FirstName, 1}, "first": {FirstName, 2}, "given": {FirstName, 2},

	"last name": {LastName, 0}, "lastname": {LastName, 0}, "family name": {LastName, 0},
	"surname": {LastName, 0}, "lname": {LastName, 1}, "last": {LastName, 2}, "family": {LastName, 2},

	"name": {FullName, 0}, "full name": {FullName, 0}, "fullname": {FullName, 0},
	"contact name": {FullName, 0}, "customer name": {FullName, 1}, "client name": {FullName, 1},
	"lead name": {FullName, 1}, "display name": {FullName, 2}, "displayname": {FullName, 2},

	// "Organization 1 - Name" is Google's old format; "Account Name" is
	// Salesforce's and Zoho's: a contact's account is its company.
	"company": {Company, 0}, "company name": {Company, 0}, "companyname": {Company, 0},
	"organization": {Company, 0}, "organisation": {Company, 0}, "organization name": {Company, 0},
	"organisation name": {Company, 0}, "organization 1 name": {Company, 0},
	"business name": {Company, 1}, "org": {Company, 1}, "firm": {Company, 1},
	"account name": {Company, 2}, "employer": {Company, 3},

	"tags": {Tags, 0}, "tag": {Tags, 0}, "labels": {Tags, 0}, "label": {Tags, 0},
	"groups": {Tags, 0}, "group": {Tags, 0}, "group membership": {Tags, 0},
	"categories": {Tags, 0}, "category": {Tags, 0}, "segments": {Tags, 0}, "segment": {Tags, 0},

	"dnc": {DNC, 0}, "do not call": {DNC, 0}, "donotcall": {DNC, 0}, "do not contact": {DNC, 1},
	"ndnc": {DNC, 1}, "dnd": {DNC, 2}, "do not disturb": {DNC, 2}, "dnc status": {DNC, 1},

	"timezone": {Timezone, 0}, "time zone": {Timezone, 0}, "tz": {Timezone, 1},

	// A bare "Number" or "Contact Number" in a contact list is the phone.
	"number": {Phone, rankGeneric + 1}, "contact number": {Phone, rankGeneric},
	"contact no": {Phone, rankGeneric}, "contactno": {Phone, rankGeneric},
	"contactnumber": {Phone, rankGeneric}, "callback": {Phone, rankOther},
	"alternate number": {Phone, rankOther}, "alternative number": {Phone, rankOther},
	"alt number": {Phone, rankOther}, "alternate no": {Phone, rankOther}, "alt no": {Phone, rankOther},
	"secondary number": {Phone, rankOther}, "second number": {Phone, rankOther}, "other number": {Phone, rankOther},

	// contactd's own export, so that it imports back as it went out.
	"phone e164": {Phone, rankGeneric}, "alt phones": {AltPhones, 0}, "alt emails": {AltEmails, 0},

	// No data of the contact's own: Google's photo is a URL to its servers,
	// and a column without a header is a trailing delimiter (Thunderbird).
	"photo": {Ignore, 0}, "": {Ignore, 0},
}

// classify says what the header with key k (a HeaderKey) holds.
func classify(k string) candidate {
	k = strings.TrimSpace(dupSuffix(k))
	if c, ok := exactKeys[k]; ok {
		return c
	}
	toks := tokens(k)
	if isTypeLabel(toks) {
		return candidate{Ignore, 0}
	}
	if c, ok := classifyPhone(toks); ok {
		return c
	}
	if c, ok := classifyEmail(toks); ok {
		return c
	}
	if c, ok := classifyPlace(toks); ok {
		return c
	}
	return candidate{}
}

// dupSuffix strips the " (2)" the file reader appends to a repeated header,
// so that a second "Phone" column is still a phone.
func dupSuffix(k string) string {
	if !strings.HasSuffix(k, ")") {
		return k
	}
	open := strings.LastIndex(k, " (")
	if open < 0 {
		return k
	}
	if _, err := strconv.Atoi(k[open+2 : len(k)-1]); err != nil {
		return k
	}
	return k[:open]
}

// tokens splits a key into words of letters and digits, joining the pieces
// of "e mail", "whats app" and "cell phone" that HeaderKey split apart.
func tokens(k string) []string {
	raw := strings.FieldsFunc(k, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := raw[:0]
	for i := 0; i < len(raw); i++ {
		if i+1 < len(raw) {
			switch raw[i] + " " + raw[i+1] {
			case "e mail":
				out = append(out, "email")
				i++
				continue
			case "whats app":
				out = append(out, "whatsapp")
				i++
				continue
			}
		}
		out = append(out, raw[i])
	}
	return out
}

func isNumber(tok string) bool {
	_, err := strconv.Atoi(tok)
	return err == nil
}

// typeLabelGroups are the numbered groups of Google's export whose "Type" or
// "Label" column only says what kind of value the "Value" column holds
// ("Mobile", "* Home"). "Custom Field N - Label" is not one: it holds the
// name of the custom field, which is data.
var typeLabelGroups = map[string]bool{
	"phone": true, "email": true, "address": true, "website": true, "relation": true,
	"event": true, "organization": true, "im": true,
}

func isTypeLabel(toks []string) bool {
	if len(toks) < 2 || toks[len(toks)-1] != "type" && toks[len(toks)-1] != "label" {
		return false
	}
	for _, t := range toks[:len(toks)-1] {
		if !typeLabelGroups[t] && !isNumber(t) {
			return false
		}
	}
	return true
}

// Phone words and the words that may qualify them. A header with any other
// word is not a phone: "Fax Number", "Pager Number", "Assistant's Phone"
// (someone else's), "Company Main Phone" (a switchboard every colleague
// shares, which would make them all look like duplicates), "TTY/TDD Phone",
// "Phone Country Code", "Phone 1 - Type".
var (
	phoneWords = map[string]int{
		"phone": rankGeneric, "phones": rankGeneric, "telephone": rankGeneric, "tel": rankGeneric,
		"ph": rankGeneric, "phn": rankGeneric, "phoneno": rankGeneric, "phonenumber": rankGeneric,
		"landline": rankHome, "whatsapp": rankWhatsApp, "mobile": rankMobile, "mob": rankMobile,
		"mobileno": rankMobile, "mobilenumber": rankMobile, "mobilephone": rankMobile, "cell": rankMobile,
		"cellphone": rankMobile, "cellular": rankMobile, "handphone": rankMobile,
	}
	phoneQualifiers = map[string]int{
		"number": rankGeneric, "no": rankGeneric, "num": rankGeneric, "nr": rankGeneric,
		"value": rankGeneric, "primary": rankGeneric, "main": rankGeneric, "e164": rankGeneric,
		"work": rankWork, "business": rankWork, "office": rankWork, "direct": rankWork,
		"home": rankHome, "personal": rankHome, "private": rankHome,
		"other": rankOther, "car": rankOther, "radio": rankOther, "alt": rankOther,
		"alternate": rankOther, "alternative": rankOther, "additional": rankOther,
		"secondary": rankOther, "second": rankOther,
	}
)

func classifyPhone(toks []string) (candidate, bool) {
	rank, found := rankGeneric, false
	qualifier := -1
	for _, t := range toks {
		if r, ok := phoneWords[t]; ok {
			if !found || r < rank {
				rank = r
			}
			found = true
			continue
		}
		if r, ok := phoneQualifiers[t]; ok {
			qualifier = max(qualifier, r)
			continue
		}
		if !isNumber(t) {
			return candidate{}, false
		}
	}
	if !found {
		return candidate{}, false
	}
	// A mobile stays a mobile wherever it is ("Home Mobile"); any other
	// phone takes the rank of its qualifier ("Work Phone", "Phone 2").
	if rank > rankWhatsApp && qualifier > rank {
		rank = qualifier
	}
	return candidate{Phone, rank}, true
}

// Email words and qualifiers, as for phones: "Email Domain", "Email
// Confirmed" and HubSpot's "Invalid email address" are not email columns.
var (
	emailWords      = map[string]bool{"email": true, "mail": true, "emailid": true, "mailid": true, "emailaddress": true, "emails": true}
	emailQualifiers = map[string]int{
		"address": 0, "id": 0, "value": 0, "primary": 0,
		"home": 1, "work": 1, "business": 1, "office": 1, "personal": 1, "private": 1, "other": 1,
		"secondary": 1, "second": 1, "alt": 1, "alternate": 1, "alternative": 1, "additional": 1,
	}
)

func classifyEmail(toks []string) (candidate, bool) {
	found, rank := false, 0
	for _, t := range toks {
		switch r, ok := emailQualifiers[t]; {
		case emailWords[t]:
			found = true
		case ok:
			rank = max(rank, r)
		case isNumber(t):
			if t != "1" { // "E-mail 2 Address" is a second address
				rank = max(rank, 1)
			}
		default:
			return candidate{}, false
		}
	}
	if !found {
		return candidate{}, false
	}
	return candidate{Email, rank}, true
}

// placeQualifiers rank the city and country columns of one file. The
// person's own address wins over their employer's: "Mailing City" is
// Salesforce's and Zoho's address of the contact, "Address 1 - City" is
// Google's first address, "Home City" beats "Business City" (Outlook,
// Thunderbird). A second address ("Address 2 - City") comes last.
var placeQualifiers = map[string]int{
	"mailing": 1, "primary": 1, "address": 1, "postal": 1, "physical": 1,
	"home": 2, "personal": 2,
	"work": 3, "business": 3, "office": 3, "company": 3,
	"other": 4, "billing": 4, "shipping": 4,
	"region": 0, // only in "Country/Region"
}

// classifyPlace recognises city and country columns. "IP City" and "IP
// Country" (HubSpot's guess from a web visit), "Country Code" ("+91" or "IN":
// neither is safely a country) and "State/Region" are not.
func classifyPlace(toks []string) (candidate, bool) {
	target, rank := "", 0
	for _, t := range toks {
		switch t {
		case "city", "town":
			if target == Country {
				return candidate{}, false
			}
			target = City
			continue
		case "country":
			if target == City {
				return candidate{}, false
			}
			target = Country
			continue
		}
		if r, ok := placeQualifiers[t]; ok {
			rank = max(rank, r)
			continue
		}
		if !isNumber(t) {
			return candidate{}, false
		}
		if t != "1" {
			rank = max(rank, 5)
		}
	}
	if target == "" {
		return candidate{}, false
	}
	return candidate{target, rank}, true
}
