package conform

import (
	"slices"
	"testing"

	"github.com/wsfuzz/wsfuzz/catalogue"
)

// TestHeaviestFirstGroupsShares: the cases that move the most data start
// first, and among cases of the same weight those that send the same
// messages start one after the other, whatever their ids; the cases with
// a fixed script come last, in id order.
func TestHeaviestFirstGroupsShares(t *testing.T) {
	cases := catalogue.Select([]string{"1.1.1", "12.1.10", "12.2.10", "12.2.3", "13.1.10", "12.1.15", "12.2.15", "2.1", "9.1.1"})
	var got []string
	for _, i := range heaviestFirst(cases, sharesOf(cases)) {
		got = append(got, cases[i].ID)
	}
	// 1000 messages of 128 KiB first: the bitmap's two cases, then the
	// JSON's three (a share's name orders the groups); then 12.2.3's
	// 1000 of 256 octets, 9.1.1's one of 64 KiB, and the scripts.
	want := []string{"12.2.10", "12.2.15", "12.1.10", "12.1.15", "13.1.10", "12.2.3", "9.1.1", "1.1.1", "2.1"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
