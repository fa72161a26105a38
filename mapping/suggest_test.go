package mapping

import (
	"maps"
	"strings"
	"testing"
)

// TestSuggestSynonyms checks headers one at a time, each as the only column
// of its kind in the file.
func TestSuggestSynonyms(t *testing.T) {
	tests := []struct{ header, want string }{
		// Phones.
		{"Phone", Phone}, {"PHONE", Phone}, {"phone_number", Phone}, {"Phone No.", Phone}, {"Ph. No", Phone},
		{"Mobile", Phone}, {"Mobile Number", Phone}, {"mobile_no", Phone}, {"MobileNumber", Phone}, {"Cell", Phone},
		{"Cell Phone", Phone}, {"Contact Number", Phone}, {"Contact No.", Phone}, {"Telephone", Phone},
		{"Tel.", Phone}, {"WhatsApp", Phone}, {"Whats App Number", Phone}, {"Number", Phone},
		{"Phone 1 - Value", Phone}, {"Primary Phone", Phone}, {"Business Phone", Phone}, {"Home Phone", Phone},
		{"Landline", Phone}, {"Mobile Phone Number", Phone}, {"phone_e164", Phone}, {"Phone (2)", Phone},
		// Emails.
		{"Email", Email}, {"E-mail", Email}, {"e_mail", Email}, {"EMAIL ID", Email}, {"Email Address", Email},
		{"E-mail Address", Email}, {"E-mail 1 - Value", Email}, {"Primary Email", Email}, {"Mail", Email},
		{"Work email", Email}, {"EmailAddress", Email},
		// Names.
		{"First Name", FirstName}, {"first_name", FirstName}, {"FirstName", FirstName}, {"Given Name", FirstName},
		{"Forename", FirstName}, {"Last Name", LastName}, {"Surname", LastName}, {"Family Name", LastName},
		{"last_name", LastName}, {"Name", FullName}, {"Full Name", FullName}, {"Display Name", FullName},
		{"Contact Name", FullName}, {"Customer Name", FullName},
		// Company, places, time zone.
		{"Company", Company}, {"Company Name", Company}, {"Organisation", Company}, {"Organization", Company},
		{"Organization 1 - Name", Company}, {"Organization Name", Company}, {"Account Name", Company},
		{"City", City}, {"Town", City}, {"Mailing City", City}, {"Home City", City}, {"Business City", City},
		{"Address 1 - City", City}, {"Country", Country}, {"Country/Region", Country}, {"Mailing Country", Country},
		{"Home Country/Region", Country}, {"Address 1 - Country", Country},
		{"Timezone", Timezone}, {"Time Zone", Timezone}, {"time_zone", Timezone},
		// Tags and DNC.
		{"Tags", Tags}, {"TAGS", Tags}, {"Labels", Tags}, {"Groups", Tags}, {"Categories", Tags},
		{"Group Membership", Tags}, {"DNC", DNC}, {"Do Not Call", DNC}, {"do_not_call", DNC}, {"DND", DNC},
		// contactd's own export.
		{"alt_phones", AltPhones}, {"alt_emails", AltEmails}, {"custom.budget", "custom.budget"},
		{"custom.Budget-2", "custom.Budget-2"},
		// Pure type labels, a photo URL and a blank header carry nothing of the contact's own.
		{"Phone 1 - Type", Ignore}, {"E-mail 2 - Type", Ignore}, {"Phone 1 - Label", Ignore},
		{"E-mail 1 - Label", Ignore}, {"Address 1 - Type", Ignore}, {"Website 1 - Type", Ignore},
		{"Relation 1 - Type", Ignore}, {"Event 1 - Label", Ignore}, {"Organization 1 - Type", Ignore},
		{"Photo", Ignore}, {"", Ignore},
		// Look-alikes that are not the field, kept as custom fields.
		{"Country Code", "custom.country_code"}, {"IP Country", "custom.ip_country"}, {"IP City", "custom.ip_city"},
		{"Phone Country Code", "custom.phone_country_code"}, {"Fax Number", "custom.fax_number"},
		{"Business Fax", "custom.business_fax"}, {"Pager", "custom.pager"}, {"Assistant's Phone", "custom.assistant_s_phone"},
		{"Company Main Phone", "custom.company_main_phone"}, {"TTY/TDD Phone", "custom.tty_tdd_phone"},
		{"Email Domain", "custom.email_domain"}, {"Invalid email address", "custom.invalid_email_address"},
		{"Email Address Quarantined", "custom.email_address_quarantined"}, {"Company size", "custom.company_size"},
		{"Phonetic First Name", "custom.phonetic_first_name"}, {"Given Name Yomi", "custom.given_name_yomi"},
		{"Custom Field 1 - Label", "custom.custom_field_1_label"}, {"Mailing Street", "custom.mailing_street"},
		{"State/Region", "custom.state_region"}, {"Contact", "custom.contact"},
		// Free text the operator may want.
		{"Notes", "custom.notes"}, {"Job Title", "custom.job_title"}, {"Address", "custom.address"},
		{"Birthday", "custom.birthday"}, {"Budget (₹)", "custom.budget"}, {"電話", "custom.column_1"},
	}
	for _, tt := range tests {
		got := Suggest([]string{tt.header})
		if len(got) != 1 || got[tt.header] != tt.want {
			t.Errorf("Suggest([%q]) = %v, want %q", tt.header, got, tt.want)
		}
	}
}

// TestSuggestChoices checks how Suggest chooses among columns competing for
// one field.
func TestSuggestChoices(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    Mapping
	}{
		{"mobile wins over an earlier phone",
			[]string{"Phone", "Home Phone", "Mobile"},
			Mapping{"Phone": AltPhones, "Home Phone": AltPhones, "Mobile": Phone}},
		{"mobile wins over WhatsApp",
			[]string{"WhatsApp Number", "Cell"},
			Mapping{"WhatsApp Number": AltPhones, "Cell": Phone}},
		{"WhatsApp wins over a plain phone",
			[]string{"Phone", "WhatsApp"},
			Mapping{"Phone": AltPhones, "WhatsApp": Phone}},
		{"plain phone wins over work and home",
			[]string{"Home Phone", "Work Phone", "Telephone"},
			Mapping{"Home Phone": AltPhones, "Work Phone": AltPhones, "Telephone": Phone}},
		{"work wins over home",
			[]string{"Home Phone", "Business Phone"},
			Mapping{"Home Phone": AltPhones, "Business Phone": Phone}},
		{"ties go to the leftmost",
			[]string{"Phone 2 - Value", "Phone 1 - Value"},
			Mapping{"Phone 2 - Value": Phone, "Phone 1 - Value": AltPhones}},
		{"a renamed duplicate is an alt phone",
			[]string{"Phone", "Phone (2)"},
			Mapping{"Phone": Phone, "Phone (2)": AltPhones}},
		{"first email is email",
			[]string{"Secondary Email", "Email", "Work Email"},
			Mapping{"Secondary Email": AltEmails, "Email": Email, "Work Email": AltEmails}},
		{"numbered emails",
			[]string{"E-mail 2 Address", "E-mail Address", "E-mail 3 Address"},
			Mapping{"E-mail 2 Address": AltEmails, "E-mail Address": Email, "E-mail 3 Address": AltEmails}},
		{"only secondary emails: the first is email",
			[]string{"Email 2", "Email 3"},
			Mapping{"Email 2": Email, "Email 3": AltEmails}},
		{"full_name next to first and last",
			[]string{"Name", "First Name", "Last Name"},
			Mapping{"Name": FullName, "First Name": FirstName, "Last Name": LastName}},
		{"two full names: the better one wins",
			[]string{"Display Name", "Full Name"},
			Mapping{"Display Name": "custom.display_name", "Full Name": FullName}},
		{"two first names",
			[]string{"First", "First Name"},
			Mapping{"First": "custom.first", "First Name": FirstName}},
		{"home city over business city",
			[]string{"Business City", "Home City", "Other City"},
			Mapping{"Business City": "custom.business_city", "Home City": City, "Other City": "custom.other_city"}},
		{"plain city over mailing city",
			[]string{"Mailing City", "City"},
			Mapping{"Mailing City": "custom.mailing_city", "City": City}},
		{"first address over the second",
			[]string{"Address 2 - City", "Address 1 - City"},
			Mapping{"Address 2 - City": "custom.address_2_city", "Address 1 - City": City}},
		{"company over account name",
			[]string{"Account Name", "Company"},
			Mapping{"Account Name": "custom.account_name", "Company": Company}},
		{"several tag columns",
			[]string{"Tags", "Labels", "Group Membership"},
			Mapping{"Tags": Tags, "Labels": Tags, "Group Membership": Tags}},
		{"Mailchimp's geolocated time zone is a custom field",
			[]string{"Email Address", "TIMEZONE", "GMTOFF"},
			Mapping{"Email Address": Email, "TIMEZONE": "custom.timezone", "GMTOFF": "custom.gmtoff"}},
		{"HubSpot's time zone next to IP Timezone is a custom field",
			[]string{"Email", "Time Zone", "IP Timezone"},
			Mapping{"Email": Email, "Time Zone": "custom.time_zone", "IP Timezone": "custom.ip_timezone"}},
		{"custom names are made unique",
			[]string{"Notes", "notes", "NOTES_2", "Notes!"},
			Mapping{"Notes": "custom.notes", "notes": "custom.notes_2", "NOTES_2": "custom.notes_2_2", "Notes!": "custom.notes_3"}},
		{"unique names stay within 64 characters",
			[]string{strings.Repeat("a", 70), strings.Repeat("a", 65)},
			Mapping{strings.Repeat("a", 70): "custom." + strings.Repeat("a", 64), strings.Repeat("a", 65): "custom." + strings.Repeat("a", 62) + "_2"}},
		{"headers without Latin letters are named by position",
			[]string{"Phone", "名前", "電話"},
			Mapping{"Phone": Phone, "名前": "custom.column_2", "電話": "custom.column_3"}},
		{"blank headers",
			[]string{"Phone", "", ""},
			Mapping{"Phone": Phone, "": Ignore}},
		{"repeated header: the first decides",
			[]string{"Mobile", "Mobile"},
			Mapping{"Mobile": Phone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Suggest(tt.headers)
			if !maps.Equal(got, tt.want) {
				t.Errorf("Suggest(%q) =\n%v\nwant\n%v", tt.headers, got, tt.want)
			}
			if p := validate(maps.Clone(got)); len(p) > 0 {
				t.Errorf("Suggest(%q) is not a valid mapping: %v", tt.headers, p.err())
			}
		})
	}
}

// exportSuggestions are the headers of real exports (as in
// ../../shared/fixtures/exports, plus Salesforce and Zoho) and every entry
// Suggest gives them that is not custom.<Slug of the header>.
var exportSuggestions = []struct {
	name    string
	headers string // comma-separated; no header of these contains a comma
	want    Mapping
}{
	{"Google, old format",
		"Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,E-mail 3 - Type,E-mail 3 - Value,E-mail 4 - Type,E-mail 4 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,Phone 3 - Value,Phone 4 - Type,Phone 4 - Value,Phone 5 - Type,Phone 5 - Value,Phone 6 - Type,Phone 6 - Value,Phone 7 - Type,Phone 7 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Address 2 - Type,Address 2 - Formatted,Address 2 - Street,Address 2 - City,Address 2 - PO Box,Address 2 - Region,Address 2 - Postal Code,Address 2 - Country,Address 2 - Extended Address,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title,Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,Organization 1 - Job Description,Relation 1 - Type,Relation 1 - Value,Website 1 - Type,Website 1 - Value,Website 2 - Type,Website 2 - Value",
		Mapping{
			"Name": FullName, "Given Name": FirstName, "Family Name": LastName, "Group Membership": Tags,
			"E-mail 1 - Type": Ignore, "E-mail 1 - Value": Email, "E-mail 2 - Type": Ignore, "E-mail 2 - Value": AltEmails,
			"E-mail 3 - Type": Ignore, "E-mail 3 - Value": AltEmails, "E-mail 4 - Type": Ignore, "E-mail 4 - Value": AltEmails,
			"Phone 1 - Type": Ignore, "Phone 1 - Value": Phone, "Phone 2 - Type": Ignore, "Phone 2 - Value": AltPhones,
			"Phone 3 - Type": Ignore, "Phone 3 - Value": AltPhones, "Phone 4 - Type": Ignore, "Phone 4 - Value": AltPhones,
			"Phone 5 - Type": Ignore, "Phone 5 - Value": AltPhones, "Phone 6 - Type": Ignore, "Phone 6 - Value": AltPhones,
			"Phone 7 - Type": Ignore, "Phone 7 - Value": AltPhones,
			"Address 1 - Type": Ignore, "Address 1 - City": City, "Address 1 - Country": Country, "Address 2 - Type": Ignore,
			"Organization 1 - Type": Ignore, "Organization 1 - Name": Company,
			"Relation 1 - Type": Ignore, "Website 1 - Type": Ignore, "Website 2 - Type": Ignore,
		}},
	{"Google, new format",
		"First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,E-mail 3 - Label,E-mail 3 - Value,E-mail 4 - Label,E-mail 4 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Website 1 - Label,Website 1 - Value,Event 1 - Label,Event 1 - Value,Event 2 - Label,Event 2 - Value,Custom Field 1 - Label,Custom Field 1 - Value",
		Mapping{
			"First Name": FirstName, "Last Name": LastName, "Organization Name": Company, "Photo": Ignore, "Labels": Tags,
			"E-mail 1 - Label": Ignore, "E-mail 1 - Value": Email, "E-mail 2 - Label": Ignore, "E-mail 2 - Value": AltEmails,
			"E-mail 3 - Label": Ignore, "E-mail 3 - Value": AltEmails, "E-mail 4 - Label": Ignore, "E-mail 4 - Value": AltEmails,
			"Phone 1 - Label": Ignore, "Phone 1 - Value": Phone, "Phone 2 - Label": Ignore, "Phone 2 - Value": AltPhones,
			"Phone 3 - Label": Ignore, "Phone 3 - Value": AltPhones,
			"Address 1 - Label": Ignore, "Address 1 - City": City, "Address 1 - Country": Country,
			"Website 1 - Label": Ignore, "Event 1 - Label": Ignore, "Event 2 - Label": Ignore,
		}},
	{"Outlook.com",
		"First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,E-mail Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,Business Phone 2,Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,Home Fax,Other Fax,Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,Job Title,Department,Company,Office Location,Manager's Name,Assistant's Name,Assistant's Phone,Company Yomi,Business Street,Business City,Business State,Business Postal Code,Business Country/Region,Home Street,Home City,Home State,Home Postal Code,Home Country/Region,Other Street,Other City,Other State,Other Postal Code,Other Country/Region,Personal Web Page,Spouse,Schools,Hobby,Location,Web Page,Birthday,Anniversary,Notes",
		Mapping{
			"First Name": FirstName, "Last Name": LastName,
			"E-mail Address": Email, "E-mail 2 Address": AltEmails, "E-mail 3 Address": AltEmails,
			"Mobile Phone": Phone, "Home Phone": AltPhones, "Home Phone 2": AltPhones, "Business Phone": AltPhones,
			"Business Phone 2": AltPhones, "Car Phone": AltPhones, "Other Phone": AltPhones, "Primary Phone": AltPhones,
			"Callback": AltPhones, "Radio Phone": AltPhones,
			"Company": Company, "Home City": City, "Home Country/Region": Country,
		}},
	{"Outlook, legacy",
		"First Name,Middle Name,Last Name,Title,Suffix,Initials,Web Page,Gender,Birthday,Anniversary,Location,Language,Internet Free Busy,Notes,E-mail Address,E-mail 2 Address,E-mail 3 Address,Primary Phone,Home Phone,Home Phone 2,Mobile Phone,Pager,Home Fax,Home Address,Home Street,Home Street 2,Home Street 3,Home Address PO Box,Home City,Home State,Home Postal Code,Home Country,Spouse,Children,Manager's Name,Assistant's Name,Referred By,Company Main Phone,Business Phone,Business Phone 2,Business Fax,Assistant's Phone,Company,Job Title,Department,Office Location,Organizational ID Number,Profession,Account,Business Address,Business Street,Business Street 2,Business Street 3,Business Address PO Box,Business City,Business State,Business Postal Code,Business Country,Other Phone,Other Fax,Other Address,Other Street,Other Street 2,Other Street 3,Other Address PO Box,Other City,Other State,Other Postal Code,Other Country,Callback,Car Phone,ISDN,Radio Phone,TTY/TDD Phone,Telex,User 1,User 2,User 3,User 4,Keywords,Mileage,Hobby,Billing Information,Directory Server,Sensitivity,Priority,Private,Categories",
		Mapping{
			"First Name": FirstName, "Last Name": LastName,
			"E-mail Address": Email, "E-mail 2 Address": AltEmails, "E-mail 3 Address": AltEmails,
			"Mobile Phone": Phone, "Primary Phone": AltPhones, "Home Phone": AltPhones, "Home Phone 2": AltPhones,
			"Business Phone": AltPhones, "Business Phone 2": AltPhones, "Other Phone": AltPhones, "Callback": AltPhones,
			"Car Phone": AltPhones, "Radio Phone": AltPhones,
			"Company": Company, "Home City": City, "Home Country": Country, "Categories": Tags,
		}},
	{"HubSpot, all properties",
		"Record ID,First Name,Last Name,Annual Revenue,Average Pageviews,Became a Customer Date,Became a Lead Date,Became a Marketing Qualified Lead Date,Became a Sales Qualified Lead Date,Became a Subscriber Date,Became an Evangelist Date,Became an Opportunity Date,Became an Other Lifecycle Date,Buying Role,Buying Role Option,Campaign of last booking in meetings tool,City,Close Date,Company domain name,Company Name,Company size,Contact owner,Contact priority,Contact unworked,Country/Region,Create Date,Created by user ID,Currently in Sequence,Currently in workflow,Date of birth,Date of last meeting booked in meetings tool,Days To Close,Degree,Domain name,Domain to which registration email was sent,Email,Email address automated quarantine reason,Email address quarantine reason,Email Address Quarantined,Email Confirmed,Email Domain,Email hard bounce reason,Event Revenue,Facebook click id,Fax Number,Field of study,First Conversion,First Conversion Date,First Deal Created Date,First marketing email click date,First marketing email open date,First marketing email reply date,First marketing email send date,First Page Seen,First Referring Site,First Touch Converting Campaign,Gender,Google ad click id,Graduation date,HubSpot Score,HubSpot Team,höbbela,Industry,Invalid email address,IP City,IP Country,IP Country Code,IP State Code/Region Code,IP State/Region,IP Timezone,Job function,Job Title,Last Activity Date,Last Contacted,Last Engagement Date,Last marketing email click date,Last marketing email name,Last marketing email open date,Last marketing email reply date,Last marketing email send date,Last Modified Date,Last NPS survey comment,Last NPS survey date,Last NPS survey rating,Last Page Seen,Last Referring Site,Last sequence ended date,Last sequence enrolled,Last sequence enrolled date,Last Touch Converting Campaign,Latest Source,Latest Source Date,Latest Source Drill-Down 1,Latest Source Drill-Down 2,Lead Rating,Lead Status,Legal basis for processing contact's data,Lifecycle Stage,Likelihood to close,Marital Status,Marketing contact until next update,Marketing email confirmation status,Marketing emails bounced,Marketing emails clicked,Marketing emails delivered,Marketing emails opened,Marketing emails replied,Medium of last booking in meetings tool,Membership Notes,Message,Military status,Mobile Phone Number,Next Activity Date,Number of Associated Deals,Number of Employees,Number of event completions,Number of Form Submissions,Number of Pageviews,Number of Sales Activities,Number of sequences enrolled,Number of Sessions,Number of times contacted,Number of Unique Forms Submitted,Object create date/time,Opted out of email: Customer Service Communication,Original Source,Original Source Drill-Down 1,Original Source Drill-Down 2,Owner Assigned Date,Persona,Phone Number,Postal Code,Predictive Lead Score,Preferred language,Private e-mail address,Recent Conversion,Recent Conversion Date,Recent Deal Amount,Recent Deal Close Date,Recent Sales Email Clicked Date,Recent Sales Email Opened Date,Recent Sales Email Replied Date,Registered At,Relationship Status,Salutation,School,Sends Since Last Engagement,Seniority,Source of last booking in meetings tool,Start date,State/Region,Status,Street Address,Time between contact creation and deal close (HH:mm:ss),Time between contact creation and deal creation (HH:mm:ss),Time First Seen,Time Last Seen,Time of First Session,Time of Last Session,Time registration email was sent,Time to move from lead to customer (HH:mm:ss),Time to move from marketing qualified lead to customer (HH:mm:ss),Time to move from opportunity to customer (HH:mm:ss),Time to move from sales qualified lead to customer (HH:mm:ss),Time to move from subscriber to customer (HH:mm:ss),Time Zone,Total Revenue,Twitter Username,Unsubscribed from all email,Website URL,WhatsApp Phone Number,Work email,Associated Company,Associated Deal,Associated Ticket,Associated Payment,Associated Subscription,Associated Company IDs,Associated Deal IDs,Associated Ticket IDs,Associated Payment IDs,Associated Subscription IDs",
		Mapping{
			"First Name": FirstName, "Last Name": LastName, "City": City, "Company Name": Company, "Country/Region": Country,
			"Email": Email, "Private e-mail address": AltEmails, "Work email": AltEmails,
			"Mobile Phone Number": Phone, "Phone Number": AltPhones, "WhatsApp Phone Number": AltPhones,
		}},
	{"Mailchimp",
		"Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES",
		Mapping{"Email Address": Email, "First Name": FirstName, "Last Name": LastName}},
	{"Mailchimp with the fields of a signup form",
		"Email Address,First Name,Last Name,Phone Number,Address,Birthday,TAGS",
		Mapping{"Email Address": Email, "First Name": FirstName, "Last Name": LastName, "Phone Number": Phone, "TAGS": Tags}},
	{"Thunderbird",
		"First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes",
		Mapping{
			"First Name": FirstName, "Last Name": LastName, "Display Name": FullName,
			"Primary Email": Email, "Secondary Email": AltEmails,
			"Mobile Number": Phone, "Work Phone": AltPhones, "Home Phone": AltPhones,
			"Home City": City, "Home Country": Country, "Organization": Company,
		}},
	{"Salesforce",
		"First Name,Last Name,Title,Account Name,Email,Phone,Mobile,Mailing Street,Mailing City,Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,Lead Source,Do Not Call,Email Opt Out",
		Mapping{
			"First Name": FirstName, "Last Name": LastName, "Account Name": Company, "Email": Email,
			"Mobile": Phone, "Phone": AltPhones, "Mailing City": City, "Mailing Country": Country, "Do Not Call": DNC,
		}},
	{"Zoho",
		"First Name,Last Name,Email,Secondary Email,Phone,Mobile,Account Name,Mailing City,Mailing Country,Tag",
		Mapping{
			"First Name": FirstName, "Last Name": LastName, "Email": Email, "Secondary Email": AltEmails,
			"Mobile": Phone, "Phone": AltPhones, "Account Name": Company, "Mailing City": City,
			"Mailing Country": Country, "Tag": Tags,
		}},
	{"an operator's own sheet",
		"S.No.,Name,Mobile No.,Alternate Number,Email ID,Company Name,Town,Country Code,DND,Remarks",
		Mapping{
			"Name": FullName, "Mobile No.": Phone, "Alternate Number": AltPhones, "Email ID": Email,
			"Company Name": Company, "Town": City, "DND": DNC,
		}},
}

func TestSuggestExports(t *testing.T) {
	for _, tt := range exportSuggestions {
		t.Run(tt.name, func(t *testing.T) {
			headers := strings.Split(tt.headers, ",")
			want := maps.Clone(tt.want)
			for _, h := range headers {
				if _, ok := want[h]; !ok {
					want[h] = CustomPrefix + Slug(h)
				}
			}
			got := Suggest(headers)
			for _, h := range headers {
				if got[h] != want[h] {
					t.Errorf("Suggest(...)[%q] = %q, want %q", h, got[h], want[h])
				}
			}
			if len(got) != len(headers) {
				t.Errorf("Suggest gave %d entries for %d headers", len(got), len(headers))
			}
			if p := validate(maps.Clone(got)); len(p) > 0 {
				t.Errorf("Suggest(...) is not a valid mapping: %v", p.err())
			}
		})
	}
}
