package wall

import (
	"context"
	"math"
	"time"

	"fyne.io/fyne/v2"

	"github.com/politiezone/zoneconsole/app"
)

// Steerer is what the wall asks of app.Console to steer a PTZ camera; each
// call is decided and audited by the console (ptz.move).
type Steerer interface {
	CanSteer(s *app.Session, cameraID string) bool
	Steer(ctx context.Context, s *app.Session, cameraID string, why app.Reason, m app.PTZMove) error
	StopPTZ(ctx context.Context, s *app.Session, cameraID string, why app.Reason) error
}

// ptzSpeed is the speed of a key move, a fraction of the camera's top speed.
const ptzSpeed = 0.5

// SetSteerer lets the wall steer PTZ cameras with the keyboard: the arrows
// pan and tilt the selected (or enlarged) tile's camera, + and - (or Page
// Up and Page Down) zoom, for as long as the key is held.
func (s *Screen) SetSteerer(st Steerer) { s.steer = st }

// keyMove is the move a key asks for, if it is a PTZ key.
func keyMove(k fyne.KeyName) (app.PTZMove, bool) {
	switch k {
	case fyne.KeyLeft:
		return app.PTZMove{Pan: -ptzSpeed}, true
	case fyne.KeyRight:
		return app.PTZMove{Pan: ptzSpeed}, true
	case fyne.KeyUp:
		return app.PTZMove{Tilt: ptzSpeed}, true
	case fyne.KeyDown:
		return app.PTZMove{Tilt: -ptzSpeed}, true
	case fyne.KeyPlus, fyne.KeyEqual, fyne.KeyPageUp:
		return app.PTZMove{Zoom: ptzSpeed}, true
	case fyne.KeyMinus, fyne.KeyPageDown:
		return app.PTZMove{Zoom: -ptzSpeed}, true
	}
	return app.PTZMove{}, false
}

// steerTarget is the tile the keys steer: the enlarged one, else the
// selected one, when it shows a camera the session may steer.
func (s *Screen) steerTarget() (*tile, bool) {
	if s.steer == nil || s.stopped {
		return nil, false
	}
	t := s.wall.enlarged
	if t == nil {
		t = s.wall.selected
	}
	if t == nil || t.feed == nil || !s.steer.CanSteer(s.env.Sess, t.feed.cam.ID) {
		return nil, false
	}
	return t, true
}

// KeyDown starts a move while a PTZ key is held; it reports whether the key
// was one. One move per key press, not per repeat: each is an audit entry.
func (s *Screen) KeyDown(ev *fyne.KeyEvent) bool {
	m, ok := keyMove(ev.Name)
	if !ok {
		return false
	}
	t, ok := s.steerTarget()
	if !ok {
		return false
	}
	s.steering = t.feed.cam.ID
	s.steerTile(t, m)
	return true
}

// KeyUp stops the camera a PTZ key was moving.
func (s *Screen) KeyUp(ev *fyne.KeyEvent) bool {
	if _, ok := keyMove(ev.Name); !ok || s.steering == "" {
		return false
	}
	id := s.steering
	s.steering = ""
	// The justification of the tile that still shows the camera, else the
	// wall's: the stop is audited like the move.
	why := s.current()
	if t, ok := s.steerTarget(); ok && t.feed.cam.ID == id {
		why = t.feed.why
	}
	s.stopCamera(id, why)
	return true
}

// dragStep quantises a drag's speed, so a drag sends a move only when the
// speed changes by a step (each move is an audit entry), not per mouse event.
const dragStep = 0.25

// zoomStopAfter is how long after the last wheel notch the zoom stops.
const zoomStopAfter = 300 * time.Millisecond

// dragMove is the pan and tilt a drag asks for: the pointer's offset from
// where the drag began, as a fraction of half the tile, clamped to ±1 and
// quantised to dragStep. Dragging right pans right, dragging up tilts up.
func dragMove(offset fyne.Delta, size fyne.Size) app.PTZMove {
	q := func(v float64) float64 {
		v = max(-1, min(1, v))
		return math.Round(v/dragStep) * dragStep
	}
	if size.Width <= 0 || size.Height <= 0 {
		return app.PTZMove{}
	}
	return app.PTZMove{Pan: q(float64(offset.DX) / float64(size.Width/2)),
		Tilt: q(-float64(offset.DY) / float64(size.Height/2))}
}

// Dragged steers the tile's PTZ camera while the mouse is dragged on it.
func (t *tile) Dragged(e *fyne.DragEvent) {
	s := t.w.scr
	if t.feed == nil || !t.dragging && !t.steerable() { // asked until the drag moves the camera
		return
	}
	t.drag = fyne.Delta{DX: t.drag.DX + e.Dragged.DX, DY: t.drag.DY + e.Dragged.DY}
	m := dragMove(t.drag, t.Size())
	if m == t.dragMove {
		return // the same speed (or still none at the start): no new entry
	}
	t.dragging, t.dragMove = true, m
	s.steerTile(t, m)
}

// DragEnd stops the camera the drag moved.
func (t *tile) DragEnd() {
	if !t.dragging {
		return
	}
	t.dragging, t.drag, t.dragMove = false, fyne.Delta{}, app.PTZMove{}
	t.w.scr.stopTile(t)
}

// Scrolled zooms the tile's PTZ camera, and stops it shortly after the
// last notch of the wheel.
func (t *tile) Scrolled(e *fyne.ScrollEvent) {
	if !t.steerable() || e.Scrolled.DY == 0 {
		return
	}
	zoom := ptzSpeed
	if e.Scrolled.DY < 0 {
		zoom = -ptzSpeed
	}
	s := t.w.scr
	s.steerTile(t, app.PTZMove{Zoom: zoom})
	if t.zoomStop != nil {
		t.zoomStop.Stop()
	}
	t.zoomStop = time.AfterFunc(zoomStopAfter, func() { s.env.Do(func() { s.stopTile(t) }) })
}

// steerable: the tile shows a camera this session may steer.
func (t *tile) steerable() bool {
	s := t.w.scr
	return s.steer != nil && !s.stopped && t.feed != nil && s.steer.CanSteer(s.env.Sess, t.feed.cam.ID)
}

// steerTile sends a move for the tile's camera under the tile's own
// justification, off the UI thread; a refusal shows on the tile.
func (s *Screen) steerTile(t *tile, m app.PTZMove) {
	cam, why, sess := t.feed.cam, t.feed.why, s.env.Sess
	s.env.Go(func() {
		if err := s.steer.Steer(s.env.Ctx, sess, cam.ID, why, m); err != nil {
			s.env.Log.Warn("ptz move", "camera", cam.ID, "err", err)
			s.env.Do(func() {
				if t.feed != nil && t.feed.cam.ID == cam.ID {
					t.note = err.Error()
					t.refreshCaption()
				}
			})
		}
	})
}

// stopTile stops the tile's camera, if it still shows one.
func (s *Screen) stopTile(t *tile) {
	if t.feed == nil || s.steer == nil {
		return
	}
	s.stopCamera(t.feed.cam.ID, t.feed.why)
}

// stopCamera stops a camera off the UI thread; the stop goes out even when
// the tab is closing, so no camera is left turning.
func (s *Screen) stopCamera(id string, why app.Reason) {
	sess := s.env.Sess
	s.env.Go(func() {
		if err := s.steer.StopPTZ(context.WithoutCancel(s.env.Ctx), sess, id, why); err != nil {
			s.env.Log.Warn("ptz stop", "camera", id, "err", err)
		}
	})
}
