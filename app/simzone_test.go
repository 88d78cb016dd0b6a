package app

import (
	"context"
	"sync"
	"testing"

	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/simzone"
)

// sims maps a test's console to the simulated zone it was opened on, for
// tests that inject plates or faults (test-only state).
var sims, amsOf sync.Map

// openSim starts a simulated zone in cfg.DataDir and opens a console on it,
// as `zoneconsole run` does without a zone file.
func openSim(ctx context.Context, tb testing.TB, cfg Config, cameras int, adjust ...func(*Zone)) (*Console, error) {
	tb.Helper()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: cfg.DataDir, Cameras: cameras, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	cfg.Zone, cfg.Injector = sz.Zone, sz
	cfg.AMSClient, cfg.AMSLoopbackForTests = sz.AMSClient(), true
	for _, f := range adjust {
		f(&cfg.Zone)
	}
	c, err := Open(ctx, cfg)
	if err != nil {
		sz.Close()
		return nil, err
	}
	sims.Store(c, sz.Sim)
	amsOf.Store(c, sz)
	tb.Cleanup(func() {
		c.Close()
		sz.Close()
	})
	return c, nil
}

func simOf(c *Console) *sim.Zone {
	z, _ := sims.Load(c)
	return z.(*sim.Zone)
}

const DemoPassword = simzone.DemoPassword

// unitsOf lists the units as a dispatcher's console sees them.
func unitsOf(c *Console) []Patrol {
	ctx := context.Background()
	s, err := c.Login(ctx, "dispatcher", DemoPassword)
	if err != nil {
		return nil
	}
	defer c.Logout(ctx, s)
	ps, _ := c.Patrols(ctx, s)
	return ps
}
