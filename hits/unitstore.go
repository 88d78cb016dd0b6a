package hits

import (
	"context"
	"fmt"
	"time"
)

// unitsSchema keeps what the dispatcher knows of each unit beyond its
// position (which the feed reports again at once): sent where and for which
// hit, on scene, or unavailable. Without it a restarted console would offer
// a unit still on its way to a hit, or one the dispatcher had taken off
// duty, as the nearest free one.
const unitsSchema = `
CREATE TABLE IF NOT EXISTS units (
	call_sign  TEXT PRIMARY KEY,
	status     TEXT NOT NULL,
	has_target INTEGER NOT NULL,
	target_lat REAL NOT NULL,
	target_lon REAL NOT NULL,
	hit_id     TEXT NOT NULL,
	sent_by    TEXT NOT NULL,
	updated_ms INTEGER NOT NULL
);`

// unitsKept is how old a stored status may be and still hold at start: a
// unit sent yesterday is long back on patrol.
const unitsKept = 12 * time.Hour

func (s *hitStore) putUnit(u Patrol, at time.Time) error {
	_, err := s.db.Exec(`INSERT INTO units (call_sign, status, has_target, target_lat, target_lon, hit_id, sent_by, updated_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_sign) DO UPDATE SET status = excluded.status, has_target = excluded.has_target,
	target_lat = excluded.target_lat, target_lon = excluded.target_lon, hit_id = excluded.hit_id, sent_by = excluded.sent_by,
	updated_ms = excluded.updated_ms`,
		u.CallSign, string(u.Status), u.HasTarget, u.TargetLat, u.TargetLon, u.HitID, u.SentBy, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("unit %s: store: %w", u.CallSign, err)
	}
	return nil
}

// loadUnits are the units' statuses stored since since, other than free.
func (s *hitStore) loadUnits(ctx context.Context, since time.Time) ([]Patrol, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT call_sign, status, has_target, target_lat, target_lon, hit_id, sent_by
FROM units WHERE updated_ms >= ? AND status <> ?`, since.UnixMilli(), string(PatrolFree))
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	defer rows.Close()
	var out []Patrol
	for rows.Next() {
		var u Patrol
		var st string
		if err := rows.Scan(&u.CallSign, &st, &u.HasTarget, &u.TargetLat, &u.TargetLon, &u.HitID, &u.SentBy); err != nil {
			return nil, fmt.Errorf("units: %w", err)
		}
		u.Status = PatrolStatus(st)
		out = append(out, u)
	}
	return out, rows.Err()
}

// keepUnit stores the unit's status for a restart (a copy, taken under
// the patrol lock); a failure is logged: the status holds in this run.
func (c *Desk) keepUnit(u Patrol) {
	st := c.book.storeOf()
	if st == nil {
		return
	}
	if err := st.putUnit(u, c.now()); err != nil {
		c.log.Error("unit status not kept for a restart", "unit", u.CallSign, "err", err)
	}
}

// storedUnits are the statuses an earlier run left, when the store is
// open (a failure is logged: the units start free, as the feed says).
func (c *Desk) storedUnits(ctx context.Context) []Patrol {
	st := c.book.storeOf()
	if st == nil {
		return nil
	}
	us, err := st.loadUnits(ctx, c.now().Add(-unitsKept))
	if err != nil {
		c.log.Error("unit statuses of an earlier run not restored", "err", err)
	}
	return us
}

// restoreUnits gives the units the statuses an earlier run left; their
// positions come with the feed's first reports.
func (c *Desk) restoreUnits(ctx context.Context, st *hitStore) error {
	us, err := st.loadUnits(ctx, c.now().Add(-unitsKept))
	if err != nil {
		return err
	}
	p := c.patrols
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range us {
		if cur := p.units[u.CallSign]; cur != nil && cur.Status != PatrolFree {
			continue // already set in this run
		}
		v := u
		if cur := p.units[u.CallSign]; cur != nil {
			v.Lat, v.Lon, v.LastReport = cur.Lat, cur.Lon, cur.LastReport
		}
		p.units[u.CallSign] = &v
	}
	return nil
}
