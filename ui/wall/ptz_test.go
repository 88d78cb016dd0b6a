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

func TestDragMove(t *testing.T) {
	size := fyne.NewSize(400, 200)
	cases := []struct {
		off  fyne.Delta
		want app.PTZMove
	}{
		{fyne.Delta{}, app.PTZMove{}},
		{fyne.Delta{DX: 100}, app.PTZMove{Pan: 0.5}},
		{fyne.Delta{DX: -1000}, app.PTZMove{Pan: -1}},
		{fyne.Delta{DY: -50}, app.PTZMove{Tilt: 0.5}}, // up tilts up
		{fyne.Delta{DX: 10, DY: 10}, app.PTZMove{}},   // under a step: no move
	}
	for _, c := range cases {
		if got := dragMove(c.off, size); got != c.want {
			t.Errorf("dragMove(%+v) = %+v, want %+v", c.off, got, c.want)
		}
	}
}

// TestMouseSteersThePTZTile: a drag sends a move only when its speed
// changes by a step and stops on release; the wheel zooms and stops
// shortly after.
func TestMouseSteersThePTZTile(t *testing.T) {
	fv := newFakeView()
	s, l := tileScreen(t, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	st := &fakeSteerer{may: true}
	s.SetSteerer(st)
	tl := s.wall.tiles[0]
	s.wall.show(tl, app.Camera{ID: "ptz01"})
	tl.Resize(fyne.NewSize(400, 200))
	for range 10 { // 10 px steps: 100 px in all, two quantised speeds
		tl.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 10}})
	}
	tl.DragEnd()
	l.Until(t, "the drag's moves and its stop", 5*time.Second, func() bool {
		m, s := st.counts()
		return m == 2 && s == 1
	})
	tl.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: 1}})
	l.Until(t, "zoom and its stop", 5*time.Second, func() bool {
		m, s := st.counts()
		return m == 3 && s == 2
	})
	st.mu.Lock()
	defer st.mu.Unlock()
	want := []app.PTZMove{{Pan: 0.25}, {Pan: 0.5}, {Zoom: ptzSpeed}}
	for i, m := range st.moves {
		if m != want[i] {
			t.Errorf("move %d = %+v, want %+v", i, m, want[i])
		}
	}
}
