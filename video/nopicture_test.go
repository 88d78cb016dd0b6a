package video

import (
	"errors"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/sim"
)

// TestNoPictureIsNotLive: a camera that keeps sending packets whose
// pictures do not decode (the simulator's garbage fault randomises every
// slice) is shown as "no picture" with the decoder's reason, not as live,
// and comes back to live with its first clean frame.
func TestNoPictureIsNotLive(t *testing.T) {
	z := startSim(t, 1, false)
	cam := z.Cameras()[0]
	s := simSource(t, cam, "tcp")
	sub := s.Subscribe()
	defer sub.Close()
	runSource(t, s)
	waitState(t, s, StateLive, 15*time.Second)
	collect(t, sub, 2, 15*time.Second, false)
	if err := z.SetFault(cam.ID, sim.FaultGarbage); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, StateNoPicture, 10*time.Second)
	if st := s.Status(); !errors.Is(st.Err, ErrNoPicture) || st.Units == 0 {
		t.Fatalf("status %+v: want no picture with its reason while units arrive", st)
	}
	if err := z.SetFault(cam.ID, sim.FaultNone); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, StateLive, 15*time.Second)
}
