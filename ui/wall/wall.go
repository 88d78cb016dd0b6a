package wall

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	"github.com/politiezone/zoneconsole/app"
)

// Layouts the wall offers: n x n tiles.
var wallLayouts = []int{1, 2, 3, 4}

const maxTiles = 16

// wall is the video wall: up to 16 tiles in a square grid, one of which
// may be enlarged to fill it.
type wall struct {
	scr      *Screen
	tiles    []*tile
	n        int // tiles per side
	enlarged *tile
	selected *tile
	grid     *fyne.Container
	// onState runs when a camera's state on the wall changed (tree dots).
	onState func()
	// onLayout runs when the layout changed (toolbar highlight).
	onLayout func(n int)
	// onOpened runs when a view opened (clears a "live not possible" note).
	onOpened func()
}

func newWall(scr *Screen) *wall {
	w := &wall{scr: scr, n: 2}
	for i := 0; i < maxTiles; i++ {
		w.tiles = append(w.tiles, newTile(w, i))
	}
	w.grid = container.New(layout.NewGridLayout(w.n))
	w.arrange()
	return w
}

// visible is the tiles of the current layout.
func (w *wall) visible() []*tile { return w.tiles[:w.n*w.n] }

func (w *wall) arrange() {
	if w.enlarged != nil {
		w.grid.Layout = layout.NewGridLayout(1)
		w.grid.Objects = []fyne.CanvasObject{w.enlarged}
	} else {
		w.grid.Layout = layout.NewGridLayout(w.n)
		objs := make([]fyne.CanvasObject, 0, w.n*w.n)
		for _, t := range w.visible() {
			objs = append(objs, t)
		}
		w.grid.Objects = objs
	}
	w.grid.Refresh()
}

// setLayout shows n x n tiles. Tiles that fall off the wall are closed:
// a camera not on screen is not being watched, and the audit says so.
func (w *wall) setLayout(n int) {
	if n < 1 || n*n > maxTiles {
		return
	}
	// Tiles that fall off the wall do not come back from behind an
	// enlarged one.
	for _, t := range w.tiles[n*n:] {
		t.clear()
	}
	w.restore()
	for _, t := range w.tiles[n*n:] {
		if w.selected == t {
			w.selected = nil
		}
	}
	w.n = n
	w.arrange()
	if w.onLayout != nil {
		w.onLayout(n)
	}
}

// toggleEnlarge fills the wall with t on its main stream, or puts it back
// in the grid on its sub stream. The tiles the enlarged one hides are not
// on screen, so their views end (live.stop); each opens again, under the
// justification it had, when the grid comes back.
func (w *wall) toggleEnlarge(t *tile) {
	if w.enlarged != nil {
		w.restore()
		return
	}
	if t.feed == nil {
		return
	}
	w.enlarged = t
	t.feed.switchStream(app.StreamMain)
	for _, o := range w.visible() {
		if o != t {
			o.park()
		}
	}
	w.arrange()
}

// restore puts the enlarged tile back in the grid and reopens the views of
// the tiles it hid.
func (w *wall) restore() {
	t := w.enlarged
	if t == nil {
		return
	}
	w.enlarged = nil
	if t.feed != nil {
		t.feed.switchStream(app.StreamSub)
	}
	for _, o := range w.visible() {
		o.unpark()
	}
	w.arrange()
}

func (w *wall) selectTile(t *tile) {
	old := w.selected
	w.selected = t
	if old != nil {
		old.setSelected(false)
	}
	t.setSelected(true)
}

// target is the tile a camera double-clicked in the tree goes to: the
// enlarged one, else the selected one if free, else the first free tile,
// else the selected one, else the first.
func (w *wall) target() *tile {
	if w.enlarged != nil {
		return w.enlarged
	}
	if w.selected != nil && w.selected.feed == nil && w.selected.index < w.n*w.n {
		return w.selected
	}
	for _, t := range w.visible() {
		if t.feed == nil {
			return t
		}
	}
	if w.selected != nil && w.selected.index < w.n*w.n {
		return w.selected
	}
	return w.tiles[0]
}

// place shows cam on tile t under the wall's justification when the
// console says it suffices for that camera; only when the policy needs more
// (a covert camera, a municipal grant) or the wall has none yet is the
// justification asked, pre-filled with the wall's, and the answer becomes
// the wall's justification for the next camera.
func (w *wall) place(t *tile, cam app.Camera) {
	if w.scr.stopped {
		return
	}
	if w.scr.reason != nil && w.scr.c.Suffices(w.scr.env.Sess, cam.ID, *w.scr.reason) {
		w.show(t, cam)
		return
	}
	w.scr.askReason(app.ActLive, w.scr.current(), cam.Name, func(r app.Reason) {
		w.scr.setReason(r)
		w.show(t, cam)
	})
}

// show puts cam on t under the wall's justification, without asking.
func (w *wall) show(t *tile, cam app.Camera) {
	if w.scr.stopped || w.scr.reason == nil {
		return
	}
	st := app.StreamSub
	if w.enlarged == t {
		st = app.StreamMain
	}
	t.show(cam, *w.scr.reason, st)
	w.selectTile(t)
	w.stateChanged()
}

// placeAt drops cam on the tile under the absolute position pos.
func (w *wall) placeAt(pos fyne.Position, cam app.Camera) bool {
	if t := w.tileAt(pos); t != nil {
		w.place(t, cam)
		return true
	}
	return false
}

func (w *wall) tileAt(pos fyne.Position) *tile {
	d := fyne.CurrentApp().Driver()
	for _, o := range w.grid.Objects {
		t, ok := o.(*tile)
		if !ok || !t.Visible() {
			continue
		}
		p, sz := d.AbsolutePositionForObject(t), t.Size()
		if pos.X >= p.X && pos.Y >= p.Y && pos.X < p.X+sz.Width && pos.Y < p.Y+sz.Height {
			return t
		}
	}
	return nil
}

// fill puts the given cameras on the first tiles, in order.
func (w *wall) fill(cams []app.Camera) {
	for i, cam := range cams {
		if i >= w.n*w.n {
			break
		}
		w.show(w.tiles[i], cam)
	}
	if len(cams) > 0 {
		w.selectTile(w.tiles[0])
	}
}

// cameraState is the best state of cam over the tiles showing it.
func (w *wall) cameraState(id string) camState {
	best := stIdle
	rank := map[camState]int{stIdle: 0, stDenied: 1, stUnauthorised: 2, stLost: 3, stOpening: 4, stConnecting: 5, stLive: 6}
	for _, t := range w.visible() {
		if cam, ok := t.camera(); ok && cam.ID == id && rank[t.state] > rank[best] {
			best = t.state
		}
	}
	return best
}

func (w *wall) stateChanged() {
	if w.onState != nil {
		w.onState()
	}
}

// closeAll takes every camera off the wall.
func (w *wall) closeAll() {
	for _, t := range w.tiles {
		t.clear()
	}
	w.restore()
}
