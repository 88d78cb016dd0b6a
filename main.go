// Command zoneconsole is the dispatch console of a Belgian local police zone.
// It only reads flags and picks a subcommand; the work lives in the packages.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// version is set at link time by the Makefile (-X main.version=...).
var version = "dev"

// globals are the flags every subcommand shares.
type globals struct {
	DataDir string
	Log     *slog.Logger
	Stdout  io.Writer
	Stderr  io.Writer
}

func defaultDataDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "zoneconsole")
	}
	return ".zoneconsole"
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("zoneconsole", flag.ContinueOnError)
	g := &globals{Stdout: os.Stdout, Stderr: os.Stderr}
	fs.StringVar(&g.DataDir, "data", defaultDataDir(), "directory that holds every store and file of this console")
	verbose := fs.Bool("v", false, "log debug messages")
	fs.Usage = func() { usage(fs.Output()) }
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	g.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	rest := fs.Args()
	cmd := "run"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	if f, ok := commands()[cmd]; ok {
		return f(ctx, g, rest)
	}
	switch cmd {
	case "version":
		fmt.Fprintln(g.Stdout, "zoneconsole", version)
		return 0
	case "help", "-h", "--help":
		usage(g.Stdout)
		return 0
	}
	fmt.Fprintf(g.Stderr, "zoneconsole: unknown command %q\n", cmd)
	usage(g.Stderr)
	return 2
}

type command func(ctx context.Context, g *globals, args []string) int

// commands maps each subcommand to its cli_<name>.go entry point.
func commands() map[string]command {
	return map[string]command{
		"run":     cmdRun,
		"sim":     cmdSim,
		"audit":   cmdAudit,
		"round":   cmdRound,
		"hotlist": cmdHotlist,
		"anpr":    cmdANPR,
		"user":    cmdUser,
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: zoneconsole [--data DIR] [-v] COMMAND [ARGS]

commands:
  run [--zone FILE]       the console (default); no zone file: the simulated zone
  sim                     the simulated zone on its own
  anpr read IMAGE...      read the plates in images
  anpr eval --minutes N   score the plate reader on the simulated zone
  audit verify [DB]       check the audit chain (exit 0 intact, 1 broken, 2 unreadable)
  audit export            write audit entries (--from --to [--user] [--camera] [--format csv|html])
  hotlist import|versions import a hotlist (CSV/JSON) as an administrator
  round list [--zone F]   one line per round: name, steps, total dwell
  round report            visit reports of a period (--from --to [--format csv|html])
  user add|list|passwd    manage the console's users
  version                 print the version
`)
}
