package hotlist

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The parser's fuzz targets. Plain `go test` runs the seed corpus (every
// file of testdata/, fed to both parsers, since a CSV file mutated towards
// JSON is as good a probe as any); `go test -fuzz FuzzParseJSON ./hotlist/`
// searches further. The parser must never panic, and must either file
// entries that validate again to themselves or report errors that each
// name a line of the input.
func FuzzParseCSV(f *testing.F)  { fuzzParse(f, FormatCSV) }
func FuzzParseJSON(f *testing.F) { fuzzParse(f, FormatJSON) }

func fuzzParse(f *testing.F, format Format) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus in testdata/: %v", err)
	}
	for _, name := range files {
		if st, err := os.Stat(name); err != nil || !st.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(header + "1-ABC-123,B,local,stop,hoog,2026-11-01,9999-12-31,\"PV 12,3\"\n"))
	f.Add([]byte("\xEF\xBB\xBFplate;country;source;measure;priority;valid_from;valid_until;remarks\r\n1ABC123;BE;l;m;1;;;\r\n"))
	f.Add([]byte(`[{"plate":"1ABC123","country":"BE","source":"s","measure":"m","priority":2,"valid_from":null,"remarks":"a\nb"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := newBuilder("fuzz", 1, 0)
		_, errs, err := parse(t.Context(), format, "", bytes.NewReader(data), b)
		if err != nil {
			t.Fatalf("parse of a byte slice failed to read: %v", err)
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, fe := range errs.errs {
			if fe.Line < 1 || fe.Line > lines {
				t.Errorf("error %q: line %d, want 1..%d", fe.Error(), fe.Line, lines)
			}
		}
		for i := range b.recs.len() {
			e := b.entry(i)
			if e.Line < 1 || e.Line > lines {
				t.Errorf("entry %+v: line %d, want 1..%d", e, e.Line, lines)
			}
			// What was filed, written out again, is a valid entry, and the
			// same one.
			r := record{line: e.Line, plate: e.Plate, country: e.Country, source: e.Source, measure: e.Measure,
				priority: strconv.Itoa(int(e.Priority)), from: formatTime(e.ValidFrom), until: formatTime(e.ValidUntil), remarks: e.Remarks}
			var again errorList
			e2, ok := r.validate(&again)
			if !ok || e2 != e {
				t.Errorf("filed entry %+v validates to %+v (ok %v, errors %v)", e, e2, ok, again.errs)
			}
		}
		// The matcher indexes what the parser filed.
		m, err := NewMatcher(MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m.swap(b.build(&m.ct))
		if st := m.Stats(); len(st) != 1 || st[0].Entries != b.recs.len() {
			t.Errorf("matcher holds %+v, want %d entries", st, b.recs.len())
		}
	})
}
