package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

func runRoundCmd(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &globals{DataDir: dir, Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb}
	code := cmdRound(context.Background(), g, args)
	return code, out.String(), errb.String()
}

// TestRoundCLI runs a short round on the simulated zone, then lists the
// rounds and writes the period's reports from the data directory.
func TestRoundCLI(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "cli-test", SimCameras: 4, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	chief, err := c.Login(ctx, "teamchef", app.DemoPassword)
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
	code, out, stderr = runRoundCmd(t, dir, "report", "--from", day, "--to", day)
	if code != 0 || strings.Count(out, ",visit,") != 3 || !strings.Contains(out, "Kort") {
		t.Fatalf("round report csv = %d (stderr %q):\n%s", code, stderr, out)
	}
	code, out, _ = runRoundCmd(t, dir, "report", "--from", day, "--to", day, "--format", "html")
	if code != 0 || !strings.Contains(out, "<html") || !strings.Contains(out, "Kort") || !strings.Contains(out, "Dekking") {
		t.Fatalf("round report html = %d:\n%s", code, out)
	}
	for _, args := range [][]string{{}, {"bogus"}, {"report"}, {"report", "--from", "x", "--to", day}, {"list", "extra"}} {
		if code, _, _ := runRoundCmd(t, dir, args...); code != 2 {
			t.Errorf("round %v: exit %d, want 2", args, code)
		}
	}
}

// TestRoundListStartsSimulatedZone covers a data directory with no zone at
// all: the simulated zone is started to read the rounds it ships.
func TestRoundListStartsSimulatedZone(t *testing.T) {
	code, out, stderr := runRoundCmd(t, t.TempDir(), "list")
	want := "Stationsbuurt\t4\t1m20s\nWinkelstraten\t4\t1m20s\n"
	if code != 0 || out != want {
		t.Fatalf("round list = %d %q (stderr %q), want %q", code, out, stderr, want)
	}
}
