package match

// Kind says how a read matched a listed plate.
type Kind uint8

// The kinds, from the most to the least certain. A dispatcher confirms a
// lookalike or one-edit hit against the plate crop before acting on it.
const (
	KindExact     Kind = iota + 1 // the read is the listed plate
	KindLookalike                 // differs only by look-alike characters (O/0, B/8, ...)
	KindOneEdit                   // one character inserted, dropped or substituted (plus look-alikes)
)

func (k Kind) String() string {
	switch k {
	case KindExact:
		return "exact"
	case KindLookalike:
		return "lookalike"
	case KindOneEdit:
		return "one_edit"
	}
	return "unknown"
}

// Op is what happened to one character between the listed plate and the read.
type Op uint8

// The differences a Hit reports.
const (
	OpLookalike  Op = iota + 1 // Read[ReadPos] is a look-alike of Listed[ListedPos]
	OpSubstitute               // Read[ReadPos] replaces an unrelated Listed[ListedPos]
	OpExtra                    // the read has a character the list has not (a crest or sticker read as a character)
	OpMissing                  // the read lacks a character of the listed plate (dropped I or 1)
)

func (o Op) String() string {
	switch o {
	case OpLookalike:
		return "lookalike"
	case OpSubstitute:
		return "substitute"
	case OpExtra:
		return "extra"
	case OpMissing:
		return "missing"
	}
	return "unknown"
}

// Diff is one differing position. For OpExtra, ListedPos is where in the
// listed plate the extra character sits (before ListedPos) and Listed is 0;
// for OpMissing, ReadPos is where in the read the character is missing and
// Read is 0.
type Diff struct {
	Op        Op
	ReadPos   int
	ListedPos int
	Read      byte
	Listed    byte
}

// compare classifies a normalised read against a listed plate. maxLook
// bounds the look-alike differences a hit may have; minEdit is the shortest
// listed plate a one-edit hit is allowed on; noSubst refuses a one-edit hit
// by substitution. diffs is appended to and
// returned so that the caller can avoid an allocation for a miss.
func (t *classTable) compare(read, listed string, maxLook, minEdit int, noSubst bool, diffs []Diff) (Kind, []Diff, bool) {
	nr, nl := len(read), len(listed)
	switch {
	case nr == nl:
		look, subs := 0, 0
		for i := 0; i < nr; i++ {
			r, l := read[i], listed[i]
			if r == l {
				continue
			}
			if t.same(r, l) {
				look++
				diffs = append(diffs, Diff{Op: OpLookalike, ReadPos: i, ListedPos: i, Read: r, Listed: l})
				continue
			}
			subs++
			if subs > 1 {
				return 0, diffs[:0], false
			}
			diffs = append(diffs, Diff{Op: OpSubstitute, ReadPos: i, ListedPos: i, Read: r, Listed: l})
		}
		switch {
		case look > maxLook:
			return 0, diffs[:0], false
		case subs == 1:
			if nl < minEdit || noSubst {
				return 0, diffs[:0], false
			}
			return KindOneEdit, diffs, true
		case look > 0:
			return KindLookalike, diffs, true
		}
		return KindExact, diffs, true
	case nr == nl+1:
		if nl < minEdit {
			return 0, diffs, false
		}
		return t.indel(read, listed, maxLook, diffs, OpExtra)
	case nl == nr+1:
		if nl < minEdit {
			return 0, diffs, false
		}
		return t.indel(listed, read, maxLook, diffs, OpMissing)
	}
	return 0, diffs, false
}

// indel checks that deleting one character of long gives short up to
// look-alikes. Where several positions work (a doubled character), it keeps
// the one with the fewest look-alikes. op tells which side long is: OpExtra
// when long is the read, OpMissing when long is the listed plate.
func (t *classTable) indel(long, short string, maxLook int, diffs []Diff, op Op) (Kind, []Diff, bool) {
	n := len(short)
	// p: longest class-equal prefix; s: longest class-equal suffix.
	p := 0
	for p < n && t.same(long[p], short[p]) {
		p++
	}
	s := 0
	for s < n && t.same(long[n-s], short[n-1-s]) {
		s++
	}
	// Deleting long[j] works iff j <= p and j >= n-s.
	best, bestLook := -1, maxLook+1
	for j := n - s; j <= p; j++ {
		if j < 0 {
			continue
		}
		look := 0
		for i := 0; i < n && look < bestLook; i++ {
			li := i
			if i >= j {
				li = i + 1
			}
			if long[li] != short[i] {
				look++
			}
		}
		if look < bestLook {
			best, bestLook = j, look
		}
	}
	if best < 0 {
		return 0, diffs, false
	}
	for i := 0; i < n; i++ {
		li := i
		if i >= best {
			li = i + 1
		}
		if long[li] == short[i] {
			continue
		}
		if op == OpExtra {
			diffs = append(diffs, Diff{Op: OpLookalike, ReadPos: li, ListedPos: i, Read: long[li], Listed: short[i]})
		} else {
			diffs = append(diffs, Diff{Op: OpLookalike, ReadPos: i, ListedPos: li, Read: short[i], Listed: long[li]})
		}
	}
	if op == OpExtra {
		diffs = append(diffs, Diff{Op: OpExtra, ReadPos: best, ListedPos: best, Read: long[best]})
	} else {
		diffs = append(diffs, Diff{Op: OpMissing, ReadPos: best, ListedPos: best, Listed: long[best]})
	}
	return KindOneEdit, diffs, true
}
