package hotlist

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // testdata/<file>
		want []string
	}{
		{"bad header", "bad_header.csv", []string{
			`line 1: header: got "plate,country,source,priority,measure,valid_from,valid_until,remarks", want "plate,country,source,measure,priority,valid_from,valid_until,remarks"`}},
		{"empty file", "empty.csv", []string{"line 1: header: file is empty, want plate,country,source,measure,priority,valid_from,valid_until,remarks"}},
		{"bad dates", "bad_dates.csv", []string{
			`line 3: valid_from: "23/11/2026" is not an ISO 8601 date or time (2026-11-23 or 2026-11-23T14:05:00Z)`,
			`line 4: valid_until: "2026-13-01" is not an ISO 8601 date or time (2026-11-23 or 2026-11-23T14:05:00Z)`,
			"line 5: valid_until: before valid_from",
		}},
		{"unknown priority", "bad_priority.csv", []string{
			`line 3: priority: unknown "urgent" (1..5 or critical, high, normal, low, info)`,
			`line 4: priority: unknown "0" (1..5 or critical, high, normal, low, info)`,
			"line 5: priority: missing (1..5 or critical, high, normal, low, info)",
		}},
		{"empty plate and missing fields", "bad_fields.csv", []string{
			"line 2: plate: empty",
			`line 3: plate: character '#' cannot be on a plate`,
			"line 4: source: missing",
			"line 5: measure: missing",
			`line 6: country: "BEL" is not a two-letter country code`,
			`line 7: plate: "1ABC123456789" is longer than 12 characters`,
		}},
		{"duplicate lines", "duplicate.csv", []string{
			"line 5: plate: duplicate of line 2 (1ABC123 BE, same source, measure and validity)",
		}},
		{"wrong field count and quote", "bad_csv.csv", []string{
			"line 3: record: has 7 fields, want 8",
			`line 6: csv: bare " in non-quoted-field`,
		}},
		{"bad json syntax", "bad_syntax.json", []string{"line 4: json: invalid character '}' looking for beginning of object key string"}},
		{"json not an array", "not_array.json", []string{"line 1: json: want an array of entries"}},
		{"json fields", "bad_fields.json", []string{
			`line 3: brand: unknown key (want plate, country, source, measure, priority, valid_from, valid_until, remarks)`,
			`line 3: colour: unknown key (want plate, country, source, measure, priority, valid_from, valid_until, remarks)`,
			"line 4: priority: unknown \"7\" (1..5 or critical, high, normal, low, info)",
			"line 5: plate: want a string, got 1234567",
			"line 5: plate: empty",
			"line 6: json: entry is not an object",
			"line 7: valid_until: before valid_from",
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
			// Atomic: the good lines of a bad file are not imported either.
			vs, err := s.Versions(context.Background(), "local")
			if err != nil || len(vs) != 0 {
				t.Errorf("after a bad import Versions = %v, %v; want none", vs, err)
			}
			if st := s.Matcher().Stats(); len(st) != 0 {
				t.Errorf("after a bad import the matcher holds %v", st)
			}
		})
	}
}

func TestBadImportKeepsActiveVersion(t *testing.T) {
	s := openStore(t, t.TempDir())
	if _, err := importText(t, s, "local", "v1.csv", header+"1-ABC-123,BE,local list,stop and check,3,,,\n"); err != nil {
		t.Fatal(err)
	}
	_, err := importText(t, s, "local", "v2.csv", header+"2-XYZ-999,BE,local list,stop,3,,,\n,BE,local list,stop,3,,,\n")
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Line != 3 {
		t.Fatalf("Import(v2) = %v, want one error on line 3", err)
	}
	if !strings.Contains(err.Error(), "nothing imported") {
		t.Errorf("error %q does not say nothing was imported", err)
	}
	vs, _ := s.Versions(context.Background(), "local")
	if len(vs) != 1 || vs[0].Version != 1 {
		t.Fatalf("Versions = %+v, want only v1", vs)
	}
	m := s.Matcher()
	if hits := m.Match("1ABC123", "BE", fixedNow); len(hits) != 1 {
		t.Errorf("v1 plate: %d hits, want 1", len(hits))
	}
	if hits := m.Match("2XYZ999", "BE", fixedNow); len(hits) != 0 {
		t.Errorf("plate of the rejected file hits: %+v", hits)
	}
}

func TestImportVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir)
	v1 := header +
		"1-ABC-123,BE,national wanted notices,intercept: stolen vehicle,high,2026-01-01,,PV 2026/0001\n" +
		"XYZ-789,,national wanted notices,check occupants,2,2026-01-01T00:00:00Z,2027-01-01T00:00:00Z,\n"
	v2 := `[
  {"plate": "2-QRS-456", "country": "BE", "source": "national wanted notices", "measure": "intercept", "priority": 1},
  {"plate": "1-ABC-123", "country": "B", "source": "national wanted notices", "measure": "intercept: stolen vehicle",
   "priority": "2", "valid_from": "2026-01-01", "valid_until": null, "remarks": "PV 2026/0001"}
]`
	r1, err := importText(t, s, "national", "wanted-1.csv", v1)
	if err != nil {
		t.Fatal(err)
	}
	fixedNow = fixedNow.Add(time.Hour)
	defer func() { fixedNow = fixedNow.Add(-time.Hour) }()
	r2, err := importText(t, s, "national", "wanted-2.json", v2)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(v2))
	want2 := ImportResult{
		Version: Version{List: "national", Version: 2, ImportedAt: fixedNow, ImportedBy: "inp.janssens",
			FileName: "wanted-2.json", Format: FormatJSON, SHA256: hex.EncodeToString(sum[:]), Entries: 2},
		Previous: 1, Added: 1, Removed: 1,
	}
	if r1.Version.Version != 1 || r1.Entries != 2 || r1.Format != FormatCSV || r1.Added != 2 {
		t.Errorf("first import = %+v", r1)
	}
	if !reflect.DeepEqual(r2, want2) {
		t.Errorf("second import = %+v\nwant %+v", r2, want2)
	}
	vs, err := s.Versions(ctx, "national")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0] != r2.Version || vs[1] != r1.Version {
		t.Errorf("Versions = %+v\nwant %+v, %+v", vs, r2.Version, r1.Version)
	}
	// The old version stays readable, field for field.
	old, err := s.Entries(ctx, "national", 1)
	if err != nil {
		t.Fatal(err)
	}
	wantOld := []Entry{
		{Plate: "1ABC123", Country: "BE", Source: "national wanted notices", Measure: "intercept: stolen vehicle",
			Priority: PriorityHigh, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Remarks: "PV 2026/0001", Line: 2},
		{Plate: "XYZ789", Source: "national wanted notices", Measure: "check occupants", Priority: PriorityHigh,
			ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Line: 3},
	}
	if !reflect.DeepEqual(old, wantOld) {
		t.Errorf("Entries(national, 1) = %+v\nwant %+v", old, wantOld)
	}
	// Only the active version matches.
	m := s.Matcher()
	if hits := m.Match("XYZ789", "", fixedNow); len(hits) != 0 {
		t.Errorf("plate only in v1 still hits: %+v", hits)
	}
	hits := m.Match("2QRS456", "BE", fixedNow)
	if len(hits) != 1 || hits[0].Version != 2 || hits[0].Entry.Priority != PriorityCritical || hits[0].Entry.Line != 2 {
		t.Errorf("Match(2QRS456) = %+v, want v2 line 2 priority 1", hits)
	}
	// A second store on the same file loads the active version.
	s.Close()
	s2 := openStore(t, dir)
	lists, err := s2.Lists(ctx)
	if err != nil || len(lists) != 1 || lists[0] != r2.Version {
		t.Errorf("Lists after reopen = %+v, %v", lists, err)
	}
	if st := s2.Matcher().Stats(); len(st) != 1 || st[0].Version != 2 || st[0].Entries != 2 {
		t.Errorf("matcher after reopen = %+v", st)
	}
	if hits := s2.Matcher().Match("1-abc-123", "BE", fixedNow); len(hits) != 1 || hits[0].Kind != KindExact {
		t.Errorf("Match after reopen = %+v", hits)
	}
	if _, err := s2.Entries(ctx, "national", 3); !errors.Is(err, ErrNoVersion) {
		t.Errorf("Entries(v3) error = %v, want ErrNoVersion", err)
	}
}

func TestImportEmptiesList(t *testing.T) {
	s := openStore(t, t.TempDir())
	if _, err := importText(t, s, "local", "a.csv", header+"1ABC123,BE,local,stop,3,,,\n"); err != nil {
		t.Fatal(err)
	}
	r, err := importText(t, s, "local", "b.csv", header)
	if err != nil || r.Entries != 0 || r.Removed != 1 || r.Version.Version != 2 {
		t.Fatalf("header-only import = %+v, %v", r, err)
	}
	if hits := s.Matcher().Match("1ABC123", "BE", fixedNow); len(hits) != 0 {
		t.Errorf("emptied list still hits: %+v", hits)
	}
}

func TestImportBadListName(t *testing.T) {
	s := openStore(t, t.TempDir())
	if _, err := s.Import(context.Background(), ImportRequest{List: "local", Data: strings.NewReader(header)}); !errors.Is(err, ErrNoUser) {
		t.Errorf("Import without user error = %v, want ErrNoUser", err)
	}
	if _, err := importText(t, s, "Nat ional", "a.csv", header); !errors.Is(err, ErrInvalidList) {
		t.Errorf("Import(\"Nat ional\") error = %v, want ErrInvalidList", err)
	}
}

func TestRefreshSeesOtherProcess(t *testing.T) {
	dir := t.TempDir()
	console := openStore(t, dir)
	cli := openStore(t, dir) // `zoneconsole hotlist import` in another process
	if _, err := importText(t, cli, "local", "a.csv", header+"1ABC123,BE,local,stop,3,,,\n"); err != nil {
		t.Fatal(err)
	}
	if hits := console.Matcher().Match("1ABC123", "BE", fixedNow); len(hits) != 0 {
		t.Fatalf("console hit before Refresh")
	}
	// An import in the console counts its changes against the version the
	// other process made, which its matcher has not seen yet.
	r, err := importText(t, console, "local", "b.csv", header+"1ABC123,BE,local,stop,3,,,\n2XYZ999,BE,local,stop,3,,,\n")
	if err != nil || r.Version.Version != 2 || r.Previous != 1 || r.Added != 1 || r.Removed != 0 {
		t.Fatalf("console import = %+v, %v; want v2, +1 -0", r, err)
	}
	if _, err := importText(t, cli, "local", "c.csv", header+"1ABC123,BE,local,stop,3,,,\n"); err != nil {
		t.Fatal(err)
	}
	if err := console.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if hits := console.Matcher().Match("1ABC123", "BE", fixedNow); len(hits) != 1 {
		t.Errorf("console after Refresh: %d hits, want 1", len(hits))
	}
}

func TestExpiry(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	_, err := importText(t, s, "local", "a.csv", header+
		"1AAA111,BE,local,stop,3,2026-11-01T08:00:00Z,2026-11-30,window; until is a bare date: whole day\n"+
		"1BBB222,BE,local,stop,3,2026-12-01T00:00:00+01:00,,starts later; open end\n"+
		"1CCC333,BE,local,stop,3,,2026-11-01T00:00:00,expired\n")
	if err != nil {
		t.Fatal(err)
	}
	// The same table on the matcher built at import and on the one a second
	// store loads from the database.
	matchers := map[string]*Matcher{"import": s.Matcher(), "reload": openStore(t, dir).Matcher()}
	tests := []struct {
		plate string
		at    time.Time
		hit   bool
	}{
		{"1AAA111", time.Date(2026, 11, 1, 7, 59, 59, 0, time.UTC), false},
		{"1AAA111", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC), true},
		{"1AAA111", time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC), true},
		{"1AAA111", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), false},
		{"1BBB222", time.Date(2026, 11, 30, 22, 59, 59, 0, time.UTC), false},
		{"1BBB222", time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), true},
		{"1BBB222", time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"1CCC333", time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC), true},
		{"1CCC333", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), false},
		// Expiry also holds for a misread of an expired entry.
		{"ICCC333", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for name, m := range matchers {
		for _, tc := range tests {
			got := len(m.Match(tc.plate, "BE", tc.at)) > 0
			if got != tc.hit {
				t.Errorf("%s: Match(%s, %s) hit = %v, want %v", name, tc.plate, tc.at.Format(time.RFC3339), got, tc.hit)
			}
		}
	}
}

// A list may say "valid until 9999-12-31" for an entry that does not
// expire; the whole of that day ends in the year 10000. The store must open
// again with it, and the entry keeps hitting.
func TestImportFarDates(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	_, err := importText(t, s, "local", "a.csv", header+
		"1AAA111,BE,local,stop,3,,9999-12-31,no expiry\n"+
		"1BBB222,BE,local,stop,3,0000-01-01T00:30:00+01:00,9999-12-31T23:00:00-05:00,offsets past both ends\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	at := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range []string{"1AAA111", "1BBB222"} {
		if len(s.Matcher().Match(p, "BE", at)) == 0 {
			t.Errorf("after reopening: Match(%s, %s) = no hit, want a hit", p, at.Format(time.RFC3339))
		}
	}
	es, err := s.Entries(context.Background(), "local", 0)
	if err != nil || len(es) != 2 {
		t.Fatalf("Entries = %d, %v; want 2", len(es), err)
	}
}

func TestStoreDurability(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data #1?")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	var mode string
	var sync int
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if err := s.db.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		t.Errorf("synchronous = %d, %v; want 2 (FULL)", sync, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hotlist.db")); err != nil {
		t.Errorf("database not at the path given: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// A list saved from a spreadsheet under a Belgian locale: byte-order mark,
// CRLF line ends, ';' between fields, names for priorities.
func TestImportSpreadsheetCSV(t *testing.T) {
	s := openStore(t, t.TempDir())
	file := "\xEF\xBB\xBFplate;country;source;measure;priority;valid_from;valid_until;remarks\r\n" +
		"1-ABC-123;BE;lokale lijst;staande houden, controle;hoog;2026-11-01;;\"PV 12,3\"\r\n" +
		"2-DEF-456;B;lokale lijst;controle;normaal;;;\r\n"
	r, err := importText(t, s, "local", "lijst.csv", file)
	if err != nil {
		t.Fatal(err)
	}
	if r.Entries != 2 || r.Format != FormatCSV {
		t.Fatalf("import = %+v", r)
	}
	es, err := s.Entries(context.Background(), "local", 0)
	if err != nil {
		t.Fatal(err)
	}
	if es[0].Measure != "staande houden, controle" || es[0].Remarks != "PV 12,3" || es[0].Priority != PriorityHigh || es[1].Country != "BE" || es[1].Line != 3 {
		t.Errorf("entries = %+v", es)
	}
}

func TestImportDetectsJSONWithoutExtension(t *testing.T) {
	s := openStore(t, t.TempDir())
	r, err := importText(t, s, "local", "export", ` [{"plate":"1ABC123","country":"BE","source":"s","measure":"m","priority":"info"}]`)
	if err != nil || r.Format != FormatJSON || r.Entries != 1 {
		t.Fatalf("import = %+v, %v; want one JSON entry", r, err)
	}
}

func TestPruneEntries(t *testing.T) {
	ctx := context.Background()
	saved := fixedNow
	defer func() { fixedNow = saved }()
	s := openStore(t, t.TempDir())
	for i, body := range []string{"1AAA111,BE,l,m,3,,,\n", "1BBB222,BE,l,m,3,,,\n", "1CCC333,BE,l,m,3,,,\n"} {
		fixedNow = fixedNow.Add(time.Hour)
		if _, err := importText(t, s, "local", fmt.Sprintf("v%d.csv", i+1), header+body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := importText(t, s, "national", "n.csv", header+"1DDD444,BE,n,m,1,,,\n"); err != nil {
		t.Fatal(err)
	}
	cutoff := fixedNow.Add(-90 * time.Minute) // after v1, before v2 and v3
	n, err := s.PruneEntries(ctx, cutoff)
	if err != nil || n != 1 {
		t.Fatalf("PruneEntries = %d, %v; want 1 (local v1)", n, err)
	}
	vs, err := s.Versions(ctx, "local")
	if err != nil || len(vs) != 3 {
		t.Fatalf("Versions = %+v, %v; want all three records kept", vs, err)
	}
	if vs[2].Version != 1 || vs[2].Pruned.IsZero() || vs[2].Entries != 1 || vs[2].SHA256 == "" || !vs[1].Pruned.IsZero() {
		t.Errorf("version records after prune = %+v", vs)
	}
	if _, err := s.Entries(ctx, "local", 1); !errors.Is(err, ErrPruned) {
		t.Errorf("Entries(v1) error = %v, want ErrPruned", err)
	}
	if es, err := s.Entries(ctx, "local", 2); err != nil || len(es) != 1 {
		t.Errorf("Entries(v2) = %v, %v", es, err)
	}
	// The active versions are never pruned, whatever the cutoff.
	fixedNow = fixedNow.Add(time.Hour)
	if n, err := s.PruneEntries(ctx, fixedNow); err != nil || n != 1 {
		t.Errorf("second PruneEntries = %d, %v; want 1 (local v2)", n, err)
	}
	if hits := s.Matcher().Match("1CCC333", "BE", fixedNow); len(hits) != 1 {
		t.Errorf("active version after prune: %d hits", len(hits))
	}
	if es, err := s.Entries(ctx, "national", 0); err != nil || len(es) != 1 {
		t.Errorf("Entries(national active) = %v, %v", es, err)
	}
}

// A store created before versions had pruned_at opens and gains the column.
func TestOpenMigratesOldSchema(t *testing.T) {
	dir := t.TempDir()
	old := strings.Replace(schema, "\tpruned_at   TEXT NOT NULL DEFAULT '', -- when PruneEntries deleted its entries\n", "", 1)
	if old == schema {
		t.Fatal("test does not remove the column")
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "hotlist.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(old); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO versions (list, version, imported_at, imported_by, file_name, format, sha256, entries)
		VALUES ('local', 1, '2026-11-01T00:00:00Z', 'x', 'a.csv', 'csv', 'ab', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := openStore(t, dir)
	vs, err := s.Versions(context.Background(), "local")
	if err != nil || len(vs) != 1 || !vs[0].Pruned.IsZero() {
		t.Errorf("Versions after migration = %+v, %v", vs, err)
	}
}
