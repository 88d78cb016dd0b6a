package cli

import (
	"context"
	"fmt"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/zone"
)

// openZone gives the console's config for a zone file, or with none for
// the simulated zone (g.SimZone, wired in by main), started on purpose: its
// cameras, patrol feed and demo accounts exist only for this run. done
// stops the simulated zone; a non-zero code means it printed why.
func openZone(ctx context.Context, g *globals, cmd, zonePath string) (cfg app.Config, sz *SimZone, done func(), code int) {
	cfg = app.Config{DataDir: g.DataDir, ZonePath: zonePath, Logger: g.Log}
	done = func() {}
	if zonePath != "" {
		z, err := zone.LoadZone(zonePath)
		if err != nil {
			fmt.Fprintf(g.Stderr, "%s: %v\n", cmd, err)
			return cfg, nil, done, 1
		}
		cfg.Zone = z
		return cfg, nil, done, 0
	}
	if g.SimZone == nil {
		fmt.Fprintf(g.Stderr, "%s: this build has no simulated zone: give --zone FILE\n", cmd)
		return cfg, nil, done, 1
	}
	sz, err := g.SimZone(ctx, g.DataDir, g.Log)
	if err != nil {
		fmt.Fprintf(g.Stderr, "%s: %v\n", cmd, err)
		return cfg, nil, done, 1
	}
	done = func() {
		if sz.Close == nil {
			return
		}
		if err := sz.Close(); err != nil {
			g.Log.Warn("closing the simulated zone", "err", err)
		}
	}
	cfg.Zone, cfg.Injector = sz.Zone, sz.Injector
	if sz.AMSClient != nil {
		cfg.AMSClient, cfg.AMSLoopbackForTests = sz.AMSClient, true
	}
	return cfg, sz, done, 0
}
