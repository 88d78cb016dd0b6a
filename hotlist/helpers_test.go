package hotlist

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixedNow is the import clock of the tests.
var fixedNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func openStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(dir, "hotlist.db"), Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func importText(t testing.TB, s *Store, list, name, text string) (ImportResult, error) {
	t.Helper()
	return s.Import(context.Background(), ImportRequest{List: list, User: "inp.janssens", FileName: name, Data: strings.NewReader(text)})
}

const header = "plate,country,source,measure,priority,valid_from,valid_until,remarks\n"
