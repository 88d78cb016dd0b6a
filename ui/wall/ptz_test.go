package wall

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/politiezone/zoneconsole/app"
)

// fakeSteerer records what the wall asks; the console's own tests cover
// the decision, the audit and the camera really moving.
type fakeSteerer struct {
	mu    sync.Mutex
	may   bool
	moves []app.PTZMove
	stops int
	why   []app.Reason
}

func (f *fakeSteerer) CanSteer(*app.Session, string) bool { return f.may }

func (f *fakeSteerer) Steer(_ context.Context, _ *app.Session, _ string, why app.Reason, m app.PTZMove) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.moves, f.why = append(f.moves, m), append(f.why, why)
	return nil
}

func (f *fakeSteerer) StopPTZ(context.Context, *app.Session, string, app.Reason) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stops++
	return nil
}

func (f *fakeSteerer) counts() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.moves), f.stops
}

func TestKeysSteerTheSelectedPTZCamera(t *testing.T) {
	fv := newFakeView()
	s, l := tileScreen(t, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	st := &fakeSteerer{}
	s.SetSteerer(st)
	w := s.wall
	tl := w.tiles[0]
	w.show(tl, app.Camera{ID: "ptz01"})
	w.selectTile(tl)
	key := func(down bool, k fyne.KeyName) bool {
		if down {
			return s.KeyDown(&fyne.KeyEvent{Name: k})
		}
		return s.KeyUp(&fyne.KeyEvent{Name: k})
	}

	if key(true, fyne.KeyLeft) {
		t.Errorf("a camera the session may not steer took the key")
	}
	st.may = true
	if key(true, fyne.KeyA) {
		t.Errorf("a letter was taken as a PTZ key")
	}
	if !key(true, fyne.KeyLeft) || !key(false, fyne.KeyLeft) {
		t.Fatalf("the arrow was not taken as a PTZ key")
	}
	if !key(true, fyne.KeyPlus) || !key(false, fyne.KeyPlus) {
		t.Fatalf("+ was not taken as a PTZ key")
	}
	l.Until(t, "two moves and two stops", 5*time.Second, func() bool {
		m, s := st.counts()
		return m == 2 && s == 2
	})
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.moves[0] != (app.PTZMove{Pan: -ptzSpeed}) || st.moves[1] != (app.PTZMove{Zoom: ptzSpeed}) {
		t.Errorf("moves %+v: want pan left, then zoom in", st.moves)
	}
	if st.why[0] != tl.feed.why {
		t.Errorf("the move went under %+v, not the tile's justification %+v", st.why[0], tl.feed.why)
	}
}
