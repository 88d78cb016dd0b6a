// Package parse reads a hotlist file, CSV or JSON, in one streaming pass and
// validates it field by field: every problem becomes a FieldError with its
// line, and every valid entry goes to the caller as an entry.Entry, so that
// the file is never held whole. It knows nothing of the store or matcher.
package parse

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/politiezone/zoneconsole/hotlist/entry"
)

// Format is the syntax of an imported file.
type Format int

// FormatAuto picks CSV or JSON from the file name, else from the first byte
// ('[' is JSON).
const (
	FormatAuto Format = iota
	FormatCSV
	FormatJSON
)

func (f Format) String() string {
	switch f {
	case FormatCSV:
		return "csv"
	case FormatJSON:
		return "json"
	}
	return "auto"
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// sniffBytes is how much of a file's start detectFormat looks at for its
// first non-blank byte.
const sniffBytes = 4096

// detectFormat picks the format of a file from its name or, failing that,
// from its first bytes, which it peeks at and leaves in br.
func detectFormat(f Format, name string, br *bufio.Reader) Format {
	if f != FormatAuto {
		return f
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV
	case ".json":
		return FormatJSON
	}
	head, _ := br.Peek(sniffBytes) // a shorter file gives what it has
	if t := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n"); len(t) > 0 && t[0] == '[' {
		return FormatJSON
	}
	return FormatCSV
}

// Parse reads a whole file from r, in one pass and without holding it, and
// hands every valid entry to add. It returns the format it read and every
// problem it found in the file; err is only for what is not the file's fault
// (a failing reader, a cancelled ctx), and then the problems are partial.
//
// add files the entry and reports, when an identical entry (same plate,
// country, source, measure and validity) was filed before, the line of that
// first one: it is an error naming the first line, since it would raise the
// same alert twice and usually means a file was concatenated with itself.
// The same plate with another source or measure is two entries, and both hit.
func Parse(ctx context.Context, format Format, name string, r io.Reader, add func(entry.Entry) (firstLine int, dup bool)) (Format, *Errors, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	format = detectFormat(format, name, br)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	var errs Errors
	sink := func(r record) {
		e, ok := r.validate(&errs)
		if !ok {
			return
		}
		if first, dup := add(e); dup {
			errs.Add(r.line, "plate", fmt.Sprintf("duplicate of line %d (%s %s, same source, measure and validity)", first, e.Plate, e.Country))
		}
	}
	tr := newTrackReader(ctx, br, format == FormatJSON)
	if format == FormatJSON {
		parseJSON(tr, sink, &errs)
	} else {
		head, _ := br.Peek(sniffBytes)
		first, _, _ := bytes.Cut(head, []byte{'\n'})
		parseCSV(tr, csvComma(first), sink, &errs)
	}
	return format, &errs, tr.ioErr()
}
