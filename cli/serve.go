package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

const serveUsage = `usage: zoneconsole [--data DIR] serve [--zone FILE] [--console NAME] [--for DURATION]
      the headless service of a zone's machine: records every camera set to
      record, reads the plates of the ANPR cameras into the passage store and
      matches them against the hotlists, and runs the retention cleaner,
      with nobody logged in and no window (no display needed). With no zone
      file it serves the simulated zone, as run does. It runs until it is
      stopped (SIGINT, SIGTERM) or, with --for, for that long.
`

// cmdServe runs the console's background work with no window.
func cmdServe(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "serve", serveUsage)
	zonePath := fs.String("zone", "", "zone file (TOML); empty serves the simulated zone")
	dur := fs.Duration("for", 0, "stop after this long (0: until stopped)")
	console := fs.String("console", "", "the service's name in the audit and the room (default: serve@HOST)")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || *dur < 0 {
		fs.Usage()
		return 2
	}
	cfg, sz, done, code := openZone(ctx, g, "zoneconsole serve", *zonePath)
	if code != 0 {
		return code
	}
	defer done()
	if *console == "" {
		host, _ := os.Hostname()
		*console = "serve@" + host
	}
	cfg.Record, cfg.Console, cfg.ANPRModels = true, *console, defaultModelDir(g)
	if *dur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	c, err := app.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole serve: opening (data %s): %v\n", g.DataDir, err)
		return 1
	}
	demoDone := make(chan struct{})
	go func() {
		defer close(demoDone)
		if sz != nil {
			runSimDemo(ctx, c, sz, g.Log, 20*time.Second, 2*time.Minute)
		}
	}()
	g.Log.Info("serving", "zone", cfg.Zone.Name, "cameras", len(cfg.Zone.Cameras), "anpr", c.ANPRRunning(), "data", g.DataDir)
	statusEvery := time.NewTicker(time.Minute)
	defer statusEvery.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-statusEvery.C:
			rec := 0
			for _, cam := range cfg.Zone.Cameras {
				if c.RecordingStatus(cam.ID).Recording {
					rec++
				}
			}
			g.Log.Info("status", "recording", rec, "cameras", len(cfg.Zone.Cameras), "anpr_drop", c.ANPRStats().DropRate())
		}
	}
	<-demoDone
	if err := c.Close(); err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole serve: closing: %v\n", err)
		return 1
	}
	return 0
}
