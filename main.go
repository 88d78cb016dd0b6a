// Command zoneconsole is the dispatch console of a Belgian local police zone.
// It reads the global flags, builds the logger and the root context, wires
// the simulated zone in for the commands that start it on purpose, and
// hands the rest to package cli, where the subcommands live.
package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"console.invalid/clocale"

	"github.com/politiezone/zoneconsole/anpr/eval"
	"github.com/politiezone/zoneconsole/cli"
	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/simzone"
)

// version is set at link time by the Makefile (-X main.version=...).
var version = "dev"

func defaultDataDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "zoneconsole")
	}
	return ".zoneconsole"
}

func main() {
	// Before anything reads the language: see package clocale.
	clocale.Restore()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the global flags and runs the subcommand; it returns the exit
// code: 0 ok, 1 failure, 2 usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("zoneconsole", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", defaultDataDir(), "directory that holds every store and file of this console")
	verbose := fs.Bool("v", false, "log debug messages")
	fs.Usage = func() { cli.Usage(fs.Output()) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	env := cli.Env{DataDir: *dataDir, Log: log, Stdout: stdout, Stderr: stderr, Version: version}
	return cli.Main(ctx, env, simWiring(), fs.Args())
}

// simWiring wires the simulated zone into the three commands that start it
// on purpose: `run` with no zone file, `sim` and `anpr eval`. Only main
// imports the simulator (arch_test.go).
func simWiring() cli.Wiring {
	return cli.Wiring{SimZone: startSimZone, Sim: startSim, ANPREval: anprEval}
}

func startSimZone(ctx context.Context, dataDir string, log *slog.Logger) (*cli.SimZone, error) {
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	return &cli.SimZone{Zone: sz.Zone, Injector: sz, DemoUsers: simzone.DemoUsers(),
		DemoPassword: simzone.DemoPassword, AMSClient: sz.AMSClient(), Close: sz.Close}, nil
}

func startSim(ctx context.Context, c cli.SimConfig) (cli.SimServer, error) {
	z, err := sim.Start(ctx, sim.Config{Addr: c.Addr, Cameras: c.Cameras, Seed: c.Seed, FPS: c.FPS,
		UDP: c.UDP, PatrolAddr: c.PatrolAddr, TruthPath: c.TruthPath, Logger: c.Logger})
	if err != nil {
		return nil, err
	}
	return simServer{z}, nil
}

// simServer is a running sim.Zone as `sim` prints it.
type simServer struct{ *sim.Zone }

func (s simServer) Cameras() []cli.SimCamera {
	var cs []cli.SimCamera
	for _, c := range s.Zone.Cameras() {
		cs = append(cs, cli.SimCamera{ID: c.ID, Name: c.Name, MainURL: c.MainURL, SubURL: c.SubURL,
			Username: c.Username, Password: c.Password})
	}
	return cs
}

func anprEval(ctx context.Context, c cli.EvalConfig) (string, error) {
	res, err := eval.Run(ctx, eval.Config{ModelDir: c.ModelDir, Duration: c.Duration, Cameras: c.Cameras,
		Seed: c.Seed, Workers: c.Workers, Logger: c.Logger})
	if err != nil {
		return "", err
	}
	return res.String(), nil
}
