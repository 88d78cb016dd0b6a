package recording

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestClampRetention(t *testing.T) {
	cases := []struct {
		in, want time.Duration
	}{
		{0, MaxRetention},
		{-time.Hour, MaxRetention},
		{30 * 24 * time.Hour, 30 * 24 * time.Hour},
		{400 * 24 * time.Hour, MaxRetention},
	}
	for _, tc := range cases {
		if got := ClampRetention(tc.in); got != tc.want {
			t.Errorf("ClampRetention(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestHoldActiveCovers(t *testing.T) {
	h := Hold{Cameras: []string{"cam01"}, From: t0, To: t0.Add(time.Hour), Until: t0.Add(48 * time.Hour)}
	cases := []struct {
		name       string
		h          Hold
		cam        string
		start, end time.Time
		now        time.Time
		want       bool
	}{
		{"inside", h, "cam01", t0.Add(10 * time.Minute), t0.Add(20 * time.Minute), t0, true},
		{"overlaps start", h, "cam01", t0.Add(-10 * time.Minute), t0.Add(time.Minute), t0, true},
		{"touches end only", h, "cam01", t0.Add(time.Hour), t0.Add(2 * time.Hour), t0, false},
		{"other camera", h, "cam02", t0, t0.Add(time.Minute), t0, false},
		{"expired", h, "cam01", t0, t0.Add(time.Minute), t0.Add(49 * time.Hour), false},
		{"open-ended", Hold{Cameras: []string{"cam01"}, From: t0, To: t0.Add(time.Hour)}, "cam01", t0, t0.Add(time.Minute), t0.Add(9999 * time.Hour), true},
		{"released", Hold{Cameras: []string{"cam01"}, From: t0, To: t0.Add(time.Hour), Released: t0.Add(time.Hour)}, "cam01", t0, t0.Add(time.Minute), t0.Add(2 * time.Hour), false},
	}
	for _, tc := range cases {
		s := Segment{Camera: tc.cam, Start: tc.start, End: tc.end}
		if got := heldBy([]Hold{tc.h}, s, tc.now); got != tc.want {
			t.Errorf("%s: heldBy(%+v, %v-%v at %v) = %v, want %v", tc.name, tc.h, tc.start, tc.end, tc.now, got, tc.want)
		}
	}
}

func exists(dir, rel string) bool {
	_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
	return err == nil
}

// TestCleanRetentionAndHolds runs the cleaner on a fake clock: footage past
// the retention goes, except what an active hold covers; a released hold
// protects nothing; the report tells camera, period, segments and bytes.
func TestCleanRetentionAndHolds(t *testing.T) {
	ctx := context.Background()
	x, dir := newIndex(t)
	fakeSegments(t, x, dir, []string{"cam01", "cam02"}, 8) // t0 .. t0+2h
	h, err := x.AddHold(ctx, Hold{Cameras: []string{"cam01"}, From: t0.Add(20 * time.Minute), To: t0.Add(25 * time.Minute),
		Case: "PV BR.12.LB.001234/26", CreatedBy: "inspecteur.peeters", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.AddHold(ctx, Hold{Cameras: nil, From: t0, To: t0.Add(time.Hour), Case: "x", CreatedBy: "y"}); !errors.Is(err, ErrHold) {
		t.Errorf("AddHold without camera = %v, want ErrHold", err)
	}
	c := NewCleaner(x, dir, 30*24*time.Hour, 0, 0, testLogger(t))
	// Day 30 plus one hour: the first hour (4 segments per camera) is past retention.
	now := t0.Add(30*24*time.Hour + time.Hour)
	rep, err := c.Clean(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if rep.HeldKept != 1 {
		t.Errorf("HeldKept = %d, want 1 (cam01's 00:15 segment)", rep.HeldKept)
	}
	got := map[string]CleanStats{}
	for _, d := range rep.Deleted {
		got[d.Camera] = d
	}
	if d := got["cam01"]; d.Segments != 3 || d.Cause != CauseRetention || !d.From.Equal(t0) || !d.To.Equal(t0.Add(time.Hour)) || d.Bytes == 0 {
		t.Errorf("cam01 deleted %+v, want 3 segments by retention over 00:00-01:00", d)
	}
	if d := got["cam02"]; d.Segments != 4 {
		t.Errorf("cam02 deleted %+v, want 4 segments", d)
	}
	held := "cam01/" + t0.Add(15*time.Minute).Format("2006-01-02T15-04-05.000Z") + ".mp4"
	if !exists(dir, held) {
		t.Errorf("held segment %s deleted", held)
	}
	if exists(dir, "cam01/"+t0.Format("2006-01-02T15-04-05.000Z")+".mp4") {
		t.Error("segment past retention still there")
	}
	if err := x.Verify(ctx, dir); err != nil {
		t.Errorf("Verify after cleaning = %v, want intact (deleted rows stay in the chain)", err)
	}
	// Released, the hold protects nothing.
	if _, err := x.ReleaseHold(ctx, h.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := x.ReleaseHold(ctx, h.ID, now); !errors.Is(err, ErrNoHold) {
		t.Errorf("second release = %v, want ErrNoHold", err)
	}
	rep, err = c.Clean(ctx, now.Add(time.Minute))
	if err != nil || len(rep.Deleted) != 1 || rep.Deleted[0].Segments != 1 {
		t.Errorf("Clean after release = %+v, %v; want the one formerly held segment", rep, err)
	}
	// A retention configured longer than the law's is clamped.
	long := NewCleaner(x, dir, 5*365*24*time.Hour, 0, 0, nil)
	if long.retention != MaxRetention {
		t.Errorf("retention %v, want clamped to %v", long.retention, MaxRetention)
	}
}

// TestCleanQuota: over the quota the oldest unheld footage goes first; with
// only held footage left the cleaner says ErrOnlyHeldLeft and deletes none
// of it.
func TestCleanQuota(t *testing.T) {
	ctx := context.Background()
	x, dir := newIndex(t)
	fakeSegments(t, x, dir, []string{"cam01"}, 6)
	segs, _ := x.List(ctx, "cam01", time.Time{}, time.Time{})
	var total int64
	for _, s := range segs {
		total += s.Bytes
	}
	if _, err := x.AddHold(ctx, Hold{Cameras: []string{"cam01"}, From: t0.Add(16 * time.Minute), To: t0.Add(17 * time.Minute), Case: "K1", CreatedBy: "dpo"}); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(2 * time.Hour)
	// Room for 4 of 6: the two oldest unheld (00:00 and 00:30, 00:15 is held) go.
	c := NewCleaner(x, dir, 0, total-2*segs[0].Bytes, 0, nil)
	rep, err := c.Clean(ctx, now)
	if err != nil || len(rep.Deleted) != 1 || rep.Deleted[0].Segments != 2 || rep.Deleted[0].Cause != CauseQuota {
		t.Fatalf("Clean over quota = %+v, %v; want 2 segments by quota", rep, err)
	}
	if !exists(dir, segs[1].Path) || exists(dir, segs[0].Path) || exists(dir, segs[2].Path) || !exists(dir, segs[3].Path) {
		t.Errorf("wrong segments deleted: want %s and %s gone, held %s kept", segs[0].Path, segs[2].Path, segs[1].Path)
	}
	// A quota of one byte: everything unheld goes, then only held footage is left.
	c = NewCleaner(x, dir, 0, 1, 0, nil)
	rep, err = c.Clean(ctx, now)
	if !errors.Is(err, ErrOnlyHeldLeft) || !rep.Short {
		t.Fatalf("Clean at quota 1 = %+v, %v; want ErrOnlyHeldLeft", rep, err)
	}
	if !exists(dir, segs[1].Path) {
		t.Error("held footage deleted for the quota")
	}
	// The free-space floor works the same way (a disk that reports 0 free).
	c = NewCleaner(x, dir, 0, 0, 1<<40, nil)
	c.freeSpace = func(string) (int64, error) { return 0, nil }
	if _, err := c.Clean(ctx, now); !errors.Is(err, ErrOnlyHeldLeft) {
		t.Errorf("Clean under the free-space floor = %v, want ErrOnlyHeldLeft", err)
	}
	if err := x.Verify(ctx, dir); err != nil {
		t.Errorf("Verify = %v", err)
	}
}
