package plate

import "strings"

// lookalikePairs is the console's one look-alike table: each row is two plate
// characters an OCR engine confuses on plate fonts, grouped by the shape they
// share. Everything else about look-alikes is derived from it:
//
//   - Lookalikes(c), the characters paired with c, for the plate decoder, the
//     tracker and Distance;
//   - LookalikeClasses(), the pairs closed under "looks like" (O 0 D Q, ...),
//     for the hotlist matcher, whose index files a plate under one key per
//     class and so needs disjoint classes.
//
// The two views differ only where the table is not transitive: D and Q are
// each paired with O and 0 but not with each other (their tails differ more
// than either differs from O), so Lookalikes keeps them apart and the classes
// join them. Add a pair here, never a class elsewhere: every pair widens the
// net for every plate.
var lookalikePairs = [...][2]byte{
	// round shapes; the most frequent confusion in the ANPR notes
	{'O', '0'}, {'O', 'D'}, {'O', 'Q'}, {'0', 'D'}, {'0', 'Q'},
	{'B', '8'}, // closed double bowl
	// vertical stroke; L loses its foot to dirt or a low angle
	{'I', '1'}, {'I', 'L'}, {'1', 'L'},
	{'S', '5'}, // same curve
	{'Z', '2'}, // same diagonal
	{'G', '6'}, // same bowl with a spur
	{'A', '4'}, // closed-top 4 in the plate fonts (FE-Schrift, BE/NL) is an A without the bar
	{'T', '7'}, // same top bar; the stem is all that differs on a tilted plate
}

// lookalikeOf is Lookalikes precomputed from lookalikePairs once, at package
// initialisation, and never written after: the CTC decoder asks for it per
// frame and per character, so the answer must not be rebuilt (or allocated)
// on each call.
var lookalikeOf = pairNeighbours()

func pairNeighbours() (of [256]string) {
	for _, p := range lookalikePairs {
		of[p[0]] += string(p[1])
		of[p[1]] += string(p[0])
	}
	return of
}

// Lookalikes returns the characters an OCR engine confuses with c on plate
// fonts (lookalikePairs), in table order; "" for a character without any.
// The plate decoder uses it to credit a read whose format forced a letter
// where the engine saw the digit that looks like it (O for 0, I for 1...):
// the engine's doubt was about the glyph, not about the plate.
func Lookalikes(c byte) string { return lookalikeOf[c] }

// lookalike reports whether a and b are the same character or a pair of the
// table.
func lookalike(a, b byte) bool {
	return a == b || strings.IndexByte(lookalikeOf[a], b) >= 0
}

// LookalikeClasses returns the look-alike table closed into disjoint classes
// ("O0DQ", "B8", "I1L", ...): two characters are in one class when a chain of
// pairs joins them. Classes come in the order of their first pair, and the
// characters of a class in the order they first appear in the table. The
// slice is new on every call; the caller may keep or change it.
func LookalikeClasses() []string {
	// Union-find over the 256 byte values; the table has a dozen rows.
	var parent [256]byte
	for i := range parent {
		parent[i] = byte(i)
	}
	find := func(c byte) byte {
		for parent[c] != c {
			parent[c] = parent[parent[c]]
			c = parent[c]
		}
		return c
	}
	var order []byte // characters in order of first appearance
	var seen [256]bool
	for _, p := range lookalikePairs {
		for _, c := range p {
			if !seen[c] {
				seen[c] = true
				order = append(order, c)
			}
		}
		if ra, rb := find(p[0]), find(p[1]); ra != rb {
			parent[rb] = ra
		}
	}
	var (
		classes []string
		index   = map[byte]int{} // root -> index in classes
	)
	for _, c := range order {
		r := find(c)
		i, ok := index[r]
		if !ok {
			i = len(classes)
			index[r] = i
			classes = append(classes, "")
		}
		classes[i] += string(c)
	}
	return classes
}
