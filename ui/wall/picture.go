package wall

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// A tile asks its camera for pictures at its own size in pixels (the
// canvas scale times its size in Fyne units), and the video package
// converts and shrinks each picture to that size in one swscale pass, the
// aspect kept. The tile then draws the frame at exactly its pixel size,
// centred on the tile's background (the bars where the aspects differ):
// neither Fyne's CPU scaler nor the GPU touches it again, so a 1-pixel
// line stays 1 pixel sharp and a circle stays round.

// pixelSize is a size in Fyne units as whole screen pixels at scale,
// rounded down so a picture of that size never overflows the tile.
func pixelSize(sz fyne.Size, scale float32) image.Point {
	if scale <= 0 {
		scale = 1
	}
	return image.Pt(max(0, int(sz.Width*scale)), max(0, int(sz.Height*scale)))
}

// canvasScale is the scale of the canvas the tile is on, or its window's
// before it is shown.
func (t *tile) canvasScale() float32 {
	if a := fyne.CurrentApp(); a != nil {
		if c := a.Driver().CanvasForObject(t); c != nil {
			return c.Scale()
		}
	}
	if w := t.w.scr.env.W; w != nil && w.Canvas() != nil {
		return w.Canvas().Scale()
	}
	return 1
}

// Resize lays the tile out and, when its size in pixels changed, asks its
// camera for pictures of the new size. It runs when the wall's layout
// changes (a window resized, a tile enlarged or put back), never per frame.
func (t *tile) Resize(sz fyne.Size) {
	t.BaseWidget.Resize(sz)
	px := pixelSize(sz, t.canvasScale())
	if px == t.px {
		return
	}
	t.px = px
	if t.feed != nil {
		t.feed.setSize(px)
	}
}

// picture lays the frame out on the tile. A frame of the tile's size (the
// fitted size of the stream's picture) is drawn at its own pixel size with
// nearest-texel sampling: one texel per screen pixel, no filtering even on
// a fractional position. Any other frame (the first one after a resize,
// before the camera's frames follow the new size) is fitted to the tile,
// aspect kept, and scaled once by the GPU.
type picture struct{ t *tile }

func (picture) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (p picture) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	img := p.t.img
	if img.Image == nil {
		img.Move(fyne.Position{})
		img.Resize(size)
		p.t.laidOut = image.Point{}
		return
	}
	scale := p.t.canvasScale()
	frame := img.Image.Bounds().Size()
	box := pixelSize(size, scale)
	fit := fitPixels(frame, box)
	img.FillMode = canvas.ImageFillStretch // the object has the frame's aspect
	if abs(fit.X-frame.X) <= 1 && abs(fit.Y-frame.Y) <= 1 {
		fit = frame
		img.ScaleMode = canvas.ImageScalePixels
	} else {
		img.ScaleMode = canvas.ImageScaleFastest
	}
	w, h := float32(fit.X)/scale, float32(fit.Y)/scale
	img.Resize(fyne.NewSize(w, h))
	img.Move(fyne.NewPos((size.Width-w)/2, (size.Height-h)/2))
	p.t.laidOut = frame
}

// fitPixels is frame scaled (up or down) to fill box with its aspect kept.
func fitPixels(frame, box image.Point) image.Point {
	if frame.X <= 0 || frame.Y <= 0 || box.X <= 0 || box.Y <= 0 {
		return image.Point{}
	}
	if box.X*frame.Y <= box.Y*frame.X {
		return image.Pt(box.X, max(1, (box.X*frame.Y+frame.X/2)/frame.X))
	}
	return image.Pt(max(1, (box.Y*frame.X+frame.Y/2)/frame.Y), box.Y)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
