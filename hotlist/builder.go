package hotlist

import (
	"hash/maphash"
	"math"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/plate"
)

// builder collects the entries of one list version: the matcher builds its
// index from it, and an import also writes the store and counts its changes
// from it, so a file's entries are held once, packed (48 bytes and interned
// strings each), and never as a slice of Entry values.
type builder struct {
	name    string
	version int64
	recs    recTable
	strs    []string
	intern  map[string]uint32
	country []string

	// During an import only (addUnique): the hash of each entry's dupKey
	// to its index in recs, the rare different entry whose hash clashes
	// with another's, and the valid entries past maxListEntries.
	seed     maphash.Seed
	seen     map[uint64]uint32
	clashes  map[dupKey]uint32
	overflow int
}

func newBuilder(name string, version int64, sizeHint int) *builder {
	b := &builder{name: name, version: version, intern: make(map[string]uint32), strs: []string{""}, country: []string{""}}
	b.intern[""] = 0
	b.recs.reserve(sizeHint)
	return b
}

// str interns s. A new string is cloned: s is often a slice of a whole CSV
// record, and keeping the record alive for one remark would hold the file.
func (b *builder) str(s string) uint32 {
	if i, ok := b.intern[s]; ok {
		return i
	}
	s = strings.Clone(s)
	i := uint32(len(b.strs))
	b.strs = append(b.strs, s)
	b.intern[s] = i
	return i
}

func (b *builder) countryID(c string) (uint16, bool) {
	for i, s := range b.country {
		if s == c {
			return uint16(i), true
		}
	}
	if len(b.country) > math.MaxUint16 {
		return 0, false
	}
	b.country = append(b.country, strings.Clone(c))
	return uint16(len(b.country) - 1), true
}

// add files one entry; it reports false for a plate that cannot be indexed
// (empty, too long) or once the list is full.
func (b *builder) add(e Entry) bool {
	r, ok := b.pack(e)
	if ok {
		b.recs.add(r)
	}
	return ok
}

func (b *builder) pack(e Entry) (rec, bool) {
	if !normalised(e.Plate) {
		e.Plate = plate.Normalize(e.Plate)
	}
	if b.recs.len() >= maxListEntries || e.Plate == "" || len(e.Plate) > maxPlateLen {
		return rec{}, false
	}
	cid, ok := b.countryID(e.Country)
	if !ok {
		return rec{}, false
	}
	r := rec{
		plateLen: uint8(len(e.Plate)),
		prio:     e.Priority,
		country:  cid,
		source:   b.str(e.Source),
		measure:  b.str(e.Measure),
		remarks:  b.str(e.Remarks),
		line:     uint32(e.Line),
		from:     math.MinInt64,
		until:    math.MaxInt64,
	}
	if !e.ValidFrom.IsZero() {
		r.from = e.ValidFrom.Unix()
	}
	if !e.ValidUntil.IsZero() {
		r.until = e.ValidUntil.Unix()
	}
	copy(r.plate[:], e.Plate)
	return r, true
}

// dupKey is what makes two entries the same alert: plate, country, source,
// measure and validity (not priority or remarks).
type dupKey struct {
	plate           [maxPlateLen]byte
	plateLen        uint8
	country         uint16
	source, measure uint32
	from, until     int64
}

func (r *rec) dupKey() dupKey {
	return dupKey{r.plate, r.plateLen, r.country, r.source, r.measure, r.from, r.until}
}

// addUnique files a validated entry of an import unless an identical one
// (dupKey) is already filed; then it returns the line of that first one. An
// entry past maxListEntries is only counted (overflow): the import fails,
// and its size is all the error needs to say.
func (b *builder) addUnique(e Entry) (firstLine int, dup bool) {
	if b.recs.len() >= maxListEntries {
		b.overflow++
		return 0, false
	}
	r, ok := b.pack(e)
	if !ok {
		b.overflow++ // cannot happen for a validated entry; still never lost silently
		return 0, false
	}
	if b.seen == nil {
		b.seed = maphash.MakeSeed()
		b.seen = make(map[uint64]uint32)
	}
	// The hash costs 12 bytes per entry where the key would cost 40; the
	// packed entry itself settles whether equal hashes are equal entries.
	k := r.dupKey()
	h := maphash.Comparable(b.seed, k)
	if i, ok := b.seen[h]; ok {
		if b.recs.at(int(i)).dupKey() == k {
			return int(b.recs.at(int(i)).line), true
		}
		if j, ok := b.clashes[k]; ok {
			return int(b.recs.at(int(j)).line), true
		}
		if b.clashes == nil {
			b.clashes = make(map[dupKey]uint32)
		}
		b.clashes[k] = uint32(b.recs.len())
	} else {
		b.seen[h] = uint32(b.recs.len())
	}
	b.recs.add(r)
	return 0, false
}

// entries is the number of valid entries an import found, those past
// maxListEntries included.
func (b *builder) entries() int { return b.recs.len() + b.overflow }

// doneAdding drops what only addUnique needs, before the index is built.
func (b *builder) doneAdding() {
	b.seen, b.clashes = nil, nil
}

// entry rebuilds entry i as it was filed.
func (b *builder) entry(i int) Entry {
	r := b.recs.at(i)
	e := Entry{
		Plate: string(r.plate[:r.plateLen]), Country: b.country[r.country],
		Source: b.strs[r.source], Measure: b.strs[r.measure], Remarks: b.strs[r.remarks],
		Priority: r.prio, Line: int(r.line),
	}
	if r.from != math.MinInt64 {
		e.ValidFrom = time.Unix(r.from, 0).UTC()
	}
	if r.until != math.MaxInt64 {
		e.ValidUntil = time.Unix(r.until, 0).UTC()
	}
	return e
}
