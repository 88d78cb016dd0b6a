package playback

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/ui/look"
)

// view is the window of time every timeline shows, the clock's position in
// it and the selection (the export's period). UI thread only.
type view struct {
	from, to       time.Time
	cursor         time.Time
	selFrom, selTo time.Time
}

func (v *view) x(t time.Time, w float32) float32 {
	d := v.to.Sub(v.from)
	if d <= 0 {
		return 0
	}
	return float32(float64(t.Sub(v.from)) / float64(d) * float64(w))
}

func (v *view) at(x, w float32) time.Time {
	if w <= 0 {
		return v.from
	}
	x = min(max(x, 0), w)
	return v.from.Add(time.Duration(float64(v.to.Sub(v.from)) * float64(x/w)))
}

// centre puts t in the middle of a window of span d.
func (v *view) centre(t time.Time, d time.Duration) {
	v.from = t.Add(-d / 2)
	v.to = v.from.Add(d)
}

const maxMarks = 500

var (
	colRecorded = color.NRGBA{R: 0x3F, G: 0xB9, B: 0x50, A: 0xB0}
	colGap      = color.NRGBA{R: 0xF8, G: 0x51, B: 0x49, A: 0x90}
	colHeld     = color.NRGBA{R: 0xE3, G: 0xB3, B: 0x41, A: 0xFF}
	colMark     = color.NRGBA{R: 0x6C, G: 0xB6, B: 0xFF, A: 0xFF}
	colSel      = color.NRGBA{R: 0x2F, G: 0x81, B: 0xF7, A: 0xFF}
	colCursor   = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
)

// timeline is one camera's bar: recorded periods, gaps (missing footage),
// periods under an evidence hold, ANPR marks, the selection and the
// cursor. Drag (or tap) scrubs, shift-drag selects, the wheel zooms.
type timeline struct {
	widget.BaseWidget
	v                    *view
	recorded, gaps, held []span
	marks                []time.Time
	onScrub              func(t time.Time, done bool)
	onSelect             func(from, to time.Time)
	onZoom               func(in bool, at time.Time)
	shift, dragging      bool
	dragFrom, last       time.Time
}

func newTimeline(v *view) *timeline {
	t := &timeline{v: v}
	t.ExtendBaseWidget(t)
	return t
}

func (t *timeline) MinSize() fyne.Size { return fyne.NewSize(200, 22) }

func (t *timeline) CreateRenderer() fyne.WidgetRenderer { return &barRenderer{draw: t.draw} }

// draw makes the bar's objects for a size.
func (t *timeline) draw(size fyne.Size) []fyne.CanvasObject {
	w, h := size.Width, size.Height
	objs := []fyne.CanvasObject{rect(look.ColInput, 0, 0, w, h)}
	band := func(ss []span, c color.Color, y, bh float32) {
		for _, s := range ss {
			end := s.End
			if s.Open && end.Before(t.v.to) {
				end = t.v.to
			}
			x0, x1 := max(t.v.x(s.Start, w), 0), min(t.v.x(end, w), w)
			if x1 > x0 {
				objs = append(objs, rect(c, x0, y, max(x1-x0, 1), bh))
			}
		}
	}
	band(t.recorded, colRecorded, 0, h)
	band(t.gaps, colGap, 0, h)
	band(t.held, colHeld, 0, h/4)
	n := 0
	for _, m := range t.marks {
		if x := t.v.x(m, w); x >= 0 && x <= w && n < maxMarks {
			objs = append(objs, rect(colMark, x-1, h/2, 2, h/2))
			n++
		}
	}
	if !t.v.selFrom.IsZero() && t.v.selTo.After(t.v.selFrom) {
		x0, x1 := max(t.v.x(t.v.selFrom, w), 0), min(t.v.x(t.v.selTo, w), w)
		if x1 > x0 {
			// A band under the bar and its two edges: the colours of the
			// periods stay readable inside the selection.
			objs = append(objs, rect(colSel, x0, h-4, x1-x0, 4))
			objs = append(objs, rect(colSel, x0, 0, 1, h), rect(colSel, x1-1, 0, 1, h))
		}
	}
	if x := t.v.x(t.v.cursor, w); x >= 0 && x <= w {
		objs = append(objs, rect(colCursor, x-1, 0, 2, h))
	}
	return objs
}

func rect(c color.Color, x, y, w, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(c)
	r.Move(fyne.NewPos(x, y))
	r.Resize(fyne.NewSize(w, h))
	return r
}

func (t *timeline) atX(x float32) time.Time { return t.v.at(x, t.Size().Width) }

func (t *timeline) Tapped(ev *fyne.PointEvent) {
	if t.onScrub != nil {
		t.onScrub(t.atX(ev.Position.X), true)
	}
}

func (t *timeline) MouseDown(ev *desktop.MouseEvent) {
	t.shift = ev.Modifier&fyne.KeyModifierShift != 0
	t.dragFrom = t.atX(ev.Position.X)
}

func (t *timeline) MouseUp(*desktop.MouseEvent) {}

func (t *timeline) Dragged(ev *fyne.DragEvent) {
	at := t.atX(ev.Position.X)
	if !t.dragging {
		t.dragging = true
		if t.dragFrom.IsZero() {
			t.dragFrom = t.atX(ev.Position.X - ev.Dragged.DX)
		}
	}
	t.last = at
	switch {
	case t.shift && t.onSelect != nil:
		from, to := t.dragFrom, at
		if to.Before(from) {
			from, to = to, from
		}
		t.onSelect(from, to)
	case !t.shift && t.onScrub != nil:
		t.onScrub(at, false)
	}
}

func (t *timeline) DragEnd() {
	if t.dragging && !t.shift && t.onScrub != nil {
		t.onScrub(t.last, true)
	}
	t.dragging, t.shift, t.dragFrom = false, false, time.Time{}
}

func (t *timeline) Scrolled(ev *fyne.ScrollEvent) {
	if t.onZoom != nil && ev.Scrolled.DY != 0 {
		t.onZoom(ev.Scrolled.DY > 0, t.atX(ev.Position.X))
	}
}

// ruler is the time scale above the timelines.
type ruler struct {
	widget.BaseWidget
	v *view
}

func newRuler(v *view) *ruler {
	r := &ruler{v: v}
	r.ExtendBaseWidget(r)
	return r
}

func (r *ruler) MinSize() fyne.Size { return fyne.NewSize(200, 20) }

func (r *ruler) CreateRenderer() fyne.WidgetRenderer { return &barRenderer{draw: r.draw} }

func (r *ruler) draw(size fyne.Size) []fyne.CanvasObject {
	w, h := size.Width, size.Height
	span := r.v.to.Sub(r.v.from)
	step := tickEvery(span)
	layout := "15:04"
	if step < time.Minute {
		layout = "15:04:05"
	}
	var objs []fyne.CanvasObject
	// Ticks at round local times.
	_, off := r.v.from.Local().Zone()
	zoneOff := time.Duration(off) * time.Second
	first := r.v.from.Add(zoneOff).Truncate(step).Add(-zoneOff)
	for t := first; !t.After(r.v.to); t = t.Add(step) {
		x := r.v.x(t, w)
		if x < 0 {
			continue
		}
		objs = append(objs, rect(look.ColMuted, x, h-6, 1, 6))
		txt := canvas.NewText(t.Local().Format(layout), look.ColMuted)
		txt.TextSize = 11
		txt.Move(fyne.NewPos(x+3, 0))
		objs = append(objs, txt)
	}
	return objs
}

// barRenderer draws what draw makes for the widget's size, again at every
// layout and refresh.
type barRenderer struct {
	draw func(fyne.Size) []fyne.CanvasObject
	size fyne.Size
	objs []fyne.CanvasObject
}

func (b *barRenderer) Layout(s fyne.Size)           { b.size = s; b.objs = b.draw(s) }
func (b *barRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (b *barRenderer) Refresh()                     { b.objs = b.draw(b.size) }
func (b *barRenderer) Objects() []fyne.CanvasObject { return b.objs }
func (b *barRenderer) Destroy()                     {}
