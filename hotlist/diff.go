package hotlist

import (
	"cmp"
	"context"
	"encoding/binary"
	"slices"

	"github.com/politiezone/zoneconsole/hotlist/entry"
	"github.com/politiezone/zoneconsole/hotlist/match"
)

// pcKey is a plate and a country packed into 16 bytes: 12 plate bytes, the
// plate length, and the two letters of the country ("" is two zeros).
type pcKey struct{ hi, lo uint64 }

func makePCKey(plate []byte, country string) pcKey {
	var b [16]byte
	copy(b[:entry.MaxPlateLen], plate)
	b[entry.MaxPlateLen] = byte(len(plate))
	copy(b[entry.MaxPlateLen+1:], country)
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
func (s *Store) diff(ctx context.Context, list string, prev int64, b *match.Builder) (added, removed int, err error) {
	var old []pcKey
	for _, st := range s.matcher.Stats() {
		if st.List == list && st.Version == prev {
			old = make([]pcKey, 0, st.Entries) // one array, not a doubling series
		}
	}
	held := prev > 0 && s.matcher.Plates(list, prev, func(plate []byte, country string) {
		old = append(old, makePCKey(plate, country))
	})
	if !held && prev > 0 {
		if _, err := s.eachEntry(ctx, list, prev, func(e Entry) error {
			old = append(old, makePCKey([]byte(e.Plate), e.Country))
			return nil
		}); err != nil {
			return 0, 0, err
		}
	}
	cur := make([]pcKey, 0, b.Len())
	for i := range b.Len() {
		cur = append(cur, makePCKey(b.Key(i)))
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
