package hotlist

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/hotlist/match"
	"github.com/politiezone/zoneconsole/hotlist/parse"
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
		b := match.NewBuilder("fuzz", 1, 0)
		_, errs, err := parse.Parse(t.Context(), format, "", bytes.NewReader(data), b.AddUnique)
		if err != nil {
			t.Fatalf("parse of a byte slice failed to read: %v", err)
		}
		b.DoneAdding()
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, fe := range errs.List {
			if fe.Line < 1 || fe.Line > lines {
				t.Errorf("error %q: line %d, want 1..%d", fe.Error(), fe.Line, lines)
			}
		}
		for i := range b.Len() {
			e := b.Entry(i)
			if e.Line < 1 || e.Line > lines {
				t.Errorf("entry %+v: line %d, want 1..%d", e, e.Line, lines)
			}
			// What was filed, written out again, is a valid entry, and the
			// same one.
			if e2, again := reparse(t, e); len(again) > 0 || e2 != e {
				t.Errorf("filed entry %+v validates to %+v (errors %v)", e, e2, again)
			}
		}
		// The matcher indexes what the parser filed.
		m, err := NewMatcher(MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n := b.Len()
		m.Install(b)
		if st := m.Stats(); len(st) != 1 || st[0].Entries != n {
			t.Errorf("matcher holds %+v, want %d entries", st, n)
		}
	})
}

// reparse writes e as the one record of a CSV file, as the store keeps
// it, and parses that file again; the entry comes back with e's line.
func reparse(t *testing.T, e Entry) (Entry, []FieldError) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(strings.Split(strings.TrimSpace(header), ","))
	w.Write([]string{e.Plate, e.Country, e.Source, e.Measure, strconv.Itoa(int(e.Priority)),
		formatTime(e.ValidFrom), formatTime(e.ValidUntil), e.Remarks})
	w.Flush()
	var got []Entry
	_, errs, err := parse.Parse(t.Context(), FormatCSV, "", &buf, func(e Entry) (int, bool) {
		got = append(got, e)
		return 0, false
	})
	if err != nil {
		t.Fatalf("parse of a byte slice failed to read: %v", err)
	}
	if len(errs.List) > 0 || len(got) != 1 {
		return Entry{}, errs.List
	}
	got[0].Line = e.Line
	return got[0], nil
}
