package match

import "github.com/politiezone/zoneconsole/hotlist/entry"

// Loudness says what a hit does at the console: raise the alarm (sound,
// badge, the hits list) or wait quietly in the "stil" list for a dispatcher
// to look at when there is time, and promote it to a real hit.
type Loudness uint8

// The two outcomes of an AlertPolicy.
const (
	Alert Loudness = iota + 1
	Quiet
)

func (l Loudness) String() string {
	if l == Alert {
		return "alert"
	}
	return "quiet"
}

// ConsoleOptions are the console's matching options (app uses them, and
// BenchmarkFalseAlerts measures them): look-alikes and one inserted or
// dropped character, no substitution. An unrelated substituted character is
// most of a plate's one-edit neighbourhood (2.3 near hits per passing car at
// 1 M entries, BenchmarkMatch/random) and only 16 of the reader's 126 misses
// on eu-crops: such hits would not even be worth a quiet list.
func ConsoleOptions() MatchOptions { return MatchOptions{NoSubstitution: true} }

// AlertPolicy decides which hits raise the alarm. It rests on what the reader
// was measured to get wrong on the development sets (eu-crops, 126 misses of
// 735, hits TestDevSetMisreads: 34 a look-alike away, 10 of them letter for
// letter, O for Q or D, I for L; 24 an inserted character; 24 a dropped one;
// 44 other) and on what a near hit costs on a large list (hotlist
// BenchmarkFalseAlerts):
//
//   - exact hits alert, and look-alike hits across letter and digit (O/0,
//     I/1, B/8): the commonest misread, and one that random passing plates
//     rarely draw (the benchmark's lookalike-alerts/1000), since one of the
//     two plates breaks its format;
//   - a look-alike between two letters (O/D/Q, I/L) is a near hit like a
//     one-edit one: at 1 M entries such pairs of real plates made 15.6 false
//     alerts per 1,000 passages (all-lookalikes-alerting/1000). The price:
//     10 of the 34 look-alike misreads of eu-crops are of this kind and go
//     to the quiet list when the entry is routine on a national list;
//   - a near hit (one character inserted or dropped, or a same-kind look-alike) (one character inserted or dropped) alerts on a list of
//     at most LargeList entries; on a larger one only on an urgent entry
//     (UrgentMax or more urgent), and only while the entries that urgent or
//     more number at most LargeList: the false alerts of one-edit matching
//     grow with the entries it is allowed on, so that count, not the list's
//     priority mix, bounds them;
//   - a substituted character never alerts.
//
// What does not alert is Quiet, not dropped: the dispatcher can still see it.
type AlertPolicy struct {
	// LargeList is the most entries of one list on which one-edit hits may
	// alert (0: DefaultLargeList).
	LargeList int
	// UrgentMax is the least urgent priority whose one-edit hits still alert
	// on a large list (0: entry.PriorityHigh, critical and high).
	UrgentMax entry.Priority
}

// DefaultLargeList: one listed plate draws a one-edit (insert or drop) hit
// from about 1.2e-7 to 1.5e-7 of random passing plates (TestFalseAlertRate:
// 1.07 per 1,000 passages from 9,000 entries, 0.57 from 3,900). One-edit alerts on at most 4,000 entries
// of a list then cost about 0.5 false alerts per 1,000 passages, leaving the
// other half of the target of 1 to the look-alike hits (about 0.5 at 1 M
// entries, BenchmarkFalseAlerts).
const DefaultLargeList = 4_000

// Decide returns whether h raises the alarm.
func (p AlertPolicy) Decide(h Hit) Loudness {
	near := h.Kind == KindOneEdit
	for _, d := range h.Diffs {
		switch d.Op {
		case OpSubstitute:
			return Quiet
		case OpLookalike:
			// A letter read for a letter (D for O, L for I) leaves both plates
			// valid in the same format: as often another car as a misread.
			// Across letter and digit (O/0, I/1, B/8) one of them breaks its
			// format, so the reader is the likelier cause.
			near = near || isDigit(d.Read) == isDigit(d.Listed)
		}
	}
	if !near {
		return Alert
	}
	large, urgent := p.LargeList, p.UrgentMax
	if large <= 0 {
		large = DefaultLargeList
	}
	if !urgent.Valid() {
		urgent = entry.PriorityHigh
	}
	if h.ListEntries <= large || (h.Entry.Priority <= urgent && h.AsUrgent <= large) {
		return Alert
	}
	return Quiet
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
