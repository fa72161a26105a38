package contactgen

// company is an employer; its domain serves its staff's work addresses.
type company struct{ name, domain string }

// The companies are invented; the cities and area codes are real, so that
// a US number's area code matches its contact's city.

var indianCompanies = []company{
	{"Ganga Foods", "gangafoods.in"}, {"Lotus Fintech", "lotusfintech.com"},
	{"Sahyadri Logistics", "sahyadrilogistics.in"}, {"Kaveri Textiles", "kaveritextiles.com"},
	{"Indus Software Labs", "indussoftware.in"}, {"Deccan Motors", "deccanmotors.co.in"},
	{"Himalaya Health", "himalayahealth.in"}, {"Saffron Hotels", "saffronhotels.com"},
	{"Nilgiri Tea Estates", "nilgiritea.in"}, {"Vindhya Cements", "vindhyacements.com"},
	{"Brahmaputra Power", "bpower.co.in"}, {"Konkan Realty", "konkanrealty.in"},
	{"Marwar Traders", "marwartraders.com"}, {"Chola Insurance Brokers", "cholabrokers.in"},
	{"Narmada Pharma", "narmadapharma.com"}, {"Thar Solar", "tharsolar.in"},
	{"Malabar Spices", "malabarspices.com"}, {"Aravalli EdTech", "aravalli.school"},
	{"Bengal Jute Works", "bengaljute.co.in"}, {"Godavari Agro", "godavariagro.in"},
}

var usCompanies = []company{
	{"Acme Corp", "acme.com"}, {"Bluepeak Analytics", "bluepeak.io"},
	{"Redwood Logistics", "redwoodlogistics.com"}, {"Hudson Dental Group", "hudsondental.com"},
	{"Lakeshore Realty", "lakeshorerealty.com"}, {"Prairie Insurance", "prairieins.com"},
	{"Summit Solar", "summitsolar.us"}, {"Cascade Software", "cascadesoftware.com"},
	{"Gulf Coast Energy", "gulfcoastenergy.com"}, {"Liberty Auto Sales", "libertyauto.com"},
	{"Golden Gate Bakery", "goldengatebakery.com"}, {"Magnolia Home Health", "magnoliahh.org"},
	{"Ironbridge Capital", "ironbridgecap.com"}, {"Pinecrest Law", "pinecrestlaw.com"},
	{"Sunbelt HVAC", "sunbelthvac.com"}, {"Evergreen Clinics", "evergreenclinics.org"},
}

var ukCompanies = []company{
	{"Thames Valley Lettings", "tvlettings.co.uk"}, {"Pennine Outdoor", "pennineoutdoor.co.uk"},
	{"Mersey Marine", "merseymarine.co.uk"}, {"Highland Distillers Guild", "highlandguild.co.uk"},
	{"Cotswold Builders", "cotswoldbuilders.co.uk"}, {"Albion Accountancy", "albionaccounts.co.uk"},
	{"Northern Rail Parts", "nrparts.co.uk"}, {"Kensington Dental", "kensingtondental.co.uk"},
	{"Clyde Software", "clydesoftware.com"}, {"Severn Energy", "severnenergy.co.uk"},
	{"Brighton Bakehouse", "brightonbakehouse.co.uk"}, {"Mancunian Media", "mancunianmedia.com"},
}

// Personal mail providers by country, most used first.
var (
	indianMail = []string{"gmail.com", "gmail.com", "gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com", "hotmail.com", "yahoo.com"}
	usMail     = []string{"gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com"}
	ukMail     = []string{"gmail.com", "gmail.com", "hotmail.co.uk", "outlook.com", "btinternet.com", "yahoo.co.uk", "icloud.com", "sky.com"}
)

var indianCities = words(`
Mumbai Delhi Bengaluru Hyderabad Chennai Kolkata Pune Ahmedabad Jaipur Lucknow
Surat Kanpur Nagpur Indore Bhopal Patna Vadodara Coimbatore Kochi Chandigarh
Visakhapatnam Mysuru Guwahati Thiruvananthapuram Noida Gurugram Nashik Ranchi
`)

// usArea ties an area code to a city it serves.
type usArea struct {
	code int
	city string
}

var usAreas = []usArea{
	{212, "New York"}, {646, "New York"}, {718, "Brooklyn"}, {917, "New York"},
	{415, "San Francisco"}, {628, "San Francisco"}, {312, "Chicago"}, {773, "Chicago"},
	{713, "Houston"}, {832, "Houston"}, {206, "Seattle"}, {617, "Boston"},
	{213, "Los Angeles"}, {310, "Los Angeles"}, {305, "Miami"}, {404, "Atlanta"},
	{214, "Dallas"}, {512, "Austin"}, {602, "Phoenix"}, {303, "Denver"},
	{503, "Portland"}, {202, "Washington"}, {215, "Philadelphia"}, {702, "Las Vegas"},
	{619, "San Diego"}, {408, "San Jose"}, {612, "Minneapolis"}, {313, "Detroit"},
}

var ukCities = words(`
London Manchester Birmingham Leeds Glasgow Edinburgh Bristol Liverpool
Sheffield Cardiff Newcastle Nottingham Leicester Brighton Oxford Cambridge
`)

var tagSet = []string{"lead", "customer", "prospect", "vip", "churned", "newsletter", "trial", "partner", "hot", "cold", "webinar", "referral"}
