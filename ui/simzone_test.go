package ui

import (
	"context"
	"testing"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
)

// openSim starts a simulated zone in cfg.DataDir and opens a console on it,
// as `zoneconsole run` does without a zone file. The zone stops after the
// test's own cleanups (which close the console); t is nil in a child process.
func openSim(ctx context.Context, t testing.TB, cfg app.Config, cameras int) (*app.Console, error) {
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: cfg.DataDir, Cameras: cameras, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	if t != nil {
		t.Cleanup(func() { sz.Close() })
	} // else: a screenshot child process, whose exit stops the zone
	cfg.Zone, cfg.Injector = sz.Zone, sz
	return app.Open(ctx, cfg)
}
