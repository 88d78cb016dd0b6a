package match

import "hash/maphash"

// dupSet finds an import's duplicate entries: an open-addressing table
// (linear probing) of the entries filed so far, by the hash of their dupKey.
// A slot is 4 bytes: the entry's index plus one (0 is empty) and 8 bits of
// the hash, which skip most other entries without loading them; the packed
// entry itself settles equality. A map from the 64-bit hash to the index
// took about 20 bytes an entry, a quarter of what the import of a CSV
// national list held while it was read; this takes 5 to 8 bytes an entry,
// 16 for a moment while it grows.
type dupSet struct {
	seed  maphash.Seed
	slots []uint32 // a power of two, at most three quarters full
	n     int
}

// dupIdxMask is the index part of a slot: MaxListEntries fits.
const dupIdxMask = postIdxMask

// insert files k, the key of the entry about to become recs.at(recs.len()),
// unless an entry with that key is already in recs; then it returns that
// one's index and false.
func (s *dupSet) insert(recs *recTable, k dupKey) (first int, added bool) {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
		s.slots = make([]uint32, 1<<10)
	}
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow(recs)
	}
	h := maphash.Comparable(s.seed, k)
	tag := uint32(h>>56) << postIdxBits
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := s.slots[i]
		if v == 0 {
			s.slots[i] = uint32(recs.len()+1) | tag
			s.n++
			return 0, true
		}
		if v&^dupIdxMask == tag {
			if j := int(v&dupIdxMask) - 1; recs.at(j).dupKey() == k {
				return j, false
			}
		}
	}
}

// grow doubles the table. Hashes are not kept, so each filed entry's key is
// hashed again from recs.
func (s *dupSet) grow(recs *recTable) {
	old := s.slots
	s.slots = make([]uint32, 2*len(old))
	mask := uint64(len(s.slots) - 1)
	for _, v := range old {
		if v == 0 {
			continue
		}
		i := maphash.Comparable(s.seed, recs.at(int(v&dupIdxMask)-1).dupKey()) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = v
	}
}
