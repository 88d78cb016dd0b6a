package rounds

import (
	"context"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// roundTile shows one camera of a round step. Unlike the wall's tile it
// does not open the view: the run owns it (one audited interval per camera
// shown) and closes it when the step ends; the tile only pumps its frames.
type roundTile struct {
	widget.BaseWidget
	r *roundsScreen

	view   *app.LiveView
	cancel context.CancelFunc
	front  *image.RGBA // shown; UI thread only
	frames uint64      // frames shown; UI thread only

	img     *canvas.Image
	name    *canvas.Text
	state   *canvas.Text
	hint    *widget.Label
	content *fyne.Container
}

func newRoundTile(r *roundsScreen) *roundTile {
	t := &roundTile{r: r}
	t.img = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleSmooth}
	t.name = canvas.NewText("", look.ColForeground)
	t.name.TextStyle.Bold = true
	t.state = canvas.NewText("", look.ColIdle)
	t.hint = widget.NewLabel("")
	t.hint.Alignment = fyne.TextAlignCenter
	t.hint.Wrapping = fyne.TextWrapWord
	bar := container.NewBorder(nil, nil, t.name, t.state)
	caption := container.NewStack(canvas.NewRectangle(look.ColCaption), container.NewPadded(bar))
	border := canvas.NewRectangle(nil)
	border.StrokeColor, border.StrokeWidth = look.ColSeparator, 1
	t.content = container.NewStack(canvas.NewRectangle(look.ColTileBg), t.img,
		container.NewVBox(caption, layout.NewSpacer()), container.NewCenter(t.hint), border)
	t.ExtendBaseWidget(t)
	return t
}

func (t *roundTile) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

// set shows slot on the tile; a new view starts a new pump, the same view
// only updates the caption.
func (t *roundTile) set(slot app.RoundSlot) {
	t.name.Text = slot.Camera.Name
	t.name.Refresh()
	t.state.Text, t.state.Color = slotLabel(slot.Status), slotColor(slot.Status)
	t.state.Refresh()
	switch {
	case slot.Status == app.VisitLost:
		t.hint.SetText(lang.L("rounds.slot.lost"))
		t.hint.Show()
	case slot.Status == app.VisitRefused:
		t.hint.SetText(lang.L("rounds.slot.refused", map[string]any{"Reason": look.DecisionText(slot.Note)}))
		t.hint.Show()
	case t.img.Image == nil || slot.View != t.view:
		t.hint.SetText(lang.L("rounds.slot.opening"))
		t.hint.Show()
	default:
		t.hint.Hide()
	}
	if slot.View == t.view {
		return
	}
	t.stop()
	t.img.Image = nil
	t.img.Refresh()
	t.view = slot.View
	if t.view == nil {
		return
	}
	ctx, cancel := context.WithCancel(t.r.ctx)
	t.cancel = cancel
	// The buffer channel is the pump's turn: it holds the buffer to fill
	// next, and the UI thread hands the old front back with each swap, so
	// every buffer has one owner at a time.
	bufs := make(chan *image.RGBA, 1)
	bufs <- nil
	v := t.view
	t.r.goDo(func() { t.pump(ctx, v, bufs) })
}

// stop ends the pump; the view itself is the run's to close.
func (t *roundTile) stop() {
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	t.view = nil
}

// pump copies the newest frame into the buffer it holds and posts the swap,
// like the wall's feed: one swap in flight per tile, a slow screen drops
// frames in the view's slot, no buffer allocated per frame.
func (t *roundTile) pump(ctx context.Context, v *app.LiveView, bufs chan *image.RGBA) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-v.Done():
			return
		case <-v.Ready():
			var back *image.RGBA
			select {
			case <-ctx.Done():
				return
			case back = <-bufs:
			}
			f := v.Latest()
			if f == nil {
				bufs <- back
				continue
			}
			back = look.CopyFrame(back, f.Image)
			f.Release()
			t.r.do(func() {
				if t.view != v {
					return
				}
				old := t.front
				t.front = back
				t.frames++
				first := t.img.Image == nil
				t.img.Image = back
				t.img.Refresh()
				if first {
					t.hint.Hide()
				}
				if old != nil && old.Rect != back.Rect {
					old = nil
				}
				bufs <- old
			})
		}
	}
}

func slotLabel(s app.VisitStatus) string {
	switch s {
	case app.VisitSeen:
		return lang.L("state.live")
	case app.VisitLost:
		return lang.L("rounds.status.lost")
	case app.VisitRefused:
		return lang.L("rounds.status.refused")
	}
	return lang.L("state.opening")
}

func slotColor(s app.VisitStatus) color.Color {
	switch s {
	case app.VisitSeen:
		return look.ColLive
	case app.VisitLost:
		return look.ColLost
	case app.VisitRefused:
		return look.ColUnauthorised
	}
	return look.ColConnecting
}
