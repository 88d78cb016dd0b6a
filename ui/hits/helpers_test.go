package hits

import (
	"context"
	"testing"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
)

// openConsole opens a real console over a temporary data directory and a
// small simulated zone.
func openConsole(t testing.TB, cameras int) *app.Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: cameras, Logger: uitest.Logger()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { sz.Close() })
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "console-test", Logger: uitest.Logger(), Zone: sz.Zone, Injector: sz})
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
