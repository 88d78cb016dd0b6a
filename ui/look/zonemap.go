package look

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/politiezone/zoneconsole/app"
)

// ColStreet is the colour of the zone's streets on every map.
var ColStreet = color.NRGBA{R: 0x3A, G: 0x44, B: 0x50, A: 0xFF}

// Projection is an equirectangular projection of the zone onto a box:
// longitudes are shrunk by the cosine of the middle latitude, which is
// exact enough for a few kilometres. The maps draw offline from it; no
// tiles are fetched from anywhere.
type Projection struct {
	minLat, maxLat, minLon, maxLon, kx float64
}

// NewProjection fits pts (lat, lon) with a margin, a fraction of the
// extent on each side, so markers at the edge stay whole.
func NewProjection(pts [][2]float64, margin float64) Projection {
	p := Projection{minLat: math.Inf(1), maxLat: math.Inf(-1), minLon: math.Inf(1), maxLon: math.Inf(-1)}
	for _, q := range pts {
		p.minLat, p.maxLat = math.Min(p.minLat, q[0]), math.Max(p.maxLat, q[0])
		p.minLon, p.maxLon = math.Min(p.minLon, q[1]), math.Max(p.maxLon, q[1])
	}
	if len(pts) == 0 {
		p.minLat, p.maxLat, p.minLon, p.maxLon = 0, 1, 0, 1
	}
	dLat, dLon := math.Max(p.maxLat-p.minLat, 1e-4)*margin, math.Max(p.maxLon-p.minLon, 1e-4)*margin
	p.minLat, p.maxLat, p.minLon, p.maxLon = p.minLat-dLat, p.maxLat+dLat, p.minLon-dLon, p.maxLon+dLon
	p.kx = math.Cos((p.minLat + p.maxLat) / 2 * math.Pi / 180)
	return p
}

// Scale is pixels per degree of latitude in a box of size s.
func (p Projection) Scale(s fyne.Size) float64 {
	return math.Min(float64(s.Width)/((p.maxLon-p.minLon)*p.kx), float64(s.Height)/(p.maxLat-p.minLat))
}

// At maps a point into a box of size s, keeping the aspect ratio, centred.
func (p Projection) At(lat, lon float64, s fyne.Size) fyne.Position {
	w, h := (p.maxLon-p.minLon)*p.kx, p.maxLat-p.minLat
	k := p.Scale(s)
	x := (float64(s.Width)-w*k)/2 + (lon-p.minLon)*p.kx*k
	y := (float64(s.Height)-h*k)/2 + (p.maxLat-lat)*k
	return fyne.NewPos(float32(x), float32(y))
}

// StreetLines are the zone's streets drawn in a box of size s.
func StreetLines(streets []app.MapLine, p Projection, s fyne.Size) []fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for _, st := range streets {
		for i := 1; i < len(st.Points); i++ {
			l := canvas.NewLine(ColStreet)
			l.StrokeWidth = 3
			l.Position1 = p.At(st.Points[i-1][0], st.Points[i-1][1], s)
			l.Position2 = p.At(st.Points[i][0], st.Points[i][1], s)
			objs = append(objs, l)
		}
	}
	return objs
}

// MapRenderer renders a map widget whose objects build makes anew for the
// widget's size at every change: a map holds a few dozen objects, cheaper
// to rebuild than to keep in step.
type MapRenderer struct {
	w     fyne.Widget
	min   fyne.Size
	bg    *canvas.Rectangle
	build func(fyne.Size) []fyne.CanvasObject
	objs  []fyne.CanvasObject
	size  fyne.Size
}

// NewMapRenderer is the renderer of w, at least min in size, on the tile
// background.
func NewMapRenderer(w fyne.Widget, min fyne.Size, build func(fyne.Size) []fyne.CanvasObject) *MapRenderer {
	return &MapRenderer{w: w, min: min, bg: canvas.NewRectangle(ColTileBg), build: build}
}

func (r *MapRenderer) Destroy()           {}
func (r *MapRenderer) MinSize() fyne.Size { return r.min }
func (r *MapRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.bg}, r.objs...)
}

func (r *MapRenderer) Layout(s fyne.Size) {
	r.size = s
	r.bg.Resize(s)
	r.rebuild()
}

func (r *MapRenderer) Refresh() {
	r.rebuild()
	canvas.Refresh(r.w)
}

func (r *MapRenderer) rebuild() {
	if r.size.Width <= 0 || r.size.Height <= 0 {
		r.objs = nil
		return
	}
	r.objs = r.build(r.size)
}
