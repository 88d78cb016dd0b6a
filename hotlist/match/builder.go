package match

import (
	"math"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/hotlist/entry"
	"github.com/politiezone/zoneconsole/plate"
)

// Builder collects the entries of one list version: the matcher builds its
// index from it, and an import also writes the store and counts its changes
// from it, so a file's entries are held once, packed (48 bytes and interned
// strings each), and never as a slice of Entry values.
type Builder struct {
	name    string
	version int64
	recs    recTable
	strs    []string
	intern  map[string]uint32
	country []string

	// During an import only (AddUnique): the entries filed so far, by the
	// hash of their dupKey (dupSet), and the valid entries past MaxListEntries.
	seen     dupSet
	overflow int
}

func NewBuilder(name string, version int64, sizeHint int) *Builder {
	b := &Builder{name: name, version: version, intern: make(map[string]uint32), strs: []string{""}, country: []string{""}}
	b.intern[""] = 0
	b.recs.reserve(sizeHint)
	return b
}

// str interns s. A new string is cloned: s is often a slice of a whole CSV
// record, and keeping the record alive for one remark would hold the file.
func (b *Builder) str(s string) uint32 {
	if i, ok := b.intern[s]; ok {
		return i
	}
	s = strings.Clone(s)
	i := uint32(len(b.strs))
	b.strs = append(b.strs, s)
	b.intern[s] = i
	return i
}

func (b *Builder) countryID(c string) (uint16, bool) {
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

// Add files one entry; it reports false for a plate that cannot be indexed
// (empty, too long) or once the list is full.
func (b *Builder) Add(e entry.Entry) bool {
	r, ok := b.pack(e)
	if ok {
		b.recs.add(r)
	}
	return ok
}

func (b *Builder) pack(e entry.Entry) (rec, bool) {
	if !normalised(e.Plate) {
		e.Plate = plate.Normalize(e.Plate)
	}
	if b.recs.len() >= MaxListEntries || e.Plate == "" || len(e.Plate) > entry.MaxPlateLen {
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
	plate           [entry.MaxPlateLen]byte
	plateLen        uint8
	country         uint16
	source, measure uint32
	from, until     int64
}

func (r *rec) dupKey() dupKey {
	return dupKey{r.plate, r.plateLen, r.country, r.source, r.measure, r.from, r.until}
}

// AddUnique files a validated entry of an import unless an identical one
// (dupKey) is already filed; then it returns the line of that first one. An
// entry past MaxListEntries is only counted (overflow): the import fails,
// and its size is all the error needs to say.
func (b *Builder) AddUnique(e entry.Entry) (firstLine int, dup bool) {
	if b.recs.len() >= MaxListEntries {
		b.overflow++
		return 0, false
	}
	r, ok := b.pack(e)
	if !ok {
		b.overflow++ // cannot happen for a validated entry; still never lost silently
		return 0, false
	}
	if i, ok := b.seen.insert(&b.recs, r.dupKey()); !ok {
		return int(b.recs.at(i).line), true
	}
	b.recs.add(r)
	return 0, false
}

// Count is the number of valid entries an import found, those past
// MaxListEntries included.
func (b *Builder) Count() int { return b.recs.len() + b.overflow }

// DoneAdding drops what only adding needs (the duplicate set and the
// string intern map, a quarter of a national list's builder), so that the
// store and the index are written without it. Nothing may be added after.
func (b *Builder) DoneAdding() {
	b.seen = dupSet{}
	b.intern = nil
}

// Len is the number of entries filed.
func (b *Builder) Len() int { return b.recs.len() }

// SetVersion sets the version number of the list the entries make, once
// the store has given it one.
func (b *Builder) SetVersion(v int64) { b.version = v }

// Key returns the plate and country of entry i, without copying the plate.
func (b *Builder) Key(i int) (plate []byte, country string) {
	r := b.recs.at(i)
	return r.plate[:r.plateLen], b.country[r.country]
}

// Entry rebuilds entry i as it was filed.
func (b *Builder) Entry(i int) entry.Entry {
	r := b.recs.at(i)
	e := entry.Entry{
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

// strBytes interns a string given as bytes; the lookup does not allocate.
func (b *Builder) strBytes(s []byte) uint32 {
	if i, ok := b.intern[string(s)]; ok {
		return i
	}
	return b.str(string(s))
}

// AddStored files an entry as a store holds it: its validity as Unix
// seconds (math.MinInt64 and math.MaxInt64 when open) and its text as bytes
// that the caller may reuse once it returns. It reports false for a plate
// that cannot be indexed or once the list is full.
func (b *Builder) AddStored(line int, prio entry.Priority, from, until int64, pl, country, source, measure, remarks []byte) bool {
	r := rec{prio: prio, line: uint32(line), from: from, until: until}
	if b.recs.len() >= MaxListEntries || len(pl) == 0 || len(pl) > entry.MaxPlateLen || !normalised(string(pl)) {
		// Stored plates are normalised at import; anything else is not trusted.
		p := plate.Normalize(string(pl))
		if b.recs.len() >= MaxListEntries || p == "" || len(p) > entry.MaxPlateLen {
			return false
		}
		pl = []byte(p)
	}
	cid, ok := b.countryIDBytes(country)
	if !ok {
		return false
	}
	r.plateLen = uint8(len(pl))
	copy(r.plate[:], pl)
	r.country = cid
	r.source = b.strBytes(source)
	r.measure = b.strBytes(measure)
	r.remarks = b.strBytes(remarks)
	b.recs.add(r)
	return true
}

func (b *Builder) countryIDBytes(c []byte) (uint16, bool) {
	for i, s := range b.country {
		if s == string(c) {
			return uint16(i), true
		}
	}
	return b.countryID(string(c))
}
