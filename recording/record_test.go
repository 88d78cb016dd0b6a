package recording

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/video"
)

// TestRecordSimH264 records a main stream of the simulated zone through the
// unit tap (no frame subscriber decodes) into several segments.
func TestRecordSimH264(t *testing.T) {
	z := startSim(t, 1)
	cam := z.Cameras()[0]
	src := startSource(t, cam.ID, cam.WithCredentials(cam.MainURL))
	sub := src.SubscribeUnits(256)
	defer sub.Close()

	dir := t.TempDir()
	svc := newService(t, dir, nil)
	if err := svc.Record(context.Background(), cam.ID, "main", sub.Units()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "recording", 10*time.Second, func() bool { return svc.Status(cam.ID).Recording })
	waitFor(t, "three segments", 20*time.Second, func() bool {
		segs, _ := svc.Index().List(context.Background(), cam.ID, time.Time{}, time.Time{})
		return len(segs) >= 3
	})
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	svc2 := newService(t, dir, nil)
	segs := checkSegments(t, svc2, cam.ID, time.Second/15, "h264")
	if len(segs) < 4 {
		t.Errorf("%d segments, want at least 4 (3 full and the one cut by Close)", len(segs))
	}
	for i, s := range segs {
		if d := s.End.Sub(s.Start); i < len(segs)-1 && (d < 3*time.Second || d > 6*time.Second) {
			t.Errorf("%s: %v long, want about the 3 s segment length", s.Path, d)
		}
		if i > 0 && s.Start.Before(segs[i-1].End.Add(-time.Second/15)) {
			t.Errorf("%s starts %v before the previous one ends", s.Path, segs[i-1].End.Sub(s.Start))
		}
		fi, err := os.Stat(filepath.Join(svc2.Dir(), s.Path))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, err %v; want 0600", s.Path, fi.Mode(), err)
		}
	}
	if fi, err := os.Stat(filepath.Join(svc2.Dir(), cam.ID)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("camera dir mode %v, err %v; want 0700", fi.Mode(), err)
	}
	if err := svc2.Verify(context.Background()); err != nil {
		t.Errorf("Verify = %v, want intact", err)
	}
	if st := src.Status(); st.Frames != 0 {
		t.Errorf("source decoded %d frames with only a unit subscriber", st.Frames)
	}
}

// TestParamsChangeStartsSegment switches the units of one camera from its
// 1280x720 main stream to its 640x360 sub stream in mid-recording, with no
// gap flagged: the SPS change alone must start a new segment.
func TestParamsChangeStartsSegment(t *testing.T) {
	z := startSim(t, 1)
	cam := z.Cameras()[0]
	main := startSource(t, cam.ID+"m", cam.WithCredentials(cam.MainURL)).SubscribeUnits(256)
	defer main.Close()
	sub := startSource(t, cam.ID+"s", cam.WithCredentials(cam.SubURL)).SubscribeUnits(256)
	defer sub.Close()
	dir := t.TempDir()
	svc := newService(t, dir, func(c *Config) { c.SegmentLength = time.Hour })
	ch := make(chan video.Unit, 256)
	if err := svc.Record(context.Background(), cam.ID, "main", ch); err != nil {
		t.Fatal(err)
	}
	var session uint64
	forward := func(units <-chan video.Unit, d time.Duration, first bool) {
		end := time.After(d)
		for {
			select {
			case u := <-units:
				if first && session == 0 {
					session = u.Session
				}
				if !first {
					u.Gap, u.Session = false, session
				}
				ch <- u
			case <-end:
				return
			}
		}
	}
	forward(main.Units(), 2500*time.Millisecond, true)
	// What the sub stream sent meanwhile is older than the switch: drop it.
	for len(sub.Units()) > 0 {
		<-sub.Units()
	}
	forward(sub.Units(), 2500*time.Millisecond, false)
	svc.Close()
	svc2 := newService(t, dir, nil)
	segs := checkSegments(t, svc2, cam.ID, time.Second/15, "h264")
	if len(segs) != 2 {
		t.Fatalf("%d segments, want 2 (one per resolution)", len(segs))
	}
	for i, want := range []int{1280, 640} {
		if p := ffprobe(t, filepath.Join(svc2.Dir(), segs[i].Path)); p.width != want {
			t.Errorf("segment %d: width %d, want %d", i, p.width, want)
		}
	}
}
