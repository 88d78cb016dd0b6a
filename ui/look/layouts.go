package look

import "fyne.io/fyne/v2"

// Wrapped labels report their minimum size at their current width; before
// the first layout that is one word per line, and a window sized to such a
// minimum grows taller than the screen. These two layouts give wrapped text
// a width before anyone asks its height.

// FixedWidth lays its objects out w wide and is as tall as the tallest of
// them at that width.
type FixedWidth struct{ W float32 }

func (l FixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		if o.Size().Width != l.W {
			o.Resize(fyne.NewSize(l.W, o.Size().Height))
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.W, h)
}

func (l FixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
