package ui

import "fyne.io/fyne/v2"

// Wrapped labels report their minimum size at their current width; before
// the first layout that is one word per line, and a window sized to such a
// minimum grows taller than the screen. These two layouts give wrapped text
// a width before anyone asks its height.

// fixedWidth lays its objects out w wide and is as tall as the tallest of
// them at that width.
type fixedWidth struct{ w float32 }

func (l fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		if o.Size().Width != l.w {
			o.Resize(fyne.NewSize(l.w, o.Size().Height))
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.w, h)
}

func (l fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// centredText centres its objects vertically at the container's width, and
// asks for no space of its own: it is an overlay (a tile's message).
type centredText struct{ pad float32 }

func (centredText) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (l centredText) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := max(0, size.Width-2*l.pad)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, o.Size().Height))
		h := min(o.MinSize().Height, size.Height)
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(l.pad, (size.Height-h)/2))
	}
}
