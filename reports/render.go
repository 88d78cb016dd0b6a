package reports

import (
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/zone"
)

//go:embed templates
var files embed.FS

// pen is how one document is written: its language and the clock on the
// wall of its readers (times are stored in UTC and read in local time).
type pen struct {
	l   Lang
	loc *time.Location
}

func newPen(l Lang, loc *time.Location) (pen, error) {
	if _, err := ParseLang(string(l)); err != nil {
		return pen{}, err
	}
	if l == "" {
		l = NL
	}
	return pen{l: l, loc: cmp.Or(loc, time.UTC)}, nil
}

func (p pen) date(t time.Time) string {
	if t.IsZero() {
		return p.l.date(t)
	}
	return p.l.date(t.In(p.loc))
}

func (p pen) stamp(t time.Time) string {
	if t.IsZero() {
		return p.l.stamp(t)
	}
	return p.l.stamp(t.In(p.loc))
}

func (p pen) kind(k zone.CameraKind) string {
	if k == "" {
		return p.l.word("kind.unknown")
	}
	return p.l.word("kind." + string(k))
}

func (p pen) just(k policy.JustKind) string {
	if k == "" {
		return p.l.word("just.none")
	}
	return p.l.word("just." + string(k))
}

// grounds lists the legal grounds used with their counts, in the
// justification prompt's order.
func (p pen) grounds(m map[policy.JustKind]int) string {
	keys := slices.SortedFunc(func(yield func(policy.JustKind) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}, func(a, b policy.JustKind) int { return cmp.Compare(justOrder(a), justOrder(b)) })
	var parts []string
	for _, k := range keys {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", p.just(k), m[k]))
		}
	}
	return strings.Join(parts, ", ")
}

func justOrder(k policy.JustKind) int {
	if i := slices.Index(policy.JustKinds(), k); i >= 0 {
		return i
	}
	return len(policy.JustKinds())
}

func (p pen) funcs() template.FuncMap {
	return template.FuncMap{
		"t":     p.l.text,
		"date":  p.date,
		"stamp": p.stamp,
		"hours": p.l.hours,
		"kind":  p.kind,
		// Entries carry the ground as text, reports as policy.JustKind.
		"just":    func(k any) string { return p.just(policy.JustKind(fmt.Sprint(k))) },
		"grounds": p.grounds,
		"sub":     func(a, b time.Time) time.Duration { return a.Sub(b) },
	}
}

// page is what every document's view starts with.
type page struct {
	Lang Lang
	CSS  template.CSS
	Made time.Time
}

// render executes one page template of the package; extra adds the
// document's own functions. data embeds a page (see newPage).
func render(w io.Writer, name string, p pen, extra template.FuncMap, data any) error {
	fm := p.funcs()
	for k, f := range extra {
		fm[k] = f
	}
	tpl, err := template.New(name).Funcs(fm).ParseFS(files, "templates/"+name)
	if err != nil {
		return fmt.Errorf("reports: %s: %w", name, err)
	}
	if err := tpl.Execute(w, data); err != nil {
		return fmt.Errorf("reports: %s: %w", name, err)
	}
	return nil
}

func newPage(p pen, made time.Time) (page, error) {
	css, err := files.ReadFile("templates/style.css")
	if err != nil {
		return page{}, fmt.Errorf("reports: %w", err)
	}
	// The stylesheet is the package's own file, not anyone's input: it is
	// safe CSS as it stands.
	return page{Lang: p.l, CSS: template.CSS(css), Made: made}, nil
}
