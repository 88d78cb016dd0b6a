package hits

import (
	"context"
	"fmt"
)

// RoomPatrols shares the units sent with the room's other consoles: a
// unit is claimed for the room before its command goes out, so of two
// dispatchers at two consoles sending at once only one sends it. It is
// part of Room.
type RoomPatrols interface {
	// ClaimPatrol claims the unit for user at this console; won is false
	// when another console's claim stands (by names that console).
	ClaimPatrol(ctx context.Context, callSign, user, hitID string, lat, lon float64) (by string, won bool, err error)
	// FreePatrol ends the unit's claim, whoever made it.
	FreePatrol(ctx context.Context, callSign string) error
}

// RoomClaim is a unit sent at a console of the room.
type RoomClaim struct {
	CallSign string
	Console  string
	User     string
	Lat, Lon float64
}

// claimInRoom claims the unit for the room before its command goes out.
// It returns the console whose claim stands when it is not this one's;
// with the room out of reach the unit is sent (the console keeps working)
// and the log says the room was not asked.
func (c *Desk) claimInRoom(ctx context.Context, callSign, user, hitID string, lat, lon float64) (elsewhere string) {
	if c.room == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, roomTimeout)
	defer cancel()
	by, won, err := c.room.ClaimPatrol(ctx, callSign, user, hitID, lat, lon)
	switch {
	case err != nil:
		c.log.Warn("room unreachable: the unit is sent without the room's claim", "unit", callSign, "err", err)
		return ""
	case !won:
		return by
	}
	return ""
}

// freeInRoom ends the unit's claim in the room (best effort: a claim left
// open is ended by the next free at any console).
func (c *Desk) freeInRoom(ctx context.Context, callSign string) {
	if c.room == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), roomTimeout)
	defer cancel()
	if err := c.room.FreePatrol(ctx, callSign); err != nil {
		c.log.Warn("room: unit freed here, its claim in the room stays open", "unit", callSign, "err", err)
	}
}

// ApplyRoomClaim records that another console of the room sent the unit:
// it is en route here too (SentBy says where from), so no dispatcher here
// sends it again.
func (c *Desk) ApplyRoomClaim(cl RoomClaim) {
	if cl.Console == c.console {
		return
	}
	p := c.patrols
	p.mu.Lock()
	u := p.units[cl.CallSign]
	if u == nil {
		// Not reported by the feed yet: known, but never proposed until it
		// reports (NearestFree skips a unit without a report).
		u = &Patrol{CallSign: cl.CallSign}
		p.units[cl.CallSign] = u
	}
	changed := u.Status == PatrolFree || u.Status == ""
	if changed {
		u.Status, u.HasTarget, u.TargetLat, u.TargetLon, u.HitID = PatrolEnRoute, true, cl.Lat, cl.Lon, ""
		u.SentBy = fmt.Sprintf("%s (%s)", cl.Console, cl.User)
	}
	kept := *u
	p.mu.Unlock()
	if changed {
		c.keepUnit(kept)
	}
}

// ApplyRoomFree records that a dispatcher at any console freed the unit.
func (c *Desk) ApplyRoomFree(callSign string) {
	p := c.patrols
	p.mu.Lock()
	u := p.units[callSign]
	changed := u != nil && u.Status != PatrolFree && u.Status != PatrolUnavailable
	var kept Patrol
	if changed {
		u.Status, u.HasTarget, u.HitID, u.SentBy = PatrolFree, false, "", ""
		kept = *u
	}
	p.mu.Unlock()
	if changed {
		c.keepUnit(kept)
	}
}

// ResetRoomClaims replaces what the desk knows of other consoles' units
// with the room's open claims, after the room was out of reach.
func (c *Desk) ResetRoomClaims(open []RoomClaim) {
	claimed := map[string]bool{}
	for _, cl := range open {
		claimed[cl.CallSign] = true
	}
	p := c.patrols
	var freed []Patrol
	p.mu.Lock()
	for cs, u := range p.units {
		if u.SentBy != "" && !claimed[cs] {
			u.Status, u.HasTarget, u.SentBy = PatrolFree, false, ""
			freed = append(freed, *u)
		}
	}
	p.mu.Unlock()
	for _, u := range freed {
		c.keepUnit(u)
	}
	for _, cl := range open {
		c.ApplyRoomClaim(cl)
	}
}
