package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/politiezone/zoneconsole/ams"
	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/trail"
)

// AMSState is the forwarding queue's state for the administrator.
type AMSState = ams.State

// startAMS opens the durable queue of passages for the national ANPR
// database and sends it in the background (the service's work: only when
// the console records, as serve and run do). The zone names the one
// endpoint; any other is refused by ams.Config.Validate.
func (c *Console) startAMS(ctx context.Context) error {
	z := c.zone.AMS
	if z.Endpoint == "" {
		return nil
	}
	key, err := ams.KeyFile(filepath.Join(c.cfg.DataDir, "keys", "ams.ed25519"))
	if err != nil {
		return err
	}
	q, err := ams.Open(filepath.Join(c.cfg.DataDir, "ams.db"), ams.Config{Endpoint: z.Endpoint, Sender: z.Sender, Key: key,
		Client: c.cfg.AMSClient, AllowLoopbackForTests: c.cfg.AMSLoopbackForTests, Now: c.now, Logger: c.cfg.Logger})
	if err != nil {
		return fmt.Errorf("ams: %w", err)
	}
	c.ams = q
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := q.Run(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("ams forwarding stopped", "err", err)
		}
	}()
	c.log.Info("forwarding passages", "ams", z.Endpoint)
	return nil
}

// forward queues a stored passage for the AMS (nothing when the zone has
// no AMS endpoint). A queue that cannot take it is logged: the passage is
// in the store, and the next start does not resend what was acknowledged.
func (c *Console) forward(p anpr.Passage) {
	if c.ams == nil {
		return
	}
	err := c.ams.Enqueue(context.Background(), ams.Passage{ID: p.ID, Time: p.Time, Camera: p.Camera, Plate: p.Plate,
		Country: p.Country, Confidence: p.Confidence})
	if err != nil {
		c.log.Error("passage not queued for the AMS", "passage", p.ID, "err", err)
	}
}

// AMSForwarding is the forwarding queue's state (queued, oldest pending,
// last success, last error) for an administrator; checked and audited.
func (c *Console) AMSForwarding(ctx context.Context, s *Session) (AMSState, error) {
	if err := c.access.Allow(ctx, s, ActSettings, Resource{Target: "ams"}, s.Shift, trail.Settings{Change: "ams.state"}); err != nil {
		return AMSState{}, err
	}
	if c.ams == nil {
		return AMSState{}, fmt.Errorf("ams: not forwarding (no endpoint in the zone file, or this console does not record)")
	}
	return c.ams.State(ctx)
}
