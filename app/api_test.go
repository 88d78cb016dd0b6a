package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// sensitive names the types that carry what the law protects: pixels,
// plates and their crops, passages, hits, patrol positions, who watched
// what (audit rows, live panels) and round reports.
var sensitive = []string{"Frame", "Read", "Passage", "Hit", "HitEvent", "HitFeed", "Watch", "Patrol", "Assignment",
	"Entry", "AuditEntry", "ReviewResult", "RoundReport", "Coverage", "RoundObservation", "Image", "RGBA",
	"LiveView", "RoundRun", "Segment", "Hold"}

// bound are the receivers whose methods may yield such data without a
// session argument, because the value itself is the consultation: only a
// function that took the session and wrote the audit entry makes one.
var bound = map[string]string{
	"LiveView":     "made by OpenLive after live.start is written",
	"RoundRun":     "made by StartRound after round.start is written; each camera is its own LiveView",
	"HitFeed":      "made by SubscribeHits after hit.view is written; closed at logout",
	"Consultation": "made by access.Gate.Check only",
	"Shell":        "holds the session Login opened; each method is checked and audited under it",
}

// pure are functions that only transform what their caller already holds
// (and so already consulted); they read no store and no stream.
var pure = map[string]string{
	"NearestFree":           "ranks the patrols it is given",
	"CopyMasked":            "masks the frame it is given",
	"OpenIntervals":         "pairs the audit entries it is given",
	"Hit.AsReject":          "trail.Hit is an audit detail, not a hit",
	"WriteRoundReportsCSV":  "formats the reports it is given",
	"WriteRoundReportsHTML": "formats the reports it is given",
}

// TestNoDataWithoutAConsultation walks the exported API of the console and
// its domain packages: every function that hands out sensitive data (as a
// result, or by writing it to an io.Writer) takes the session or a
// consultation, or is a method of a value that is itself a consultation.
func TestNoDataWithoutAConsultation(t *testing.T) {
	dirs := []string{".", "../access", "../identity", "../policy", "../zone", "../trail"}
	checked := 0
	for _, dir := range dirs {
		fset := token.NewFileSet()
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || !fn.Name.IsExported() {
					continue
				}
				recv := ""
				if fn.Recv != nil && len(fn.Recv.List) == 1 {
					recv = strings.TrimPrefix(exprString(fn.Recv.List[0].Type), "*")
					if !ast.IsExported(recv) {
						continue
					}
				}
				checked++
				yields := ""
				if fn.Type.Results != nil {
					for _, r := range fn.Type.Results.List {
						if n := mentions(exprString(r.Type)); n != "" {
							yields = n
						}
					}
				}
				takes := false
				for _, p := range fn.Type.Params.List {
					s := exprString(p.Type)
					if s == "io.Writer" && yields == "" && writesData(fn.Name.Name) {
						yields = "io.Writer"
					}
					if strings.HasSuffix(s, "Session") || strings.HasSuffix(s, "Consultation") {
						takes = true
					}
				}
				if yields == "" || takes {
					continue
				}
				if _, ok := bound[recv]; ok {
					continue
				}
				if _, ok := pure[recvPrefix(recv)+fn.Name.Name]; ok {
					continue
				}
				t.Errorf("%s: %s%s yields %s without a session or consultation", path, recvPrefix(recv), fn.Name.Name, yields)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("checked %d exported functions: the walk found too little to prove anything", checked)
	}
}

// writesData: a function that takes an io.Writer and writes reports or
// rows (not a format helper that writes what it is given).
func writesData(name string) bool {
	return strings.HasPrefix(name, "Export") || strings.HasPrefix(name, "Read")
}

func recvPrefix(r string) string {
	if r == "" {
		return ""
	}
	return r + "."
}

func mentions(typ string) string {
	for _, w := range strings.FieldsFunc(typ, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		for _, s := range sensitive {
			if w == s {
				return s
			}
		}
	}
	return ""
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.ArrayType:
		return "[]" + exprString(x.Elt)
	case *ast.MapType:
		return "map[" + exprString(x.Key) + "]" + exprString(x.Value)
	case *ast.ChanType:
		return "chan " + exprString(x.Value)
	case *ast.Ellipsis:
		return "..." + exprString(x.Elt)
	case *ast.FuncType:
		return "func"
	case *ast.InterfaceType:
		return "interface"
	}
	return "?"
}
