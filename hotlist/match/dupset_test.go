package match

import (
	"fmt"
	"testing"

	"github.com/politiezone/zoneconsole/hotlist/entry"
)

// TestAddUniqueGrows files enough entries to grow the duplicate set several
// times, then each one again: every repeat must name its first line, and an
// entry differing only in its measure is not a repeat.
func TestAddUniqueGrows(t *testing.T) {
	const n = 20000
	b := NewBuilder("l", 1, 0)
	mk := func(i int, measure string) entry.Entry {
		return entry.Entry{Plate: fmt.Sprintf("%dABC%03d", 1+i/1000, i%1000), Country: "BE", Source: "s",
			Measure: measure, Priority: entry.PriorityHigh, Line: i + 2}
	}
	for i := range n {
		if _, dup := b.AddUnique(mk(i, "m")); dup {
			t.Fatalf("entry %d: reported as a duplicate", i)
		}
	}
	for i := range n {
		e := mk(i, "m")
		e.Line = n + i + 2
		if first, dup := b.AddUnique(e); !dup || first != i+2 {
			t.Fatalf("repeat of entry %d: got (%d, %v), want (%d, true)", i, first, dup, i+2)
		}
		if _, dup := b.AddUnique(mk(i, "other")); dup {
			t.Fatalf("entry %d with another measure: reported as a duplicate", i)
		}
	}
	if b.Len() != 2*n {
		t.Fatalf("filed %d entries, want %d", b.Len(), 2*n)
	}
}
