package search

import (
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// The map's colours: ANPR cameras red with "A" as on the zone map, other
// cameras as muted dots, passages as an amber disc with their count, the
// selected passage's camera ringed in the primary blue.
var (
	colANPR    = color.NRGBA{R: 0xE5, G: 0x39, B: 0x35, A: 0xFF}
	colStreet  = color.NRGBA{R: 0x3A, G: 0x44, B: 0x50, A: 0xFF}
	colPassage = color.NRGBA{R: 0xE3, G: 0xB3, B: 0x41, A: 0xFF}
	colArea    = color.NRGBA{R: 0x2F, G: 0x81, B: 0xF7, A: 0x30}
	colLabelBg = color.NRGBA{R: 0x0E, G: 0x12, B: 0x17, A: 0xD0}
)

// projection is an equirectangular projection of the zone onto a box,
// longitudes shrunk by the cosine of the middle latitude (a few km).
type projection struct {
	minLat, maxLat, minLon, maxLon, kx float64
}

func newProjection(pts [][2]float64) projection {
	p := projection{minLat: math.Inf(1), maxLat: math.Inf(-1), minLon: math.Inf(1), maxLon: math.Inf(-1)}
	for _, q := range pts {
		p.minLat, p.maxLat = math.Min(p.minLat, q[0]), math.Max(p.maxLat, q[0])
		p.minLon, p.maxLon = math.Min(p.minLon, q[1]), math.Max(p.maxLon, q[1])
	}
	if len(pts) == 0 {
		p.minLat, p.maxLat, p.minLon, p.maxLon = 0, 1, 0, 1
	}
	dLat, dLon := math.Max(p.maxLat-p.minLat, 1e-4)*0.08, math.Max(p.maxLon-p.minLon, 1e-4)*0.08
	p.minLat, p.maxLat, p.minLon, p.maxLon = p.minLat-dLat, p.maxLat+dLat, p.minLon-dLon, p.maxLon+dLon
	p.kx = math.Cos((p.minLat + p.maxLat) / 2 * math.Pi / 180)
	return p
}

// scale is pixels per degree of latitude in a box of size s.
func (p projection) scale(s fyne.Size) float64 {
	return math.Min(float64(s.Width)/((p.maxLon-p.minLon)*p.kx), float64(s.Height)/(p.maxLat-p.minLat))
}

func (p projection) at(lat, lon float64, s fyne.Size) fyne.Position {
	w, h := (p.maxLon-p.minLon)*p.kx, p.maxLat-p.minLat
	k := p.scale(s)
	x := (float64(s.Width)-w*k)/2 + (lon-p.minLon)*p.kx*k
	y := (float64(s.Height)-h*k)/2 + (p.maxLat-lat)*k
	return fyne.NewPos(float32(x), float32(y))
}

// passageMap draws the zone offline (no tiles fetched): its streets, its
// cameras, and per camera the number of passages found there.
type passageMap struct {
	widget.BaseWidget
	proj    projection
	streets []app.MapLine
	cams    []app.Camera
	counts  map[string]int
	sel     string
	// area is the place searched: centre and radius in metres.
	area                     bool
	areaLat, areaLon, radius float64
}

func newPassageMap(z app.Zone) *passageMap {
	m := &passageMap{streets: z.Streets, counts: map[string]int{}}
	var pts [][2]float64
	for _, s := range z.Streets {
		pts = append(pts, s.Points...)
	}
	for _, cam := range z.Cameras {
		if cam.Lat != 0 || cam.Lon != 0 {
			m.cams = append(m.cams, cam)
			pts = append(pts, [2]float64{cam.Lat, cam.Lon})
		}
	}
	m.proj = newProjection(pts)
	m.ExtendBaseWidget(m)
	return m
}

// show counts the results per camera and marks the place searched (UI
// thread); sel is the index of the selected result or -1.
func (m *passageMap) show(rs []result, q app.PassageQuery, sel int) {
	m.counts = map[string]int{}
	for _, r := range rs {
		m.counts[r.p.Camera]++
	}
	m.area, m.areaLat, m.areaLon, m.radius = q.Radius > 0, q.Lat, q.Lon, q.Radius
	m.sel = ""
	if sel >= 0 && sel < len(rs) {
		m.sel = rs[sel].p.Camera
	}
	m.Refresh()
}

func (m *passageMap) selectCamera(id string) {
	m.sel = id
	m.Refresh()
}

func (m *passageMap) legend() fyne.CanvasObject {
	item := func(text string, c color.Color) fyne.CanvasObject {
		t := canvas.NewText(text, c)
		t.TextSize = 11
		return t
	}
	return container.NewHBox(
		item("A "+lang.L("search.map.anpr"), colANPR),
		item("• "+lang.L("search.map.other"), look.ColMuted),
		item("● "+lang.L("search.map.passages"), colPassage),
		item("○ "+lang.L("search.map.selected"), look.ColPrimary))
}

func (m *passageMap) MinSize() fyne.Size { return fyne.NewSize(280, 200) }

func (m *passageMap) CreateRenderer() fyne.WidgetRenderer {
	return &mapRenderer{m: m, bg: canvas.NewRectangle(look.ColTileBg)}
}

type mapRenderer struct {
	m    *passageMap
	bg   *canvas.Rectangle
	objs []fyne.CanvasObject
	size fyne.Size
}

func (r *mapRenderer) Destroy()           {}
func (r *mapRenderer) MinSize() fyne.Size { return r.m.MinSize() }
func (r *mapRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.bg}, r.objs...)
}

func (r *mapRenderer) Layout(s fyne.Size) {
	r.size = s
	r.bg.Resize(s)
	r.build()
}

func (r *mapRenderer) Refresh() {
	r.build()
	canvas.Refresh(r.m)
}

// build makes the objects for the current size: a few dozen, cheaper to
// rebuild than to keep in step.
func (r *mapRenderer) build() {
	m, s := r.m, r.size
	if s.Width <= 0 || s.Height <= 0 {
		r.objs = nil
		return
	}
	var objs []fyne.CanvasObject
	for _, st := range m.streets {
		for i := 1; i < len(st.Points); i++ {
			l := canvas.NewLine(colStreet)
			l.StrokeWidth = 3
			l.Position1 = m.proj.at(st.Points[i-1][0], st.Points[i-1][1], s)
			l.Position2 = m.proj.at(st.Points[i][0], st.Points[i][1], s)
			objs = append(objs, l)
		}
	}
	if m.area {
		// Metres to pixels: a degree of latitude is about 111.32 km.
		px := float32(m.radius / 111320 * m.proj.scale(s))
		c := canvas.NewCircle(colArea)
		c.StrokeColor = look.ColPrimary
		c.StrokeWidth = 1
		c.Resize(fyne.NewSize(2*px, 2*px))
		c.Move(m.proj.at(m.areaLat, m.areaLon, s).SubtractXY(px, px))
		objs = append(objs, c)
	}
	for _, cam := range m.cams {
		p := m.proj.at(cam.Lat, cam.Lon, s)
		if !cam.Kind.ANPR() {
			d := canvas.NewCircle(look.ColIdle)
			d.Resize(fyne.NewSize(8, 8))
			d.Move(p.SubtractXY(4, 4))
			objs = append(objs, d)
			continue
		}
		c := canvas.NewCircle(colANPR)
		c.Resize(fyne.NewSize(16, 16))
		c.Move(p.SubtractXY(8, 8))
		g := canvas.NewText("A", look.ColBackground)
		g.TextSize = 10
		g.TextStyle.Bold = true
		g.Move(p.SubtractXY(3, 7))
		// The name under the marker, on a dark ground so streets do not cross it.
		name := canvas.NewText(cam.Name, look.ColMuted)
		name.TextSize = 10
		ts := fyne.MeasureText(cam.Name, name.TextSize, name.TextStyle)
		at := p.AddXY(-ts.Width/2, 10)
		ground := canvas.NewRectangle(colLabelBg)
		ground.CornerRadius = 3
		ground.Resize(ts.AddWidthHeight(6, 2))
		ground.Move(at.SubtractXY(3, 1))
		name.Move(at)
		objs = append(objs, c, g, ground, name)
	}
	for _, cam := range m.cams {
		n := m.counts[cam.ID]
		if n == 0 {
			continue
		}
		p := m.proj.at(cam.Lat, cam.Lon, s).AddXY(14, -14)
		// The disc grows with the count, slowly: 1 is 22 px, 1000 is 40.
		d := float32(22 + 6*math.Log10(float64(n)))
		c := canvas.NewCircle(colPassage)
		c.StrokeColor = look.ColBackground
		c.StrokeWidth = 2
		c.Resize(fyne.NewSize(d, d))
		c.Move(p.SubtractXY(d/2, d/2))
		t := canvas.NewText(strconv.Itoa(n), look.ColBackground)
		t.TextStyle.Bold = true
		t.TextSize = 11
		t.Alignment = fyne.TextAlignCenter
		t.Resize(fyne.NewSize(d, d))
		t.Move(p.SubtractXY(d/2, d/2))
		objs = append(objs, c, t)
	}
	if cam, ok := m.selected(); ok {
		p := m.proj.at(cam.Lat, cam.Lon, s)
		ring := canvas.NewCircle(color.Transparent)
		ring.StrokeColor = look.ColPrimary
		ring.StrokeWidth = 3
		ring.Resize(fyne.NewSize(30, 30))
		ring.Move(p.SubtractXY(15, 15))
		objs = append(objs, ring)
	}
	r.objs = objs
}

func (m *passageMap) selected() (app.Camera, bool) {
	for _, cam := range m.cams {
		if m.sel != "" && cam.ID == m.sel {
			return cam, true
		}
	}
	return app.Camera{}, false
}
