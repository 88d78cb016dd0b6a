package match

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/hotlist/entry"
)

func newTestMatcher(t testing.TB, opt MatchOptions, lists map[string][]entry.Entry) *Matcher {
	t.Helper()
	m, err := NewMatcher(opt)
	if err != nil {
		t.Fatal(err)
	}
	for name, es := range lists {
		if err := m.Load(name, 1, es); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func ent(p, country string, line int) entry.Entry {
	return entry.Entry{Plate: p, Country: country, Source: "test", Measure: "stop", Priority: entry.PriorityNormal, Line: line}
}

// hitString renders a hit compactly: "national:2 one_edit extra@4(X)".
func hitString(h Hit) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d %s", h.List, h.Entry.Line, h.Kind)
	for _, d := range h.Diffs {
		switch d.Op {
		case OpLookalike, OpSubstitute:
			fmt.Fprintf(&b, " %s@%d(%c>%c)", d.Op, d.ReadPos, d.Listed, d.Read)
		case OpExtra:
			fmt.Fprintf(&b, " extra@%d(%c)", d.ReadPos, d.Read)
		case OpMissing:
			fmt.Fprintf(&b, " missing@%d(%c)", d.ReadPos, d.Listed)
		}
	}
	if h.CountryUnknown {
		b.WriteString(" country?")
	}
	return b.String()
}

func TestMatch(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	expired := ent("1EXP123", "BE", 5)
	expired.ValidUntil = now.Add(-time.Second)
	later := ent("1LAT123", "BE", 6)
	later.ValidFrom = now.Add(time.Second)
	m := newTestMatcher(t, MatchOptions{}, map[string][]entry.Entry{
		"national": {ent("1ABC123", "BE", 2), ent("XYZ789", "", 3), ent("AB12", "BE", 4), expired, later,
			ent("GV123X", "NL", 7), ent("1OQD000", "", 8)},
		"local": {ent("1ABC123", "BE", 2)},
	})
	tests := []struct {
		name, read, country string
		want                []string
	}{
		{"exact, both lists, list order", "1-abc-123", "BE", []string{"local:2 exact", "national:2 exact"}},
		{"lookalike B/8", "1A8C123", "BE", []string{"local:2 lookalike lookalike@2(B>8)", "national:2 lookalike lookalike@2(B>8)"}},
		{"lookalike I/1 and O/0 (two)", "IABCI23", "BE", []string{"local:2 lookalike lookalike@0(1>I) lookalike@4(1>I)", "national:2 lookalike lookalike@0(1>I) lookalike@4(1>I)"}},
		{"three lookalikes is too many", "IA8CI23", "BE", nil},
		{"O D Q 0 are one class", "1DQD000", "", []string{"national:8 lookalike lookalike@1(O>D) country?"}},
		{"lookalike T/7 and Z/2", "XY2T89", "", []string{"national:3 lookalike lookalike@2(Z>2) lookalike@3(7>T) country?"}},
		{"extra char (crest) in the middle", "1ABCX123", "BE", []string{"local:2 one_edit extra@4(X)", "national:2 one_edit extra@4(X)"}},
		{"extra char at the end", "XYZ7899", "", []string{"national:3 one_edit extra@5(9) country?"}}, // leftmost of a run
		{"dropped character", "1ABC23", "BE", []string{"local:2 one_edit missing@4(1)", "national:2 one_edit missing@4(1)"}},
		{"dropped leading digit (older format)", "ABC123", "BE", []string{"local:2 one_edit missing@0(1)", "national:2 one_edit missing@0(1)"}},
		{"substitution", "1ABC193", "BE", []string{"local:2 one_edit substitute@5(2>9)", "national:2 one_edit substitute@5(2>9)"}},
		{"substitution plus lookalike", "1A8C193", "BE", []string{"local:2 one_edit lookalike@2(B>8) substitute@5(2>9)", "national:2 one_edit lookalike@2(B>8) substitute@5(2>9)"}},
		{"extra plus lookalike", "1A8CX123", "BE", []string{"local:2 one_edit lookalike@2(B>8) extra@4(X)", "national:2 one_edit lookalike@2(B>8) extra@4(X)"}},
		{"two substitutions: another plate", "1ABX193", "BE", nil},
		{"transposition is two edits", "1ACB123", "BE", nil},
		{"two deletions", "1AC13", "BE", nil},
		{"unrelated plate", "2QRS456", "BE", nil},
		{"country mismatch", "1ABC123", "FR", nil},
		{"country unknown on the read", "1ABC123", "", []string{"local:2 exact country?", "national:2 exact country?"}},
		{"vehicle code B is BE", "1ABC123", "B", []string{"local:2 exact", "national:2 exact"}},
		{"entry without country matches any", "XYZ789", "DE", []string{"national:3 exact country?"}},
		{"short plate exact", "AB12", "BE", []string{"national:4 exact"}},
		{"short plate lookalike", "A812", "BE", []string{"national:4 lookalike lookalike@1(B>8)"}},
		{"short plate: no one-edit", "AB123", "BE", nil},
		{"expired entry", "1EXP123", "BE", nil},
		{"not yet valid", "1LAT123", "BE", nil},
		{"G/6 lookalike", "6V123X", "NL", []string{"national:7 lookalike lookalike@0(G>6)"}},
		{"empty read", " - ", "BE", nil},
		{"read too long", "1ABC1231ABC1231", "BE", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, h := range m.Match(tc.read, tc.country, now) {
				got = append(got, hitString(h))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Match(%q, %q) = %q, want %q", tc.read, tc.country, got, tc.want)
			}
		})
	}
}

func TestMatchHitCarriesEntry(t *testing.T) {
	e := entry.Entry{Plate: "1ABC123", Country: "BE", Source: "national wanted notices", Measure: "intercept, occupants armed",
		Priority: entry.PriorityCritical, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Remarks: "PV 1", Line: 9}
	m := newTestMatcher(t, MatchOptions{}, map[string][]entry.Entry{"national": {e}})
	hits := m.Match("1ABC123", "BE", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if len(hits) != 1 || !reflect.DeepEqual(hits[0].Entry, e) || hits[0].List != "national" || hits[0].Version != 1 || hits[0].Read != "1ABC123" {
		t.Errorf("hit = %+v, want the entry %+v", hits, e)
	}
}

func TestMatchOptions(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	lists := map[string][]entry.Entry{"l": {ent("1ABC123", "BE", 2)}}
	strict := newTestMatcher(t, MatchOptions{MaxLookalikes: 1, NoOneEdit: true}, lists)
	for _, tc := range []struct {
		read string
		hit  bool
	}{{"1ABC123", true}, {"1A8C123", true}, {"IA8C123", false}, {"1ABCX123", false}} {
		if got := len(strict.Match(tc.read, "BE", now)) > 0; got != tc.hit {
			t.Errorf("strict Match(%s) hit = %v, want %v", tc.read, got, tc.hit)
		}
	}
	lists["l"] = append(lists["l"], entry.Entry{Plate: "2XYZ789", Country: "BE", Source: "s", Measure: "m", Priority: entry.PriorityCritical, Line: 3})
	tuned := newTestMatcher(t, MatchOptions{NoSubstitution: true, OneEditMaxPriority: entry.PriorityHigh}, lists)
	for _, tc := range []struct {
		read string
		hit  bool
	}{
		{"1ABC123", true}, {"1A8C123", true},
		{"2XYZ7X89", true},  // extra character, critical entry
		{"2XYZ78", true},    // dropped character, critical entry
		{"2XYZ7K9", false},  // substitution refused
		{"1ABCX123", false}, // extra character, but a normal-priority entry
	} {
		if got := len(tuned.Match(tc.read, "BE", now)) > 0; got != tc.hit {
			t.Errorf("tuned Match(%s) hit = %v, want %v", tc.read, got, tc.hit)
		}
	}
	if _, err := NewMatcher(MatchOptions{Lookalikes: []string{"O0", "0D"}}); err == nil {
		t.Error("overlapping look-alike classes accepted")
	}
	if _, err := NewMatcher(MatchOptions{Lookalikes: []string{"O-"}}); err == nil {
		t.Error("look-alike class with '-' accepted")
	}
	if _, err := NewMatcher(MatchOptions{Lookalikes: []string{}}); err == nil {
		t.Error("no classes (36 > 31) accepted")
	}
}

// TestMatchAgreesWithScan checks the index against a scan of every entry
// with compare: the symmetric-delete keys must find every entry within one
// edit, and nothing the scan would not.
func TestMatchAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	// A small alphabet makes near plates, and so collisions, frequent.
	const chars = "AB8O0DI1XY"
	randPlate := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		return string(b)
	}
	var entries []entry.Entry
	for i := 0; i < 3000; i++ {
		entries = append(entries, ent(randPlate(4+rng.IntN(5)), "", i+2))
	}
	m := newTestMatcher(t, MatchOptions{}, map[string][]entry.Entry{"l": entries})
	ct := m.ct
	for i := 0; i < 3000; i++ {
		read := randPlate(3 + rng.IntN(7))
		var want []int
		for _, e := range entries {
			if _, _, ok := ct.compare(read, e.Plate, m.maxLook, m.minEdit, false, nil); ok {
				want = append(want, e.Line)
			}
		}
		var got []int
		for _, h := range m.Match(read, "", now) {
			got = append(got, h.Entry.Line)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("Match(%s) lines = %v, scan = %v", read, got, want)
		}
	}
}

func TestMatcherSwapWhileReading(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	m := newTestMatcher(t, MatchOptions{}, map[string][]entry.Entry{"l": {ent("1ABC123", "BE", 2)}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			if err := m.Load("l", int64(i+2), []entry.Entry{ent("1ABC123", "BE", 2), ent(fmt.Sprintf("1XYZ%03d", i), "BE", 3)}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; ; i++ {
		select {
		case <-done:
			m.Remove("l")
			if hits := m.Match("1ABC123", "BE", now); len(hits) != 0 {
				t.Errorf("after Remove: %v", hits)
			}
			return
		default:
		}
		if hits := m.Match("1ABC123", "BE", now); len(hits) != 1 {
			t.Fatalf("read %d during swaps: %d hits, want 1", i, len(hits))
		}
	}
}

func TestMatcherLoadSkipsUnindexable(t *testing.T) {
	m, err := NewMatcher(MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Load("l", 1, []entry.Entry{ent("1-abc-123", "BE", 2), ent(" - ", "BE", 3), ent("1ABC1231ABC123", "BE", 4)})
	if err == nil || !strings.Contains(err.Error(), "2 entries could not be indexed") {
		t.Errorf("Load error = %v, want 2 skipped", err)
	}
	if st := m.Stats(); len(st) != 1 || st[0].Entries != 1 || st[0].Bytes <= 0 {
		t.Errorf("Stats = %+v", st)
	}
	if hits := m.Match("1ABC123", "BE", time.Now()); len(hits) != 1 || hits[0].Entry.Plate != "1ABC123" {
		t.Errorf("Match = %+v", hits)
	}
}
