package hotlist

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestImportRefuses is issue 16 item 7: control characters in any field,
// invalid UTF-8 in either format, and JSON keys given twice are errors with
// their line and field, and the file imports nothing.
func TestImportRefuses(t *testing.T) {
	tests := []struct {
		name string
		file string // testdata/<file>
		want []string
	}{
		{"control characters in CSV", "control.csv", []string{
			"line 2: source: control character U+0009 is not allowed",
			"line 3: measure: control character U+001B is not allowed",
			"line 4: remarks: control character U+0007 is not allowed",
			"line 5: remarks: control character U+202E is not allowed",
			"line 6: plate: control character U+0000 is not allowed",
			"line 6: country: control character U+0009 is not allowed",
			"line 6: priority: control character U+000D is not allowed",
			"line 7: valid_until: control character U+007F is not allowed",
			"line 9: source: control character U+000A is not allowed",
		}},
		{"invalid UTF-8 in CSV", "bad_utf8.csv", []string{
			"line 2: measure: not valid UTF-8",
			"line 3: remarks: not valid UTF-8",
		}},
		{"invalid UTF-8 in JSON", "bad_utf8.json", []string{
			"line 2: source: not valid UTF-8",
			"line 3: remarks: not valid UTF-8",
			"line 4: remarks: holds U+FFFD, a character lost in an earlier conversion",
		}},
		{"control characters in JSON", "control.json", []string{
			"line 2: source: control character U+0009 is not allowed",
			"line 3: measure: control character U+001B is not allowed",
			"line 3: priority: control character U+0000 is not allowed",
			`line 5: "\x1b]0;x\a": unknown key (want plate, country, source, measure, priority, valid_from, valid_until, remarks)`,
		}},
		{"duplicate JSON keys", "duplicate_keys.json", []string{
			"line 2: plate: duplicate key",
			"line 3: colour: unknown key (want plate, country, source, measure, priority, valid_from, valid_until, remarks)",
			"line 3: colour: duplicate key",
			"line 3: priority: duplicate key",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t, t.TempDir())
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = importText(t, s, "local", tc.file, string(data))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Import(%s) error = %v, want a *ValidationError", tc.file, err)
			}
			var got []string
			for _, fe := range ve.Errors {
				got = append(got, fe.Error())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Import(%s) errors:\n got  %q\n want %q", tc.file, got, tc.want)
			}
			if vs, err := s.Versions(t.Context(), "local"); err != nil || len(vs) != 0 {
				t.Errorf("after a refused import Versions = %v, %v; want none", vs, err)
			}
		})
	}
}

// A record or value far longer than any entry ends the parse with its line,
// instead of being buffered whole.
func TestImportRefusesHugeValue(t *testing.T) {
	huge := strings.Repeat("x", 2<<20) // twice what the parser reads past a record
	const tooLongMsg = "longer than 1 MiB (maxValueBytes): not a hotlist entry"
	tests := []struct {
		name, file, text, want string
	}{
		{"csv", "a.csv", header + "1ABC123,BE,local,stop,3,,,\n1ABD123,BE,\"" + huge + "\",stop,3,,,\n", "line 3: record: " + tooLongMsg},
		{"json", "a.json", "[\n{\"plate\": \"1ABC123\"},\n{\"plate\": \"" + huge + "\"}]", "line 3: json: " + tooLongMsg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t, t.TempDir())
			_, err := importText(t, s, "local", tc.file, tc.text)
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("Import error = %v, want a *ValidationError", err)
			}
			if got := ve.Errors[len(ve.Errors)-1].Error(); got != tc.want {
				t.Errorf("last error = %q, want %q", got, tc.want)
			}
		})
	}
}
