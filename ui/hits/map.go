package hits

import (
	"context"
	"image/color"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// kindStyle is how a camera kind shows on the map: a colour and a short
// glyph, always paired, so the map reads without colour vision too.
func kindStyle(k app.CameraKind) (color.Color, string) {
	switch k {
	case app.KindFixed:
		return color.NRGBA{R: 0x2F, G: 0x81, B: 0xF7, A: 0xFF}, "V"
	case app.KindTemporary:
		return color.NRGBA{R: 0x58, G: 0xA6, B: 0xFF, A: 0xFF}, "T"
	case app.KindANPRFixed:
		return color.NRGBA{R: 0xE5, G: 0x39, B: 0x35, A: 0xFF}, "A"
	case app.KindANPRMobile:
		return color.NRGBA{R: 0xFF, G: 0x7B, B: 0x72, A: 0xFF}, "M"
	case app.KindPTZVan:
		return color.NRGBA{R: 0xA3, G: 0x71, B: 0xF7, A: 0xFF}, "P"
	case app.KindMobbox:
		return color.NRGBA{R: 0xD2, G: 0xA8, B: 0xFF, A: 0xFF}, "B"
	case app.KindDrone:
		return color.NRGBA{R: 0x39, G: 0xD3, B: 0xBB, A: 0xFF}, "D"
	case app.KindBodycam:
		return color.NRGBA{R: 0x7E, G: 0xE7, B: 0x87, A: 0xFF}, "L"
	case app.KindOfficeCell:
		return color.NRGBA{R: 0x8B, G: 0x95, B: 0xA1, A: 0xFF}, "C"
	case app.KindThirdParty:
		return color.NRGBA{R: 0xE3, G: 0xB3, B: 0x41, A: 0xFF}, "X"
	}
	return look.ColMuted, "?"
}

// projection is an equirectangular projection of the zone onto a box:
// longitudes are shrunk by the cosine of the middle latitude, which is
// exact enough for a few kilometres.
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
	// A margin of 5 % so markers at the edge stay whole.
	dLat, dLon := math.Max(p.maxLat-p.minLat, 1e-4)*0.05, math.Max(p.maxLon-p.minLon, 1e-4)*0.05
	p.minLat, p.maxLat, p.minLon, p.maxLon = p.minLat-dLat, p.maxLat+dLat, p.minLon-dLon, p.maxLon+dLon
	p.kx = math.Cos((p.minLat + p.maxLat) / 2 * math.Pi / 180)
	return p
}

// at maps a point into a box of size s, keeping the aspect ratio, centred.
func (p projection) at(lat, lon float64, s fyne.Size) fyne.Position {
	w := (p.maxLon - p.minLon) * p.kx
	h := p.maxLat - p.minLat
	scale := math.Min(float64(s.Width)/w, float64(s.Height)/h)
	ox := (float64(s.Width) - w*scale) / 2
	oy := (float64(s.Height) - h*scale) / 2
	x := ox + (lon-p.minLon)*p.kx*scale
	y := oy + (p.maxLat-lat)*scale
	return fyne.NewPos(float32(x), float32(y))
}

// zoneMap draws the zone offline: streets, cameras by kind, patrols by
// status and the latest hit. No tiles are fetched from anywhere.
type zoneMap struct {
	widget.BaseWidget
	proj    projection
	streets []app.MapLine
	cams    []app.Camera
	patrols []app.Patrol
	hit     *app.Hit
}

func newZoneMap(c MapConsole) *zoneMap {
	m := &zoneMap{streets: c.Streets(), cams: c.Zone().Cameras}
	var pts [][2]float64
	for _, s := range m.streets {
		pts = append(pts, s.Points...)
	}
	for _, cam := range m.cams {
		if cam.Lat != 0 || cam.Lon != 0 {
			pts = append(pts, [2]float64{cam.Lat, cam.Lon})
		}
	}
	m.proj = newProjection(pts)
	m.ExtendBaseWidget(m)
	return m
}

// update sets what moves (UI thread).
func (m *zoneMap) update(patrols []app.Patrol, hit *app.Hit) {
	m.patrols, m.hit = patrols, hit
	m.Refresh()
}

func (m *zoneMap) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

func (m *zoneMap) CreateRenderer() fyne.WidgetRenderer {
	r := &mapRenderer{m: m, bg: canvas.NewRectangle(look.ColTileBg)}
	r.Refresh()
	return r
}

type mapRenderer struct {
	m    *zoneMap
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

// build makes the map's objects for the current size; a few dozen, so
// rebuilding them on each change is cheaper than keeping them in step.
func (r *mapRenderer) build() {
	m, s := r.m, r.size
	if s.Width <= 0 || s.Height <= 0 {
		r.objs = nil
		return
	}
	var objs []fyne.CanvasObject
	street := color.NRGBA{R: 0x3A, G: 0x44, B: 0x50, A: 0xFF}
	for _, st := range m.streets {
		for i := 1; i < len(st.Points); i++ {
			l := canvas.NewLine(street)
			l.StrokeWidth = 3
			l.Position1 = m.proj.at(st.Points[i-1][0], st.Points[i-1][1], s)
			l.Position2 = m.proj.at(st.Points[i][0], st.Points[i][1], s)
			objs = append(objs, l)
		}
	}
	for _, cam := range m.cams {
		col, glyph := kindStyle(cam.Kind)
		p := m.proj.at(cam.Lat, cam.Lon, s)
		c := canvas.NewCircle(col)
		c.Resize(fyne.NewSize(16, 16))
		c.Move(p.SubtractXY(8, 8))
		g := canvas.NewText(glyph, look.ColBackground)
		g.TextSize = 10
		g.TextStyle.Bold = true
		g.Move(p.SubtractXY(3, 7))
		name := canvas.NewText(cam.Name, look.ColMuted)
		name.TextSize = 9
		name.Move(p.AddXY(10, -6))
		objs = append(objs, c, g, name)
	}
	if h := m.hit; h != nil {
		p := m.proj.at(h.Camera.Lat, h.Camera.Lon, s)
		ring := canvas.NewCircle(color.Transparent)
		ring.StrokeColor = matchColour(*h)
		ring.StrokeWidth = 3
		ring.Resize(fyne.NewSize(34, 34))
		ring.Move(p.SubtractXY(17, 17))
		t := canvas.NewText(plateText(*h), matchColour(*h))
		t.TextStyle.Bold = true
		t.TextSize = 12
		t.Move(p.AddXY(18, 6))
		objs = append(objs, ring, t)
	}
	for _, u := range m.patrols {
		if u.LastReport.IsZero() {
			continue
		}
		p := m.proj.at(u.Lat, u.Lon, s)
		if u.HasTarget {
			l := canvas.NewLine(patrolColour(u.Status))
			l.StrokeWidth = 1
			l.Position1, l.Position2 = p, m.proj.at(u.TargetLat, u.TargetLon, s)
			objs = append(objs, l)
		}
		sq := canvas.NewRectangle(patrolColour(u.Status))
		sq.StrokeColor = look.ColForeground
		sq.StrokeWidth = 1
		sq.Resize(fyne.NewSize(12, 12))
		sq.Move(p.SubtractXY(6, 6))
		t := canvas.NewText(u.CallSign, look.ColForeground)
		t.TextSize = 10
		t.Move(p.AddXY(8, 2))
		objs = append(objs, sq, t)
	}
	r.objs = objs
}

// mapPanel is the map with its legend, refreshed every second.
type mapPanel struct {
	hits    *app.HitFeed
	latest  *app.Hit
	c       MapConsole
	sess    *app.Session
	m       *zoneMap
	do      func(func())
	stop    context.CancelFunc
	wg      sync.WaitGroup
	content fyne.CanvasObject
}

func newMapPanelWith(ctx context.Context, c MapConsole, sess *app.Session, do func(func()), every time.Duration) *mapPanel {
	p := &mapPanel{c: c, sess: sess, m: newZoneMap(c), do: do}
	if every <= 0 {
		every = time.Second
	}
	legend := container.NewHBox()
	seen := map[app.CameraKind]bool{}
	for _, cam := range c.Zone().Cameras {
		if seen[cam.Kind] {
			continue
		}
		seen[cam.Kind] = true
		col, glyph := kindStyle(cam.Kind)
		t := canvas.NewText(glyph+" "+look.KindLabel(cam.Kind), col)
		t.TextSize = 11
		legend.Add(t)
	}
	for _, st := range []app.PatrolStatus{app.PatrolFree, app.PatrolEnRoute, app.PatrolOnScene, app.PatrolUnavailable} {
		t := canvas.NewText("■ "+patrolStatusLabel(st), patrolColour(st))
		t.TextSize = 11
		legend.Add(t)
	}
	head := widget.NewLabel(lang.L("hits.map"))
	head.TextStyle.Bold = true
	p.content = container.NewBorder(head, container.NewHScroll(legend), nil, nil, p.m)
	// The newest hit comes from a feed of the map's own (one audited
	// consultation while the map is open); a role that dispatches but does
	// not handle hits (a guard) gets no feed and sees no hit.
	if f, err := c.SubscribeHits(sess, 16); err == nil {
		p.hits = f
		// The newest hit already raised, once (a search, audited).
		if hs, err := c.SearchHits(sess, app.HitFilter{Limit: 1}); err == nil && len(hs) > 0 {
			p.latest = &hs[0]
		}
	}
	p.refresh()
	var cctx context.Context
	cctx, p.stop = context.WithCancel(ctx)
	refreshWhileSession(cctx, &p.wg, c, sess, every, func() { p.do(p.refresh) })
	return p
}

func (p *mapPanel) refresh() {
	for p.hits != nil {
		select {
		case ev, ok := <-p.hits.C():
			if !ok {
				p.hits = nil
				continue
			}
			if p.latest == nil || ev.Kind == app.HitAlert || ev.Hit.ID == p.latest.ID {
				h := ev.Hit
				p.latest = &h
			}
			continue
		default:
		}
		break
	}
	units, _ := p.c.Patrols(context.Background(), p.sess)
	p.m.update(units, p.latest)
}

func (p *mapPanel) close() {
	p.stop()
	p.wg.Wait()
	if p.hits != nil {
		p.hits.Close()
	}
}
