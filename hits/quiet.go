package hits

import (
	"context"
	"fmt"
	"slices"

	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// HitQuiet is the event of a new quiet hit: a near hit the AlertPolicy keeps
// from the alarm (no sound, no badge), for the "stil" list. A quiet hit that
// is promoted, or that a better read of the same vehicle makes alert-worthy,
// then comes as a HitAlert.
const HitQuiet HitEventKind = "quiet"

// quietKept bounds the quiet hits held in memory, apart from hitsKept: at a
// national list's size a camera brings some hundred of them a day, and they
// must not push the real hits of the shift out of memory.
const quietKept = 500

// loudness is the desk's AlertPolicy verdict on one matcher hit.
func (c *Desk) loudness(mh hotlist.Hit) hotlist.Loudness { return c.alerts.Decide(mh) }

// PromoteHit makes a quiet hit a real one: the dispatcher looked at the near
// hit and judged it worth the alarm. It is then new, alerts every console
// that may see it, and is confirmed or rejected as any hit. The promotion is
// checked and audited (hit.view, what=promote) before it takes effect.
func (c *Desk) PromoteHit(ctx context.Context, s *identity.Session, hitID string) error {
	if s == nil {
		return identity.ErrNoSession
	}
	b := c.book
	b.mu.Lock()
	if h, ok := b.byID[hitID]; ok && !h.Quiet {
		b.mu.Unlock()
		return fmt.Errorf("%w: %s is not quiet", ErrHitHandled, hitID)
	}
	h, err := b.claimLocked(hitID)
	if err != nil {
		b.mu.Unlock()
		return err
	}
	res := c.hitResource(h)
	filter := fmt.Sprintf("hit=%s list=%s listed=%s read=%s match=%s", h.ID, h.List, h.Listed, h.Plate, h.Match)
	b.mu.Unlock()
	if _, err := c.access.Check(ctx, s, policy.ActHitHandle, res, s.Shift, trail.HitView{What: "promote", Filter: filter, Results: 1}); err != nil {
		return c.endHandling(h, fmt.Errorf("promote hit %s: %w", hitID, err))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h.handling = false
	c.alertLocked(h, HitStep{Time: c.now(), What: "promote", User: s.User.Name})
	return nil
}

// alertLocked turns a quiet hit into an alert with step as the reason.
func (c *Desk) alertLocked(h *Hit, step HitStep) {
	h.Quiet = false
	h.Alerted = step.Time
	h.History = append(h.History, step)
	c.log.Info("hotlist hit", "hit", h.ID, "camera", h.Camera.ID, "plate", h.Plate, "list", h.List, "match", h.Match, "from", "quiet")
	c.book.emitLocked(HitAlert, h)
}

// trimLocked keeps at most hitsKept real and quietKept quiet hits, dropping
// the oldest of the kind over its bound.
func (b *hitBook) trimLocked() {
	quiet := 0
	for _, h := range b.hits {
		if h.Quiet {
			quiet++
		}
	}
	for len(b.hits)-quiet > hitsKept || quiet > quietKept {
		wantQuiet := quiet > quietKept
		i := slices.IndexFunc(b.hits, func(h *Hit) bool { return h.Quiet == wantQuiet })
		if i < 0 {
			return
		}
		delete(b.byID, b.hits[i].ID)
		b.hits = slices.Delete(b.hits, i, i+1)
		if wantQuiet {
			quiet--
		}
	}
}
