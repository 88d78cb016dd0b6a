package plate

import (
	"fmt"
	"strings"
)

// The tables below are the plate series we read, as data. Sources: the DIV
// (Belgian registration service) series description as reported on the
// public Wikipedia pages for each country, checked against each other; see
// the notes on each entry. The priors rank formats that explain a read
// equally well: Belgian current first, then older Belgian, then neighbours.

// Belgian letters. Since November 2010 the first character of a car plate is
// a digit (1, then 2 since 2021; 8 and 9 are used for special issues). The
// special series put a letter in that first place (M/W motorbike, S moped,
// Q trailer, G tractor, O oldtimer, U temporary/trailer, V professional,
// Y road test, Z trade, T taxi). One public source says I, M, O, Q, U, W and
// Z are not issued in the standard three-letter block. That is true of the
// block's first letter in the 1973-2010 series (those letters marked the
// special series there: MAB-123 motorbike, OAA-123 oldtimer, QAA-123
// trailer...), but we found no reliable source for the current series, and
// personalised plates use any letter. So we do not forbid them: a wrong
// syntax rejects a real plate, while the letter/digit constraint already
// settles the O/0 and I/1 doubts. The decoder may still prefer the common
// letters through the prior.
const beSpecialLead = "MWSQGOUVYZT"

func beFormats() []Format {
	out := []Format{
		{Country: "BE", Name: "be-current", Kind: "car", Template: "n-lll-ddd", Prior: 0.8},
	}
	for i := 0; i < len(beSpecialLead); i++ {
		c := beSpecialLead[i]
		out = append(out, Format{Country: "BE", Name: "be-special-" + string(c), Kind: beSpecialKind(c),
			Template: string(c) + "-lll-ddd", Prior: 0.3})
	}
	return append(out, []Format{
		{Country: "BE", Name: "be-taxi", Kind: "taxi", Template: "TX-lll-ddd", Prior: 0.1},
		{Country: "BE", Name: "be-diplomatic", Kind: "diplomatic", Template: "CD-xxxx", Prior: 0},
		{Country: "BE", Name: "be-1973", Kind: "car", Template: "lll-ddd", Prior: 0.5},
		{Country: "BE", Name: "be-2008", Kind: "car", Template: "ddd-lll", Prior: 0.5},
	}...)
}

// beSpecialKind says what a Belgian special series is for, from its lead letter.
func beSpecialKind(c byte) string {
	switch c {
	case 'M', 'W':
		return "motorbike"
	case 'S':
		return "moped"
	case 'Q':
		return "trailer"
	case 'G':
		return "tractor"
	case 'O':
		return "oldtimer"
	case 'U':
		return "temporary"
	case 'V':
		return "professional"
	case 'Y':
		return "road test"
	case 'Z':
		return "trade"
	case 'T':
		return "taxi"
	}
	return "special"
}

// nlLetters are the letters of Dutch plates since side code 4 (1978): no
// vowels, and not C, Q or W (M and W only on special vehicles; kept).
const nlLetters = "BDFGHJKLMNPRSTVWXZ"

func nlFormats() []Format {
	type sc struct {
		n    int
		tmpl string
		cons bool
	}
	codes := []sc{
		{1, "ll-dd-dd", false}, {2, "dd-dd-ll", false}, {3, "dd-ll-dd", false},
		{4, "ll-dd-ll", true}, {5, "ll-ll-dd", true}, {6, "dd-ll-ll", true},
		{7, "dd-lll-d", true}, {8, "d-lll-dd", true}, {9, "ll-ddd-l", true},
		{10, "l-ddd-ll", true}, {11, "lll-dd-l", true}, {12, "l-dd-lll", true},
		{13, "d-ll-ddd", true}, {14, "ddd-ll-d", true},
	}
	out := make([]Format, 0, len(codes))
	for _, c := range codes {
		f := Format{Country: "NL", Name: fmt.Sprintf("nl-sidecode-%d", c.n), Kind: "car", Template: c.tmpl, Prior: 0.3}
		if c.cons {
			f.Letters = nlLetters
		}
		if c.n <= 3 {
			f.Prior = 0 // pre-1978, rare today
		}
		out = append(out, f)
	}
	return out
}

// frLetters: the SIV series (2009) skips I, O and U.
const frLetters = "ABCDEFGHJKLMNPQRSTVWXYZ"

func frFormats() []Format {
	return []Format{
		{Country: "FR", Name: "fr-siv", Kind: "car", Template: "ll-ddd-ll", Letters: frLetters, Prior: 0.3},
		// FNI (1950-2009), still seen: 123 AB 75, 1234 ABC 59.
		{Country: "FR", Name: "fr-fni-3-2", Kind: "car", Template: "ddd-ll-dd", Seps: []string{" ", " "}, Prior: -0.3},
		{Country: "FR", Name: "fr-fni-3-3", Kind: "car", Template: "ddd-lll-dd", Seps: []string{" ", " "}, Prior: -0.3},
		{Country: "FR", Name: "fr-fni-4-2", Kind: "car", Template: "dddd-ll-dd", Seps: []string{" ", " "}, Prior: -0.3},
	}
}

// deFormats: district code of 1-3 letters, 1-2 letters, 1-4 digits, at most
// 8 characters in all; an optional E (electric) or H (historic) after the
// digits. The display form is "K-AB 1234".
func deFormats() []Format {
	var out []Format
	for city := 1; city <= 3; city++ {
		for mid := 1; mid <= 2; mid++ {
			for num := 1; num <= 4; num++ {
				if city+mid+num > 8 || city+mid+num < 4 {
					continue // three-character plates exist but read junk too easily
				}
				base := strings.Repeat("l", city) + "-" + strings.Repeat("l", mid) + "-n" + strings.Repeat("d", num-1)
				name := fmt.Sprintf("de-%d-%d-%d", city, mid, num)
				prior := -0.1
				if num < 2 {
					prior = -0.6 // one-digit numbers are rare and match junk easily
				}
				out = append(out, Format{Country: "DE", Name: name, Kind: "car", Template: base, Seps: []string{"-", " "}, Prior: prior})
				if city+mid+num < 8 {
					out = append(out,
						Format{Country: "DE", Name: name + "-e", Kind: "electric", Template: base + "E", Seps: []string{"-", " "}, Prior: prior - 0.5},
						Format{Country: "DE", Name: name + "-h", Kind: "historic", Template: base + "H", Seps: []string{"-", " "}, Prior: prior - 0.5})
				}
			}
		}
	}
	return out
}

func luFormats() []Format {
	return []Format{
		{Country: "LU", Name: "lu-current", Kind: "car", Template: "ll-dddd", Seps: []string{" "}, Prior: 0.1},
	}
}

// otherFormats are the current series of other European countries whose
// cars are common on Belgian roads. They rank below the neighbours: a read
// that fits a Belgian, Dutch, French, German or Luxembourg format as well
// is taken as that.
func otherFormats() []Format {
	return []Format{
		// Spain since 2000: 1234 BCD, consonants only.
		{Country: "ES", Name: "es-2000", Kind: "car", Template: "dddd-lll", Letters: "BCDFGHJKLMNPRSTVWXYZ", Seps: []string{" "}, Prior: -0.2},
		// Italy since 1994: AB 123 CD (no I, O, Q, U); same shape as the
		// French SIV, which ranks first.
		{Country: "IT", Name: "it-1994", Kind: "car", Template: "ll-ddd-ll", Letters: "ABCDEFGHJKLMNPRSTVWXYZ", Seps: []string{" ", " "}, Prior: -0.4},
		// United Kingdom since 2001: AB12 CDE.
		{Country: "GB", Name: "gb-2001", Kind: "car", Template: "ll-dd-lll", Seps: []string{"", " "}, Prior: -0.2},
		// Switzerland: canton and up to six digits (ZH 123456).
		{Country: "CH", Name: "ch-5", Kind: "car", Template: "ll-ndddd", Seps: []string{" "}, Prior: -0.3},
		{Country: "CH", Name: "ch-6", Kind: "car", Template: "ll-nddddd", Seps: []string{" "}, Prior: -0.3},
		// Denmark: AB 12 345.
		{Country: "DK", Name: "dk", Kind: "car", Template: "ll-dd-ddd", Seps: []string{" ", " "}, Prior: -0.3},
		// Czech Republic: 1A2 3456.
		{Country: "CZ", Name: "cz", Kind: "car", Template: "dld-dddd", Seps: []string{" "}, Prior: -0.3},
		// Poland, the commonest shapes: WA 12345, KR 1234A... (two-letter
		// district, five characters).
		{Country: "PL", Name: "pl-2-5d", Kind: "car", Template: "ll-ddddd", Seps: []string{" "}, Prior: -0.5},
		{Country: "PL", Name: "pl-3-4", Kind: "car", Template: "lll-dddd", Seps: []string{" "}, Prior: -0.5},
		// Portugal since 2020: AA-00-AA.
		{Country: "PT", Name: "pt-2020", Kind: "car", Template: "ll-dd-ll", Prior: -0.5},
	}
}

// Formats returns every format we know, compiled, in rank order (Belgian
// first). The slice is new on every call; callers that decode many reads keep
// their own copy.
func Formats() []Format {
	var all []Format
	all = append(all, beFormats()...)
	all = append(all, nlFormats()...)
	all = append(all, frFormats()...)
	all = append(all, deFormats()...)
	all = append(all, luFormats()...)
	all = append(all, otherFormats()...)
	for i := range all {
		if err := all[i].compile(); err != nil {
			// The tables are constants of this package; a bad entry is a
			// programming error caught by the table test, so skip it here
			// rather than panic in a running console.
			all[i].pos = nil
		}
	}
	out := all[:0]
	for _, f := range all {
		if f.pos != nil {
			out = append(out, f)
		}
	}
	return out
}
