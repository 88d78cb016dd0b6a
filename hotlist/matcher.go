package hotlist

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/plate"
)

// MatchOptions tune the misread tolerance. The zero value is the default.
type MatchOptions struct {
	// Lookalikes is the look-alike table; nil means DefaultLookalikes().
	Lookalikes []string
	// MaxLookalikes is the most look-alike characters a hit may have
	// (default 2; AutoVu's default is 1, with up to 2 allowed). Negative means 0.
	MaxLookalikes int
	// MinEditLen is the shortest listed plate a one-edit hit is allowed on
	// (default 5): on a 4-character personalised plate one edit is a quarter
	// of the plate, and such hits would be mostly noise.
	MinEditLen int
	// NoOneEdit turns one-edit matching off (look-alikes stay on).
	NoOneEdit bool
}

// Hit is one listed entry a read matched.
type Hit struct {
	List    string
	Version int64
	Entry   Entry
	Kind    Kind
	Read    string // the read, normalised
	Diffs   []Diff // nil for an exact hit
	// CountryUnknown is set when the read or the entry has no country, so the
	// hit rests on the characters alone; the dispatcher checks the plate's country.
	CountryUnknown bool
}

// Matcher matches reads against the active version of every loaded list.
// Match never blocks: it reads an immutable snapshot, and Load and Remove
// build the next snapshot aside and swap it in atomically.
type Matcher struct {
	ct      classTable
	maxLook int
	minEdit int
	oneEdit bool

	mu   sync.Mutex // serialises writers; readers never take it
	snap atomic.Pointer[[]*listIndex]
}

// NewMatcher returns an empty matcher. It fails only on a bad look-alike table.
func NewMatcher(opt MatchOptions) (*Matcher, error) {
	classes := opt.Lookalikes
	if classes == nil {
		classes = DefaultLookalikes()
	}
	ct, err := newClassTable(classes)
	if err != nil {
		return nil, err
	}
	m := &Matcher{ct: ct, maxLook: 2, minEdit: 5, oneEdit: !opt.NoOneEdit}
	if opt.MaxLookalikes != 0 {
		m.maxLook = max(opt.MaxLookalikes, 0)
	}
	if opt.MinEditLen > 0 {
		m.minEdit = opt.MinEditLen
	}
	if !m.oneEdit {
		m.minEdit = maxPlateLen + 2
	}
	m.snap.Store(new([]*listIndex))
	return m, nil
}

// Load makes entries the active version of list, replacing what the
// matcher held for it. Entries whose plate cannot be indexed (empty, longer
// than 12) are skipped and counted in the error.
func (m *Matcher) Load(list string, version int64, entries []Entry) error {
	b := newBuilder(list, version, len(entries))
	skipped := 0
	for _, e := range entries {
		if !b.add(e) {
			skipped++
		}
	}
	m.swap(b.build(&m.ct))
	if skipped > 0 {
		return fmt.Errorf("list %s v%d: %d entries could not be indexed", list, version, skipped)
	}
	return nil
}

// Remove drops a list from matching.
func (m *Matcher) Remove(list string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.snap.Load()
	next := make([]*listIndex, 0, len(old))
	for _, ix := range old {
		if ix.name != list {
			next = append(next, ix)
		}
	}
	m.snap.Store(&next)
}

func (m *Matcher) swap(ix *listIndex) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.snap.Load()
	next := make([]*listIndex, 0, len(old)+1)
	for _, o := range old {
		if o.name != ix.name {
			next = append(next, o)
		}
	}
	next = append(next, ix)
	slices.SortFunc(next, func(a, b *listIndex) int { return cmp.Compare(a.name, b.name) })
	m.snap.Store(&next)
}

// ListStats describes one loaded list.
type ListStats struct {
	List    string
	Version int64
	Entries int
	Bytes   int64 // memory held by its index
	Keys    int   // postings (plate and deletion keys)
}

// Stats describes what the matcher holds, list by list.
func (m *Matcher) Stats() []ListStats {
	var out []ListStats
	for _, ix := range *m.snap.Load() {
		out = append(out, ListStats{List: ix.name, Version: ix.version, Entries: len(ix.recs), Bytes: ix.bytes(), Keys: len(ix.post)})
	}
	return out
}

// maxRead is the longest read worth looking up: a 12-character plate plus
// one extra character.
const maxRead = maxPlateLen + 1

// Match returns the active entries the read hits at now, most certain kind
// first, then by priority. plate is normalised here (plate.Normalize), and
// country too (NormalizeCountry; a code it does not know counts as unknown).
//
// Country rule: a read and an entry that both have a country must agree;
// when either has none (the reader could not tell, or the source did not
// say) the plate alone decides and the hit says CountryUnknown. An ANPR
// country guess is weaker than its characters, but two countries issuing
// the same characters are two different vehicles.
func (m *Matcher) Match(read, country string, now time.Time) []Hit {
	read = plate.Normalize(read)
	if read == "" || len(read) > maxRead {
		return nil
	}
	country, err := NormalizeCountry(country)
	if err != nil {
		country = ""
	}
	var keyBuf [maxRead + 1]uint64
	keys := keyBuf[:0]
	m.ct.entryKeys(read, func(k uint64) { keys = append(keys, k) })
	var (
		hits    []Hit
		seenBuf [64]uint32
		scratch [maxRead + 2]Diff
		nowSec  = now.Unix()
	)
	for _, ix := range *m.snap.Load() {
		seen := seenBuf[:0]
		for _, k := range keys {
			h := mix(k)
			bk := h >> ix.shift
			fp := fingerprint(h, ix.shift)
			for _, p := range ix.post[ix.dir[bk]:ix.dir[bk+1]] {
				if p>>postIdxBits != fp {
					continue
				}
				i := p & postIdxMask
				if slices.Contains(seen, i) {
					continue
				}
				seen = append(seen, i)
				if hit, ok := m.check(ix, int(i), read, country, nowSec, scratch[:0]); ok {
					hits = append(hits, hit)
				}
			}
		}
	}
	if len(hits) > 1 {
		slices.SortFunc(hits, func(a, b Hit) int {
			return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Entry.Priority, b.Entry.Priority),
				cmp.Compare(a.List, b.List), cmp.Compare(a.Entry.Line, b.Entry.Line))
		})
	}
	return hits
}

func (m *Matcher) check(ix *listIndex, i int, read, country string, now int64, scratch []Diff) (Hit, bool) {
	r := &ix.recs[i]
	if now < r.from || now >= r.until {
		return Hit{}, false
	}
	ec := ix.country[r.country]
	if country != "" && ec != "" && ec != country {
		return Hit{}, false
	}
	kind, diffs, ok := m.ct.compare(read, ix.plate(i), m.maxLook, m.minEdit, scratch)
	if !ok {
		return Hit{}, false
	}
	h := Hit{List: ix.name, Version: ix.version, Entry: ix.entry(i), Kind: kind, Read: read,
		CountryUnknown: country == "" || ec == ""}
	if len(diffs) > 0 {
		h.Diffs = slices.Clone(diffs)
		slices.SortFunc(h.Diffs, func(a, b Diff) int { return cmp.Compare(a.ListedPos, b.ListedPos) })
	}
	return h, true
}
