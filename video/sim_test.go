package video

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/sim"
)

func startSim(t testing.TB, cameras int, udp bool) *sim.Zone {
	t.Helper()
	z, err := sim.Start(context.Background(), sim.Config{Cameras: cameras, Seed: 7, UDP: udp, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { waitOrDump(t, "sim Zone.Close", func() { z.Close() }) })
	return z
}

// fastRetry keeps reconnect tests short: the defaults are for real cameras.
func fastRetry(c *SourceConfig) {
	c.StallTimeout = 1500 * time.Millisecond
	c.MaxBackoff = time.Second
	c.UnauthorisedRetry = time.Second
}

func simSource(t testing.TB, cam sim.Camera, transport string) *Source {
	cfg := SourceConfig{ID: cam.ID, URL: cam.SubURL, Transport: transport, Logger: testLogger(t)}
	fastRetry(&cfg)
	return NewSource(cfg)
}

// openCamera is the camera of the zone that asks for credentials.
func openAndLockedCameras(t testing.TB, z *sim.Zone) (open []sim.Camera, locked *sim.Camera) {
	for _, c := range z.Cameras() {
		if c.Username != "" {
			c := c
			locked = &c
		} else {
			open = append(open, c)
		}
	}
	return open, locked
}

// checkStamps asserts every frame carries a readable stamp, with counters
// that increase and a capture time before the frame was decoded.
func checkStamps(t testing.TB, frames []frameInfo) {
	t.Helper()
	var last sim.Stamp
	for i, f := range frames {
		st, ok := sim.ReadStamp(f.img)
		if !ok {
			t.Errorf("frame %d (seq %d): no readable stamp", i, f.seq)
			continue
		}
		if i > 0 && st.Seq <= last.Seq {
			t.Errorf("frame %d: stamp seq %d after %d, want increasing", i, st.Seq, last.Seq)
		}
		if lat := f.decoded.Sub(st.Captured); lat < -time.Millisecond || lat > 2*time.Second {
			t.Errorf("frame %d: captured %v, decoded %v: latency %v out of range", i, st.Captured, f.decoded, lat)
		}
		last = st
	}
}

// TestSimStamps: simulator on loopback -> Source -> Decoder -> frames whose
// burned-in counter reads back right and increases, over TCP and UDP.
func TestSimStamps(t *testing.T) {
	z := startSim(t, 2, true)
	open, _ := openAndLockedCameras(t, z)
	for _, transport := range []string{"tcp", "udp"} {
		t.Run(transport, func(t *testing.T) {
			s := simSource(t, open[0], transport)
			sub := s.Subscribe()
			defer sub.Close()
			runSource(t, s)
			frames := collect(t, sub, 15, 15*time.Second, true)
			checkStamps(t, frames)
			if b := frames[0].bounds; b.Dx() != 640 || b.Dy() != 360 {
				t.Errorf("sub stream is %v, want 640x360", b)
			}
		})
	}
}

// TestSimReconnect: a camera stopped and started again goes live -> lost ->
// live by itself and delivers stamped frames again.
func TestSimReconnect(t *testing.T) {
	z := startSim(t, 1, false)
	cam := z.Cameras()[0]
	s := simSource(t, cam, "tcp")
	sub := s.Subscribe()
	defer sub.Close()
	runSource(t, s)
	waitState(t, s, StateLive, 10*time.Second)
	collect(t, sub, 3, 10*time.Second, false)

	if err := z.SetFault(cam.ID, sim.FaultStop); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, StateLost, 5*time.Second)
	time.Sleep(time.Second) // a few refused reconnects
	if st := s.Status(); st.State != StateLost || st.Err == nil {
		t.Errorf("while stopped: state %v err %v, want lost with a reason", st.State, st.Err)
	}
	if err := z.SetFault(cam.ID, sim.FaultNone); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, StateLive, 10*time.Second)
	sub.Latest().Release() // a frame from before the stop may still wait
	checkStamps(t, collect(t, sub, 5, 10*time.Second, true))
}

// TestSimBrokenStreams: one camera sending garbage and one stalling leave the
// others delivering; both come back when the fault ends.
func TestSimBrokenStreams(t *testing.T) {
	z := startSim(t, 3, false)
	cams := z.Cameras()
	var srcs []*Source
	var subs []*Subscription
	for _, c := range cams {
		if c.Username != "" {
			c.SubURL = c.WithCredentials(c.SubURL)
		}
		s := simSource(t, c, "tcp")
		sub := s.Subscribe()
		defer sub.Close()
		runSource(t, s)
		srcs = append(srcs, s)
		subs = append(subs, sub)
	}
	for i := range subs {
		collect(t, subs[i], 2, 15*time.Second, false)
	}
	garbage, stall, healthy := cams[0].ID, cams[1].ID, 2
	if err := z.SetFault(garbage, sim.FaultGarbage); err != nil {
		t.Fatal(err)
	}
	if err := z.SetFault(stall, sim.FaultStall); err != nil {
		t.Fatal(err)
	}
	before := srcs[healthy].Status().Frames
	errsBefore := srcs[0].Status().Errors
	waitState(t, srcs[1], StateLost, 5*time.Second)
	time.Sleep(2 * time.Second)
	if got := srcs[healthy].Status().Frames - before; got < 25 {
		t.Errorf("healthy camera decoded %d frames during the faults, want >= 25", got)
	}
	if st := srcs[healthy].Status(); st.State != StateLive {
		t.Errorf("healthy camera state %v, want live", st.State)
	}
	t.Logf("garbage camera: %d decode errors, state %v", srcs[0].Status().Errors-errsBefore, srcs[0].Status().State)

	for _, id := range []string{garbage, stall} {
		if err := z.SetFault(id, sim.FaultNone); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		waitState(t, srcs[i], StateLive, 10*time.Second)
		subs[i].Latest().Release()
		// The first frames after the fault may still be the broken GOP; the
		// decoder must be back on clean pictures within a couple of seconds.
		deadline := time.Now().Add(10 * time.Second)
		for {
			fs := collect(t, subs[i], 1, 10*time.Second, true)
			if _, ok := sim.ReadStamp(fs[0].img); ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("camera %s: no clean frame after the fault ended", cams[i].ID)
			}
		}
	}
}

// TestSimUnauthorised: the camera that needs credentials reports
// unauthorised without them and plays with them in the URL.
func TestSimUnauthorised(t *testing.T) {
	z := startSim(t, 8, false)
	_, locked := openAndLockedCameras(t, z)
	if locked == nil {
		t.Fatal("the simulated zone has no camera with credentials")
	}
	bare := simSource(t, *locked, "tcp")
	runSource(t, bare)
	waitState(t, bare, StateUnauthorised, 10*time.Second)

	withCreds := *locked
	withCreds.SubURL = locked.WithCredentials(locked.SubURL)
	s := simSource(t, withCreds, "tcp")
	sub := s.Subscribe()
	defer sub.Close()
	runSource(t, s)
	checkStamps(t, collect(t, sub, 3, 15*time.Second, true))
}

// TestSimSlowSubscriber: a subscriber that never reads drops frames and holds
// at most one; the frame pool does not grow and the fast one gets everything.
func TestSimSlowSubscriber(t *testing.T) {
	z := startSim(t, 1, false)
	s := simSource(t, z.Cameras()[0], "tcp")
	fast := s.Subscribe()
	defer fast.Close()
	slow := s.Subscribe()
	defer slow.Close()
	runSource(t, s)
	collect(t, fast, 5, 15*time.Second, false)

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapAlloc
	allocBefore := s.frames.allocated.Load()
	frames := collect(t, fast, 40, 10*time.Second, false)
	runtime.GC()
	runtime.ReadMemStats(&ms)

	if d := slow.Dropped(); d < 30 {
		t.Errorf("slow subscriber dropped %d frames, want >= 30", d)
	}
	if n := s.frames.allocated.Load() - allocBefore; n > 3 {
		t.Errorf("frame pool made %d new frames over 40 frames, want <= 3 (no queueing)", n)
	}
	if grow := int64(ms.HeapAlloc) - int64(heapBefore); grow > 8<<20 {
		t.Errorf("heap grew %d bytes while the slow subscriber slept", grow)
	}
	// A subscriber joining a decoding Source gets its newest picture at once.
	joined := time.Now()
	late := s.Subscribe()
	defer late.Close()
	select {
	case <-late.Ready():
		if wait := time.Since(joined); wait > 20*time.Millisecond {
			t.Errorf("late subscriber waited %v for its first frame, want it at once", wait)
		}
		late.Latest().Release()
	case <-time.After(time.Second):
		t.Error("late subscriber got no frame within 1 s")
	}

	f := slow.Latest()
	if f == nil {
		t.Fatal("slow subscriber has no frame waiting")
	}
	if last := frames[len(frames)-1].seq; f.Seq+2 < last {
		t.Errorf("slow subscriber's waiting frame is seq %d, fast saw %d: not the latest", f.Seq, last)
	}
	f.Release()
	if slow.Latest() != nil {
		t.Error("Latest twice returned a frame twice")
	}
	if st := s.Status(); st.Dropped < slow.Dropped() {
		t.Errorf("Status.Dropped %d < subscriber's %d", st.Dropped, slow.Dropped())
	}
}

// TestSimIdleSkipsDecoding: with no subscriber the Source stays live but
// decodes nothing; a new subscriber gets the current picture at once (the
// cached GOP is replayed) and it carries the right stamp.
func TestSimIdleSkipsDecoding(t *testing.T) {
	z := startSim(t, 1, false)
	s := simSource(t, z.Cameras()[0], "tcp")
	runSource(t, s)
	waitState(t, s, StateLive, 10*time.Second)
	time.Sleep(1500 * time.Millisecond) // one full FPS window
	st := s.Status()
	if st.Frames != 0 {
		t.Errorf("idle source decoded %d frames, want 0", st.Frames)
	}
	if st.FPS < 5 {
		t.Errorf("idle source receives %.1f access units/s, want the stream to keep flowing", st.FPS)
	}
	start := time.Now()
	sub := s.Subscribe()
	defer sub.Close()
	first := collect(t, sub, 1, 5*time.Second, true)
	wait := time.Since(start)
	checkStamps(t, first)
	// The sim's GOP is 1 s; replaying the cached GOP must beat waiting for the IDR.
	if wait > 500*time.Millisecond {
		t.Errorf("first frame %v after subscribing to a warm source, want < 500 ms (GOP replay)", wait)
	}
	t.Logf("first frame %v after subscribing to a warm source", wait)
	sub.Close()
	time.Sleep(300 * time.Millisecond)
	n := s.Status().Frames
	time.Sleep(time.Second)
	if m := s.Status().Frames; m != n {
		t.Errorf("decoded %d frames after the last subscriber left, want 0", m-n)
	}
}

// TestPoolShareAndLinger: one Source per URL, kept for the linger time after
// the last release and reused without reconnecting, stopped after it.
func TestPoolShareAndLinger(t *testing.T) {
	z := startSim(t, 1, false)
	cam := z.Cameras()[0]
	p := NewPool(context.Background(), testLogger(t), WithLinger(700*time.Millisecond), WithSourceConfig(fastRetry))
	defer p.Close()

	a, relA := p.Acquire(cam.ID, cam.SubURL)
	b, relB := p.Acquire(cam.ID, cam.SubURL)
	if a != b {
		t.Fatal("two Acquires of one URL gave two Sources")
	}
	sub := a.Subscribe()
	collect(t, sub, 2, 15*time.Second, false)
	sub.Close()
	relA()
	relB()
	relB() // extra calls are ignored
	if n := p.Len(); n != 1 {
		t.Fatalf("Len() = %d right after release, want 1 (lingering)", n)
	}
	since := a.Status().Since
	c, relC := p.Acquire(cam.ID, cam.SubURL)
	if c != a {
		t.Fatal("Acquire within the linger time made a new Source")
	}
	time.Sleep(time.Second) // longer than the linger: the new reference holds it
	if st := c.Status(); st.State != StateLive || !st.Since.Equal(since) {
		t.Errorf("reused source state %v since %v, want live since %v (no reconnect)", st.State, st.Since, since)
	}
	relC()
	deadline := time.Now().Add(3 * time.Second)
	for p.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("Len() = %d after linger, want 0", p.Len())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
