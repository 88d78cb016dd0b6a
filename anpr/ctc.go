package anpr

import (
	"math"
	"strings"

	"github.com/politiezone/zoneconsole/plate"
)

// nChars is the size of plate.Alphabet (A-Z, 0-9).
const nChars = len(plate.Alphabet)

// ctcFrames is the recogniser's output reduced to what plate decoding needs:
// per time step the log probability of the CTC blank, of each plate
// character (upper and lower case merged), and of the best "other" symbol.
type ctcFrames struct {
	blank []float32
	ch    [][nChars]float32
	other []float32 // log of the most likely non-blank symbol of any kind
	// sym is the log of the most likely symbol that is neither the blank
	// nor a plate character: a dash, a dot, a crest, the band's stars. Free
	// decoding reads it as a separator, not as part of the plate.
	sym []float32
}

func (fr *ctcFrames) len() int { return len(fr.blank) }

// charMap maps the recogniser's class indices to plate characters.
type charMap struct {
	blank int
	// cls[i] lists the recogniser classes that stand for plate.Alphabet[i].
	cls [nChars][]int
	// isPlate[j] is whether class j is one of the cls entries.
	isPlate []bool
}

// newCharMap builds the map from a CTC alphabet (class 0 is the blank,
// class i is keys[i-1]).
func newCharMap(keys []string) charMap {
	m := charMap{isPlate: make([]bool, len(keys)+1)}
	for i, k := range keys {
		u := strings.ToUpper(k)
		if len(u) != 1 {
			continue
		}
		j := strings.IndexByte(plate.Alphabet, u[0])
		if j >= 0 {
			m.cls[j] = append(m.cls[j], i+1)
			m.isPlate[i+1] = true
		}
	}
	return m
}

// frames converts a T x K matrix of probabilities (softmax output).
func (m *charMap) frames(probs []float32, t, k int) *ctcFrames {
	fr := &ctcFrames{
		blank: make([]float32, t),
		ch:    make([][nChars]float32, t),
		other: make([]float32, t),
		sym:   make([]float32, t),
	}
	for i := 0; i < t; i++ {
		row := probs[i*k : (i+1)*k]
		fr.blank[i] = logf(row[m.blank])
		var best, bestSym float32
		for j := 1; j < k; j++ {
			if j == m.blank {
				continue
			}
			if row[j] > best {
				best = row[j]
			}
			if row[j] > bestSym && (j >= len(m.isPlate) || !m.isPlate[j]) {
				bestSym = row[j]
			}
		}
		fr.other[i] = logf(best)
		fr.sym[i] = logf(bestSym)
		for c := 0; c < nChars; c++ {
			var p float32
			for _, j := range m.cls[c] {
				p += row[j]
			}
			fr.ch[i][c] = logf(p)
		}
	}
	return fr
}

func logf(p float32) float32 {
	if p < 1e-12 {
		p = 1e-12
	}
	return float32(math.Log(float64(p)))
}

// Penalties (natural log) for explaining a frame as something that is not
// part of the plate: at the ends (the euro band's country letters, the edge
// of a loose crop) and between groups (dash, sticker, crest). Inside a group
// nothing may be skipped: that is where dropping a character would hide a
// misread.
const (
	// Free at the ends: a format whose reading leaves out glyphs there is
	// only taken when they were the band's letters (decodeBest checks the
	// text), and those are read, not doubted: they must not count as the
	// format's cost.
	junkEnd   = -0.01 // not 0: gapPen 0 means no junk allowed
	junkInner = -3
)

// decoded is the best reading of a crop under one format.
type decoded struct {
	format *plate.Format
	text   string    // normalised plate
	score  float64   // path log probability + format prior
	probs  []float64 // per character, the peak probability of the chosen character
	free   string    // what free decoding read in the same frames
	cuts   []int     // free readings: where a non-plate symbol stood in text
	// cost is how much less probable (natural log) the format's path is
	// than the free one; for a free reading, minus the cost of the best
	// format that was turned down, 0 when none fitted.
	cost float64
}

func (d decoded) confidence() float64 {
	if len(d.probs) == 0 {
		return 0
	}
	minP, logSum := 1.0, 0.0
	for _, p := range d.probs {
		minP = math.Min(minP, p)
		logSum += math.Log(math.Max(p, 1e-9))
	}
	geo := math.Exp(logSum / float64(len(d.probs)))
	return 0.5*minP + 0.5*geo
}

var negInf = float32(math.Inf(-1))

// decodeFormat finds the most probable CTC path that spells a plate of
// format f: position k may only emit characters of its class, so "O" cannot
// be chosen where the format wants a digit and the digit's own probability
// decides instead. This is a Viterbi search over the states "emitting
// character c for position k" and "gap before position j" (blank, or junk
// where a gap may hold junk).
func decodeFormat(fr *ctcFrames, f *plate.Format, sc *scratch) (decoded, bool) {
	pos := f.Positions()
	n, T := len(pos), fr.len()
	if n == 0 || T < n {
		return decoded{}, false
	}
	sc.reset(n, T)
	L, nL, G, nG := sc.L, sc.nL, sc.G, sc.nG
	// chars[k] lists the characters position k may take.
	chars := sc.chars[:n]
	for k := range chars {
		chars[k] = chars[k][:0]
		for c := 0; c < nChars; c++ {
			if pos[k]&(1<<uint(c)) != 0 {
				chars[k] = append(chars[k], int8(c))
			}
		}
	}
	gapPen := make([]float32, n+1) // 0 = no junk allowed in that gap
	for j := range gapPen {
		switch {
		case j == 0 || j == n:
			gapPen[j] = junkEnd
		case f.GroupStart(j):
			gapPen[j] = junkInner
		}
	}
	// A gap where junk may sit emits the blank, a non-plate symbol (a dash,
	// a crest: free of charge, that is what sits there) or, at a cost, a
	// plate character read as junk (the band's letters, a sticker). Whether
	// dropping that character was right is judged after the search, against
	// the free reading (decodeBest): the cost only ranks the paths.
	gapEmit := func(t, j int) float32 {
		e := fr.blank[t]
		if gapPen[j] == 0 {
			return e
		}
		if fr.sym != nil && fr.sym[t] > e {
			e = fr.sym[t]
		}
		if o := fr.other[t] + gapPen[j]; o > e {
			return o
		}
		return e
	}
	G[0] = gapEmit(0, 0)
	sc.backG(0)[0] = -1
	for _, c := range chars[0] {
		L[0][c] = fr.ch[0][c]
		sc.backL(0)[0][c] = -2
	}
	for t := 1; t < T; t++ {
		bL, bG := sc.backL(t), sc.backG(t)
		for k := 0; k < n; k++ {
			// Best and second best of L[k-1], for the rule that two
			// neighbouring positions holding the same character need a
			// blank between them.
			b1, b2, c1, c2 := negInf, negInf, int8(-1), int8(-1)
			if k > 0 {
				for _, c := range chars[k-1] {
					v := L[k-1][c]
					if v > b1 {
						b2, c2, b1, c1 = b1, c1, v, c
					} else if v > b2 {
						b2, c2 = v, c
					}
				}
			}
			for _, c := range chars[k] {
				best, bp := L[k][c], int8(-1)
				if G[k] > best {
					best, bp = G[k], -2
				}
				from, fc := b1, c1
				if c1 == c {
					from, fc = b2, c2
				}
				if fc >= 0 && from > best {
					best, bp = from, fc
				}
				nL[k][c] = best + fr.ch[t][c]
				bL[k][c] = bp
			}
		}
		for j := 0; j <= n; j++ {
			best, bp := G[j], int8(-1)
			if j > 0 {
				for _, c := range chars[j-1] {
					if L[j-1][c] > best {
						best, bp = L[j-1][c], c
					}
				}
			}
			nG[j] = best + gapEmit(t, j)
			bG[j] = bp
		}
		L, nL = nL, L
		G, nG = nG, G
	}
	// End in the final gap or on the last character.
	endScore, endC := G[n], -1
	for _, c := range chars[n-1] {
		if L[n-1][c] > endScore {
			endScore, endC = L[n-1][c], int(c)
		}
	}
	if math.IsInf(float64(endScore), -1) {
		return decoded{}, false
	}
	// Backtrack.
	text := make([]byte, n)
	probs := make([]float64, n)
	inGap, k, c := endC < 0, n-1, endC
	j := n
	for t := T - 1; t >= 0; t-- {
		if inGap {
			if bp := sc.backG(t)[j]; bp >= 0 {
				inGap, k, c = false, j-1, int(bp)
			}
			continue
		}
		text[k] = plate.Alphabet[c]
		if p := posProb(fr, t, c, pos[k]); p > probs[k] {
			probs[k] = p
		}
		switch bp := sc.backL(t)[k][c]; {
		case bp == -1:
		case bp == -2:
			inGap, j = true, k
		default:
			k, c = k-1, int(bp)
		}
	}
	return decoded{format: f, text: string(text), score: float64(endScore) + f.Prior, probs: probs}, true
}

// posProb is how sure frame t is of character c at a position of class k:
// c's own probability plus that of its look-alikes that class k rules out
// (the format turned a '0' into an 'O'; the engine was not unsure of the
// plate, only of the glyph).
func posProb(fr *ctcFrames, t, c int, k plate.Class) float64 {
	p := math.Exp(float64(fr.ch[t][c]))
	for _, l := range []byte(plate.Lookalikes(plate.Alphabet[c])) {
		if !k.Has(l) {
			p += math.Exp(float64(fr.ch[t][strings.IndexByte(plate.Alphabet, l)]))
		}
	}
	return math.Min(p, 1)
}

// scratch holds the decoder's buffers so that trying seventy formats on one
// crop does not allocate seventy times.
type scratch struct {
	L, nL [][nChars]float32
	G, nG []float32
	bl    [][nChars]int8 // T*n rows
	bg    []int8         // T*(n+1)
	n     int
	chars [16][]int8
}

func (s *scratch) reset(n, T int) {
	s.n = n
	grow := func(b [][nChars]float32) [][nChars]float32 {
		if cap(b) < n {
			b = make([][nChars]float32, n)
		}
		b = b[:n]
		for k := range b {
			for c := range b[k] {
				b[k][c] = negInf
			}
		}
		return b
	}
	s.L, s.nL = grow(s.L), grow(s.nL)
	growG := func(b []float32) []float32 {
		if cap(b) < n+1 {
			b = make([]float32, n+1)
		}
		b = b[:n+1]
		for j := range b {
			b[j] = negInf
		}
		return b
	}
	s.G, s.nG = growG(s.G), growG(s.nG)
	if cap(s.bl) < T*n {
		s.bl = make([][nChars]int8, T*n)
	}
	s.bl = s.bl[:T*n]
	if cap(s.bg) < T*(n+1) {
		s.bg = make([]int8, T*(n+1))
	}
	s.bg = s.bg[:T*(n+1)]
}

func (s *scratch) backL(t int) [][nChars]int8 { return s.bl[t*s.n : (t+1)*s.n] }
func (s *scratch) backG(t int) []int8         { return s.bg[t*(s.n+1) : (t+1)*(s.n+1)] }

// freeDecode is plain greedy CTC over plate characters: the text the
// recogniser sees with no syntax, '?' for any other symbol; the tests show it
// beside the decoded plate (decodeBest uses freeRead).
func freeDecode(fr *ctcFrames) (string, float64) {
	var b strings.Builder
	prev := -1
	score := 0.0
	for t := 0; t < fr.len(); t++ {
		best, bi := bestChar(fr, t)
		if fr.other[t] > best {
			best, bi = fr.other[t], nChars
		}
		score += float64(best)
		if bi >= 0 && bi != prev {
			if bi == nChars {
				b.WriteByte('?')
			} else {
				b.WriteByte(plate.Alphabet[bi])
			}
		}
		prev = bi
	}
	return b.String(), score
}

// bestChar is the likeliest of the blank (-1) and the plate characters
// at frame t, with its log probability.
func bestChar(fr *ctcFrames, t int) (float32, int) {
	best, bi := fr.blank[t], -1
	for c := 0; c < nChars; c++ {
		if fr.ch[t][c] > best {
			best, bi = fr.ch[t][c], c
		}
	}
	return best, bi
}
