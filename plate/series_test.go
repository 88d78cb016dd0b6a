package plate

import (
	"strings"
	"testing"
)

// coreExamples are the table test's plates for the series built in
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
	"fr-siv": {"AB-123-CD", "AB-123-CO"}, "fr-fni-3-2": {"123 AB 75", "123 AB 7"}, "fr-fni-3-3": {"123 ABC 75", "123 ABC 7A"},
	"fr-fni-4-2": {"1234 AB 75", "1234 A 75"},
	"de-car":     {"B-AB 1234", "B-AB 0123"}, "de-electric": {"M-XY 123E", "M-XY 12345E"}, "de-historic": {"K-AB 12H", "K-AB H12"},
}

// TestSeriesExamples holds every series, of every country, to one plate of
// it and one near miss that is not of it.
func TestSeriesExamples(t *testing.T) {
	bySeries := map[string][]Format{}
	for _, f := range Formats() {
		bySeries[f.Series] = append(bySeries[f.Series], f)
	}
	examples := map[string][2]string{}
	for k, v := range coreExamples {
		examples[k] = v
	}
	for _, c := range europe {
		for _, s := range c.series {
			if _, dup := examples[s.name]; dup {
				t.Errorf("series %s twice", s.name)
			}
			examples[s.name] = [2]string{s.ok, s.bad}
			if _, ok := bySeries[s.name]; !ok {
				t.Errorf("series %s (%s) compiled to no format: template %q", s.name, c.code, s.tmpl)
			}
			if c.source == "" {
				t.Errorf("country %s names no source", c.code)
			}
		}
	}
	countries := map[string]bool{}
	for series, fs := range bySeries {
		countries[fs[0].Country] = true
		ex, ok := examples[series]
		if !ok {
			t.Errorf("series %s has no examples", series)
			continue
		}
		good, bad := ex[0], ex[1]
		if good == "" || bad == "" {
			t.Errorf("series %s: missing example (%q, %q)", series, good, bad)
			continue
		}
		if !parsesAs(fs, good) {
			t.Errorf("series %s: %q is not read as this series", series, good)
		}
		if fitsAny(fs, Normalize(bad)) {
			t.Errorf("series %s: near miss %q fits it", series, bad)
		}
	}
	// Every EU and EEA country, the United Kingdom, Switzerland and the
	// countries of the issue whose vehicles are common here.
	for _, cc := range strings.Fields("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO GB CH UA TR MA") {
		if !countries[cc] {
			t.Errorf("no format for %s", cc)
		}
		if Band(cc) == "" {
			t.Errorf("no distinguishing sign for %s", cc)
		}
	}
}

// parsesAs reports whether the display form s, separators and all, is read
// as one of fs.
func parsesAs(fs []Format, s string) bool {
	for _, m := range NewParser(fs...).Parse(s) {
		if m.Plate == Normalize(s) {
			return true
		}
	}
	return false
}

func fitsAny(fs []Format, s string) bool {
	for i := range fs {
		if fs[i].Fits(s) {
			return true
		}
	}
	return false
}

func TestExpandTemplate(t *testing.T) {
	got, err := expandTemplate("l{1,2}-d{1,2}", 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := "l-d l-dd ll-d"; strings.Join(got, " ") != want {
		t.Errorf("expandTemplate = %v, want %s", got, want)
	}
	if _, err := expandTemplate("l{2,1}", 0, 0); err == nil {
		t.Error("expandTemplate accepted {2,1}")
	}
	ss, err := expandSeries("[AB,CD]-d", 0, 0)
	if err != nil || strings.Join(ss, " ") != "AB-d CD-d" {
		t.Errorf("expandSeries = %v, %v", ss, err)
	}
}
