package phone

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
)

func TestTimeZones(t *testing.T) {
	tests := []struct {
		name, e164 string
		want       []string
	}{
		// The library says Asia/Calcutta.
		{"India", "+919900000001", []string{"Asia/Kolkata"}},
		{"New York area code", "+12125551234", []string{"America/New_York"}},
		// Not several zones: the library puts every AU mobile in Sydney.
		{"Australian mobile", "+61412345678", []string{"Australia/Sydney"}},
		{"Australian 08 fixed line", "+61890000000", []string{"Australia/Adelaide", "Australia/Perth"}},
		{"non-geographic", "+80012345678", []string{"Etc/Unknown"}},
		{"Nepal, library says Asia/Katmandu", "+97714000000", []string{"Asia/Kathmandu"}},
		// The library lists Asia/Choibalsan and Asia/Ulaanbaatar for +976;
		// renaming must not leave Ulaanbaatar in twice.
		{"Mongolia prefix, deduplicated", "+976", []string{"Asia/Hovd", "Asia/Ulaanbaatar"}},
	}
	for _, tt := range tests {
		if got := timeZones(tt.e164); !slices.Equal(got, tt.want) {
			t.Errorf("%s: timeZones(%q) = %v, want %v", tt.name, tt.e164, got, tt.want)
		}
	}
}

func TestTimeZonesAreFreshSlices(t *testing.T) {
	a := timeZones("+12125551234")
	a[0] = "Mars/Olympus_Mons"
	if b := timeZones("+12125551234"); b[0] != "America/New_York" {
		t.Errorf("editing one result changed the next: %v", b)
	}
}

// TestLegacyZoneTargetsLoad keeps the rename targets real zone names.
func TestLegacyZoneTargetsLoad(t *testing.T) {
	for old, cur := range legacyZones {
		if _, err := time.LoadLocation(cur); err != nil {
			t.Errorf("legacyZones[%q] = %q: %v", old, cur, err)
		}
		if _, again := legacyZones[cur]; again {
			t.Errorf("legacyZones[%q] = %q, itself a legacy name", old, cur)
		}
	}
}

// TestTimeZonesAreCanonical asks the library for the zones of every prefix
// of up to six digits (after the +) under every calling code it supports,
// which reaches every zone in its table, and checks each zone we return
// loads with time.LoadLocation and, where the host has tzdata's zone.tab,
// is listed there, i.e. is not a legacy name we forgot to map. A failure
// after a library upgrade means legacyZones needs a new entry.
func TestTimeZonesAreCanonical(t *testing.T) {
	if testing.Short() {
		t.Skip("walks about 800,000 prefixes")
	}
	listed := zoneTab(t)
	seen := map[string]string{} // zone -> first prefix that returned it
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		p := "+" + strconv.Itoa(cc)
		width := 7 - len(p) // digits after the calling code
		limit := 1
		for range width {
			limit *= 10
		}
		for i := range limit {
			prefix := p + zeroPad(i, width)
			for _, z := range timeZones(prefix) {
				if _, ok := seen[z]; !ok {
					seen[z] = prefix
				}
			}
		}
	}
	if len(seen) < 250 {
		t.Errorf("walk found only %d zones; is the library's zone table loading?", len(seen))
	}
	for z, prefix := range seen {
		checkZone(t, z, prefix)
		if listed != nil && z != unknownZone && !listed[z] {
			t.Errorf("zone %q (prefix %s) is not in zone.tab: a legacy name to add to legacyZones?", z, prefix)
		}
	}
}

func checkZone(t *testing.T, zone, from string) {
	t.Helper()
	if zone == unknownZone {
		return
	}
	if _, err := time.LoadLocation(zone); err != nil {
		t.Errorf("zone %q for %s does not load: %v", zone, from, err)
	}
	if _, ok := legacyZones[zone]; ok {
		t.Errorf("zone %q for %s is a legacy name", zone, from)
	}
}

// zoneTab returns the zones tzdata's zone.tab lists, or nil when the host
// has no zone database (time/tzdata does not include zone.tab).
func zoneTab(t *testing.T) map[string]bool {
	f, err := os.Open("/usr/share/zoneinfo/zone.tab")
	if err != nil {
		t.Logf("no zone.tab, skipping the legacy-name check: %v", err)
		return nil
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if fields := strings.Split(line, "\t"); len(fields) >= 3 {
			listed[fields[2]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return listed
}

func zeroPad(i, width int) string {
	s := strconv.Itoa(i)
	return strings.Repeat("0", width-len(s)) + s
}
