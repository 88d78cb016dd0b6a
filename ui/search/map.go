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
	colPassage = color.NRGBA{R: 0xE3, G: 0xB3, B: 0x41, A: 0xFF}
	colArea    = color.NRGBA{R: 0x2F, G: 0x81, B: 0xF7, A: 0x30}
	colLabelBg = color.NRGBA{R: 0x0E, G: 0x12, B: 0x17, A: 0xD0}
)

// passageMap draws the zone offline (no tiles fetched): its streets, its
// cameras, and per camera the number of passages found there.
type passageMap struct {
	widget.BaseWidget
	proj    look.Projection
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
	m.proj = look.NewProjection(pts, 0.08)
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
	return look.NewMapRenderer(m, m.MinSize(), m.objects)
}

// objects are the map's objects for size s (the streets first).
func (m *passageMap) objects(s fyne.Size) []fyne.CanvasObject {
	objs := look.StreetLines(m.streets, m.proj, s)
	if m.area {
		// Metres to pixels: a degree of latitude is about 111.32 km.
		px := float32(m.radius / 111320 * m.proj.Scale(s))
		c := canvas.NewCircle(colArea)
		c.StrokeColor = look.ColPrimary
		c.StrokeWidth = 1
		c.Resize(fyne.NewSize(2*px, 2*px))
		c.Move(m.proj.At(m.areaLat, m.areaLon, s).SubtractXY(px, px))
		objs = append(objs, c)
	}
	for _, cam := range m.cams {
		p := m.proj.At(cam.Lat, cam.Lon, s)
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
		p := m.proj.At(cam.Lat, cam.Lon, s).AddXY(14, -14)
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
		p := m.proj.At(cam.Lat, cam.Lon, s)
		ring := canvas.NewCircle(color.Transparent)
		ring.StrokeColor = look.ColPrimary
		ring.StrokeWidth = 3
		ring.Resize(fyne.NewSize(30, 30))
		ring.Move(p.SubtractXY(15, 15))
		objs = append(objs, ring)
	}
	return objs
}

func (m *passageMap) selected() (app.Camera, bool) {
	for _, cam := range m.cams {
		if m.sel != "" && cam.ID == m.sel {
			return cam, true
		}
	}
	return app.Camera{}, false
}
