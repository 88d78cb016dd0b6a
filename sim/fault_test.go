package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
)

func TestKeyframeOnJoin(t *testing.T) {
	z := startZone(t, Config{Cameras: 1})
	url := z.Cameras()[0].SubURL
	for i, name := range []string{"first reader (encoder idle)", "second reader (stream running)"} {
		r, err := openReader(t, url)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		firstIDR := func() int {
			for i, a := range r.snapshot() {
				if a.idr {
					return i
				}
			}
			return -1
		}
		if !waitFor(3*time.Second, func() bool { return firstIDR() >= 0 }) {
			t.Fatalf("%s: no keyframe within 3 s", name)
		}
		k := firstIDR()
		first := r.snapshot()[k]
		wait := first.at.Sub(r.playAt)
		t.Logf("%s: keyframe %v after PLAY, %d frames before it", name, wait, k)
		// At most the frame that was being sent when the reader joined.
		if k > 1 {
			t.Errorf("%s: %d frames before the first keyframe", name, k)
		}
		if !first.params || !first.sdpSame {
			t.Errorf("%s: keyframe without in-band SPS/PPS equal to the SDP's (in-band %v, same %v)", name, first.params, first.sdpSame)
		}
		// ~200 ms is the target; allow slack for a loaded CI machine.
		if wait > time.Second {
			t.Errorf("%s: first frame after %v, want well under 1 s", name, wait)
		}
		if i == 1 {
			r.close()
		}
	}
}

func TestFaults(t *testing.T) {
	z := startZone(t, Config{Cameras: 2})
	cam := z.Cameras()[1]
	other := z.Cameras()[0]
	r, err := openReader(t, cam.SubURL)
	if err != nil {
		t.Fatal(err)
	}
	bystander, err := openReader(t, other.SubURL)
	if err != nil {
		t.Fatal(err)
	}
	if !waitFor(3*time.Second, func() bool { return r.count() >= 5 }) {
		t.Fatalf("only %d frames before any fault", r.count())
	}
	for _, a := range r.snapshot() {
		if a.corrupt {
			t.Fatal("corrupt frame before any fault")
		}
	}

	t.Run("stall", func(t *testing.T) {
		if err := z.SetFault(cam.ID, FaultStall); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // frames already in flight
		n := r.count()
		time.Sleep(time.Second)
		if got := r.count(); got != n {
			t.Errorf("stalled camera sent %d frames in 1 s", got-n)
		}
		select {
		case err := <-r.done:
			t.Fatalf("stalled camera closed the session: %v", err)
		default:
		}
		if err := z.SetFault(cam.ID, FaultNone); err != nil {
			t.Fatal(err)
		}
		if !waitFor(2*time.Second, func() bool { return r.count() > n }) {
			t.Fatal("no frames after the stall ended")
		}
		if first := r.snapshot()[n]; !first.idr {
			t.Error("first frame after the stall is not an IDR")
		}
	})

	t.Run("garbage", func(t *testing.T) {
		if err := z.SetFault(cam.ID, FaultGarbage); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		n := r.count()
		if !waitFor(3*time.Second, func() bool { return r.count() >= n+15 }) {
			t.Fatal("garbage camera stopped sending")
		}
		bad := 0
		for _, a := range r.snapshot()[n:] {
			if a.corrupt {
				bad++
			}
		}
		// Random slice data has first_mb_in_slice != 0 half of the time.
		if bad == 0 {
			t.Error("no corrupted frame among 15 under FaultGarbage")
		}
		if err := z.SetFault(cam.ID, FaultNone); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		m := r.count()
		if !waitFor(3*time.Second, func() bool { return r.count() >= m+10 }) {
			t.Fatal("no frames after garbage ended")
		}
		for _, a := range r.snapshot()[m:] {
			if a.corrupt {
				t.Fatal("corrupt frame after FaultNone")
			}
		}
	})

	t.Run("stop", func(t *testing.T) {
		if err := z.SetFault(cam.ID, FaultStop); err != nil {
			t.Fatal(err)
		}
		select {
		case <-r.done:
		case <-time.After(3 * time.Second):
			t.Fatal("session still open 3 s after FaultStop")
		}
		_, err := openReader(t, cam.SubURL)
		if err == nil || statusOf(err) != base.StatusServiceUnavailable {
			t.Fatalf("new reader on a stopped camera: %v, want 503", err)
		}
		if err := z.SetFault(cam.ID, FaultNone); err != nil {
			t.Fatal(err)
		}
		r2, err := openReader(t, cam.SubURL)
		if err != nil {
			t.Fatalf("reader after restart: %v", err)
		}
		if !waitFor(2*time.Second, func() bool { return r2.count() > 0 }) {
			t.Fatal("no frame after restart")
		}
	})

	if bystander.count() < 30 {
		t.Errorf("the other camera delivered only %d frames meanwhile", bystander.count())
	}
	if err := z.SetFault("cam99", FaultStop); err == nil {
		t.Error("SetFault on an unknown camera: no error")
	}
}

func TestAuthRequired(t *testing.T) {
	needFFmpeg(t)
	z := startZone(t, Config{Cameras: 8})
	var prot Camera
	for _, c := range z.Cameras() {
		if c.Username != "" {
			prot = c
		}
	}
	if prot.ID == "" {
		t.Fatal("no camera requires credentials")
	}
	if strings.Contains(prot.MainURL, "@") {
		t.Errorf("URL carries credentials: %s", prot.MainURL)
	}
	_, err := openReader(t, prot.SubURL)
	if statusOf(err) != base.StatusUnauthorized {
		t.Errorf("no credentials: %v, want 401", err)
	}
	_, err = openReader(t, strings.Replace(prot.SubURL, "rtsp://", "rtsp://"+prot.Username+":wrong@", 1))
	if statusOf(err) != base.StatusUnauthorized {
		t.Errorf("wrong password: %v, want 401", err)
	}
	r, err := openReader(t, prot.WithCredentials(prot.SubURL))
	if err != nil {
		t.Fatalf("right credentials: %v", err)
	}
	if !waitFor(3*time.Second, func() bool { return r.count() > 0 }) {
		t.Fatal("no frame with the right credentials")
	}
}

func TestPauseStopsEncoding(t *testing.T) {
	z := startZone(t, Config{Cameras: 1})
	st := z.cams[0].streams[1]
	r, err := openReader(t, z.Cameras()[0].SubURL)
	if err != nil {
		t.Fatal(err)
	}
	if !waitFor(2*time.Second, func() bool { return r.count() > 0 }) {
		t.Fatal("no frame")
	}
	if n := st.readers(); n != 1 {
		t.Fatalf("readers = %d while playing, want 1", n)
	}
	if _, err := r.c.Pause(); err != nil {
		t.Fatal(err)
	}
	if n := st.readers(); n != 0 {
		t.Errorf("readers = %d while paused, want 0", n)
	}
	r.close()
	if !waitFor(2*time.Second, func() bool { return st.readers() == 0 }) {
		t.Errorf("readers = %d after the session closed", st.readers())
	}
}
