package parse

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/politiezone/zoneconsole/hotlist/entry"
	"github.com/politiezone/zoneconsole/plate"
)

// maxTextLen bounds free-text fields so that a wrong file cannot blow up the store.
const maxTextLen = 2000

// parsePlate checks a plate as a list writes it and returns it normalised.
// Unlike plate.Normalize, which forgives what an OCR adds, an import refuses
// characters that never appear on a plate: they mean a wrong column or file.
func parsePlate(s string) (string, error) {
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == ' ', r == '-', r == '.', r == '·':
		default:
			return "", fmt.Errorf("character %q cannot be on a plate", r)
		}
	}
	p := plate.Normalize(s)
	switch {
	case p == "":
		return "", fmt.Errorf("empty")
	case len(p) > entry.MaxPlateLen:
		return "", fmt.Errorf("%q is longer than %d characters", p, entry.MaxPlateLen)
	}
	return p, nil
}

// timeLayouts are the ISO 8601 forms a list may use. A time without an
// offset is UTC, as every time in this console.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
}

// parseTime parses an ISO 8601 time. A bare date ("2026-12-31") means the
// start of that day for valid_from and the end of that day for valid_until
// (endOfDay), which is what a person writing the list means.
func parseTime(s string, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return storable(t.UTC()), nil
	}
	// Whole seconds: the store and the matcher keep no finer time.
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return storable(t.UTC().Truncate(time.Second)), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date or time (2026-11-23 or 2026-11-23T14:05:00Z)", s)
}

// The times the store can write and read back (RFC 3339 has four-digit years).
var (
	firstStorable = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	lastStorable  = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// storable clamps t to the years 0000-9999. A list that says "valid until
// 9999-12-31" (the whole day, so 10000-01-01) or a time whose offset moves it
// past a year's end would otherwise be stored as a time the store cannot
// read back, and the store would not open again; a second at either end
// changes no hit.
func storable(t time.Time) time.Time {
	switch {
	case t.Before(firstStorable):
		return firstStorable
	case t.After(lastStorable):
		return lastStorable
	}
	return t
}

// record is one entry as the file gives it, before validation.
type record struct {
	line                                                            int
	plate, country, source, measure, priority, from, until, remarks string
	// badUTF8 has bit i set when fields[i] was not valid UTF-8 in the file
	// (JSON only: encoding/json hands such a string over repaired).
	badUTF8 uint8
}

// fields is the CSV header and the JSON keys, in order.
var fields = [...]string{"plate", "country", "source", "measure", "priority", "valid_from", "valid_until", "remarks"}

// checkText refuses what no field of a list may hold: bytes that are not
// UTF-8, U+FFFD (the mark of text already mis-decoded once, and what a JSON
// "\ud800" becomes), and control characters, which a dispatcher's screen
// or a CSV export would obey instead of showing: C0 and C1 controls, DEL,
// the line and paragraph separators and the bidirectional overrides that
// can make a remark display as something else. A line feed is allowed in
// remarks only (multiLine): a quoted CSV field or a JSON "\n" may hold a
// note of several lines.
func checkText(s string, multiLine bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	for _, r := range s {
		switch {
		case r == '\n' && multiLine:
		case r < 0x20, r >= 0x7F && r <= 0x9F, r == 0x2028, r == 0x2029,
			r == 0x061C, r == 0x200E, r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return fmt.Errorf("control character %U is not allowed", r)
		case r == utf8.RuneError:
			return fmt.Errorf("holds U+FFFD, a character lost in an earlier conversion")
		}
	}
	return nil
}

// validate turns a record into an Entry, appending every problem it finds to
// errs. A field that fails checkText gets that one error and no other.
func (r record) validate(errs *Errors) (entry.Entry, bool) {
	e := entry.Entry{Line: r.line}
	n := errs.Len()
	raw := [len(fields)]*string{&r.plate, &r.country, &r.source, &r.measure, &r.priority, &r.from, &r.until, &r.remarks}
	var textOK [len(fields)]bool
	for i, p := range raw {
		err := checkText(*p, fields[i] == "remarks")
		if r.badUTF8&(1<<i) != 0 {
			err = fmt.Errorf("not valid UTF-8")
		}
		if err != nil {
			errs.Add(r.line, fields[i], err.Error())
			continue
		}
		textOK[i] = true
	}
	var err error
	if textOK[0] {
		if e.Plate, err = parsePlate(r.plate); err != nil {
			errs.Add(r.line, "plate", err.Error())
		}
	}
	if textOK[1] {
		if e.Country, err = entry.NormalizeCountry(r.country); err != nil {
			errs.Add(r.line, "country", err.Error())
		}
	}
	e.Source = strings.TrimSpace(r.source)
	e.Measure = strings.TrimSpace(r.measure)
	e.Remarks = strings.TrimSpace(r.remarks)
	for _, f := range []struct {
		name string
		ok   bool
		v    string
	}{{"source", textOK[2], e.Source}, {"measure", textOK[3], e.Measure}, {"remarks", textOK[7], e.Remarks}} {
		switch {
		case !f.ok:
		case f.v == "" && f.name != "remarks":
			errs.Add(r.line, f.name, "missing")
		case len(f.v) > maxTextLen:
			errs.Add(r.line, f.name, fmt.Sprintf("longer than %d bytes", maxTextLen))
		}
	}
	if textOK[4] {
		if e.Priority, err = entry.ParsePriority(r.priority); err != nil {
			errs.Add(r.line, "priority", err.Error())
		}
	}
	fromOK, untilOK := textOK[5], textOK[6]
	if fromOK {
		if e.ValidFrom, err = parseTime(r.from, false); err != nil {
			errs.Add(r.line, "valid_from", err.Error())
			fromOK = false
		}
	}
	if untilOK {
		if e.ValidUntil, err = parseTime(r.until, true); err != nil {
			errs.Add(r.line, "valid_until", err.Error())
			untilOK = false
		}
	}
	if fromOK && untilOK && !e.ValidFrom.IsZero() && !e.ValidUntil.IsZero() && !e.ValidUntil.After(e.ValidFrom) {
		errs.Add(r.line, "valid_until", "before valid_from")
	}
	return e, errs.Len() == n
}
