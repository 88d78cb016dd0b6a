package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
)

// An administrator imports a hotlist with the CLI while the console runs
// on the same data directory: the CLI is not refused, the console lists
// the new version, and the one audit store holds both processes' entries
// in one chain.
func TestHotlistImportWhileTheConsoleRuns(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, _ := openSimConsole(t, ctx, dir, nil)
	adm, err := c.Login(ctx, "beheerder", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}

	list := filepath.Join(t.TempDir(), "lokaal.csv")
	if err := os.WriteFile(list, []byte("plate,country,source,measure,priority,valid_from,valid_until,remarks\n1ABC123,BE,lokale lijst,controle,3,,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZONECONSOLE_PASSWORD", simzone.DemoPassword)
	code, out, errs := runCmd(t, dir, Wiring{}, "hotlist", "import", "--user", "beheerder", "--list", "lokaal", list)
	if code != 0 {
		t.Fatalf("hotlist import while the console runs = %d: %s%s", code, out, errs)
	}
	vs, err := c.HotlistVersions(ctx, adm)
	if err != nil || len(vs) != 1 || vs[0].List != "lokaal" || vs[0].ImportedBy != "beheerder" {
		t.Fatalf("the console's lists after the CLI import = %+v, %v", vs, err)
	}
	c.Logout(ctx, adm)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, dir, Wiring{}, "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify of the store both wrote = %d:\n%s", code, out)
	}
}

// openSimConsole opens a console named pos-1 on a simulated zone of two
// cameras in dir, as `zoneconsole run` does; adjust changes the zone
// first. The console closes with the test.
func openSimConsole(t *testing.T, ctx context.Context, dir string, adjust func(*app.Zone)) (*app.Console, app.Zone) {
	t.Helper()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sz.Close() })
	z := sz.Zone
	if adjust != nil {
		adjust(&z)
	}
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "pos-1", Zone: z, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, z
}
