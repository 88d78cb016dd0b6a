package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
)

func runRoundCmd(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{DataDir: dir, Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb}
	code := Main(context.Background(), env, Wiring{}, append([]string{"round"}, args...))
	return code, out.String(), errb.String()
}

// TestRoundCLI runs a short round on the simulated zone, then lists the
// rounds and writes the period's reports from the data directory.
func TestRoundCLI(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer sz.Close()
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "cli-test", Zone: sz.Zone, Injector: sz, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	chief, err := c.Login(ctx, "teamchef", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	r := app.Round{Name: "Kort", Area: "Markt", Steps: []app.RoundStep{
		{Cameras: []string{"cam01"}, Dwell: app.Duration{Duration: time.Second}},
		{Cameras: []string{"cam02", "cam03"}, Dwell: app.Duration{Duration: time.Second}},
	}}
	if err := c.SaveRound(ctx, chief, "", r); err != nil {
		t.Fatal(err)
	}
	run, err := c.StartRound(ctx, chief, "Kort", "", app.RoundOptions{SubStream: true})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-run.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("round did not end")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	code, out, stderr := runRoundCmd(t, dir, "list")
	want := "Stationsbuurt\t2\t40s\nWinkelstraten\t2\t40s\nKort\t2\t2s\n"
	if code != 0 || out != want {
		t.Fatalf("round list = %d %q (stderr %q), want %q", code, out, stderr, want)
	}
	day := time.Now().UTC().Format("2006-01-02")
	t.Setenv("ZONECONSOLE_PASSWORD", simzone.DemoPassword)
	code, out, stderr = runRoundCmd(t, dir, "report", "--user", "teamchef", "--from", day, "--to", day)
	if code != 0 || strings.Count(out, ",visit,") != 3 || !strings.Contains(out, "Kort") {
		t.Fatalf("round report csv = %d (stderr %q):\n%s", code, stderr, out)
	}
	code, out, _ = runRoundCmd(t, dir, "report", "--user", "teamchef", "--from", day, "--to", day, "--format", "html")
	if code != 0 || !strings.Contains(out, "<html") || !strings.Contains(out, "Kort") || !strings.Contains(out, "Dekking") {
		t.Fatalf("round report html = %d:\n%s", code, out)
	}
	// A dispatcher may not read who patrolled what: refused, and audited.
	if code, out, _ := runRoundCmd(t, dir, "report", "--user", "dispatcher", "--from", day, "--to", day); code != 1 || out != "" {
		t.Errorf("round report by a dispatcher = %d %q, want a refusal", code, out)
	}
	for _, args := range [][]string{{}, {"bogus"}, {"report"}, {"report", "--user", "teamchef", "--from", "x", "--to", day}, {"report", "--from", day, "--to", day}, {"list", "extra"}} {
		if code, _, _ := runRoundCmd(t, dir, args...); code != 2 {
			t.Errorf("round %v: exit %d, want 2", args, code)
		}
	}
}

// TestRoundListNeverStartsTheSimulatedZone covers a data directory with no
// zone at all: reading the rounds must not start the simulator nor create
// its demo accounts (it did, with seven accounts of password "demo").
func TestRoundListNeverStartsTheSimulatedZone(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runRoundCmd(t, dir, "list")
	if code != 1 || out != "" || !strings.Contains(stderr, "--zone") {
		t.Fatalf("round list = %d %q (stderr %q), want exit 1 asking for --zone", code, out, stderr)
	}
	for _, f := range []string{"users.db", "sim"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("round list created %s: the simulated zone or its accounts were made as a side effect", f)
		}
	}
}
