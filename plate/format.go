package plate

import (
	"fmt"
	"strings"
)

// A Format is one plate layout of one country, written as a template.
//
// Template syntax: groups separated by '-'. Inside a group each character is
// one position on the plate:
//
//	d  a digit 0-9
//	n  a digit 1-9
//	l  a letter A-Z (restricted further by Letters when set)
//	a  any letter A-Z, whatever Letters says (a district code beside a
//	   serial whose letters are restricted)
//	x  a letter (as l) or a digit
//	[ABC]  one of the characters listed
//	A-Z, 0-9  that literal character
//
// The country tables write repetitions as {n} or {min,max} after a
// position ("l{1,3}"); expandTemplate turns those into plain templates
// before a Format is made.
//
// Display joins the groups with Seps: Seps[i] goes between group i and i+1
// (a missing entry means "-").
type Format struct {
	Country string // ISO 3166-1 alpha-2: "BE", "NL", "FR", "DE", "LU"
	Name    string // short id, e.g. "be-current", "nl-sidecode-7"
	// Series names the series the format belongs to when one series of
	// the tables stands for several layouts ("pl-2-5" for WA 12345 and
	// WA 1234A); Formats sets it to Name otherwise.
	Series string
	Kind   string // what the series is for ("car", "motorbike", "trailer", ...)
	// Template is the layout, e.g. "n-lll-ddd" for the Belgian 1-ABC-123.
	Template string
	// Band is the country's distinguishing sign as the euro band or the
	// oval sticker shows it ("B", "D", "NL", "PL"); empty means the
	// country's usual sign (Bands). The reader leaves these letters out when
	// free decoding took them in before or after the plate.
	Band string
	// Letters, when set, is the set of letters the 'l' positions may take.
	Letters string
	// Seps are the display separators between groups; default "-".
	Seps []string
	// TopGroups is, for a series also issued as a square two-line plate
	// (motorbikes, some imports), how many groups the top line holds; 0 for
	// a series issued on one line only.
	TopGroups int
	// Source names where the series is described.
	Source string
	// Prior is a log-odds bonus used when several formats explain one read
	// equally well: the zone is Belgian, so Belgian series rank first.
	Prior float64

	pos    []Class // one per position, derived from Template
	starts []int   // index of the first position of each group
}

// Class is the set of characters one plate position may hold, as a bit set
// over Alphabet (bit i = Alphabet[i]).
type Class uint64

// Alphabet is the set of characters that occur on the plates we read, in the
// order the bits of Class use.
const Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Has reports whether c may stand in a position of class k.
func (k Class) Has(c byte) bool {
	i := strings.IndexByte(Alphabet, c)
	return i >= 0 && k&(1<<uint(i)) != 0
}

func classOf(chars string) Class {
	var k Class
	for i := 0; i < len(chars); i++ {
		if j := strings.IndexByte(Alphabet, chars[i]); j >= 0 {
			k |= 1 << uint(j)
		}
	}
	return k
}

const (
	letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits  = "0123456789"
)

// compile derives the per-position classes from the template.
func (f *Format) compile() error {
	f.pos, f.starts = nil, nil
	let := classOf(letters)
	if f.Letters != "" {
		let = classOf(f.Letters)
	}
	for gi, g := range strings.Split(f.Template, "-") {
		if g == "" {
			return fmt.Errorf("format %s: empty group %d in %q", f.Name, gi, f.Template)
		}
		f.starts = append(f.starts, len(f.pos))
		for i := 0; i < len(g); i++ {
			var k Class
			switch c := g[i]; {
			case c == 'd':
				k = classOf(digits)
			case c == 'n':
				k = classOf("123456789")
			case c == 'l':
				k = let
			case c == 'a':
				k = classOf(letters)
			case c == 'x':
				k = let | classOf(digits)
			case c == '[':
				end := strings.IndexByte(g[i:], ']')
				if end < 2 {
					return fmt.Errorf("format %s: unclosed or empty [ in %q", f.Name, f.Template)
				}
				k = classOf(g[i+1 : i+end])
				i += end
			case strings.IndexByte(Alphabet, c) >= 0:
				k = classOf(string(c))
			default:
				return fmt.Errorf("format %s: bad template character %q in %q", f.Name, c, f.Template)
			}
			f.pos = append(f.pos, k)
		}
	}
	return nil
}

// Len is the number of characters of a plate in this format.
func (f *Format) Len() int { return len(f.pos) }

// Positions returns the class of every position, in order.
func (f *Format) Positions() []Class { return f.pos }

// GroupStart reports whether position i starts a group (i > 0): a place
// where a separator, a sticker or a crest may sit on the plate.
func (f *Format) GroupStart(i int) bool {
	for _, s := range f.starts[1:] {
		if s == i {
			return true
		}
	}
	return false
}

// Fits reports whether the normalised text s is a plate of this format.
func (f *Format) Fits(s string) bool {
	if len(s) != len(f.pos) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !f.pos[i].Has(s[i]) {
			return false
		}
	}
	return true
}

// Display writes the normalised plate s in this format's usual form
// ("1ABC123" -> "1-ABC-123"). s must fit the format.
func (f *Format) Display(s string) string {
	var b strings.Builder
	for gi, st := range f.starts {
		end := len(s)
		if gi+1 < len(f.starts) {
			end = f.starts[gi+1]
		}
		if gi > 0 {
			sep := "-"
			if gi-1 < len(f.Seps) {
				sep = f.Seps[gi-1]
			}
			b.WriteString(sep)
		}
		if st <= len(s) && end <= len(s) {
			b.WriteString(s[st:end])
		}
	}
	return b.String()
}
