package plate

import (
	"sort"
	"strings"
)

// Match is one way to read a text as a plate.
type Match struct {
	Plate   string // normalised: "1ABC123"
	Display string // as written on the plate: "1-ABC-123"
	Country string
	Format  string // Format.Name
	Kind    string // Format.Kind
	Prior   float64
}

// Parser matches texts against a fixed set of formats. It is immutable and
// safe for concurrent use.
type Parser struct {
	formats []Format
}

// NewParser returns a parser over the given formats, or over Formats() when
// none are given.
func NewParser(fs ...Format) *Parser {
	if len(fs) == 0 {
		fs = Formats()
	}
	return &Parser{formats: fs}
}

// Formats returns the parser's formats (shared; do not modify).
func (p *Parser) Formats() []Format { return p.formats }

// Parse returns every format the text fits, best prior first. Separators in
// the text (dash, space, dot, middle dot) must fall on group boundaries of a
// format for it to match, so "B-AB 123" is read as district B, not BA; a
// text without separators matches every split.
func (p *Parser) Parse(raw string) []Match {
	norm, cuts := splitRaw(raw)
	if norm == "" {
		return nil
	}
	var out []Match
	for i := range p.formats {
		f := &p.formats[i]
		if !f.Fits(norm) {
			continue
		}
		ok := true
		for _, c := range cuts {
			if !f.GroupStart(c) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		out = append(out, Match{Plate: norm, Display: f.Display(norm), Country: f.Country,
			Format: f.Name, Kind: f.Kind, Prior: f.Prior})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Prior > out[b].Prior })
	return out
}

// Parse matches the text against every known format; see Parser.Parse.
func Parse(raw string) []Match { return NewParser().Parse(raw) }

// splitRaw normalises raw and returns the positions (in the normalised
// string) where a separator stood between two plate characters.
func splitRaw(raw string) (string, []int) {
	var b strings.Builder
	var cuts []int
	pending := false
	for _, r := range strings.ToUpper(raw) {
		switch {
		case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			if pending && b.Len() > 0 {
				cuts = append(cuts, b.Len())
			}
			pending = false
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '.' || r == '·' || r == '\t':
			pending = true
		}
	}
	return b.String(), cuts
}
