package recording

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// MaxRetention is the longest footage may be kept without a hold: the law's
// twelve months. A longer configured retention is clamped to it.
const MaxRetention = 365 * 24 * time.Hour

// ClampRetention gives the retention in force for a configured one: the
// default (MaxRetention) for zero or less, never more than MaxRetention.
func ClampRetention(d time.Duration) time.Duration {
	if d <= 0 || d > MaxRetention {
		return MaxRetention
	}
	return d
}

// Cause is why the cleaner deleted a segment.
type Cause string

// Causes in a CleanReport.
const (
	CauseRetention Cause = "retention"
	CauseQuota     Cause = "quota"
)

// CleanStats is what one Clean deleted of one camera for one cause: the
// caller audits it (camera, period, segments, bytes).
type CleanStats struct {
	Camera   string
	Cause    Cause
	Segments int
	Bytes    int64
	From, To time.Time // the period the deleted segments covered
}

// CleanReport is the outcome of one Clean.
type CleanReport struct {
	At        time.Time
	Cutoff    time.Time // segments ending before it are past retention
	Deleted   []CleanStats
	HeldKept  int   // segments past retention that a hold kept
	Remaining int64 // bytes of footage left in the index
	Short     bool  // still over the quota or under the free-space floor
}

// Cleaner deletes segments by retention and quota, never one under an
// active hold. It decides nothing else: the caller runs it on its schedule
// and audits the report.
type Cleaner struct {
	idx       *Index
	dir       string
	log       *slog.Logger
	freeSpace func(dir string) (int64, error)

	mu        sync.Mutex // the limits: an administrator changes them while it runs
	retention time.Duration
	quota     int64 // bytes of footage allowed; 0: none
	minFree   int64 // bytes the disk must keep free; 0: none
}

// SetLimits changes the retention, quota and free-space floor from the
// next Clean on.
func (c *Cleaner) SetLimits(retention time.Duration, quota, minFree int64) {
	c.mu.Lock()
	c.retention, c.quota, c.minFree = ClampRetention(retention), quota, minFree
	c.mu.Unlock()
}

func (c *Cleaner) limits() (time.Duration, int64, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.retention, c.quota, c.minFree
}

// NewCleaner makes a cleaner for the recordings directory dir.
func NewCleaner(idx *Index, dir string, retention time.Duration, quota, minFree int64, log *slog.Logger) *Cleaner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Cleaner{idx: idx, dir: dir, retention: ClampRetention(retention), quota: quota, minFree: minFree, log: log, freeSpace: freeSpace}
}

func freeSpace(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// Clean deletes what is past retention, then, while over the quota or under
// the free-space floor, the oldest unheld segments. It returns
// ErrOnlyHeldLeft (with the report) when space is still short and only held
// footage is left.
func (c *Cleaner) Clean(ctx context.Context, now time.Time) (rep CleanReport, err error) {
	retention, quota, minFree := c.limits()
	rep = CleanReport{At: now.UTC(), Cutoff: now.Add(-retention).UTC()}
	holds, err := c.idx.Holds(ctx)
	if err != nil {
		return rep, err
	}
	stats := map[[2]string]*CleanStats{}
	var order [][2]string
	del := func(s Segment, cause Cause) {
		k := [2]string{s.Camera, string(cause)}
		st := stats[k]
		if st == nil {
			st = &CleanStats{Camera: s.Camera, Cause: cause, From: s.Start, To: s.End}
			stats[k] = st
			order = append(order, k)
		}
		st.Segments++
		st.Bytes += s.Bytes
		if s.Start.Before(st.From) {
			st.From = s.Start
		}
		if s.End.After(st.To) {
			st.To = s.End
		}
	}
	// Deferred, so that a report cut short by an error still lists what went.
	defer func() {
		for _, k := range order {
			rep.Deleted = append(rep.Deleted, *stats[k])
		}
	}()

	old, err := c.idx.query(ctx, `SELECT `+segCols+` FROM segments WHERE seq > 0 AND deleted_ns = 0 AND end_ns <= ? ORDER BY end_ns`, ns(rep.Cutoff))
	if err != nil {
		return rep, fmt.Errorf("clean: %w", err)
	}
	var doomed []Segment
	for _, s := range old {
		if heldBy(holds, s, now) {
			rep.HeldKept++
			continue
		}
		doomed = append(doomed, s)
	}
	if err := c.delete(ctx, doomed, now); err != nil {
		return rep, err
	}
	for _, s := range doomed {
		del(s, CauseRetention)
	}

	total, err := c.idx.liveBytes(ctx)
	if err != nil {
		return rep, err
	}
	need, err := c.shortfall(total, quota, minFree)
	if err != nil {
		return rep, err
	}
	held := false
	for after := int64(-1); need > 0; {
		page, err := c.idx.query(ctx, `SELECT `+segCols+` FROM segments WHERE seq > 0 AND deleted_ns = 0 AND end_ns > ? ORDER BY end_ns, id LIMIT 500`, after)
		if err != nil {
			return rep, fmt.Errorf("clean: %w", err)
		}
		if len(page) == 0 {
			break
		}
		doomed = doomed[:0]
		for _, s := range page {
			after = ns(s.End)
			if need <= 0 {
				break
			}
			if heldBy(holds, s, now) {
				held = true
				continue
			}
			doomed = append(doomed, s)
			need -= s.Bytes
			total -= s.Bytes
		}
		if err := c.delete(ctx, doomed, now); err != nil {
			return rep, err
		}
		for _, s := range doomed {
			del(s, CauseQuota)
		}
	}
	rep.Remaining = total
	if need > 0 {
		rep.Short = true
		if held {
			return rep, fmt.Errorf("clean: %d bytes short: %w", need, ErrOnlyHeldLeft)
		}
	}
	return rep, nil
}

// shortfall is how many bytes must go to meet the quota and the floor.
func (c *Cleaner) shortfall(total, quota, minFree int64) (int64, error) {
	var need int64
	if quota > 0 && total > quota {
		need = total - quota
	}
	if minFree > 0 {
		free, err := c.freeSpace(c.dir)
		if err != nil {
			return 0, err
		}
		if free < minFree {
			need = max(need, minFree-free)
		}
	}
	return need, nil
}

// delete marks the rows deleted first and then removes the files: a crash
// in between leaves a stray file, never a row whose file is missing.
func (c *Cleaner) delete(ctx context.Context, segs []Segment, now time.Time) error {
	if len(segs) == 0 {
		return nil
	}
	tx, err := c.idx.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("clean: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	for _, s := range segs {
		if _, err := tx.ExecContext(ctx, `UPDATE segments SET deleted_ns = ? WHERE id = ?`, max(ns(now), 1), s.ID); err != nil {
			return fmt.Errorf("camera %s: clean %s: %w", s.Camera, s.Path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("clean: %w", err)
	}
	var errs []error
	for _, s := range segs {
		if err := os.Remove(filepath.Join(c.dir, filepath.FromSlash(s.Path))); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("camera %s: remove %s: %w", s.Camera, s.Path, err))
		}
	}
	return errors.Join(errs...)
}

// liveBytes is the size of the footage the index holds.
func (x *Index) liveBytes(ctx context.Context) (int64, error) {
	var n int64
	if err := x.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(bytes), 0) FROM segments WHERE deleted_ns = 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("footage size: %w", err)
	}
	return n, nil
}
