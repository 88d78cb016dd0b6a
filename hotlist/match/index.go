package match

import (
	"math"
	"time"
	"unsafe"

	"github.com/politiezone/zoneconsole/hotlist/entry"
)

// rec is an Entry packed for the index: 48 bytes instead of ~170, strings
// interned (a national list repeats its sources and measures a million times).
type rec struct {
	plate    [entry.MaxPlateLen]byte // inline: one cache miss per candidate, not two
	plateLen uint8
	prio     entry.Priority
	country  uint16 // index into countries
	source   uint32
	measure  uint32
	remarks  uint32
	line     uint32
	from     int64 // unix seconds, math.MinInt64 when open
	until    int64 // unix seconds, math.MaxInt64 when open
}

// listIndex is the immutable match index of one version of one list.
//
// Every entry is filed under the key of its class-canonical plate (each
// character replaced by its look-alike class) and under the keys of that
// plate with one character deleted. A read looks up its own key and its own
// deletion keys; any entry within one edit (up to look-alikes) shares one of
// them (symmetric delete). Keys are hashed into buckets; a posting is the
// entry number (24 bits), the key's tag (4 bits: full, or which position was
// deleted) and 4 more bits of the key's hash, so that most entries that only
// share the bucket, or share a key only two edits away, are dropped without
// being touched.
// compare then decides, on the real characters, what kind of match it is.
type listIndex struct {
	name    string
	version int64
	recs    recTable
	strs    []string
	country []string
	dir     []uint32 // bucket b holds post[dir[b]:dir[b+1]]
	post    []uint32
	shift   uint // bucket = hash >> shift
	// upTo[p] counts the entries of priority p or more urgent, so that a
	// hit can tell the AlertPolicy how many entries share its bar.
	upTo [entry.PriorityInfo + 1]int
}

const (
	postIdxBits = 24
	postIdxMask = 1<<postIdxBits - 1
	postTagBits = 4
)

// MaxListEntries is the most entries one list may hold: what a posting can
// address.
const MaxListEntries = postIdxMask

// mix is the splitmix64 finaliser: keys are structured (plates share
// prefixes), buckets must not be.
func mix(k uint64) uint64 {
	k ^= k >> 30
	k *= 0xbf58476d1ce4e5b9
	k ^= k >> 27
	k *= 0x94d049bb133111eb
	k ^= k >> 31
	return k
}

// fingerprint is the 4 bits of the hash just below the bucket bits.
func fingerprint(h uint64, shift uint) uint32 { return uint32(h>>(shift-4)) & 0xF }

// fullKey tags the posting of a plate's own key; deletion keys are tagged
// with the deleted position (0..11).
const fullKey = 15

// entryKeys calls fn with the full key of p and with each deletion key,
// tagged. A run of one class gives the same deletion key several times, once
// per position: the tags must stay exact for the substitution rule in Match.
func (t *classTable) entryKeys(p string, fn func(k uint64, tag uint32)) {
	if k, ok := t.key(p, -1); ok {
		fn(k, fullKey)
	}
	if len(p) < 2 {
		return
	}
	for i := 0; i < len(p); i++ {
		if k, ok := t.key(p, i); ok {
			fn(k, uint32(min(i, fullKey-1)))
		}
	}
}

// keyMatches says whether a read key tagged rt may meet an entry key tagged
// et. Within one edit (up to look-alikes): equal plates share their full
// keys; a read missing the character at p has the entry's deletion key p as
// its full key; a read with an extra character at p has the entry's full key
// as its deletion key p; a substitution at p shares deletion key p on both
// sides. Deletion keys of different positions meet only for plates two edits
// apart (a transposition, a shift), which are dropped here unread.
func keyMatches(rt, et uint32) bool { return rt == fullKey || et == fullKey || rt == et }

// build makes the bucket directory. Scattering millions of postings
// straight into a 30 MB array misses the cache on every write, so the
// postings are first split by the top bits of their bucket into at most
// 256 runs (sequential writes), and each run, whose part of dir and post
// fits in the cache, is then counting-sorted into place. The runs are made
// a group at a time, each group a pass over the entries, so that the
// scratch array is a quarter of the postings, not all of them: at a
// national list's size it would otherwise be the largest array of an
// import (8 bytes a posting against post's 4).
func (b *Builder) build(t *classTable) *listIndex {
	ix := &listIndex{name: b.name, version: b.version, recs: b.recs, strs: b.strs, country: b.country}
	b.intern = nil
	nkeys := 0
	for i := range ix.recs.len() {
		t.entryKeys(ix.plate(i), func(uint64, uint32) { nkeys++ })
		if p := ix.recs.at(i).prio; int(p) < len(ix.upTo) {
			ix.upTo[p]++
		}
	}
	for p := 1; p < len(ix.upTo); p++ {
		ix.upTo[p] += ix.upTo[p-1]
	}
	// About one posting per bucket, the fingerprint dropping most
	// strangers: the power of two nearest the postings, 0.7 to 1.4 of them
	// per bucket. Rounding up gave 1 to 2 buckets a posting, so a directory
	// of up to 8 bytes a posting, at some list sizes the largest array of
	// an import (TestImportRSS), for a bucket scan that is one cache line
	// either way.
	lg := max(int(math.Round(math.Log2(float64(max(nkeys, 1))))), 4)
	ix.shift = uint(64 - lg)
	nb := 1 << lg
	hiBits := min(8, lg)
	loBits := lg - hiBits
	loMask := uint64(1)<<loBits - 1
	nruns := 1 << hiBits

	// Pass 1: run sizes.
	var start [1<<8 + 1]int
	for i := range ix.recs.len() {
		t.entryKeys(ix.plate(i), func(k uint64, _ uint32) { start[mix(k)>>ix.shift>>loBits+1]++ })
	}
	for r := 1; r <= nruns; r++ {
		start[r] += start[r-1]
	}
	ix.dir = make([]uint32, nb+1)
	ix.post = make([]uint32, nkeys)
	adviseHuge(ix.dir)
	adviseHuge(ix.post)
	// The groups: runs groups[g]..groups[g+1]-1 form group g; one run may
	// exceed the budget. The scratch is made once, for the largest group:
	// grown group by group, it left each smaller array as garbage that no
	// collection frees before the build ends, a third more at the peak.
	budget := max(nkeys/groupsPerBuild+1, 1<<12)
	groups, largest := []int{0}, 0
	for g0 := 0; g0 < nruns; {
		g1 := g0 + 1
		for g1 < nruns && start[g1+1]-start[g0] <= budget {
			g1++
		}
		groups = append(groups, g1)
		largest = max(largest, start[g1]-start[g0])
		g0 = g1
	}
	scratch := make([]uint64, largest)
	for g := 0; g+1 < len(groups); g++ {
		g0, g1 := groups[g], groups[g+1]
		base := start[g0]
		runs := scratch[:start[g1]-base]
		// Pass 2: the group's postings into their runs, tagged with the
		// low bucket bits.
		var fill [1<<8 + 1]int
		copy(fill[g0:g1], start[g0:g1])
		for i := range ix.recs.len() {
			t.entryKeys(ix.plate(i), func(k uint64, tag uint32) {
				h := mix(k)
				bk := h >> ix.shift
				r := int(bk >> loBits)
				if r < g0 || r >= g1 {
					return
				}
				runs[fill[r]-base] = (bk&loMask)<<32 | uint64(uint32(i)|tag<<postIdxBits|fingerprint(h, ix.shift)<<(postIdxBits+postTagBits))
				fill[r]++
			})
		}
		// Pass 3: each run sorted into its own slice of dir and post.
		for r := g0; r < g1; r++ {
			ix.sortRun(runs[start[r]-base:start[r+1]-base], r<<loBits, loBits, start[r])
		}
	}
	ix.dir[nb] = uint32(nkeys)
	return ix
}

// groupsPerBuild is how many passes build makes over the entries to fill
// the runs: more passes, less scratch (a quarter of the postings here) and
// more time (each pass recomputes every key, about 50 ns an entry).
const groupsPerBuild = 4

// sortRun counting-sorts one run's postings (tagged with their low bucket
// bits) into post, starting at postStart, and fills the run's part of dir.
func (ix *listIndex) sortRun(seg []uint64, base, loBits, postStart int) {
	dir := ix.dir[base : base+1<<loBits+1]
	for _, p := range seg {
		dir[p>>32+1]++
	}
	dir[0] = uint32(postStart)
	for i := 1; i < len(dir); i++ {
		dir[i] += dir[i-1]
	}
	for _, p := range seg {
		lo := p >> 32
		ix.post[dir[lo]] = uint32(p)
		dir[lo]++
	}
	// The scatter advanced each bucket's start to its end; shift back.
	copy(dir[1:], dir[:len(dir)-1])
	dir[0] = uint32(postStart)
}

// plate returns the listed plate without copying; recs is never written
// after build.
func (ix *listIndex) plate(i int) string {
	r := ix.recs.at(i)
	return unsafe.String(&r.plate[0], int(r.plateLen))
}

// fill rebuilds entry i into e. read is reused as its plate when they are
// equal, which saves the one allocation of an exact hit.
func (ix *listIndex) fill(i int, read string, e *entry.Entry) {
	r := ix.recs.at(i)
	e.Plate = read
	if read != ix.plate(i) {
		e.Plate = string(r.plate[:r.plateLen])
	}
	e.Country = ix.country[r.country]
	e.Source = ix.strs[r.source]
	e.Measure = ix.strs[r.measure]
	e.Priority = r.prio
	e.Remarks = ix.strs[r.remarks]
	e.Line = int(r.line)
	if r.from != math.MinInt64 {
		e.ValidFrom = time.Unix(r.from, 0).UTC()
	}
	if r.until != math.MaxInt64 {
		e.ValidUntil = time.Unix(r.until, 0).UTC()
	}
}

// bytes is the memory the index holds (arrays and string data), for Stats.
func (ix *listIndex) bytes() int64 {
	n := int64(ix.recs.len())*int64(unsafe.Sizeof(rec{})) +
		int64(len(ix.dir)+len(ix.post))*4 + int64(len(ix.strs))*int64(unsafe.Sizeof(""))
	for _, s := range ix.strs {
		n += int64(len(s))
	}
	return n
}
