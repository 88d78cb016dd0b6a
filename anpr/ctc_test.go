package anpr

import (
	"math"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/plate"
)

// framesFor builds CTC frames that spell spec: each character is two frames
// with a blank between; "c:p/d" means the recogniser gave c probability p and
// d probability 1-p (a look-alike doubt); '_' is a frame of some non-plate
// symbol (a sticker or a dash).
func framesFor(t *testing.T, spec []string) *ctcFrames {
	t.Helper()
	fr := &ctcFrames{}
	add := func(blank float64, ch map[byte]float64, other float64) {
		fr.blank = append(fr.blank, float32(math.Log(math.Max(blank, 1e-9))))
		var row [nChars]float32
		for i := range row {
			row[i] = float32(math.Log(1e-6))
		}
		best := other
		for c, p := range ch {
			row[strings.IndexByte(plate.Alphabet, c)] = float32(math.Log(p))
			best = math.Max(best, p)
		}
		fr.ch = append(fr.ch, row)
		fr.other = append(fr.other, float32(math.Log(math.Max(best, 1e-9))))
		fr.sym = append(fr.sym, float32(math.Log(math.Max(other, 1e-9))))
	}
	add(0.99, nil, 0.01)
	for _, s := range spec {
		switch {
		case s == "_":
			add(0.05, nil, 0.95)
		case len(s) == 1:
			add(0.01, map[byte]float64{s[0]: 0.99}, 0)
			add(0.01, map[byte]float64{s[0]: 0.99}, 0)
		default: // "O:0.7/0" -> O 0.7, 0 0.3
			p := 0.0
			for _, x := range strings.Split(s[2:], "/")[:1] {
				p = parseF(x)
			}
			a, b := s[0], s[len(s)-1]
			add(0.01, map[byte]float64{a: p, b: 1 - p}, 0)
		}
		add(0.99, nil, 0.01)
	}
	return fr
}

func parseF(s string) float64 {
	v := 0.0
	div := 0.0
	for _, c := range s {
		switch {
		case c == '.':
			div = 1
		case div > 0:
			div *= 10
			v += float64(c-'0') / div
		default:
			v = v*10 + float64(c-'0')
		}
	}
	return v
}

func TestDecodeConstrained(t *testing.T) {
	formats := plate.Formats()
	tests := []struct {
		name     string
		spec     []string
		want     string
		wantFmt  string
		wantFree string
	}{
		{"clean be", []string{"1", "A", "B", "C", "1", "2", "3"}, "1ABC123", "be-current", "1ABC123"},
		{"O read where a digit is due", []string{"1", "A", "B", "C", "O:0.8/0", "2", "3"}, "1ABC023", "be-current", "1ABCO23"},
		{"0 read where a letter is due", []string{"1", "A", "0:0.7/O", "C", "1", "2", "3"}, "1AOC123", "be-current", "1A0C123"},
		{"OO read as 00", []string{"2", "0:0.8/O", "0:0.8/O", "A", "6", "6", "2"}, "2OOA662", "be-current", "200A662"},
		{"I read for the lead 1", []string{"I:0.6/1", "X", "Y", "Z", "9", "8", "7"}, "1XYZ987", "be-current", "IXYZ987"},
		{"sticker between groups", []string{"1", "A", "B", "C", "_", "1", "2", "3"}, "1ABC123", "be-current", "1ABC?123"},
		{"euro band letter before", []string{"B", "_", "1", "A", "B", "C", "1", "2", "3"}, "1ABC123", "be-current", "B?1ABC123"},
		{"repeated letters need the blank", []string{"1", "A", "A", "B", "1", "1", "3"}, "1AAB113", "be-current", "1AAB113"},
		{"be old", []string{"A", "B", "C", "1", "2", "3"}, "ABC123", "be-1973", "ABC123"},
		{"fr siv", []string{"A", "B", "1", "2", "3", "C", "D"}, "AB123CD", "fr-siv", "AB123CD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fr := framesFor(t, tc.spec)
			d, ok := decodeBest(fr, formats, defaultFormatMargin, false)
			if !ok || d.format == nil {
				t.Fatalf("decodeBest(%v): no format fits (free %q)", tc.spec, d.free)
			}
			if d.text != tc.want || d.format.Name != tc.wantFmt {
				t.Errorf("decodeBest(%v) = %s (%s), want %s (%s)", tc.spec, d.text, d.format.Name, tc.want, tc.wantFmt)
			}
			if free, _ := freeDecode(fr); free != tc.wantFree {
				t.Errorf("freeDecode(%v) = %s, want %s", tc.spec, free, tc.wantFree)
			}
			if c := d.confidence(); c <= 0.5 || c > 1 {
				t.Errorf("confidence = %v, want in (0.5,1]: a look-alike forced by the format is not a doubt", c)
			}
		})
	}
}

func TestDecodeNothingFits(t *testing.T) {
	fr := framesFor(t, []string{"A", "B"})
	if d, ok := decodeBest(fr, plate.Formats(), defaultFormatMargin, true); ok {
		t.Errorf("decodeBest(AB) = %s conf %.2f, want no read", d.text, d.confidence())
	}
}

func TestDecodeGeneric(t *testing.T) {
	fr := framesFor(t, []string{"K", "X", "_", "1", "2", "3", "Y", "Z", "Q", "9"})
	if d, ok := decodeBest(fr, plate.Formats(), defaultFormatMargin, false); ok {
		t.Fatalf("decodeBest(KX123YZQ9) = %s (%v): a known format claims a plate no format has", d.text, d.format)
	}
	g, ok := decodeBest(fr, plate.Formats(), defaultFormatMargin, true)
	if !ok || g.text != "KX123YZQ9" || g.format != nil {
		t.Errorf("decodeBest(any) = %q, %v; want KX123YZQ9 without a format", g.text, ok)
	}
	if _, ok := decodeBest(framesFor(t, []string{"S", "T", "O", "P"}), plate.Formats(), defaultFormatMargin, true); ok {
		t.Error("decodeBest(STOP) accepted a word without digits")
	}
}

// TestDecodeNeverWorseThanFree is the rule of decide.go: a format may turn
// a look-alike into what its position needs, but never drop or add a
// character, and not against a recogniser that was sure of the glyph.
func TestDecodeNeverWorseThanFree(t *testing.T) {
	formats := plate.Formats()
	tests := []struct {
		name string
		spec []string
		want string
	}{
		// A Polish plate of 8 characters must not lose one to fit a
		// German or Luxembourg series.
		{"pl 3+5 kept whole", []string{"S", "C", "Z", "2", "6", "1", "1", "4"}, "SCZ26114"},
		{"unknown 2-3-2 kept whole", []string{"A", "B", "1", "2", "3", "C", "A", "O"}, "AB123CAO"},
		// The recogniser is sure of the 5: no format may make it an S.
		{"sure digit not forced", []string{"S", "T", "8", "0", "5", "5", "V"}, "ST8055V"},
		// An unsure 0 where every format wants a letter becomes the O.
		{"unsure look-alike settled", []string{"1", "A", "0:0.6/O", "C", "1", "2", "3"}, "1AOC123"},
		{"band letters left out", []string{"P", "L", "_", "W", "A", "1", "2", "3", "4", "5"}, "WA12345"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := decodeBest(framesFor(t, tc.spec), formats, defaultFormatMargin, true)
			if !ok || d.text != tc.want {
				t.Errorf("decodeBest(%v) = %q (%v), want %q", tc.spec, d.text, d.format, tc.want)
			}
		})
	}
}
