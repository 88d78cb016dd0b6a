package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/simzone"
)

// TestPassagesSearchCLI: an investigator searches the passages with a
// partial plate from the command line, under the console's rules (a
// motivation and a case reference; a dispatcher may not), and the search
// is audited with its criteria and result count.
func TestPassagesSearchCLI(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 4})
	if err != nil {
		t.Fatal(err)
	}
	sz.Close() // its zone file and accounts stay; nothing streams
	ps, err := anpr.OpenPassages(dir, anpr.PassagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i, p := range []string{"1ABC123", "1ABD124", "2XYZ999"} {
		if _, err := ps.Add(ctx, anpr.Passage{Time: now.Add(-time.Duration(i+1) * time.Hour), Camera: "cam03", Plate: p, Display: p,
			Country: "BE", Confidence: 0.91}); err != nil {
			t.Fatal(err)
		}
	}
	ps.Close()
	t.Setenv("ZONECONSOLE_PASSWORD", simzone.DemoPassword)
	day := now.Format(time.DateOnly)
	args := func(user string, extra ...string) []string {
		return append([]string{"passages", "search", "--plate", "1-AB?-1*", "--from", day, "--to", day, "--user", user}, extra...)
	}
	code, out, errs := runCmd(t, dir, Wiring{}, args("recherche", "--motivation", "gestolen wagen gezien", "--case", "PV HA.12.L3.4/26")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("search = %d %q %s", code, out, errs)
	}
	f := strings.Split(lines[0], "\t")
	if len(f) != 5 || f[1] != "cam03" || !strings.HasPrefix(f[2], "1AB") || f[3] != "BE" || f[4] != "0.91" {
		t.Errorf("line %q: want time, camera, plate, country, confidence", lines[0])
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, args("recherche", "--case", "PV 1")...); code != 1 {
		t.Errorf("search without a motivation = %d, want 1", code)
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, args("recherche", "--motivation", "x")...); code != 1 {
		t.Errorf("search without a case = %d, want 1", code)
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, args("dispatcher", "--motivation", "x", "--case", "PV 1")...); code != 1 {
		t.Errorf("a dispatcher's search = %d, want 1", code)
	}
	r, err := audit.OpenReader(filepath.Join(dir, "audit.db"), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	es, err := r.Query(ctx, audit.Filter{Actions: []audit.Action{"anpr.search"}})
	if err != nil {
		t.Fatal(err)
	}
	var allowed, denied, counted int
	for _, e := range es {
		switch {
		case e.Outcome == audit.OutcomeDenied:
			denied++
		case strings.Contains(e.Detail, `"results":2`):
			counted++
		default:
			allowed++
		}
	}
	if allowed != 1 || counted != 1 || denied != 3 {
		t.Errorf("anpr.search entries: %d allowed, %d with the count, %d denied; want 1, 1, 3", allowed, counted, denied)
	}
}
