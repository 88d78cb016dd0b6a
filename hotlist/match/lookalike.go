package match

import (
	"fmt"
	"strings"

	"github.com/politiezone/zoneconsole/plate"
)

// DefaultLookalikes returns the look-alike classes of plate.LookalikeClasses,
// the console's one table. Two plates that differ only inside these classes
// are a "lookalike" match; the one-edit match works on the same classes. The
// matcher files a plate under one key per class, so the classes must be
// disjoint (an equivalence): that is why it takes the closed classes, not
// plate's pairs.
func DefaultLookalikes() []string {
	return plate.LookalikeClasses()
}

// classTable maps a plate character to its class code (1..31, 0 for a
// character that never appears on a plate) and back to one representative.
type classTable struct {
	code [256]uint8
	n    int // number of classes
}

// newClassTable checks that the classes are disjoint, hold only plate
// characters, and leave at most 31 classes (5 bits per character in a key).
func newClassTable(classes []string) (classTable, error) {
	var t classTable
	for _, cl := range classes {
		t.n++
		for i := 0; i < len(cl); i++ {
			c := cl[i]
			if strings.IndexByte(plate.Alphabet, c) < 0 {
				return t, fmt.Errorf("lookalike class %q: %q is not a plate character (A-Z, 0-9)", cl, c)
			}
			if t.code[c] != 0 {
				return t, fmt.Errorf("lookalike class %q: %q is already in another class", cl, c)
			}
			t.code[c] = uint8(t.n)
		}
	}
	for i := 0; i < len(plate.Alphabet); i++ {
		if t.code[plate.Alphabet[i]] == 0 {
			t.n++
			t.code[plate.Alphabet[i]] = uint8(t.n)
		}
	}
	if t.n > 31 {
		return t, fmt.Errorf("lookalike table leaves %d classes, at most 31 fit a key: merge more characters", t.n)
	}
	return t, nil
}

// same reports whether a and b are the same character up to look-alikes.
func (t *classTable) same(a, b byte) bool { return t.code[a] == t.code[b] }

// key packs a plate's class codes, 5 bits each, into a uint64. Codes are
// never 0, so the length is implicit and different lengths never collide;
// skip >= 0 leaves that position out (a deletion key). ok is false for a
// plate that does not fit (more than 12 characters kept) or holds a
// character outside plate.Alphabet.
func (t *classTable) key(p string, skip int) (k uint64, ok bool) {
	shift := uint(0)
	for i := 0; i < len(p); i++ {
		if i == skip {
			continue
		}
		c := t.code[p[i]]
		if c == 0 || shift >= 60 {
			return 0, false
		}
		k |= uint64(c) << shift
		shift += 5
	}
	return k, true
}
