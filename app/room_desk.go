package app

import (
	"context"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/hits"
	"github.com/politiezone/zoneconsole/roomdb"
)

// roomHits is the room as the hit desk sees it.
type roomHits struct{ r *room }

// errRoomOffline spares a dispatcher the wait for a server known to be
// away: the decision is taken here and written when it is back.
var errRoomOffline = fmt.Errorf("room offline: %w", roomdb.ErrUnavailable)

func (h roomHits) online() bool { on, _ := h.r.presence.Online(); return on }

func (h roomHits) Raised(ctx context.Context, camera, list, listed string, seen time.Time) (int64, *hits.RoomDecision, error) {
	if !h.online() {
		return 0, nil, errRoomOffline
	}
	rh, err := h.r.db.RaiseHit(ctx, camera, list, listed, seen)
	if err != nil {
		return 0, nil, err
	}
	if rh.Status == roomdb.HitNew {
		return rh.ID, nil, nil
	}
	d := decisionOf(rh)
	return rh.ID, &d, nil
}

func (h roomHits) Decide(ctx context.Context, key int64, d hits.RoomDecision) (hits.RoomDecision, bool, error) {
	if !h.online() {
		return hits.RoomDecision{}, false, errRoomOffline
	}
	rh, won, err := h.r.db.DecideHit(ctx, key, roomdb.HitStatus(d.Status), d.User, string(d.Reason), d.Note)
	if err != nil {
		return hits.RoomDecision{}, false, err
	}
	return decisionOf(rh), won, nil
}

func (h roomHits) Undo(ctx context.Context, key int64, user string) error {
	return h.r.db.UndecideHit(ctx, key, user)
}

func (h roomHits) ClaimPatrol(ctx context.Context, callSign, user, hitID string, lat, lon float64) (string, bool, error) {
	if !h.online() {
		return "", false, errRoomOffline
	}
	cl, won, err := h.r.db.ClaimPatrol(ctx, callSign, user, hitID, lat, lon)
	if err != nil {
		return "", false, err
	}
	return fmt.Sprintf("%s (%s)", cl.Console, cl.User), won, nil
}

func (h roomHits) FreePatrol(ctx context.Context, callSign string) error {
	if !h.online() {
		return errRoomOffline
	}
	return h.r.db.FreePatrol(ctx, callSign)
}

func claimOf(cl roomdb.PatrolClaim) hits.RoomClaim {
	return hits.RoomClaim{CallSign: cl.CallSign, Console: cl.Console, User: cl.User, Lat: cl.Lat, Lon: cl.Lon}
}

// onRoomPatrol applies a unit sent or freed at any console.
func (c *Console) onRoomPatrol(ev roomdb.Event) {
	d := c.roomDesk.Load()
	if d == nil {
		return
	}
	if ev.Kind == roomdb.PatrolFreed {
		d.ApplyRoomFree(ev.Claim.CallSign)
		return
	}
	d.ApplyRoomClaim(claimOf(ev.Claim))
}

func decisionOf(rh roomdb.Hit) hits.RoomDecision {
	return hits.RoomDecision{Status: hits.HitStatus(rh.Status), User: rh.DecidedBy, Console: rh.DecidedConsole,
		At: rh.DecidedAt, Reason: hits.RejectReason(rh.Reason), Note: rh.Note}
}

// roomSyncEvery is how often the console writes to the room what it could
// not write at once (a hit raised or decided while the server was away).
const roomSyncEvery = 2 * time.Second

// syncRoom keeps the hit desk and the room in step: decisions of the other
// consoles come through the change feed (onHit); after an outage the ones
// taken meanwhile are read back, and what this console raised or decided
// meanwhile is written.
func (c *Console) syncRoom(ctx context.Context) {
	t := time.NewTicker(roomSyncEvery)
	defer t.Stop()
	var offlineSince time.Time
	loaded := false // the room's open patrol claims read since the feed last connected
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		on, since := c.room.presence.Online()
		if !on {
			if offlineSince.IsZero() {
				offlineSince = since
			}
			loaded = false
			continue
		}
		if !loaded {
			cls, err := c.room.db.PatrolClaims(ctx)
			if err != nil {
				c.log.Warn("room: reading the units sent at other consoles", "err", err)
				continue
			}
			open := make([]hits.RoomClaim, len(cls))
			for i, cl := range cls {
				open[i] = claimOf(cl)
			}
			c.Desk.ResetRoomClaims(open)
			if err := c.syncAccounts(ctx); err != nil {
				c.log.Warn("room: accounts not brought together yet", "err", err)
				continue
			}
			loaded = true
		}
		if !offlineSince.IsZero() {
			hs, err := c.room.db.DecidedSince(ctx, offlineSince.Add(-roomdb.HitWindow))
			if err != nil {
				c.log.Warn("room: reading the hits decided during the outage", "err", err)
				continue
			}
			for _, h := range hs {
				c.Desk.ApplyRoomDecision(h.ID, decisionOf(h))
			}
			offlineSince = time.Time{}
		}
		if err := c.Desk.SyncRoom(ctx); err != nil {
			c.log.Warn("room: hits not written yet", "err", err)
		}
	}
}

// onRoomHit applies a hit decided at another console.
func (c *Console) onRoomHit(h roomdb.Hit) {
	if d := c.roomDesk.Load(); d != nil && h.Status != roomdb.HitNew {
		d.ApplyRoomDecision(h.ID, decisionOf(h))
	}
}
