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
)

func runMain(t *testing.T, w Wiring, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{DataDir: t.TempDir(), Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb, Version: "test"}
	code := Main(context.Background(), env, w, args)
	return code, out.String(), errb.String()
}

// TestUnwiredSimulatedZone: cli alone cannot start the simulator. The
// commands that use it on purpose fail (exit 1) when main wired none, and
// leave the data directory empty.
func TestUnwiredSimulatedZone(t *testing.T) {
	for _, args := range [][]string{{}, {"run"}, {"run", "--lang", "fr"}, {"sim"}, {"anpr", "eval"}} {
		var out, errb bytes.Buffer
		dir := t.TempDir()
		env := Env{DataDir: dir, Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb}
		if code := Main(context.Background(), env, Wiring{}, args); code != 1 || out.Len() != 0 || !strings.Contains(errb.String(), "no simulated zone") {
			t.Errorf("Main(%q) with no wiring = %d, stdout %q, stderr %q; want 1 and a word on the simulated zone", args, code, out.String(), errb.String())
		}
		if es, _ := os.ReadDir(dir); len(es) > 0 {
			t.Errorf("Main(%q) with no wiring left %d files in the data directory", args, len(es))
		}
	}
}

type fakeSim struct {
	cams   []SimCamera
	closed bool
}

func (f *fakeSim) Cameras() []SimCamera   { return f.cams }
func (f *fakeSim) PatrolFeedAddr() string { return "127.0.0.1:1" }
func (f *fakeSim) Close() error           { f.closed = true; return nil }

func TestSimCommand(t *testing.T) {
	fs := &fakeSim{cams: []SimCamera{
		{ID: "cam01", Name: "Markt", MainURL: "rtsp://h/cam01/main", SubURL: "rtsp://h/cam01/sub"},
		{ID: "cam02", Name: "Station", MainURL: "rtsp://h/cam02/main", SubURL: "rtsp://h/cam02/sub", Username: "u", Password: "p"},
	}}
	var got SimConfig
	w := Wiring{Sim: func(ctx context.Context, c SimConfig) (SimServer, error) { got = c; return fs, nil }}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve until ctx ends: at once
	var out, errb bytes.Buffer
	dir := t.TempDir()
	env := Env{DataDir: dir, Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb}
	code := Main(ctx, env, w, []string{"sim", "--cameras", "2", "--seed", "7", "--fps", "5", "--udp", "--addr", "127.0.0.1:9554"})
	want := "cam01\tMarkt\trtsp://h/cam01/main\trtsp://h/cam01/sub\ncam02\tStation\trtsp://h/cam02/main\trtsp://h/cam02/sub\n"
	if code != 0 || out.String() != want || !fs.closed {
		t.Fatalf("sim = %d, stdout %q (stderr %q), closed %v; want 0, %q and closed", code, out.String(), errb.String(), fs.closed, want)
	}
	wantCfg := SimConfig{Addr: "127.0.0.1:9554", Cameras: 2, Seed: 7, FPS: 5, UDP: true, PatrolAddr: "127.0.0.1:0",
		TruthPath: filepath.Join(dir, "sim", "truth.jsonl"), Logger: env.Log}
	if got != wantCfg {
		t.Errorf("sim asked for %+v, want %+v", got, wantCfg)
	}
	for _, args := range [][]string{{"sim", "--cameras", "0"}, {"sim", "--fps", "0"}, {"sim", "extra"}, {"sim", "--bogus"}} {
		called := false
		w := Wiring{Sim: func(context.Context, SimConfig) (SimServer, error) { called = true; return fs, nil }}
		if code, _, _ := runMain(t, w, args...); code != 2 || called {
			t.Errorf("Main(%q) = %d, simulator started %v; want 2 and not started", args, code, called)
		}
	}
}

func TestANPREvalCommand(t *testing.T) {
	var got EvalConfig
	w := Wiring{ANPREval: func(ctx context.Context, c EvalConfig) (string, error) { got = c; return "recall 0.90", nil }}
	code, out, errs := runMain(t, w, "anpr", "eval", "--models", "/m", "--minutes", "0.5", "--cameras", "3", "--seed", "4", "--workers", "2")
	if code != 0 || out != "recall 0.90\n" {
		t.Fatalf("anpr eval = %d, stdout %q, stderr %q", code, out, errs)
	}
	if got.ModelDir != "/m" || got.Duration != 30*time.Second || got.Cameras != 3 || got.Seed != 4 || got.Workers != 2 || got.Logger == nil {
		t.Errorf("anpr eval asked for %+v", got)
	}
	for _, args := range [][]string{{"anpr", "eval", "--minutes", "0"}, {"anpr", "eval", "--cameras", "0"}, {"anpr", "eval", "--workers", "-1"}, {"anpr", "eval", "x"}} {
		called := false
		w := Wiring{ANPREval: func(context.Context, EvalConfig) (string, error) { called = true; return "", nil }}
		if code, _, _ := runMain(t, w, args...); code != 2 || called {
			t.Errorf("Main(%q) = %d, evaluation run %v; want 2 and not run", args, code, called)
		}
	}
}

func TestMainDispatch(t *testing.T) {
	cases := []struct {
		args      []string
		code      int
		out, errs string
	}{
		{[]string{"version"}, 0, "zoneconsole test\n", ""},
		{[]string{"help"}, 0, "usage: zoneconsole", ""},
		{[]string{"--help"}, 0, "usage: zoneconsole", ""},
		{[]string{"shred"}, 2, "", `unknown command "shred"`},
		{[]string{"anpr"}, 2, "", "usage: zoneconsole anpr read"},
		{[]string{"anpr", "write"}, 2, "", `unknown subcommand "write"`},
		{[]string{"user"}, 2, "", "usage: zoneconsole user add"},
		{[]string{"user", "shred"}, 2, "", `unknown subcommand "shred"`},
		{[]string{"hotlist"}, 2, "", "usage: zoneconsole hotlist import"},
		{[]string{"run", "--lang", "de"}, 2, "", `--lang "de"`},
		{[]string{"run", "extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"run", "-h"}, 0, "", "usage: zoneconsole [--data DIR] run"},
	}
	for _, c := range cases {
		code, out, errs := runMain(t, Wiring{}, c.args...)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.errs) || (c.out == "" && out != "") {
			t.Errorf("Main(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", c.args, code, out, errs, c.code, c.out, c.errs)
		}
	}
}
