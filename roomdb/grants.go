package roomdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Grant is a municipal operator's live grant as the room keeps it: given
// by a team chief at one console, it holds at every console of the room.
type Grant struct {
	ID      string // the console's grant id (unguessable)
	To, By  string
	Console string // where it was given
	Cameras []string
	From    time.Time
	Until   time.Time // the end, or when it was revoked
	Reason  string    // the justification as the console encodes it
}

// grantRow is a grant as room.notify_row sends it.
type grantRow struct {
	ID      string    `json:"id"`
	Room    string    `json:"room"`
	To      string    `json:"to_user"`
	By      string    `json:"by_user"`
	Console string    `json:"console"`
	Cameras []string  `json:"cameras"`
	From    time.Time `json:"valid_from"`
	Until   time.Time `json:"valid_until"`
	Reason  string    `json:"reason"`
}

func (w grantRow) grant() Grant {
	return Grant{ID: w.ID, To: w.To, By: w.By, Console: w.Console, Cameras: w.Cameras, From: w.From.UTC(), Until: w.Until.UTC(), Reason: w.Reason}
}

const grantColumns = `id, to_user, by_user, console, cameras, valid_from, valid_until, reason`

func scanGrant(row pgx.Row) (Grant, error) {
	var g Grant
	err := row.Scan(&g.ID, &g.To, &g.By, &g.Console, &g.Cameras, &g.From, &g.Until, &g.Reason)
	g.From, g.Until = g.From.UTC(), g.Until.UTC()
	return g, err
}

// PutGrant records a grant given at this console (again: a grant already
// there is left as it is).
func (r *Room) PutGrant(ctx context.Context, g Grant) error {
	if _, err := r.pool.Exec(ctx, `INSERT INTO room.grants (id, room, to_user, by_user, console, cameras, valid_from, valid_until, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
		g.ID, r.cfg.Room, g.To, g.By, r.cfg.Console, g.Cameras, g.From, g.Until, g.Reason); err != nil {
		return fmt.Errorf("roomdb: grant %s to %s: %w", g.ID, g.To, classify(err))
	}
	return nil
}

// EndGrant ends grant id at at (a revocation), at whichever console of
// the room it was given; a grant that ended earlier keeps its end.
func (r *Room) EndGrant(ctx context.Context, id string, at time.Time) error {
	tag, err := r.pool.Exec(ctx, `UPDATE room.grants SET valid_until = greatest(valid_from, $3)
WHERE id = $1 AND room = $2 AND valid_until > $3`, id, r.cfg.Room, at)
	if err != nil {
		return fmt.Errorf("roomdb: end grant %s: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		var one int
		if err := r.pool.QueryRow(ctx, `SELECT 1 FROM room.grants WHERE id = $1 AND room = $2`, id, r.cfg.Room).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("roomdb: end grant %s: %w", id, ErrNotOpen)
		}
	}
	return nil
}

// Grants are the room's grants that end after since, oldest first.
func (r *Room) Grants(ctx context.Context, since time.Time) ([]Grant, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+grantColumns+` FROM room.grants
WHERE room = $1 AND valid_until > $2 ORDER BY valid_from, id`, r.cfg.Room, since)
	if err != nil {
		return nil, fmt.Errorf("roomdb: grants of room %s: %w", r.cfg.Room, classify(err))
	}
	gs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Grant, error) { return scanGrant(row) })
	if err != nil {
		return nil, fmt.Errorf("roomdb: grants of room %s: %w", r.cfg.Room, classify(err))
	}
	return gs, nil
}
