package rounds

import (
	"context"
	"testing"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
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

// openConsole opens a real console over a temporary data directory and a
// small simulated zone.
func openConsole(t testing.TB, cameras int) *app.Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := openSim(ctx, t, app.Config{DataDir: t.TempDir(), Console: "console-test", Logger: uitest.Logger()}, cameras)
	if err != nil {
		cancel()
		t.Fatalf("app.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("console close: %v", err)
		}
		cancel()
	})
	return c
}

// chief logs a team chief in directly, for reading the audit trail.
func chief(t testing.TB, c *app.Console) *app.Session {
	t.Helper()
	s, err := c.Login(context.Background(), "teamchef", simzone.DemoPassword)
	if err != nil {
		t.Fatalf("team chief login: %v", err)
	}
	t.Cleanup(func() { _ = c.Logout(context.Background(), s) })
	return s
}

// patrolsOf lists the units as a dispatcher's console sees them.
func patrolsOf(c *app.Console) []app.Patrol {
	ctx := context.Background()
	s, err := c.Login(ctx, "dispatcher", simzone.DemoPassword)
	if err != nil {
		return nil
	}
	defer c.Logout(ctx, s)
	ps, _ := c.Patrols(ctx, s)
	return ps
}
