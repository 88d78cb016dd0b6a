package playback

import (
	"errors"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// tile shows one camera's recorded picture with its name, the moment the
// frame was captured, and over it why there is no picture (a refusal with
// its reason, the end of the recording).
type tile struct {
	widget.BaseWidget
	cam app.Camera

	front  *image.RGBA // the frame shown (the player's buffer, ours until replaced)
	at     time.Time   // its capture time
	frames int         // frames shown, for tests
	denied string      // the refusal's code, when refused

	img     *canvas.Image
	name    *canvas.Text
	when    *canvas.Text
	state   *canvas.Text
	note    *widget.Label
	noteBox *fyne.Container
	content *fyne.Container
}

func newTile(cam app.Camera) *tile {
	t := &tile{cam: cam}
	t.img = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleFastest}
	t.name = canvas.NewText(cam.Name, look.ColForeground)
	t.name.TextStyle.Bold = true
	t.when = canvas.NewText("", look.ColForeground)
	t.when.TextStyle.Monospace = true
	t.state = canvas.NewText("", look.ColIdle) // until a playback opens
	t.note = widget.NewLabel("")
	t.note.Wrapping = fyne.TextWrapWord
	t.note.Alignment = fyne.TextAlignCenter
	t.noteBox = container.NewStack(canvas.NewRectangle(look.ColCaption), t.note)
	t.noteBox.Hide()
	bar := container.NewBorder(nil, nil, t.name, container.NewHBox(t.when, t.state))
	caption := container.NewStack(canvas.NewRectangle(look.ColCaption), container.NewPadded(bar))
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor, border.StrokeWidth = look.ColSeparator, 1
	t.content = container.NewStack(canvas.NewRectangle(look.ColTileBg), t.img,
		container.NewBorder(caption, nil, nil, nil, container.New(centred{pad: 16}, t.noteBox)), border)
	t.ExtendBaseWidget(t)
	return t
}

func (t *tile) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

func (t *tile) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

// shown puts a player's shot on the tile and returns the buffer it
// replaced (for the player to reuse).
func (t *tile) shown(s *shot) (old *image.RGBA) {
	switch {
	case s.img != nil:
		old, t.front, t.at = t.front, s.img, s.at
		t.frames++
		t.img.Image = s.img
		t.img.Refresh()
		t.when.Text = s.at.Local().Format("2006-01-02 15:04:05.000")
		t.when.Refresh()
		t.setState(lang.L("playback.tile.recorded"), look.ColLive)
		t.setNote("")
	case s.end:
		t.setState(lang.L("playback.tile.end"), look.ColIdle)
		t.setNote(lang.L("playback.tile.end.note"))
	case s.err != nil:
		t.refused(s.err)
	}
	return old
}

// refused says why the console refused (the code's meaning and the code),
// or what failed.
func (t *tile) refused(err error) {
	var d *app.DeniedError
	if errors.As(err, &d) {
		t.denied = d.Decision.Code
		t.setState(lang.L("playback.tile.refused"), look.ColUnauthorised)
		t.setNote(lang.L("playback.tile.refused.note", map[string]any{"Reason": look.DecisionText(d.Decision.Code), "Code": d.Decision.Code}))
		return
	}
	t.setState(lang.L("playback.tile.failed"), look.ColLost)
	t.setNote(lang.L("error.generic", map[string]any{"Error": err.Error()}))
}

// closed says the playback is closed (back to live, the tab left).
func (t *tile) closed(note string) {
	t.setState(lang.L("playback.tile.closed"), look.ColIdle)
	t.setNote(note)
}

func (t *tile) opening() {
	t.denied = ""
	t.setState(lang.L("playback.tile.opening"), look.ColConnecting)
	t.setNote("")
}

func (t *tile) setState(s string, c color.Color) {
	t.state.Text, t.state.Color = s, c
	t.state.Refresh()
}

func (t *tile) setNote(s string) {
	t.note.SetText(s)
	if s == "" {
		t.noteBox.Hide()
	} else {
		t.noteBox.Show()
	}
}

// centred lays its objects out across its width less pad on each side,
// centred vertically, and asks for no space: an overlay over the picture.
type centred struct{ pad float32 }

func (centred) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (l centred) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := max(0, size.Width-2*l.pad)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, o.Size().Height))
		h := min(o.MinSize().Height, size.Height)
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(l.pad, (size.Height-h)/2))
	}
}
