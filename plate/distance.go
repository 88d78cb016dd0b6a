package plate

// Distance is the Levenshtein distance between two plates after Normalize
// (so "1-abc-123" and "1ABC123" are 0 apart), counting look-alike characters
// (Lookalikes) as equal: two reads of one plate differ in exactly such ways,
// and a look-alike is a doubt about the glyph, not a different plate. Plates
// that are already normalised are compared without allocating.
func Distance(a, b string) int {
	a, b = normalized(a), normalized(b)
	// Two rows of the edit matrix; on the stack for any real plate.
	var buf [2 * 33]int
	var prev, cur []int
	if n := len(b) + 1; n <= len(buf)/2 {
		prev, cur = buf[:n], buf[n:2*n]
	} else {
		prev, cur = make([]int, n), make([]int, n)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lookalike(a[i-1], b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// WithinOneEdit reports whether Distance(a, b) <= 1: one character
// inserted, dropped or substituted, look-alikes counted as equal. It runs in
// one pass instead of filling the edit matrix, since it is asked for every
// pair of reads a camera makes within seconds.
func WithinOneEdit(a, b string) bool {
	a, b = normalized(a), normalized(b)
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	// Skip the common prefix; the one edit, if any, is at the first
	// mismatch: a later edit position would leave that mismatch in its
	// prefix, and an earlier one still has to match everything after it.
	i := 0
	for i < len(b) && lookalike(a[i], b[i]) {
		i++
	}
	if i == len(b) {
		return true // equal, or a's last character is the extra one
	}
	if len(a) == len(b) {
		return sameUpToLookalikes(a[i+1:], b[i+1:])
	}
	return sameUpToLookalikes(a[i+1:], b[i:])
}

func sameUpToLookalikes(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if !lookalike(a[i], b[i]) {
			return false
		}
	}
	return true
}

// normalized returns Normalize(s), and s itself when it is already in that
// form, so that the callers' hot path (normalised reads) does not allocate.
func normalized(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return Normalize(s)
		}
	}
	return s
}
