package wall

import (
	"context"
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// tile is one cell of the wall: the picture, and over it the camera's name
// and state in words and colour. Tap selects it, double tap enlarges it
// (main stream) or puts it back (sub stream).
type tile struct {
	widget.BaseWidget
	w     *wall
	index int

	feed *feed
	// parked is the camera a tile hidden behind an enlarged one showed: its
	// view is closed, and opens again when the grid comes back.
	parked *parkedCam
	state  camState
	note   string // why the tile is not live (a refusal), shown over it
	fps    fpsMeter
	// PTZ with the mouse: the drag so far, the move it sent, the wheel's stop.
	drag     fyne.Delta
	dragMove app.PTZMove
	dragging bool
	zoomStop *time.Timer

	bg       *canvas.Rectangle
	img      *canvas.Image
	pic      *fyne.Container // img, laid out by picture (picture.go)
	px       image.Point     // the tile's size in pixels, as last asked of the camera
	laidOut  image.Point     // the frame size pic was laid out for
	caption  *fyne.Container
	dot      *canvas.Text
	name     *canvas.Text
	stateTxt *canvas.Text
	recTxt   *canvas.Text // "● REC", or why the camera is not recorded
	rec      app.RecordState
	closeBtn *widget.Button
	hint     *widget.Label
	reads    *fyne.Container // newest plate reads of an ANPR camera
	readsBox *fyne.Container // reads on their backdrop; hidden when none
	border   *canvas.Rectangle
	content  *fyne.Container
}

func newTile(w *wall, index int) *tile {
	t := &tile{w: w, index: index, state: stIdle}
	t.bg = canvas.NewRectangle(look.ColTileBg)
	// The frame's *image.RGBA goes to the GPU as it is (TexImage2D of its
	// Pix), already at the tile's pixel size: picture lays it out 1:1 with
	// nearest-texel sampling (ImageScalePixels). ImageScaleSmooth would
	// rescale every frame on the CPU (CatmullRom into a new NRGBA).
	t.img = &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScalePixels}
	t.pic = container.New(picture{t}, t.img)
	t.dot = canvas.NewText("●", look.ColIdle)
	t.name = canvas.NewText("", look.ColForeground)
	t.name.TextStyle.Bold = true
	t.stateTxt = canvas.NewText("", look.ColIdle)
	t.recTxt = canvas.NewText("", look.ColIdle)
	t.recTxt.TextSize = 11
	t.closeBtn = widget.NewButtonWithIcon("", theme.CancelIcon(), t.clear)
	t.closeBtn.Importance = widget.LowImportance
	bar := container.NewBorder(nil, nil, container.NewHBox(t.dot, t.name),
		container.NewHBox(t.recTxt, t.stateTxt, t.closeBtn))
	t.caption = container.NewStack(canvas.NewRectangle(look.ColCaption), container.NewPadded(bar))
	t.hint = widget.NewLabel(lang.L("wall.tile.empty"))
	t.hint.Alignment = fyne.TextAlignCenter
	t.hint.Wrapping = fyne.TextWrapWord
	t.border = canvas.NewRectangle(nil)
	t.border.StrokeColor = look.ColSeparator
	t.border.StrokeWidth = 1
	t.reads = container.NewVBox()
	t.readsBox = container.NewStack(canvas.NewRectangle(look.ColCaption), container.NewPadded(t.reads))
	t.readsBox.Hide()
	t.content = container.NewStack(t.bg, t.pic,
		container.NewVBox(t.caption, layout.NewSpacer(), container.NewHBox(t.readsBox, layout.NewSpacer())),
		container.New(centredText{pad: 12}, t.hint), t.border)
	t.ExtendBaseWidget(t)
	t.refreshCaption()
	return t
}

func (t *tile) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

// Tapped selects the tile: a camera double-clicked in the tree goes there.
func (t *tile) Tapped(*fyne.PointEvent) { t.w.selectTile(t) }

// DoubleTapped enlarges the tile, or puts it back.
func (t *tile) DoubleTapped(*fyne.PointEvent) { t.w.toggleEnlarge(t) }

// camera is the camera on the tile, if any.
func (t *tile) camera() (app.Camera, bool) {
	if t.feed == nil {
		return app.Camera{}, false
	}
	return t.feed.cam, true
}

// show puts a camera on the tile under the wall's justification. The view
// is opened off the UI thread (policy, audit, connection); the tile says
// "opening" meanwhile.
func (t *tile) show(cam app.Camera, why app.Reason, st app.Stream) {
	t.clear()
	s := t.w.scr
	f := newFeed(cam, why)
	if t.px != (image.Point{}) {
		f.setSize(t.px)
	}
	ctx, cancel := context.WithCancel(s.env.Ctx)
	f.cancel = cancel
	t.feed, t.state, t.note = f, stOpening, ""
	t.refreshCaption()
	sess := s.env.Sess
	open := func(ctx context.Context, st app.Stream) (View, error) {
		return s.open(ctx, sess, cam.ID, st, why)
	}
	post := func(fn func()) {
		s.env.Do(func() {
			if t.feed == f {
				fn()
			}
		})
	}
	paint := func(fn func()) {
		s.painter.add(func() {
			if t.feed == f {
				fn()
			}
		})
	}
	hooks := feedHooks{opened: t.opened, state: t.setState, frame: t.frameShown, reads: t.showReads, ended: t.ended,
		recording: t.setRecording}
	withReads := cam.Kind.ANPR()
	s.env.Go(func() { f.run(ctx, open, st, withReads, post, paint, hooks, s.env.Log) })
}

// parkedCam is what a parked tile showed, and under which justification.
type parkedCam struct {
	cam app.Camera
	why app.Reason
}

// park ends the view of a tile that an enlarged tile hides (a camera not
// on screen is not being watched, and the audit says so), keeping what it
// showed for unpark. A refused or ended view is not parked: it stays as it
// is.
func (t *tile) park() {
	if t.feed == nil || t.state == stDenied {
		return
	}
	p := &parkedCam{cam: t.feed.cam, why: t.feed.why}
	t.clear()
	t.parked = p
}

// unpark opens the parked camera again, on the sub stream.
func (t *tile) unpark() {
	p := t.parked
	if p == nil || t.w.scr.stopped {
		t.parked = nil
		return
	}
	t.parked = nil
	t.show(p.cam, p.why, app.StreamSub)
}

// clear takes the camera off the tile; the feed's goroutine closes the view
// (live.stop in the audit trail) as it ends.
func (t *tile) clear() {
	t.parked = nil
	if t.feed == nil {
		return
	}
	t.feed.cancel()
	t.feed = nil
	t.state, t.note = stIdle, ""
	t.fps.reset()
	t.img.Image = nil
	t.img.Refresh()
	t.showReads(nil)
	t.refreshCaption()
	t.w.stateChanged()
}

// showReads lists the newest plate reads over the bottom of the tile:
// plate, country, confidence and time, newest first.
func (t *tile) showReads(rs []app.Read) {
	t.reads.Objects = t.reads.Objects[:0]
	for i, r := range rs {
		if i == readsShown {
			break
		}
		plate := r.Display
		if plate == "" {
			plate = r.Plate
		}
		line := canvas.NewText(fmt.Sprintf("%s  %s  %.0f%%  %s", plate, r.Country, 100*r.Confidence,
			r.Time.Local().Format("15:04:05")), look.ColForeground)
		line.TextStyle.Monospace = true
		if i > 0 {
			line.Color = look.ColMuted
		}
		t.reads.Objects = append(t.reads.Objects, line)
	}
	t.reads.Refresh()
	if len(t.reads.Objects) == 0 {
		t.readsBox.Hide()
		return
	}
	t.readsBox.Show()
}

func (t *tile) opened(err error) {
	if err == nil && t.w.onOpened != nil {
		t.w.onOpened()
	}
	if err != nil {
		t.state = stDenied
		t.note = look.DeniedText(err)
		t.w.scr.env.Log.Info("live view refused", "camera", t.feed.cam.ID, "err", err)
	}
	t.refreshCaption()
	t.w.stateChanged()
}

// ended shows that the console ended the view, and why; no picture stays
// on screen once the ground for watching is gone.
func (t *tile) ended(code string) {
	t.state = stDenied
	if code == "" {
		t.note = lang.L("wall.tile.ended")
	} else {
		t.note = lang.L("wall.tile.ended_because", map[string]any{"Reason": look.DecisionText(code)})
	}
	t.img.Image = nil
	t.img.Refresh()
	t.showReads(nil)
	t.refreshCaption()
	t.w.stateChanged()
}

func (t *tile) setState(s camState) {
	if t.state == s {
		return
	}
	t.state = s
	t.refreshCaption()
	t.w.stateChanged()
}

// frameShown runs after the feed swapped in a new frame: only then is the
// picture repainted, in the same canvas object. A frame of another size
// (the tile or the stream changed) lays the picture out again first.
func (t *tile) frameShown() {
	first := t.img.Image == nil
	t.img.Image = t.feed.front
	if t.feed.front.Bounds().Size() != t.laidOut {
		t.pic.Refresh() // layout, then the image's refresh
	} else {
		t.img.Refresh()
	}
	if t.fps.frame(time.Now(), t.feed.frames) && !first {
		t.stateTxt.Text = t.stateText()
		t.stateTxt.Refresh()
	}
	if first {
		t.refreshCaption()
	}
}

// stateText is the caption's state, with the frames painted per second
// while live.
func (t *tile) stateText() string {
	if t.state == stLive {
		return stateLabel(t.state) + t.fps.label()
	}
	return stateLabel(t.state)
}

// frames is how many frames the tile has shown, for tests.
func (t *tile) frames() uint64 {
	if t.feed == nil {
		return 0
	}
	return t.feed.frames
}

func (t *tile) refreshCaption() {
	cam, ok := t.camera()
	if !ok {
		t.caption.Hide()
		t.hint.SetText(lang.L("wall.tile.empty"))
		t.hint.Show()
	} else {
		t.caption.Show()
		t.name.Text = cam.Name
		t.stateTxt.Text = t.stateText()
		t.stateTxt.Color = stateColor(t.state)
		t.dot.Color = stateColor(t.state)
		t.name.Refresh()
		t.stateTxt.Refresh()
		t.dot.Refresh()
		t.recTxt.Text, t.recTxt.Color = look.RecordLabel(t.rec), look.RecordColor(t.rec)
		t.recTxt.Refresh()
		switch {
		case t.note != "":
			t.hint.SetText(t.note)
			t.hint.Show()
		case t.state == stLost:
			t.hint.SetText(lang.L("wall.tile.lost"))
			t.hint.Show()
		case t.img.Image == nil:
			t.hint.SetText(stateLabel(t.state) + "…")
			t.hint.Show()
		default:
			t.hint.Hide()
		}
	}
	t.setSelected(t.w.selected == t)
}

func (t *tile) setSelected(on bool) {
	if on {
		t.border.StrokeColor, t.border.StrokeWidth = look.ColPrimary, 2
	} else {
		t.border.StrokeColor, t.border.StrokeWidth = look.ColSeparator, 1
	}
	t.border.Refresh()
}

// setDropTarget highlights the tile while a camera is dragged over it.
func (t *tile) setDropTarget(on bool) {
	if on {
		t.border.StrokeColor, t.border.StrokeWidth = look.ColConnecting, 3
		t.border.Refresh()
		return
	}
	t.setSelected(t.w.selected == t)
}

// setRecording shows whether the camera is being recorded (and why not).
func (t *tile) setRecording(st app.RecordState) {
	t.rec = st
	t.refreshCaption()
}
