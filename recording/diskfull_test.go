package recording

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// mountTmpfs mounts a small tmpfs for the test (root only).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a filler file until only keep bytes are free.
func fill(t *testing.T, dir string, keep int64) string {
	t.Helper()
	free, err := freeSpace(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "filler")
	if err := os.WriteFile(p, make([]byte, free-keep), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDiskFull records onto a small tmpfs that fills up: the recorder
// reports ReasonDiskFull with ErrDiskFull, and everything written before
// verifies and plays.
func TestDiskFull(t *testing.T) {
	needTool(t, "ffprobe")
	mnt := mountTmpfs(t, "16m")
	z := startSim(t, 1)
	cam := z.Cameras()[0]
	src := startSource(t, cam.ID, cam.WithCredentials(cam.MainURL))
	sub := src.SubscribeUnits(256)
	defer sub.Close()

	svc := newService(t, mnt, func(c *Config) { c.SegmentLength = 2 * time.Second; c.DiskRetry = time.Hour })
	filler := fill(t, mnt, 900_000)
	if err := svc.Record(context.Background(), cam.ID, "main", sub.Units()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "disk full", 30*time.Second, func() bool { return svc.Status(cam.ID).Reason == ReasonDiskFull })
	st := svc.Status(cam.ID)
	if !errors.Is(st.Err, ErrDiskFull) || st.Recording {
		t.Errorf("Status = %+v, want not recording with ErrDiskFull", st)
	}
	t.Logf("status: %v: %v", st.Reason, st.Err)
	if err := svc.Close(); err != nil {
		t.Logf("Close on a full disk: %v", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	svc2 := newService(t, mnt, nil)
	if err := svc2.Verify(context.Background()); err != nil {
		t.Fatalf("Verify after the disk filled = %v, want intact", err)
	}
	segs := checkSegments(t, svc2, cam.ID, time.Second/15, "h264")
	if len(segs) == 0 {
		t.Fatal("nothing recorded before the disk filled")
	}
	if err := svc2.Close(); err != nil {
		t.Fatal(err)
	}
}
