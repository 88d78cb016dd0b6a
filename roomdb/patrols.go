package roomdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PatrolClaim is a unit sent by a console of the room, open until a
// dispatcher frees it.
type PatrolClaim struct {
	ID       int64
	CallSign string
	Console  string
	User     string
	Hit      string // the console's hit id, "" for a dispatch to a place
	Lat, Lon float64
	At       time.Time
	Released time.Time // zero while open
}

// claimRow is a claim as room.notify_row sends it.
type claimRow struct {
	ID       int64      `json:"id"`
	Room     string     `json:"room"`
	CallSign string     `json:"call_sign"`
	Console  string     `json:"console"`
	User     string     `json:"user_name"`
	Hit      string     `json:"hit"`
	Lat      float64    `json:"lat"`
	Lon      float64    `json:"lon"`
	At       time.Time  `json:"claimed_at"`
	Released *time.Time `json:"released_at"`
}

func (w claimRow) claim() PatrolClaim {
	c := PatrolClaim{ID: w.ID, CallSign: w.CallSign, Console: w.Console, User: w.User, Hit: w.Hit, Lat: w.Lat, Lon: w.Lon, At: w.At.UTC()}
	if w.Released != nil {
		c.Released = w.Released.UTC()
	}
	return c
}

const claimColumns = `id, call_sign, console, user_name, hit, lat, lon, claimed_at`

func scanClaim(row pgx.Row) (PatrolClaim, error) {
	var c PatrolClaim
	err := row.Scan(&c.ID, &c.CallSign, &c.Console, &c.User, &c.Hit, &c.Lat, &c.Lon, &c.At)
	c.At = c.At.UTC()
	return c, err
}

// ClaimPatrol claims the unit for user at this console, sent to (lat,
// lon) for hit, unless the unit is claimed already: won is false then,
// and c is the claim that stands.
func (r *Room) ClaimPatrol(ctx context.Context, callSign, user, hit string, lat, lon float64) (c PatrolClaim, won bool, err error) {
	c, err = scanClaim(r.pool.QueryRow(ctx, `INSERT INTO room.patrol_claims (room, call_sign, console, user_name, hit, lat, lon)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (room, call_sign) WHERE released_at IS NULL DO NOTHING
RETURNING `+claimColumns, r.cfg.Room, callSign, r.cfg.Console, user, hit, lat, lon))
	if err == nil {
		return c, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return PatrolClaim{}, false, fmt.Errorf("roomdb: claim unit %s: %w", callSign, classify(err))
	}
	c, err = scanClaim(r.pool.QueryRow(ctx, `SELECT `+claimColumns+` FROM room.patrol_claims
WHERE room = $1 AND call_sign = $2 AND released_at IS NULL`, r.cfg.Room, callSign))
	if err != nil {
		// Freed between the insert and the read: the caller tries again.
		return PatrolClaim{}, false, fmt.Errorf("roomdb: claim unit %s: reading the claim that stands: %w", callSign, classify(err))
	}
	return c, false, nil
}

// FreePatrol ends the unit's open claim, whoever made it: a dispatcher at
// any console frees a unit that is back on patrol.
func (r *Room) FreePatrol(ctx context.Context, callSign string) error {
	if _, err := r.pool.Exec(ctx, `UPDATE room.patrol_claims SET released_at = now()
WHERE room = $1 AND call_sign = $2 AND released_at IS NULL`, r.cfg.Room, callSign); err != nil {
		return fmt.Errorf("roomdb: free unit %s: %w", callSign, classify(err))
	}
	return nil
}

// PatrolClaims are the room's open claims, for a console (re)connecting.
func (r *Room) PatrolClaims(ctx context.Context) ([]PatrolClaim, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+claimColumns+` FROM room.patrol_claims
WHERE room = $1 AND released_at IS NULL ORDER BY claimed_at`, r.cfg.Room)
	if err != nil {
		return nil, fmt.Errorf("roomdb: open patrol claims: %w", classify(err))
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (PatrolClaim, error) { return scanClaim(row) })
	if err != nil {
		return nil, fmt.Errorf("roomdb: open patrol claims: %w", classify(err))
	}
	return cs, nil
}
