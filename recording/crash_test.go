package recording

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

const crashDirEnv = "RECORDING_CRASH_CHILD_DIR"

// TestCrashChild is the child of TestKill9: it records the simulated zone
// until it is killed. It does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only run as the child of TestKill9")
	}
	z := startSim(t, 1)
	cam := z.Cameras()[0]
	src := startSource(t, cam.ID, cam.WithCredentials(cam.MainURL))
	sub := src.SubscribeUnits(256)
	svc := newService(t, dir, func(c *Config) { c.SegmentLength = time.Hour })
	if err := svc.Record(context.Background(), cam.ID, "main", sub.Units()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Minute) // killed long before
}

// TestKill9 records in a child process, kills it with SIGKILL while a
// segment is open, and reopens: the unfinished segment is cut after its last
// whole part, closed, indexed and chained; Verify is intact and ffprobe
// reads it.
func TestKill9(t *testing.T) {
	needTool(t, "ffprobe")
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	var seg string
	waitFor(t, "the child's segment to hold 3 parts", 30*time.Second, func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "recordings", "*", "*.mp4"))
		if len(m) == 0 {
			return false
		}
		seg = m[0]
		fi, err := os.Stat(seg)
		// About 3.5 s of 720p: the kill lands somewhere in a part.
		return err == nil && fi.Size() > 600_000
	})
	time.Sleep(350 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	// A part is appended with one write, so the kill rarely tears one; make
	// sure the torn case is covered: append the first 1000 bytes of the
	// last part again, as a write cut short would leave them.
	b, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(seg, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	boxes, _ := scanBoxes(f, int64(len(b)))
	last := boxes[len(boxes)-2]
	if last.typ != "moof" {
		t.Fatalf("last boxes %+v, want moof then mdat", boxes[len(boxes)-2:])
	}
	if _, err := f.Write(b[last.off : last.off+1000]); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before, _ := os.Stat(seg)

	svc := newService(t, dir, nil)
	if err := svc.Verify(context.Background()); err != nil {
		t.Fatalf("Verify after recovery = %v, want intact", err)
	}
	segs := checkSegments(t, svc, "cam01", time.Second/15, "h264")
	if len(segs) != 1 {
		t.Fatalf("%d segments after recovery, want the one the child had open", len(segs))
	}
	s := segs[0]
	if d := s.End.Sub(s.Start); d < 2*time.Second {
		t.Errorf("recovered segment holds %v, want the seconds written before the kill", d)
	}
	if cut := before.Size() - s.Bytes; cut != 1000 {
		t.Errorf("recovery cut %d bytes, want the 1000 of the torn part", cut)
	}
	t.Logf("killed at %d bytes, recovered %d bytes (%d cut), %v of footage", before.Size(), s.Bytes, before.Size()-s.Bytes, s.End.Sub(s.Start))
	// Reopening again finds nothing more to do.
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	svc2 := newService(t, dir, nil)
	if err := svc2.Verify(context.Background()); err != nil {
		t.Errorf("Verify after a second open = %v", err)
	}
}
