package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui"
)

// cmdRun opens the console window. With no --zone it serves the built-in
// simulated zone (g.SimZone, wired in by main), so a machine with no cameras
// still shows a live wall.
func cmdRun(ctx context.Context, g *globals, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(g.Stderr)
	zonePath := fs.String("zone", "", "zone file (TOML) describing the cameras; empty starts the simulated zone")
	room := fs.String("room", "", "dispatch room this console stands in (default: the zone file's room)")
	console := fs.String("console", "", "this position's name in the audit and the room, one per console of a room (default: the host name)")
	language := fs.String("lang", "", "language of the console: nl, fr or en (default: the system's if French or English, else Dutch)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: zoneconsole [--data DIR] run [--zone FILE] [--room NAME] [--console NAME] [--lang nl|fr|en]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(g.Stderr, "zoneconsole run: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	switch *language {
	case "", "nl", "fr", "en":
	default:
		fmt.Fprintf(g.Stderr, "zoneconsole run: --lang %q: choose nl, fr or en\n", *language)
		return 2
	}

	cfg, sz, done, code := openZone(ctx, g, "zoneconsole run", *zonePath)
	if code != 0 {
		return code
	}
	defer done()
	cfg.Room, cfg.Console, cfg.Record, cfg.ANPRModels = *room, *console, true, defaultModelDir(g)
	c, err := app.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole run: opening the console (data %s): %v\n", g.DataDir, err)
		return 1
	}
	demoCtx, stopDemo := context.WithCancel(ctx)
	demoDone := make(chan struct{})
	go func() {
		defer close(demoDone)
		if sz != nil {
			runSimDemo(demoCtx, c, sz, g.Log, 20*time.Second, 2*time.Minute)
		}
	}()
	opts := ui.Options{Language: *language, Logger: g.Log}
	if sz != nil {
		opts.Demo = &ui.Demo{Users: sz.DemoUsers, Password: sz.DemoPassword}
	}
	runErr := ui.Run(ctx, c, opts)
	stopDemo()
	<-demoDone
	closeErr := c.Close()
	if runErr != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole run: %v\n", runErr)
		return 1
	}
	if closeErr != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole run: closing the console: %v\n", closeErr)
		return 1
	}
	return 0
}
