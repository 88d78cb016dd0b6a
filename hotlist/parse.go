package hotlist

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path/filepath"
	"slices"
	"strings"
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

func detectFormat(f Format, name string, data []byte) Format {
	if f != FormatAuto {
		return f
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV
	case ".json":
		return FormatJSON
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n"); len(t) > 0 && t[0] == '[' {
		return FormatJSON
	}
	return FormatCSV
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// parseFile checks the whole file and returns its entries, or every problem
// it found. Identical entries (same plate, country, source, measure and
// validity) are an error naming the first line: they would raise the same
// alert twice and usually mean a file was concatenated with itself. The same
// plate with another source or measure is two entries, and both hit.
func parseFile(format Format, data []byte) ([]Entry, *errorList) {
	var (
		errs    errorList
		entries []Entry
		seed    = maphash.MakeSeed()
		seen    = make(map[uint64]int) // hash of dupKey -> index in entries
		clashes = make(map[dupKey]int) // the rare hash clash of different entries
	)
	sink := func(r record) {
		e, ok := r.validate(&errs)
		if !ok {
			return
		}
		key := dupKey{e.Plate, e.Country, e.Source, e.Measure, e.ValidFrom.Unix(), e.ValidUntil.Unix()}
		h := key.hash(seed)
		first := -1
		if i, ok := seen[h]; ok {
			if entries[i].dupKey() == key {
				first = entries[i].Line
			} else if line, ok := clashes[key]; ok {
				first = line
			} else {
				clashes[key] = r.line
			}
		} else {
			seen[h] = len(entries)
		}
		if first >= 0 {
			errs.add(r.line, "plate", fmt.Sprintf("duplicate of line %d (%s %s, same source, measure and validity)", first, e.Plate, e.Country))
			return
		}
		entries = append(entries, e)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if format == FormatJSON {
		parseJSON(data, sink, &errs)
	} else {
		parseCSV(data, sink, &errs)
	}
	return entries, &errs
}

// dupKey is what makes two entries the same alert.
type dupKey struct {
	plate, country, source, measure string
	from, until                     int64
}

func (e Entry) dupKey() dupKey {
	return dupKey{e.Plate, e.Country, e.Source, e.Measure, e.ValidFrom.Unix(), e.ValidUntil.Unix()}
}

// hash is cheaper to keep for a million entries than the key itself.
func (k dupKey) hash(seed maphash.Seed) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, s := range [...]string{k.plate, k.country, k.source, k.measure} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(k.from))
	binary.LittleEndian.PutUint64(b[8:], uint64(k.until))
	h.Write(b[:])
	return h.Sum64()
}

// parseCSV reads the header line and then one entry per record; the
// separator is ',' or, when the header uses it, ';'. A CSV syntax
// error (a stray quote) ends the parse: what follows cannot be trusted.
func parseCSV(data []byte, sink func(record), errs *errorList) {
	cr := csv.NewReader(bytes.NewReader(data))
	// A spreadsheet saved as CSV under a Belgian (nl-BE, fr-BE) locale
	// separates with ';', since ',' is the decimal mark there.
	first, _, _ := bytes.Cut(data, []byte{'\n'})
	if bytes.Count(first, []byte{';'}) == len(fields)-1 && !bytes.Contains(first, []byte{','}) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		errs.add(1, "header", "file is empty, want "+strings.Join(fields[:], ","))
		return
	}
	if err != nil {
		addCSVError(errs, err)
		return
	}
	if !headerOK(header) {
		errs.add(1, "header", fmt.Sprintf("got %q, want %q", strings.Join(header, ","), strings.Join(fields[:], ",")))
		return
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			addCSVError(errs, err)
			return
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(fields) {
			errs.add(line, "record", fmt.Sprintf("has %d fields, want %d", len(rec), len(fields)))
			continue
		}
		sink(record{line: line, plate: rec[0], country: rec[1], source: rec[2], measure: rec[3],
			priority: rec[4], from: rec[5], until: rec[6], remarks: rec[7]})
	}
}

func headerOK(h []string) bool {
	if len(h) != len(fields) {
		return false
	}
	for i, f := range fields {
		if strings.ToLower(strings.TrimSpace(h[i])) != f {
			return false
		}
	}
	return true
}

func addCSVError(errs *errorList, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		errs.add(pe.Line, "csv", pe.Err.Error())
		return
	}
	errs.add(0, "csv", err.Error())
}

// lineCounter turns byte offsets, visited in increasing order, into line numbers.
type lineCounter struct {
	data []byte
	off  int
	line int
}

func (lc *lineCounter) at(off int) int {
	if off > len(lc.data) {
		off = len(lc.data)
	}
	if off < lc.off { // never happens in a forward parse; recount rather than lie
		lc.off, lc.line = 0, 1
	}
	lc.line += bytes.Count(lc.data[lc.off:off], []byte{'\n'})
	lc.off = off
	return lc.line
}

// parseJSON reads an array of objects whose keys are the CSV header's names.
// The line of an entry is the line of its opening brace. Values are strings
// (or null); priority may also be a number.
func parseJSON(data []byte, sink func(record), errs *errorList) {
	lc := &lineCounter{data: data, line: 1}
	dec := json.NewDecoder(bytes.NewReader(data))
	syntax := func(err error) {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			errs.add(lc.at(int(se.Offset)), "json", se.Error())
			return
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			errs.add(lc.at(len(data)), "json", "unexpected end of file")
			return
		}
		errs.add(lc.at(int(dec.InputOffset())), "json", err.Error())
	}
	tok, err := dec.Token()
	if err != nil {
		syntax(err)
		return
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		errs.add(lc.at(int(dec.InputOffset())), "json", "want an array of entries")
		return
	}
	for dec.More() {
		start := skipSep(data, int(dec.InputOffset()))
		line := lc.at(start)
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				errs.add(line, "json", "entry is not an object")
				continue
			}
			// The Decoder's SyntaxError.Offset does not count the separators
			// Token and More consumed; a fresh decoder on this value does.
			var raw json.RawMessage
			var se *json.SyntaxError
			if rerr := json.NewDecoder(bytes.NewReader(data[start:])).Decode(&raw); errors.As(rerr, &se) {
				errs.add(lc.at(start+max(int(se.Offset)-1, 0)), "json", se.Error())
				return
			}
			syntax(err)
			return
		}
		if obj == nil {
			errs.add(line, "json", "entry is null, want an object")
			continue
		}
		sink(jsonRecord(line, obj, errs))
	}
	if _, err := dec.Token(); err != nil {
		syntax(err)
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		errs.add(lc.at(int(dec.InputOffset())), "json", "data after the closing ]")
	}
}

// skipSep returns the offset of the next value after whitespace and a comma.
func skipSep(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// jsonRecord converts one object; problems with keys or value types go to
// errs and leave the field empty, so that validation still reports the rest.
func jsonRecord(line int, obj map[string]json.RawMessage, errs *errorList) record {
	r := record{line: line}
	dst := map[string]*string{
		"plate": &r.plate, "country": &r.country, "source": &r.source, "measure": &r.measure,
		"priority": &r.priority, "valid_from": &r.from, "valid_until": &r.until, "remarks": &r.remarks,
	}
	// Known keys in header order, then unknown ones sorted: the errors of
	// one object come out in the same order every time.
	keys := make([]string, 0, len(obj))
	for _, f := range fields {
		if _, ok := obj[f]; ok {
			keys = append(keys, f)
		}
	}
	var unknown []string
	for k := range obj {
		if _, ok := dst[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		errs.add(line, k, "unknown key (want "+strings.Join(fields[:], ", ")+")")
	}
	for _, k := range keys {
		p, raw := dst[k], bytes.TrimSpace(obj[k])
		switch {
		case bytes.Equal(raw, []byte("null")):
		case len(raw) > 0 && raw[0] == '"':
			if err := json.Unmarshal(raw, p); err != nil {
				errs.add(line, k, err.Error())
			}
		case k == "priority" && len(raw) > 0 && (raw[0] >= '0' && raw[0] <= '9'):
			*p = string(raw)
		default:
			errs.add(line, k, "want a string, got "+string(raw))
		}
	}
	return r
}
