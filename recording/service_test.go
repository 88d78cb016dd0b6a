package recording

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/video"
)

func TestStatusReasons(t *testing.T) {
	svc := newService(t, t.TempDir(), func(c *Config) { c.NoStreamAfter = 200 * time.Millisecond })
	if st := svc.Status("cam09"); st.Reason != ReasonNoStream || st.Recording {
		t.Errorf("Status of an unknown camera = %+v, want no stream", st)
	}
	svc.SetOff("cam08")
	if st := svc.Status("cam08"); st.Reason != ReasonOff {
		t.Errorf("Status after SetOff = %+v, want off", st)
	}
	// MJPEG is refused with a clear error value.
	ch := make(chan video.Unit, 1)
	ch <- video.Unit{Codec: video.CodecMJPEG, AU: [][]byte{{0xff, 0xd8}}, RandomAccess: true, Received: time.Now()}
	if err := svc.Record(context.Background(), "cam07", "main", ch); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "codec refused", 5*time.Second, func() bool { return svc.Status("cam07").Reason == ReasonCodecRefused })
	if st := svc.Status("cam07"); !errors.Is(st.Err, ErrCodecRefused) {
		t.Errorf("Status = %+v, want ErrCodecRefused", st)
	}
	// A channel that stays silent is "no stream"; a second Record of the same camera is refused.
	silent := make(chan video.Unit)
	if err := svc.Record(context.Background(), "cam06", "main", silent); err != nil {
		t.Fatal(err)
	}
	if err := svc.Record(context.Background(), "cam06", "main", silent); err == nil {
		t.Error("second Record of one camera accepted")
	}
	time.Sleep(300 * time.Millisecond)
	if st := svc.Status("cam06"); st.Reason != ReasonNoStream {
		t.Errorf("Status of a silent camera = %+v, want no stream", st)
	}
	if err := svc.Record(context.Background(), "../etc", "main", silent); err == nil {
		t.Error("camera id with a path accepted")
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Record(context.Background(), "cam05", "main", silent); !errors.Is(err, ErrClosed) {
		t.Errorf("Record after Close = %v, want ErrClosed", err)
	}
}

// TestOnlyHeldLeftStopsRecording: a Clean that finds only held footage
// stops the recorders with that reason.
func TestOnlyHeldLeftStopsRecording(t *testing.T) {
	z := startSim(t, 1)
	cam := z.Cameras()[0]
	src := startSource(t, cam.ID, cam.WithCredentials(cam.SubURL))
	sub := src.SubscribeUnits(64)
	defer sub.Close()
	svc := newService(t, t.TempDir(), func(c *Config) { c.SegmentLength = time.Second; c.Quota = 1 })
	if err := svc.Record(context.Background(), cam.ID, "sub", sub.Units()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a segment", 15*time.Second, func() bool {
		segs, _ := svc.Index().List(context.Background(), cam.ID, time.Time{}, time.Time{})
		return len(segs) >= 1
	})
	now := time.Now()
	if _, err := svc.Index().AddHold(context.Background(), Hold{Cameras: []string{cam.ID}, From: now.Add(-time.Hour), To: now.Add(time.Hour), Case: "K2", CreatedBy: "chief"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Clean(context.Background(), now); !errors.Is(err, ErrOnlyHeldLeft) {
		t.Fatalf("Clean = %v, want ErrOnlyHeldLeft", err)
	}
	waitFor(t, "recording stopped", 5*time.Second, func() bool { return svc.Status(cam.ID).Reason == ReasonOnlyHeldLeft })
	segs, _ := svc.Index().List(context.Background(), cam.ID, time.Time{}, time.Time{})
	if len(segs) == 0 {
		t.Error("held footage deleted")
	}
}

// TestUnitTapDropsAndMarksGap: a subscriber that does not read loses units
// (counted) and its next unit says Gap; the camera goroutine never waits.
func TestUnitTapDropsAndMarksGap(t *testing.T) {
	z := startSim(t, 1)
	cam := z.Cameras()[0]
	src := startSource(t, cam.ID, cam.WithCredentials(cam.SubURL))
	sub := src.SubscribeUnits(1)
	defer sub.Close()
	fast := src.SubscribeUnits(512)
	defer fast.Close()
	first := <-sub.Units()
	if !first.Gap {
		t.Error("first unit not marked Gap (the recorder must start at a keyframe)")
	}
	waitFor(t, "drops", 10*time.Second, func() bool { return sub.Dropped() > 5 })
	u := <-sub.Units() // the one that filled the slot
	u = <-sub.Units()
	if !u.Gap {
		t.Errorf("unit after %d drops has Gap=false", sub.Dropped())
	}
	if fast.Dropped() != 0 {
		t.Errorf("a reading subscriber lost %d units to a slow one", fast.Dropped())
	}
	if u.Width != 640 || u.Height != 360 || u.Codec != video.CodecH264 || len(u.Params.SPS) == 0 {
		t.Errorf("unit %dx%d %v sps %d bytes, want 640x360 H264 with its SPS", u.Width, u.Height, u.Codec, len(u.Params.SPS))
	}
}
