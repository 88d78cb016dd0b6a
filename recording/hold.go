package recording

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Hold keeps the footage of Cameras between From and To from every
// deletion (retention and quota) until it is released or Until passes.
type Hold struct {
	ID        int64
	Cameras   []string
	From, To  time.Time
	Case      string    // the case reference (PV, notice number)
	Until     time.Time // zero: open-ended
	CreatedBy string
	Created   time.Time
	Released  time.Time // zero while not released
}

// Active tells whether h protects footage at now.
func (h Hold) Active(now time.Time) bool {
	if !h.Released.IsZero() && !now.Before(h.Released) {
		return false
	}
	return h.Until.IsZero() || now.Before(h.Until)
}

// Covers tells whether h names camera and overlaps [start, end).
func (h Hold) Covers(camera string, start, end time.Time) bool {
	if !start.Before(h.To) || !end.After(h.From) {
		return false
	}
	for _, c := range h.Cameras {
		if c == camera {
			return true
		}
	}
	return false
}

// heldBy is the pure check the cleaner makes: whether any active hold
// covers the segment.
func heldBy(holds []Hold, s Segment, now time.Time) bool {
	for _, h := range holds {
		if h.Active(now) && h.Covers(s.Camera, s.Start, s.End) {
			return true
		}
	}
	return false
}

// ErrHold is wrapped by every refusal of a malformed hold.
var ErrHold = errors.New("invalid hold")

// AddHold stores h (ID, Released ignored) and returns it with its ID.
func (x *Index) AddHold(ctx context.Context, h Hold) (Hold, error) {
	switch {
	case len(h.Cameras) == 0:
		return Hold{}, fmt.Errorf("hold %q: no camera: %w", h.Case, ErrHold)
	case !h.From.Before(h.To):
		return Hold{}, fmt.Errorf("hold %q: period %v to %v: %w", h.Case, h.From, h.To, ErrHold)
	case strings.TrimSpace(h.Case) == "":
		return Hold{}, fmt.Errorf("hold: no case reference: %w", ErrHold)
	case strings.TrimSpace(h.CreatedBy) == "":
		return Hold{}, fmt.Errorf("hold %q: no creator: %w", h.Case, ErrHold)
	}
	cams := append([]string(nil), h.Cameras...)
	sort.Strings(cams)
	h.Cameras, h.Released = cams, time.Time{}
	h.From, h.To, h.Created = h.From.UTC(), h.To.UTC(), h.Created.UTC()
	if !h.Until.IsZero() {
		h.Until = h.Until.UTC()
	}
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return Hold{}, fmt.Errorf("hold %q: %w", h.Case, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	r, err := tx.ExecContext(ctx, `INSERT INTO holds(from_ns, to_ns, case_ref, until_ns, created_by, created_ns) VALUES(?,?,?,?,?,?)`,
		ns(h.From), ns(h.To), h.Case, ns(h.Until), h.CreatedBy, ns(h.Created))
	if err != nil {
		return Hold{}, fmt.Errorf("hold %q: %w", h.Case, err)
	}
	if h.ID, err = r.LastInsertId(); err != nil {
		return Hold{}, fmt.Errorf("hold %q: %w", h.Case, err)
	}
	for _, c := range cams {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO hold_cameras(hold_id, camera) VALUES(?,?)`, h.ID, c); err != nil {
			return Hold{}, fmt.Errorf("hold %q: camera %s: %w", h.Case, c, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Hold{}, fmt.Errorf("hold %q: %w", h.Case, err)
	}
	return h, nil
}

// ErrNoHold is returned for a hold id that does not exist or is released.
var ErrNoHold = errors.New("no such active hold")

// ReleaseHold ends hold id at at.
func (x *Index) ReleaseHold(ctx context.Context, id int64, at time.Time) (Hold, error) {
	r, err := x.db.ExecContext(ctx, `UPDATE holds SET released_ns = ? WHERE id = ? AND released_ns = 0`, ns(at.UTC()), id)
	if err != nil {
		return Hold{}, fmt.Errorf("release hold %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return Hold{}, fmt.Errorf("release hold %d: %w", id, ErrNoHold)
	}
	hs, err := x.holds(ctx, `WHERE h.id = ?`, id)
	if err != nil || len(hs) == 0 {
		return Hold{}, fmt.Errorf("release hold %d: %w", id, errors.Join(err, ErrNoHold))
	}
	return hs[0], nil
}

// Holds returns every hold, released ones too, oldest first.
func (x *Index) Holds(ctx context.Context) ([]Hold, error) {
	return x.holds(ctx, "")
}

func (x *Index) holds(ctx context.Context, where string, args ...any) ([]Hold, error) {
	rows, err := x.db.QueryContext(ctx, `SELECT h.id, h.from_ns, h.to_ns, h.case_ref, h.until_ns, h.created_by, h.created_ns, h.released_ns, c.camera
		FROM holds h JOIN hold_cameras c ON c.hold_id = h.id `+where+` ORDER BY h.id, c.camera`, args...)
	if err != nil {
		return nil, fmt.Errorf("holds: %w", err)
	}
	defer rows.Close()
	var out []Hold
	for rows.Next() {
		var h Hold
		var from, to, until, created, released int64
		var cam string
		if err := rows.Scan(&h.ID, &from, &to, &h.Case, &until, &h.CreatedBy, &created, &released, &cam); err != nil {
			return nil, fmt.Errorf("holds: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == h.ID {
			out[n-1].Cameras = append(out[n-1].Cameras, cam)
			continue
		}
		h.From, h.To, h.Until, h.Created, h.Released = fromNS(from), fromNS(to), fromNS(until), fromNS(created), fromNS(released)
		h.Cameras = []string{cam}
		out = append(out, h)
	}
	return out, rows.Err()
}
