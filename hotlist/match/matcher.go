package match

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/hotlist/entry"
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
	// NoSubstitution limits one-edit hits to one inserted or dropped
	// character (a crest or sticker read as a character, a lost I or 1), the
	// misreads the ANPR notes report; an unrelated substituted character is
	// the largest part of a plate's one-edit neighbourhood, so of the noise.
	NoSubstitution bool
	// OneEditMaxPriority, when set, allows one-edit hits only on entries of
	// that priority or more urgent (entry.PriorityHigh: critical and high): on a
	// large list most one-edit hits are other vehicles (see BenchmarkMatch).
	OneEditMaxPriority entry.Priority
}

// Hit is one listed entry a read matched.
type Hit struct {
	List    string
	Version int64
	Entry   entry.Entry
	Kind    Kind
	Read    string // the read, normalised
	Diffs   []Diff // nil for an exact hit
	// CountryUnknown is set when the read or the entry has no country, so the
	// hit rests on the characters alone; the dispatcher checks the plate's country.
	CountryUnknown bool
	// ListEntries is how many entries the hit's list version holds: the
	// AlertPolicy weighs a near hit by it (on a large list most are noise).
	ListEntries int
	// AsUrgent is how many entries of that list version have the hit's
	// priority or a more urgent one.
	AsUrgent int
}

// Matcher matches reads against the active version of every loaded list.
// Match never blocks: it reads an immutable snapshot, and Load and Remove
// build the next snapshot aside and swap it in atomically.
type Matcher struct {
	ct      classTable
	maxLook int
	minEdit int
	oneEdit bool
	noSubst bool
	oePrio  entry.Priority

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
	m := &Matcher{ct: ct, maxLook: 2, minEdit: 5, oneEdit: !opt.NoOneEdit, noSubst: opt.NoSubstitution, oePrio: entry.PriorityInfo}
	if opt.OneEditMaxPriority.Valid() {
		m.oePrio = opt.OneEditMaxPriority
	}
	if opt.MaxLookalikes != 0 {
		m.maxLook = max(opt.MaxLookalikes, 0)
	}
	if opt.MinEditLen > 0 {
		m.minEdit = opt.MinEditLen
	}
	if !m.oneEdit {
		m.minEdit = entry.MaxPlateLen + 2
	}
	m.snap.Store(new([]*listIndex))
	return m, nil
}

// Load makes entries the active version of list, replacing what the
// matcher held for it. Entries whose plate cannot be indexed (empty, longer
// than 12) are skipped and counted in the error.
func (m *Matcher) Load(list string, version int64, entries []entry.Entry) error {
	b := NewBuilder(list, version, len(entries))
	skipped := 0
	for _, e := range entries {
		if !b.Add(e) {
			skipped++
		}
	}
	m.Install(b)
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

// Install builds the index of b's entries and makes it the active version
// of b's list, replacing what the matcher held for it. b is not to be used
// afterwards: the index takes over its arrays.
func (m *Matcher) Install(b *Builder) { m.swap(b.build(&m.ct)) }

// Plates calls fn with the plate and country of every entry of the given
// version of list, when that is the version the matcher holds; it reports
// whether it was. plate is valid only during the call.
func (m *Matcher) Plates(list string, version int64, fn func(plate []byte, country string)) bool {
	for _, ix := range *m.snap.Load() {
		if ix.name == list && ix.version == version {
			for i := range ix.recs.len() {
				r := ix.recs.at(i)
				fn(r.plate[:r.plateLen], ix.country[r.country])
			}
			return true
		}
	}
	return false
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
		out = append(out, ListStats{List: ix.name, Version: ix.version, Entries: ix.recs.len(), Bytes: ix.bytes(), Keys: len(ix.post)})
	}
	return out
}

// maxRead is the longest read worth looking up: a 12-character plate plus
// one extra character.
const maxRead = entry.MaxPlateLen + 1

// Match returns the active entries the read hits at now, most certain kind
// first, then by priority. read is normalised here (plate.Normalize), and
// country too (NormalizeCountry; a code it does not know counts as unknown).
//
// Country rule: a read and an entry that both have a country must agree;
// when either has none (the reader could not tell, or the source did not
// say) the plate alone decides and the hit says CountryUnknown. An ANPR
// country guess is weaker than its characters, but two countries issuing
// the same characters are two different vehicles.
func (m *Matcher) Match(read, country string, now time.Time) []Hit {
	if !normalised(read) {
		read = plate.Normalize(read)
	}
	if read == "" || len(read) > maxRead {
		return nil
	}
	country, err := entry.NormalizeCountry(country)
	if err != nil {
		country = ""
	}
	var (
		keyBuf  [maxRead + 1]uint64
		tagBuf  [maxRead + 1]uint32
		hashBuf [maxRead + 1]uint64
		loBuf   [maxRead + 1]uint32
		hiBuf   [maxRead + 1]uint32
		candBuf [64]uint32
		scratch [maxRead + 2]Diff
		hits    []Hit
		store   []Diff
		nowSec  = now.Unix()
	)
	keys, tags := keyBuf[:0], tagBuf[:0]
	m.ct.entryKeys(read, func(k uint64, tag uint32) {
		keys = append(keys, k)
		tags = append(tags, tag)
	})
	hashes := hashBuf[:len(keys)]
	for i, k := range keys {
		hashes[i] = mix(k)
	}
	// The lookups go in passes whose loads do not depend on each other
	// (bucket bounds, then postings, then entries), so the CPU has the cache
	// misses of all keys in flight at once instead of one after the other.
	for _, ix := range *m.snap.Load() {
		lo, hi := loBuf[:len(keys)], hiBuf[:len(keys)]
		for i, h := range hashes {
			bk := h >> ix.shift
			lo[i], hi[i] = ix.dir[bk], ix.dir[bk+1]
		}
		cands := candBuf[:0]
		for i, h := range hashes {
			fp, rt := fingerprint(h, ix.shift), tags[i]
			for _, p := range ix.post[lo[i]:hi[i]] {
				if p>>(postIdxBits+postTagBits) == fp && keyMatches(rt, p>>postIdxBits&(1<<postTagBits-1)) &&
					!slices.Contains(cands, p&postIdxMask) {
					cands = append(cands, p&postIdxMask)
				}
			}
		}
		for _, c := range cands {
			var h Hit
			if m.check(ix, int(c), read, country, nowSec, scratch[:0], &store, &h) {
				if hits == nil {
					hits = make([]Hit, 0, len(cands))
				}
				hits = append(hits, h)
			}
		}
	}
	if len(hits) > 1 {
		slices.SortFunc(hits, compareHits)
	}
	return hits
}

// check decides one candidate and fills *h when it hits. Accepted diffs
// are appended to *store, one backing array shared by the hits of a read.
func (m *Matcher) check(ix *listIndex, i int, read, country string, now int64, scratch []Diff, store *[]Diff, h *Hit) bool {
	r := ix.recs.at(i)
	if now < r.from || now >= r.until {
		return false
	}
	ec := ix.country[r.country]
	if country != "" && ec != "" && ec != country {
		return false
	}
	minEdit := m.minEdit
	if r.prio > m.oePrio {
		minEdit = entry.MaxPlateLen + 2 // no one-edit hit on this entry
	}
	kind, diffs, ok := m.ct.compare(read, ix.plate(i), m.maxLook, minEdit, m.noSubst, scratch)
	if !ok {
		return false
	}
	*h = Hit{List: ix.name, Version: ix.version, Kind: kind, Read: read, CountryUnknown: country == "" || ec == "", ListEntries: ix.recs.len(),
		AsUrgent: ix.upTo[min(int(r.prio), len(ix.upTo)-1)]}
	ix.fill(i, read, &h.Entry)
	if len(diffs) > 0 {
		if len(diffs) > 1 {
			slices.SortFunc(diffs, func(a, b Diff) int { return cmp.Compare(a.ListedPos, b.ListedPos) })
		}
		if *store == nil {
			*store = make([]Diff, 0, 2*len(diffs)+2)
		}
		start := len(*store)
		*store = append(*store, diffs...)
		h.Diffs = (*store)[start:len(*store):len(*store)]
	}
	return true
}

// compareHits orders hits: most certain kind, most urgent, list, line.
func compareHits(a, b Hit) int {
	if a.Kind != b.Kind {
		return cmp.Compare(a.Kind, b.Kind)
	}
	if a.Entry.Priority != b.Entry.Priority {
		return cmp.Compare(a.Entry.Priority, b.Entry.Priority)
	}
	if a.List != b.List {
		return cmp.Compare(a.List, b.List)
	}
	return cmp.Compare(a.Entry.Line, b.Entry.Line)
}

// normalised reports whether s is already in plate.Normalize's form, so
// that the reader's usual input costs no allocation.
func normalised(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
