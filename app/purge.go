package app

import (
	"context"
	"time"

	"github.com/politiezone/zoneconsole/trail"
)

// purgeEvery is how often passages past the zone's ANPR retention are
// deleted (with their images): often enough that none outlives the law by
// more than an hour.
const purgeEvery = time.Hour

// PurgePassages deletes the passages and images older than the zone's ANPR
// retention, except those an evidence hold keeps, and audits the run with
// its counts (system:anpr). The console and the service run it every hour.
func (c *Console) PurgePassages(ctx context.Context) (trail.PassagePurge, error) {
	_, store, err := c.stores(ctx)
	if err != nil {
		return trail.PassagePurge{}, err
	}
	keep := func(string, time.Time) bool { return false }
	if c.footage != nil {
		if keep, err = c.footage.HeldAt(ctx); err != nil {
			// Without the holds nothing past the retention may go: a hold
			// might keep it.
			return trail.PassagePurge{}, err
		}
	} else {
		return trail.PassagePurge{}, errNoRecordings
	}
	cutoff := c.now().Add(-c.zone.ANPR.RetentionPeriod())
	n, perr := store.Purge(ctx, cutoff, keep)
	d := trail.PassagePurge{Cutoff: cutoff, Passages: n.Passages, Kept: n.Kept, Images: n.Images, Bytes: n.Bytes}
	if perr != nil {
		d.Error = perr.Error()
	}
	if err := c.access.System(context.WithoutCancel(ctx), "system:anpr", c.cfg.Console, "passages", d); err != nil {
		c.log.Error("passage purge not audited", "err", err)
		if perr == nil {
			perr = err
		}
	}
	return d, perr
}

func (c *Console) purgeLoop(ctx context.Context) {
	t := time.NewTicker(purgeEvery)
	defer t.Stop()
	for {
		if _, err := c.PurgePassages(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("passage purge", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
