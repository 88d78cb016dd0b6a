package anpr

import (
	"math"
	"strings"

	"github.com/politiezone/zoneconsole/plate"
)

// The rule of this file: the plate syntax may only correct what the
// recogniser read, never rewrite it. Free decoding (the best CTC path over
// plate characters, separators and the blank) gives the glyphs; a format may
// turn a glyph into its look-alike where the format's position rules the
// glyph out (0 into O where a letter is due), and may leave out the
// country band's letters at the front or the back, but it may not drop,
// insert or change any other character. And it must explain the frames
// nearly as well as free decoding: when its best path is far less probable
// (the recogniser was sure of the digit), the free reading stands.
//
// Measured on ../shared/anpr-dev before this rule: formats that could skip
// characters made Polish plates (8 characters, which fitted no format then)
// come out one short as German or Luxembourg series, 31.6 % exact where the
// free reading gets 93 %.

// defaultFormatMargin is how much less probable (natural log) a format's
// best path may be than the free path and still be taken. The cost of a
// format is the sum, over the look-alikes it forced, of log p(seen) -
// log p(forced): a margin of 4 lets a format settle a glyph where the
// recogniser gave the look-alike about 2 % or more, and no further. Measured
// on ../shared/anpr-dev (both sets, margins 0 to 12 and unbounded): exact
// reads rise from 0 to a plateau at 3-5 and fall beyond (a sure 5 forced
// into an S); the train, val and test splits of eu-crops agree.
const defaultFormatMargin = 4.0

// freeRead is the free decoding as a reading: the plate characters of the
// best path, separators and other symbols left out, each character with
// its peak probability, and the path's log probability.
func freeRead(fr *ctcFrames) decoded {
	var d decoded
	prev := -1 // last emitted class: -1 blank, nChars a symbol
	for t := 0; t < fr.len(); t++ {
		best, bi := bestChar(fr, t)
		if s := frameSym(fr, t); s > best {
			best, bi = s, nChars
		}
		d.score += float64(best)
		switch {
		case bi == nChars:
			if d.text != "" && (len(d.cuts) == 0 || d.cuts[len(d.cuts)-1] != len(d.text)) {
				d.cuts = append(d.cuts, len(d.text))
			}
		case bi < 0:
		case bi != prev:
			d.text += string(plate.Alphabet[bi])
			d.probs = append(d.probs, math.Exp(float64(best)))
		default: // the same character held over several frames
			if p := math.Exp(float64(best)); p > d.probs[len(d.probs)-1] {
				d.probs[len(d.probs)-1] = p
			}
		}
		prev = bi
	}
	return d
}

// frameSym is the log probability of the best non-plate symbol at frame t
// (frames built without it count the best symbol of any kind).
func frameSym(fr *ctcFrames, t int) float32 {
	if fr.sym != nil {
		return fr.sym[t]
	}
	return fr.other[t]
}

// plausibleFree reports whether a free reading looks like a plate at all:
// four to ten characters with a digit. Words on vans and shop signs have no
// digit; one stray glyph is not a plate.
func plausibleFree(text string) bool {
	if len(text) < 4 || len(text) > 10 {
		return false
	}
	return strings.ContainsAny(text, "0123456789")
}

// fitsLooks reports whether the format f can spell text by turning some of
// its characters into look-alikes that f's position needs: same length, and
// every character is either allowed where it stands or has a look-alike that
// is.
func fitsLooks(f *plate.Format, text string) bool {
	pos := f.Positions()
	if len(pos) != len(text) {
		return false
	}
	for i := 0; i < len(text); i++ {
		if pos[i].Has(text[i]) {
			continue
		}
		ok := false
		for _, l := range []byte(plate.Lookalikes(text[i])) {
			if pos[i].Has(l) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// sameLooks reports whether got is want with only look-alike substitutions
// in positions where f rules want's character out.
func sameLooks(f *plate.Format, want, got string) bool {
	if len(want) != len(got) {
		return false
	}
	pos := f.Positions()
	for i := 0; i < len(want); i++ {
		if want[i] == got[i] {
			continue
		}
		if pos[i].Has(want[i]) || !strings.Contains(plate.Lookalikes(want[i]), got[i:i+1]) {
			return false
		}
	}
	return true
}

// bandTrimmed returns text without f's country band letters when the free
// reading took them in before the plate ("PLWA12345"), else text. A sign of
// one letter (B, D, F) is also the first letter of many plates, so it is
// only trimmed when a symbol (the band's stars, a border) stood between it
// and the rest; the reader cuts the blue band off the crop before
// recognition anyway (bandEnd). The band is on the left of every plate that
// has one.
func bandTrimmed(f *plate.Format, text string, cuts []int) string {
	b := f.Band
	if b == "" || len(text) <= len(b)+3 || !strings.HasPrefix(text, b) {
		return text
	}
	if len(b) == 1 && (len(cuts) == 0 || cuts[0] != 1) {
		return text
	}
	if fitsLooks(f, text[len(b):]) {
		return text[len(b):]
	}
	return text
}

// decodeBest reads the frames: the best format that keeps to the rule of
// this file, else the free reading (format nil) when any is true, else
// nothing. The result's cost is how much less probable the format's path
// was than the free one.
func decodeBest(fr *ctcFrames, formats []plate.Format, margin float64, any bool) (decoded, bool) {
	fd := freeRead(fr)
	free := fd.text
	fd.free = free
	if free == "" {
		return decoded{}, false
	}
	var sc scratch
	// The glyphs as read first; without the band's letters only when no
	// format explains them as they are (a Romanian B 123 ABC is not a
	// Belgian 123-ABC behind its band).
	best, found, turnedDown := bestFormat(fr, formats, fd, margin, false, &sc)
	if !found {
		var td float64
		best, found, td = bestFormat(fr, formats, fd, margin, true, &sc)
		if turnedDown == 0 || (td > 0 && td < turnedDown) {
			turnedDown = td
		}
	}
	if found {
		return best, true
	}
	if !any || !plausibleFree(free) {
		return decoded{}, false
	}
	// Without a format nothing vouches for the text: count it as less sure
	// than the same glyphs under a format.
	fd.probs = append(fd.probs, 0.7)
	fd.cost = -turnedDown
	return fd, true
}

// bestFormat is the most probable format that spells the free reading fd
// (or, with trim, fd without the band's letters) within margin, and the
// least cost of a format turned down for lying beyond it (0: none).
func bestFormat(fr *ctcFrames, formats []plate.Format, fd decoded, margin float64, trim bool, sc *scratch) (decoded, bool, float64) {
	var best decoded
	found := false
	turnedDown := 0.0
	for i := range formats {
		f := &formats[i]
		want := fd.text
		if trim {
			if want = bandTrimmed(f, fd.text, fd.cuts); want == fd.text {
				continue
			}
		}
		if f.Len() > len(sc.chars) || !fitsLooks(f, want) {
			continue // cheap test first: most formats differ in length
		}
		g, ok := decodeFormat(fr, f, sc)
		if !ok || !sameLooks(f, want, g.text) {
			continue
		}
		g.free = fd.text
		g.cost = math.Max(0, fd.score-(g.score-f.Prior)) // < 0: Viterbi beat greedy
		// The series' prior (log-odds of meeting it on a Belgian road)
		// widens or narrows the margin: a current Belgian plate may
		// overrule a surer glyph than a rare foreign series may.
		if g.cost > margin+f.Prior {
			if turnedDown == 0 || g.cost < turnedDown {
				turnedDown = g.cost
			}
			continue
		}
		if !found || g.score > best.score {
			best, found = g, true
		}
	}
	return best, found, turnedDown
}
