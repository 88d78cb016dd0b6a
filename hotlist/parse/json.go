package parse

import (
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
)

// parseJSON reads an array of objects whose keys are the CSV header's names,
// one token at a time, so that no more than one value is held. The line of
// an entry is the line of its opening brace. Values are strings (or null);
// priority may also be a number. A key given twice is an error: encoding/json
// would keep the last one silently, and which one a reviewer read is then a
// guess.
func parseJSON(tr *trackReader, sink func(record), errs *Errors) {
	dec := json.NewDecoder(tr)
	dec.UseNumber() // a number's text as written, not a float64
	p := &jsonParser{tr: tr, dec: dec, errs: errs}
	tok, ok := p.token()
	if !ok {
		return
	}
	if d, isDelim := tok.(json.Delim); !isDelim || d != '[' {
		errs.Add(p.line, "json", "want an array of entries")
		return
	}
	for dec.More() {
		tok, ok := p.token()
		if !ok {
			return
		}
		line := p.line
		switch tok {
		case json.Delim('{'):
			r, ok := p.object(line)
			if !ok {
				return
			}
			sink(r)
		case nil:
			errs.Add(line, "json", "entry is null, want an object")
		default:
			errs.Add(line, "json", "entry is not an object")
			if !p.skip(tok) {
				return
			}
		}
	}
	if _, ok := p.token(); !ok { // the closing ]
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		errs.Add(tr.lineAt(dec.InputOffset()), "json", "data after the closing ]")
	}
}

type jsonParser struct {
	tr   *trackReader
	dec  *json.Decoder
	errs *Errors
	line int  // line of the last token
	bad  bool // the last token held invalid UTF-8
}

// token reads one token and notes its line and whether its bytes were valid
// UTF-8. On a syntax or read error it records the error and reports false:
// nothing after a syntax error can be trusted.
func (p *jsonParser) token() (json.Token, bool) {
	tok, err := p.dec.Token()
	if err != nil {
		p.fail(err)
		return nil, false
	}
	off := p.dec.InputOffset()
	// A token ends at off, and no token spans lines, so its line is the
	// line of its last byte.
	p.line = p.tr.lineAt(max(off-1, 0))
	p.bad = p.tr.claim(off)
	return tok, true
}

func (p *jsonParser) fail(err error) {
	// A failed token leaves the offset where the token began; a token
	// never spans lines, so that is the error's line.
	line := p.tr.lineAt(p.dec.InputOffset())
	var se *json.SyntaxError
	switch {
	case p.tr.tooLong():
		p.errs.Add(line, "json", tooLongMsg)
	case p.tr.ioErr() != nil:
		// Not the file's fault; parse returns the error itself.
	case errors.As(err, &se):
		p.errs.Add(line, "json", se.Error())
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		p.errs.Add(p.tr.lineAt(p.tr.off), "json", "unexpected end of file")
	default:
		p.errs.Add(line, "json", err.Error())
	}
}

// skip reads past the rest of a value whose first token was tok (a nested
// object or array), without holding it.
func (p *jsonParser) skip(tok json.Token) bool {
	depth := 0
	for {
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return true
		}
		var ok bool
		if tok, ok = p.token(); !ok {
			return false
		}
	}
}

// keyError is one problem with a key of an object; they are reported
// unknown keys first (sorted), then known keys in header order, so that the
// errors of one object come out in the same order whatever the key order.
type keyError struct {
	rank int // 0 for an unknown key, 1 + its index in fields for a known one
	key  string
	msg  string
}

// object reads the rest of an object whose '{' was just read. Problems with
// keys or value types go to errs and leave the field empty, so that
// validation still reports the rest.
func (p *jsonParser) object(line int) (record, bool) {
	r := record{line: line}
	dst := [len(fields)]*string{&r.plate, &r.country, &r.source, &r.measure, &r.priority, &r.from, &r.until, &r.remarks}
	var (
		given   [len(fields)]bool
		unknown []string
		kerrs   []keyError
	)
	for p.dec.More() {
		tok, ok := p.token()
		if !ok {
			return r, false
		}
		key, _ := tok.(string) // the decoder gives only strings here
		keyBad := p.bad
		if tok, ok = p.token(); !ok {
			return r, false
		}
		valBad := p.bad
		if _, isDelim := tok.(json.Delim); isDelim && !p.skip(tok) {
			return r, false
		}
		i := slices.Index(fields[:], key)
		switch {
		case keyBad:
			kerrs = append(kerrs, keyError{0, key, "key is not valid UTF-8"})
			continue
		case i < 0 && slices.Contains(unknown, key):
			kerrs = append(kerrs, keyError{0, key, "duplicate key"})
			continue
		case i < 0:
			unknown = append(unknown, key)
			kerrs = append(kerrs, keyError{0, key, "unknown key (want " + strings.Join(fields[:], ", ") + ")"})
			continue
		case given[i]:
			kerrs = append(kerrs, keyError{1 + i, key, "duplicate key"})
			continue
		}
		given[i] = true
		switch v := tok.(type) {
		case nil:
		case string:
			*dst[i] = v
			if valBad {
				r.badUTF8 |= 1 << i
			}
		case json.Number:
			if key == "priority" && v != "" && v[0] >= '0' && v[0] <= '9' {
				*dst[i] = string(v)
			} else {
				kerrs = append(kerrs, keyError{1 + i, key, "want a string, got " + string(v)})
			}
		case bool:
			kerrs = append(kerrs, keyError{1 + i, key, "want a string, got " + strconv.FormatBool(v)})
		case json.Delim:
			what := "an object"
			if v == '[' {
				what = "an array"
			}
			kerrs = append(kerrs, keyError{1 + i, key, "want a string, got " + what})
		}
	}
	if _, ok := p.token(); !ok { // the closing }
		return r, false
	}
	slices.SortStableFunc(kerrs, func(a, b keyError) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 || a.rank > 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	for _, ke := range kerrs {
		p.errs.Add(line, fieldName(ke.key), ke.msg)
	}
	return r, true
}
