// Package look is what every screen of the console shares: the control
// room's theme and colours, the translations and the words for app's stable
// ids, a few layouts and helpers, and Env, the part of the shell a screen
// may use. It imports app, assets and fyne only; the screens import it, and
// it imports none of them.
package look

import (
	"context"
	"image"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// Env is what the shell lends a screen: the session it is built for, the
// window, and the two ways of leaving the current goroutine. Do posts work
// to the UI thread (fyne.Do in the app, a queue a test drains in tests);
// Go starts a goroutine the shell waits for at shutdown. Ctx ends when the
// window closes.
type Env struct {
	Ctx  context.Context
	Sess *app.Session
	W    fyne.Window
	Do   func(func())
	Go   func(func())
	Log  *slog.Logger
}

// Clock formats a UTC time for the screen, in the console's local zone.
func Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("02/01 15:04:05")
}

// SetEnabled enables or disables b.
func SetEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// CopyFrame copies src into dst, reallocating dst only when the size
// changed (stream switch), and returns dst.
func CopyFrame(dst, src *image.RGBA) *image.RGBA {
	if src == nil {
		return dst
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if dst == nil || dst.Rect.Dx() != w || dst.Rect.Dy() != h {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	if src.Stride == dst.Stride && b.Min == (image.Point{}) && len(src.Pix) >= len(dst.Pix) {
		copy(dst.Pix, src.Pix[:len(dst.Pix)])
		return dst
	}
	for y := 0; y < h; y++ {
		s := src.PixOffset(b.Min.X, b.Min.Y+y)
		copy(dst.Pix[y*dst.Stride:y*dst.Stride+4*w], src.Pix[s:s+4*w])
	}
	return dst
}
