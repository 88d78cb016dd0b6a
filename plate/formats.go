package plate

import (
	"fmt"
	"strings"
)

// The tables below are the plate series we read, as data. Sources: the DIV
// (Belgian registration service) series description as reported on the
// public Wikipedia pages for each country, checked against each other; see
// the notes on each entry. The priors are log-odds of meeting the series on
// a Belgian road: they rank formats that explain a read nearly equally well
// (a 0 the recogniser was 95 % sure of, twice, is an O of a current Belgian
// plate before it is a Turkish one: be-current's 3 against tr-car's -0.3),
// Belgian current first, then older Belgian, then neighbours. They never
// let a format drop or add a character (anpr/decide.go).

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
		{Country: "BE", Name: "be-current", Kind: "car", Template: "n-lll-ddd", Prior: 3, TopGroups: 2},
	}
	for i := 0; i < len(beSpecialLead); i++ {
		c := beSpecialLead[i]
		out = append(out, Format{Country: "BE", Name: "be-special-" + string(c), Kind: beSpecialKind(c),
			Template: string(c) + "-lll-ddd", Prior: 0.5, TopGroups: 2})
	}
	return append(out, []Format{
		{Country: "BE", Name: "be-taxi", Kind: "taxi", Template: "TX-lll-ddd", Prior: 0.1},
		{Country: "BE", Name: "be-diplomatic", Kind: "diplomatic", Template: "CD-xxxx", Prior: 0},
		{Country: "BE", Name: "be-1973", Kind: "car", Template: "lll-ddd", Prior: 1},
		{Country: "BE", Name: "be-2008", Kind: "car", Template: "ddd-lll", Prior: 1},
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
	out := []Format{
		{Country: "FR", Name: "fr-siv", Kind: "car", Template: "ll-ddd-ll", Letters: frLetters, Prior: 0.3},
	}
	// FNI (1950-2009), still seen: a number of one to four digits, one to
	// three letters, the département (two digits, 2A/2B for Corsica, three
	// for overseas): 123 AB 75, 1234 ABC 59, 12 A 2B. Source: arrêté du 9
	// février 2009 (SIV) for the end of the series, and the FNI rules it
	// replaced as described on the public Wikipedia page.
	for _, dep := range []struct{ name, tmpl string }{{"", "dd"}, {"-corse", "2[AB]"}, {"-dom", "97d"}} {
		ts, err := expandTemplate("n{1}d{0,3}-l{1,3}-"+dep.tmpl, 0, 9)
		if err != nil {
			continue // caught by the table test
		}
		for _, t := range ts {
			out = append(out, Format{Country: "FR", Name: "fr-fni" + dep.name + ":" + t, Series: "fr-fni" + dep.name,
				Kind: "car", Template: t, Seps: []string{" ", " "}, Prior: -0.3})
		}
	}
	return out
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
				out = append(out, Format{Country: "DE", Name: name, Series: "de-car", Kind: "car", Template: base, Seps: []string{"-", " "}, Prior: prior, TopGroups: 2})
				if city+mid+num < 8 {
					out = append(out,
						Format{Country: "DE", Name: name + "-e", Series: "de-electric", Kind: "electric", Template: base + "E", Seps: []string{"-", " "}, Prior: prior - 0.5},
						Format{Country: "DE", Name: name + "-h", Series: "de-historic", Kind: "historic", Template: base + "H", Seps: []string{"-", " "}, Prior: prior - 0.5})
				}
			}
		}
	}
	return out
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
	all = append(all, europeFormats()...)
	for i := range all {
		if all[i].Series == "" {
			all[i].Series = all[i].Name
		}
		if all[i].Band == "" {
			all[i].Band = bands[all[i].Country]
		}
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

// bands are the distinguishing signs of the countries (the letters of the
// euro band, or of the oval sticker), from the UN list of distinguishing
// signs of vehicles in international traffic (1949/1968 conventions); the
// United Kingdom's is UK since 2021 (GB before, still on many cars).
var bands = map[string]string{
	"AT": "A", "BE": "B", "BG": "BG", "HR": "HR", "CY": "CY", "CZ": "CZ", "DK": "DK", "EE": "EST",
	"FI": "FIN", "FR": "F", "DE": "D", "GR": "GR", "HU": "H", "IE": "IRL", "IT": "I", "LV": "LV",
	"LT": "LT", "LU": "L", "MT": "M", "NL": "NL", "PL": "PL", "PT": "P", "RO": "RO", "SK": "SK",
	"SI": "SLO", "ES": "E", "SE": "S", "IS": "IS", "LI": "FL", "NO": "N", "GB": "UK", "CH": "CH",
	"UA": "UA", "TR": "TR", "MA": "MA", "BA": "BIH", "RS": "SRB", "AL": "AL", "MK": "NMK", "ME": "MNE",
	"MD": "MD", "XK": "RKS",
}

// Band returns the distinguishing sign of a country ("" when unknown).
func Band(country string) string { return bands[country] }
