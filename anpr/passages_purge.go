package anpr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// PurgeCounts is what one Purge removed, for the caller's audit entry.
type PurgeCounts struct {
	Passages int64 // rows deleted
	Kept     int64 // rows past the retention that keep held back
	Images   int64 // image files deleted
	Bytes    int64 // their size on disk
}

// purgeBatch bounds one delete transaction, so a purge of a day of a busy
// zone never holds the write lock long enough to stall the pipeline's Add.
const purgeBatch = 2000

// Purge deletes the passages taken before `before` and the image files no
// remaining passage names, except the passages keep returns true for (an
// evidence hold on that camera at that time). The console passes now minus
// the zone's retention and its holds; the store applies no policy of its
// own. keep may be nil. Purge returns what it removed even when it fails
// part-way: the batches already committed are gone.
func (p *Passages) Purge(ctx context.Context, before time.Time, keep func(camera string, t time.Time) bool) (PurgeCounts, error) {
	var n PurgeCounts
	cut := before.UnixMilli()
	// The cursor walks (time_ms, id), the order of the time index, so kept
	// rows are passed over once per run instead of being read again by
	// every batch.
	lastT, lastID := int64(-1<<63), int64(-1<<63)
	for {
		ids, shas, more, err := p.purgeCandidates(ctx, cut, &lastT, &lastID, keep, &n)
		if err != nil {
			return n, err
		}
		if len(ids) > 0 {
			if err := p.deleteRows(ctx, ids, shas); err != nil {
				return n, err
			}
			n.Passages += int64(len(ids))
		}
		if err := p.unlinkUnreferenced(ctx, &n); err != nil {
			return n, err
		}
		if !more {
			return n, nil
		}
	}
}

// purgeCandidates reads the next batch of rows before cut and returns the
// ids keep lets go, with the images they name.
func (p *Passages) purgeCandidates(ctx context.Context, cut int64, lastT, lastID *int64,
	keep func(string, time.Time) bool, n *PurgeCounts) (ids []int64, shas []string, more bool, err error) {
	rows, err := p.db.QueryContext(ctx, `SELECT id, time_ms, camera, crop_sha, vehicle_sha FROM passages
		WHERE time_ms < ? AND (time_ms > ? OR (time_ms = ? AND id > ?))
		ORDER BY time_ms, id LIMIT ?`, cut, *lastT, *lastT, *lastID, purgeBatch)
	if err != nil {
		return nil, nil, false, fmt.Errorf("anpr: passages: purge: %w", err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var id, t int64
		var cam, crop, veh string
		if err := rows.Scan(&id, &t, &cam, &crop, &veh); err != nil {
			return nil, nil, false, fmt.Errorf("anpr: passages: purge: %w", err)
		}
		seen++
		*lastT, *lastID = t, id
		if keep != nil && keep(cam, time.UnixMilli(t).UTC()) {
			n.Kept++
			continue
		}
		ids = append(ids, id)
		for _, h := range []string{crop, veh} {
			if h != "" {
				shas = append(shas, h)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, false, fmt.Errorf("anpr: passages: purge: %w", err)
	}
	return ids, shas, seen == purgeBatch, nil
}

// deleteRows deletes the rows and drops their references to the images in
// one transaction (the FTS trigger removes them from the plate index).
func (p *Passages) deleteRows(ctx context.Context, ids []int64, shas []string) error {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("anpr: passages: purge: %w", err)
	}
	defer tx.Rollback()
	for len(ids) > 0 {
		k := min(len(ids), 500) // below SQLite's bound on parameters
		args := make([]any, k)
		for i, id := range ids[:k] {
			args[i] = id
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM passages WHERE id IN (?`+strings.Repeat(",?", k-1)+`)`, args...); err != nil {
			return fmt.Errorf("anpr: passages: purge: %w", err)
		}
		ids = ids[k:]
	}
	for _, h := range shas {
		if _, err := tx.ExecContext(ctx, `UPDATE passage_images SET refs = refs - 1 WHERE sha = ? AND refs > 0`, h); err != nil {
			return fmt.Errorf("anpr: passages: purge: image %s: %w", h, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("anpr: passages: purge: %w", err)
	}
	return nil
}

// unlinkUnreferenced deletes the files no passage names any more (refs 0,
// from this run or from one a crash interrupted), then their rows.
func (p *Passages) unlinkUnreferenced(ctx context.Context, n *PurgeCounts) error {
	p.imgMu.Lock()
	defer p.imgMu.Unlock()
	rows, err := p.db.QueryContext(ctx, `SELECT sha FROM passage_images WHERE refs = 0`)
	if err != nil {
		return fmt.Errorf("anpr: passages: purge: %w", err)
	}
	var shas []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return fmt.Errorf("anpr: passages: purge: %w", err)
		}
		shas = append(shas, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("anpr: passages: purge: %w", err)
	}
	for _, h := range shas {
		path := p.ImagePath(h)
		fi, err := os.Stat(path)
		switch {
		case err == nil:
			if err := os.Remove(path); err != nil {
				// The row stays at refs 0: the next purge tries again.
				return fmt.Errorf("anpr: passages: purge: image %s: %w", h, err)
			}
			n.Images++
			n.Bytes += fi.Size()
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("anpr: passages: purge: image %s: %w", h, err)
		}
		if _, err := p.db.ExecContext(ctx, `DELETE FROM passage_images WHERE sha = ? AND refs = 0`, h); err != nil {
			return fmt.Errorf("anpr: passages: purge: image %s: %w", h, err)
		}
	}
	return nil
}
