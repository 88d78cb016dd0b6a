package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// The module's packages by layer. Imports point one way, from a higher
// layer to a lower one: main -> cli -> ui -> app -> domain -> base -> infra.
// Domain packages may import each other (Go refuses a cycle), and so may
// the base packages. sim (the simulated zone) is imported only by main,
// simzone, anpr/eval and tests; simzone and anpr/eval only by main and
// tests: cli gets the simulated zone from main (cli.Wiring).
const module = "github.com/politiezone/zoneconsole"

var layers = map[string]int{
	"":    7, // main: flags and wiring
	"cli": 6, // the subcommands
	"ui":  5,
	"app": 4,
	// domain: one job each
	"policy": 3, "zone": 3, "identity": 3, "access": 3, "trail": 3, "live": 3, "hits": 3, "rounds": 3, "footage": 3, "evidence": 3,
	// base: what the domain is built on
	"video": 2, "anpr": 2, "audit": 2, "hotlist": 2, "plate": 2, "recording": 2, "playback": 2, "patrolfeed": 2, "ams": 2,
	"roomdb": 2, "ptz": 2, // ptz: steering cameras over ONVIF
	"sqlitedb": 1, "assets": 1,
	"reports": 3, // the DPO's access report and the council's yearly report
}

// fixtures may be imported by tests of any package, and otherwise only by
// the packages named.
var fixtures = map[string][]string{
	"sim":     {"", "simzone", "anpr/eval"},
	"simzone": {""},
	// anpr eval scores the reader on the simulator's ground truth
	// (`zoneconsole anpr eval`).
	"anpr/eval": {""},
}

type listed struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

func rel(p string) (string, bool) {
	if p == module {
		return "", true
	}
	r, ok := strings.CutPrefix(p, module+"/")
	if !ok {
		return "", false
	}
	if _, fixture := fixtures[r]; fixture {
		return r, true
	}
	// A sub-package belongs to its top-level package's layer (anpr/internal).
	if i := strings.IndexByte(r, '/'); i >= 0 {
		r = r[:i]
	}
	return r, true
}

// TestImportGraph fails on any import against the layering, tests included,
// on a GUI import below ui, and on a package this test does not place.
func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		n++
		from, _ := rel(p.ImportPath)
		fromFixture := fixtures[from] != nil
		if _, ok := layers[from]; !ok && !fromFixture {
			t.Errorf("package %s has no layer in arch_test.go: place it", p.ImportPath)
			continue
		}
		check := func(imp string, test bool) {
			if strings.HasPrefix(imp, "fyne.io/") && from != "ui" && from != "" && from != "assets" {
				t.Errorf("%s imports %s: only ui draws", p.ImportPath, imp)
			}
			to, ok := rel(imp)
			if !ok || to == from {
				return
			}
			if who, fixture := fixtures[to]; fixture {
				if !test && !contains(who, from) {
					t.Errorf("%s imports %s: the simulated zone is wired in by main only", p.ImportPath, imp)
				}
				return
			}
			if fromFixture {
				if layers[to] >= layers["app"] {
					t.Errorf("%s imports %s: a fixture wires the domain, it does not drive the console", p.ImportPath, imp)
				}
				return
			}
			lf, lt := layers[from], layers[to]
			sameLayerOK := lf == lt && (lf == layers["policy"] || lf == layers["video"])
			if lt > lf || (lt == lf && !sameLayerOK) {
				t.Errorf("%s imports %s: against main -> cli -> ui -> app -> domain -> base", p.ImportPath, imp)
			}
			if from == "ui" && !test && to != "app" && to != "assets" {
				t.Errorf("ui imports %s: a screen reaches the domain only through app", imp)
			}
		}
		for _, imp := range p.Imports {
			check(imp, false)
		}
		for _, imp := range append(p.TestImports, p.XTestImports...) {
			check(imp, true)
		}
	}
	if n < 15 {
		t.Fatalf("go list gave %d packages; the check would prove nothing", n)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
