package hits

import (
	"context"
	"image/color"
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

// zoneMap draws the zone offline: streets, cameras by kind, patrols by
// status and the latest hit. No tiles are fetched from anywhere.
type zoneMap struct {
	widget.BaseWidget
	proj    look.Projection
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
	m.proj = look.NewProjection(pts, 0.05)
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
	return look.NewMapRenderer(m, m.MinSize(), m.objects)
}

// objects are the map's objects for size s (the streets first).
func (m *zoneMap) objects(s fyne.Size) []fyne.CanvasObject {
	objs := look.StreetLines(m.streets, m.proj, s)
	for _, cam := range m.cams {
		col, glyph := kindStyle(cam.Kind)
		p := m.proj.At(cam.Lat, cam.Lon, s)
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
		p := m.proj.At(h.Camera.Lat, h.Camera.Lon, s)
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
		p := m.proj.At(u.Lat, u.Lon, s)
		if u.HasTarget {
			l := canvas.NewLine(patrolColour(u.Status))
			l.StrokeWidth = 1
			l.Position1, l.Position2 = p, m.proj.At(u.TargetLat, u.TargetLon, s)
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
	return objs
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
			if ev.Hit.Quiet && (p.latest == nil || ev.Hit.ID != p.latest.ID) {
				continue // a quiet hit is not put on the map
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
