package wall

import "fyne.io/fyne/v2"

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
