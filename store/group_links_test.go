package store

import (
	"reflect"
	"testing"

	"github.com/contactd/contactd"
)

// A blocking key is shared by people who are not all alike: two Priya
// Sharmas and two Rahul Vermas of one city share it when their names
// block alike. Each pair is a group with the key as its link. (Before,
// the key made one link naming all four, which went to the first pair's
// group, and the second pair, left with no link, was in no group.)
func TestLinkGroupsSplitsAKeyBetweenGroups(t *testing.T) {
	priya, rahul := []string{"priya", "sharma"}, []string{"rahul", "verma"}
	keys := map[string]*keyHolders{
		"ci:pune|x": {kind: contactd.MatchNameCity, n: 4, members: []keyMember{{1, priya}, {2, rahul}, {3, priya}, {4, rahul}}},
	}
	visited := map[int64]bool{1: true, 2: true, 3: true, 4: true}
	got := linkGroups(keys, visited, nil)
	want := []*groupSummary{
		{ids: []int64{1, 3}, rank: matchRank[contactd.MatchNameCity], links: []contactd.DuplicateLink{{Match: contactd.MatchNameCity, Key: "ci:pune|x", Confidence: 0.8, ContactIDs: []int64{1, 3}}}},
		{ids: []int64{2, 4}, rank: matchRank[contactd.MatchNameCity], links: []contactd.DuplicateLink{{Match: contactd.MatchNameCity, Key: "ci:pune|x", Confidence: 0.8, ContactIDs: []int64{2, 4}}}},
	}
	if !reflect.DeepEqual(got, want) {
		for _, g := range got {
			t.Logf("group %v links %+v", g.ids, g.links)
		}
		t.Fatal("want two groups, {1 3} and {2 4}, each with its own link")
	}
}
