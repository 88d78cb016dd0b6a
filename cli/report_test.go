package cli

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/simzone"
)

// TestReportsCLI: the DPO answers a data-subject request for a plate (its
// passages and who searched it are in the page, no image unless asked),
// and the council's yearly report counts the year's use; a dispatcher may
// make neither.
func TestReportsCLI(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 4})
	if err != nil {
		t.Fatal(err)
	}
	sz.Close()
	ps, err := anpr.OpenPassages(dir, anpr.PassagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if _, err := ps.Add(ctx, anpr.Passage{Time: now.Add(-time.Hour), Camera: "cam03", Plate: "1ABC123", Display: "1-ABC-123",
		Country: "BE", Confidence: 0.93}); err != nil {
		t.Fatal(err)
	}
	ps.Close()
	t.Setenv("ZONECONSOLE_PASSWORD", simzone.DemoPassword)
	day := now.Format(time.DateOnly)
	// An investigator's search of the plate: the DPO's report must list it.
	if code, _, errs := runCmd(t, dir, Wiring{}, "passages", "search", "--plate", "1-ABC-123", "--from", day, "--to", day,
		"--motivation", "diefstal", "--case", "PV 7", "--user", "recherche"); code != 0 {
		t.Fatalf("search = %d %s", code, errs)
	}
	out := filepath.Join(t.TempDir(), "dsar.html")
	code, _, errs := runCmd(t, dir, Wiring{}, "report", "dsar", "--user", "dpo", "--ref", "DPO-2026-14", "--plate", "1-ABC-123",
		"--from", day, "--to", day, out)
	if code != 0 {
		t.Fatalf("report dsar = %d %s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"DPO-2026-14", "1-ABC-123", "recherche"} {
		if !strings.Contains(page, want) {
			t.Errorf("the access report lacks %q", want)
		}
	}
	if strings.Contains(page, "data:image") {
		t.Error("images in a report the DPO asked without")
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, "report", "dsar", "--user", "dispatcher", "--ref", "X", "--plate", "1ABC123",
		filepath.Join(t.TempDir(), "x.html")); code != 1 {
		t.Errorf("a dispatcher's access report = %d, want 1", code)
	}
	code, csvOut, errs := runCmd(t, dir, Wiring{}, "report", "council", "--user", "teamchef", "--year", now.Format("2006"), "--format", "csv")
	if code != 0 {
		t.Fatalf("report council = %d %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("council CSV: %d rows, %v; want a header and one row per camera", len(rows), err)
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, "report", "council", "--user", "dispatcher", "--year", "2026"); code != 1 {
		t.Errorf("a dispatcher's council report = %d, want 1", code)
	}
}
