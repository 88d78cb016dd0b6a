package roomdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// HitWindow is how far apart two consoles' raises of one listed plate at
// one camera may be and still be one hit: each console reads its own
// frames, so their reads of a passing vehicle differ by a few seconds.
const HitWindow = time.Minute

// HitStatus is a room hit's decision.
type HitStatus string

// The statuses of a room hit.
const (
	HitNew       HitStatus = "new"
	HitConfirmed HitStatus = "confirmed"
	HitRejected  HitStatus = "rejected"
)

// Hit is one hotlist hit as the room knows it: which vehicle, and the
// decision on it, if taken.
type Hit struct {
	ID        int64
	Camera    string
	List      string
	Listed    string
	FirstSeen time.Time
	RaisedBy  string // the console that raised it first
	Status    HitStatus
	// Decided* are zero while Status is HitNew.
	DecidedBy      string
	DecidedConsole string
	DecidedAt      time.Time
	Reason, Note   string
}

// hitRow is a hit as room.notify_row sends it.
type hitRow struct {
	ID             int64      `json:"id"`
	Room           string     `json:"room"`
	Camera         string     `json:"camera"`
	List           string     `json:"list"`
	Listed         string     `json:"listed"`
	FirstSeen      time.Time  `json:"first_seen"`
	RaisedBy       string     `json:"raised_by"`
	Status         HitStatus  `json:"status"`
	DecidedBy      *string    `json:"decided_by"`
	DecidedConsole *string    `json:"decided_console"`
	DecidedAt      *time.Time `json:"decided_at"`
	Reason         string     `json:"reason"`
	Note           string     `json:"note"`
}

func (r hitRow) hit() Hit {
	h := Hit{ID: r.ID, Camera: r.Camera, List: r.List, Listed: r.Listed, FirstSeen: r.FirstSeen.UTC(), RaisedBy: r.RaisedBy,
		Status: r.Status, Reason: r.Reason, Note: r.Note}
	if r.DecidedBy != nil {
		h.DecidedBy = *r.DecidedBy
	}
	if r.DecidedConsole != nil {
		h.DecidedConsole = *r.DecidedConsole
	}
	if r.DecidedAt != nil {
		h.DecidedAt = r.DecidedAt.UTC()
	}
	return h
}

const hitColumns = `id, camera, list, listed, first_seen, raised_by, status, coalesce(decided_by, ''),
	coalesce(decided_console, ''), decided_at, reason, note`

func scanHit(row pgx.Row) (Hit, error) {
	var h Hit
	var at *time.Time
	err := row.Scan(&h.ID, &h.Camera, &h.List, &h.Listed, &h.FirstSeen, &h.RaisedBy, &h.Status, &h.DecidedBy,
		&h.DecidedConsole, &at, &h.Reason, &h.Note)
	h.FirstSeen = h.FirstSeen.UTC()
	if at != nil {
		h.DecidedAt = at.UTC()
	}
	return h, err
}

// RaiseHit gives the room's hit for a vehicle this console raised: the one
// another console raised for the same camera, list and listed plate within
// HitWindow of seen, or a new one. The lookup and the insert hold a lock
// on the vehicle's key, so two consoles raising it at once get one hit.
func (r *Room) RaiseHit(ctx context.Context, camera, list, listed string, seen time.Time) (h Hit, err error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return Hit{}, fmt.Errorf("roomdb: raise hit %s at %s: %w", listed, camera, classify(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
		r.cfg.Room+"|"+camera+"|"+list+"|"+listed); err != nil {
		return Hit{}, fmt.Errorf("roomdb: raise hit %s at %s: lock: %w", listed, camera, classify(err))
	}
	h, err = scanHit(tx.QueryRow(ctx, `SELECT `+hitColumns+` FROM room.hits
WHERE room = $1 AND camera = $2 AND list = $3 AND listed = $4 AND first_seen BETWEEN $5 AND $6
ORDER BY first_seen LIMIT 1`, r.cfg.Room, camera, list, listed, seen.Add(-HitWindow), seen.Add(HitWindow)))
	if errors.Is(err, pgx.ErrNoRows) {
		h, err = scanHit(tx.QueryRow(ctx, `INSERT INTO room.hits (room, camera, list, listed, first_seen, raised_by)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+hitColumns, r.cfg.Room, camera, list, listed, seen, r.cfg.Console))
	}
	if err != nil {
		return Hit{}, fmt.Errorf("roomdb: raise hit %s at %s: %w", listed, camera, classify(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return Hit{}, fmt.Errorf("roomdb: raise hit %s at %s: commit: %w", listed, camera, classify(err))
	}
	return h, nil
}

// DecideHit takes the room's decision on hit id for user at this console,
// unless one was taken: won is false then, and h is the decision that
// stands. Two dispatchers deciding at once at two consoles: one wins.
func (r *Room) DecideHit(ctx context.Context, id int64, status HitStatus, user, reason, note string) (h Hit, won bool, err error) {
	if status != HitConfirmed && status != HitRejected {
		return Hit{}, false, fmt.Errorf("roomdb: decide hit %d: status %q is not a decision", id, status)
	}
	h, err = scanHit(r.pool.QueryRow(ctx, `UPDATE room.hits SET status = $3, decided_by = $4, decided_console = $5,
	decided_at = now(), reason = $6, note = $7
WHERE id = $1 AND room = $2 AND status = 'new' RETURNING `+hitColumns, id, r.cfg.Room, status, user, r.cfg.Console, reason, note))
	if err == nil {
		return h, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Hit{}, false, fmt.Errorf("roomdb: decide hit %d: %w", id, classify(err))
	}
	h, err = scanHit(r.pool.QueryRow(ctx, `SELECT `+hitColumns+` FROM room.hits WHERE id = $1 AND room = $2`, id, r.cfg.Room))
	if err != nil {
		return Hit{}, false, fmt.Errorf("roomdb: decide hit %d: reading the decision that stands: %w", id, classify(err))
	}
	return h, false, nil
}

// UndecideHit gives back a decision this console's user took (its audit
// entry could not be written: the decision did not happen).
func (r *Room) UndecideHit(ctx context.Context, id int64, user string) error {
	_, err := r.pool.Exec(ctx, `UPDATE room.hits SET status = 'new', decided_by = NULL, decided_console = NULL,
	decided_at = NULL, reason = '', note = ''
WHERE id = $1 AND room = $2 AND decided_by = $3 AND decided_console = $4`, id, r.cfg.Room, user, r.cfg.Console)
	if err != nil {
		return fmt.Errorf("roomdb: undo the decision on hit %d: %w", id, classify(err))
	}
	return nil
}

// DecidedSince lists the room's hits decided at or after t, for a console
// coming back from an outage: the change feed does not replay what it sent
// while the console was away.
func (r *Room) DecidedSince(ctx context.Context, t time.Time) ([]Hit, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+hitColumns+` FROM room.hits
WHERE room = $1 AND status <> 'new' AND decided_at >= $2 ORDER BY decided_at`, r.cfg.Room, t)
	if err != nil {
		return nil, fmt.Errorf("roomdb: hits decided since %s: %w", t.Format(time.RFC3339), classify(err))
	}
	hs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Hit, error) { return scanHit(row) })
	if err != nil {
		return nil, fmt.Errorf("roomdb: hits decided since %s: %w", t.Format(time.RFC3339), classify(err))
	}
	return hs, nil
}
