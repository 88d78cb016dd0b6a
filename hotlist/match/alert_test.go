package match

import (
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/hotlist/entry"
)

func TestAlertPolicy(t *testing.T) {
	look := func(r, l byte) []Diff { return []Diff{{Op: OpLookalike, Read: r, Listed: l}} }
	drop := []Diff{{Op: OpMissing, Listed: '1'}}
	const national = 1_000_000
	cases := []struct {
		name            string
		kind            Kind
		diffs           []Diff
		prio            entry.Priority
		entries, urgent int
		want            Loudness
	}{
		{"exact, national, info", KindExact, nil, entry.PriorityInfo, national, national, Alert},
		{"O/0 look-alike, national, info", KindLookalike, look('0', 'O'), entry.PriorityInfo, national, national, Alert},
		{"O/Q look-alike, national, low", KindLookalike, look('O', 'Q'), entry.PriorityLow, national, national, Quiet},
		{"O/Q look-alike, small list", KindLookalike, look('O', 'Q'), entry.PriorityLow, 2000, 2000, Alert},
		{"O/Q look-alike, national, high, few urgent", KindLookalike, look('O', 'Q'), entry.PriorityHigh, national, 3000, Alert},
		{"drop, small list", KindOneEdit, drop, entry.PriorityInfo, DefaultLargeList, DefaultLargeList, Alert},
		{"drop, national, normal", KindOneEdit, drop, entry.PriorityNormal, national, national, Quiet},
		{"drop, national, critical, few urgent", KindOneEdit, drop, entry.PriorityCritical, national, 1000, Alert},
		{"drop, national, high, too many urgent", KindOneEdit, drop, entry.PriorityHigh, national, 9000, Quiet},
		{"substitution, small list", KindOneEdit, []Diff{{Op: OpSubstitute, Read: 'X', Listed: 'K'}}, entry.PriorityCritical, 10, 10, Quiet},
	}
	for _, c := range cases {
		h := Hit{Kind: c.kind, Diffs: c.diffs, Entry: entry.Entry{Priority: c.prio}, ListEntries: c.entries, AsUrgent: c.urgent}
		if got := (AlertPolicy{}).Decide(h); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// The matcher tells each hit how many entries its list holds and how many
// are as urgent as its entry, which the policy weighs.
func TestHitCarriesListCounts(t *testing.T) {
	m, err := NewMatcher(ConsoleOptions())
	if err != nil {
		t.Fatal(err)
	}
	es := []entry.Entry{{Plate: "1ABC123", Priority: entry.PriorityHigh}, {Plate: "1ABD123", Priority: entry.PriorityCritical},
		{Plate: "1ABE123", Priority: entry.PriorityInfo}}
	if err := m.Load("l", 1, es); err != nil {
		t.Fatal(err)
	}
	hs := m.Match("1ABC123", "", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	if len(hs) != 1 || hs[0].ListEntries != 3 || hs[0].AsUrgent != 2 {
		t.Fatalf("hits %+v, want one with ListEntries 3, AsUrgent 2", hs)
	}
}
