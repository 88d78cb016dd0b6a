package plate

import "sort"

// coreExamples are the table test's plates (a plate of the series and a
// near miss that is not) for the series built in
// formats.go (Belgium and its neighbours); the other countries carry theirs
// in the table of formats_europe.go.
var coreExamples = map[string][2]string{
	"be-current": {"1-ABC-123", "0-ABC-123"}, "be-1973": {"ABC-123", "AB-123"}, "be-2008": {"123-ABC", "123-AB"},
	"be-taxi": {"TX-ABC-123", "TX-AB-123"}, "be-diplomatic": {"CD-A123", "CD-A12"},
	"be-special-M": {"M-ABC-123", "M-AB-123"}, "be-special-W": {"W-ABC-123", "W-ABC-12"}, "be-special-S": {"S-ABC-123", "S-AB1-123"},
	"be-special-Q": {"Q-ABC-123", "Q-ABC-1234"}, "be-special-G": {"G-ABC-123", "G-123-ABC"}, "be-special-O": {"O-ABC-123", "O-ABC-12A"},
	"be-special-U": {"U-ABC-123", "U-AB-1234"}, "be-special-V": {"V-ABC-123", "V-1BC-123"}, "be-special-Y": {"Y-ABC-123", "Y-ABCD-12"},
	"be-special-Z": {"Z-ABC-123", "Z-ABC-1B3"}, "be-special-T": {"T-ABC-123", "T-ABC"},
	"nl-sidecode-1": {"AB-12-34", "AB-12-3C"}, "nl-sidecode-2": {"12-34-AB", "12-3A-AB"}, "nl-sidecode-3": {"12-AB-34", "12-AB-3C"},
	"nl-sidecode-4": {"BD-12-FG", "AB-12-CD"}, "nl-sidecode-5": {"BD-FG-12", "BA-FG-12"}, "nl-sidecode-6": {"12-BD-FG", "12-BD-FA"},
	"nl-sidecode-7": {"12-BDF-3", "12-BDA-3"}, "nl-sidecode-8": {"1-BDF-23", "1-BDF-2C"}, "nl-sidecode-9": {"BD-123-F", "BD-123-A"},
	"nl-sidecode-10": {"B-123-DF", "B-12-DF"}, "nl-sidecode-11": {"BDF-12-G", "BDF-12-A"}, "nl-sidecode-12": {"B-12-DFG", "B-12-DFA"},
	"nl-sidecode-13": {"1-BD-234", "1-BA-234"}, "nl-sidecode-14": {"123-BD-4", "123-BA-4"},
	"fr-siv": {"AB-123-CD", "AB-123-CO"}, "fr-fni": {"3307 WWA 84", "0307 WWA 84"}, "fr-fni-corse": {"123 AB 2A", "123 AB 2C"},
	"fr-fni-dom": {"123 ABC 974", "123 ABC 984"},
	"de-car":     {"B-AB 1234", "B-AB 0123"}, "de-electric": {"M-XY 123E", "M-XY 12345E"}, "de-historic": {"K-AB 12H", "K-AB H12"},
}

// Example is a plate of one series as the plate shows it, for tests that
// render plates of every country.
type Example struct {
	Country, Series, Display string
	TopGroups                int // groups on the top line of the series' two-line layout; 0 if none
}

// Examples returns one plate of every series, sorted by series.
func Examples() []Example {
	top := map[string]int{}
	cc := map[string]string{}
	for _, f := range Formats() {
		if f.TopGroups > top[f.Series] {
			top[f.Series] = f.TopGroups
		}
		cc[f.Series] = f.Country
	}
	var out []Example
	for s, e := range coreExamples {
		out = append(out, Example{Country: cc[s], Series: s, Display: e[0], TopGroups: top[s]})
	}
	for _, c := range europe {
		for _, s := range c.series {
			out = append(out, Example{Country: c.code, Series: s.name, Display: s.ok, TopGroups: s.top})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Series < out[j].Series })
	return out
}
