package plate

import (
	"strings"
	"testing"
)

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
