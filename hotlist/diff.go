package hotlist

import (
	"cmp"
	"context"
	"encoding/binary"
	"slices"
)

// pcKey is a plate and a country packed into 16 bytes: 12 plate bytes, the
// plate length, and the two letters of the country ("" is two zeros).
type pcKey struct{ hi, lo uint64 }

func makePCKey(plate []byte, country string) pcKey {
	var b [16]byte
	copy(b[:maxPlateLen], plate)
	b[maxPlateLen] = byte(len(plate))
	copy(b[maxPlateLen+1:], country)
	return pcKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func comparePC(a, b pcKey) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	return cmp.Compare(a.lo, b.lo)
}

// sortedPC sorts keys and drops repeats.
func sortedPC(keys []pcKey) []pcKey {
	slices.SortFunc(keys, comparePC)
	return slices.Compact(keys)
}

// diff counts plate+country pairs added and removed against the previous
// version: from the matcher when it holds that version, else (another
// process imported it) from the database. Both sides are sorted arrays of
// 16-byte keys and merged, which for a national list costs a fraction of a
// map of its strings.
func (s *Store) diff(ctx context.Context, list string, prev int64, b *builder) (added, removed int, err error) {
	var old []pcKey
	var held *listIndex
	for _, ix := range *s.matcher.snap.Load() {
		if ix.name == list && ix.version == prev {
			held = ix
		}
	}
	switch {
	case held != nil:
		old = make([]pcKey, 0, held.recs.len())
		for i := range held.recs.len() {
			r := held.recs.at(i)
			old = append(old, makePCKey(r.plate[:r.plateLen], held.country[r.country]))
		}
	case prev > 0:
		if _, err := s.eachEntry(ctx, list, prev, func(e Entry) error {
			old = append(old, makePCKey([]byte(e.Plate), e.Country))
			return nil
		}); err != nil {
			return 0, 0, err
		}
	}
	cur := make([]pcKey, 0, b.recs.len())
	for i := range b.recs.len() {
		r := b.recs.at(i)
		cur = append(cur, makePCKey(r.plate[:r.plateLen], b.country[r.country]))
	}
	old, cur = sortedPC(old), sortedPC(cur)
	i, j := 0, 0
	for i < len(old) && j < len(cur) {
		switch c := comparePC(old[i], cur[j]); {
		case c < 0:
			removed++
			i++
		case c > 0:
			added++
			j++
		default:
			i++
			j++
		}
	}
	return added + len(cur) - j, removed + len(old) - i, nil
}
