package sim

import (
	"fmt"
	"image"
	"math"
	"sort"
	"time"
)

// renderer draws one stream of one camera. It is owned by that stream's
// goroutine: the background is cached, and each frame is the background
// plus whatever is in view, the on-screen text and the stamp.
type renderer struct {
	spec  cameraSpec
	id    string
	sched *schedule
	g     geom
	bg    yuvImage
	tf    *typeface
	ents  []entity
	osdPx int
	osdW  int
	// view is a PTZ camera's head (nil: a fixed camera). With it, g and bg
	// are the wider world, drawn into world and cropped into the picture
	// of size out (onvif_view.go).
	view  *ptzState
	world yuvImage
	out   geom
	xs    []int
}

func newRenderer(spec cameraSpec, id string, sched *schedule, w, h int, ttf []byte) (*renderer, error) {
	tf, err := newTypeface(ttf)
	if err != nil {
		return nil, fmt.Errorf("camera %s: %w", id, err)
	}
	r := &renderer{spec: spec, id: id, sched: sched, g: geom{w, h}, bg: newYUV(w, h), tf: tf}
	drawBackground(r.bg, spec, id, tf)
	r.osdPx = max(10, h/30)
	r.osdW = tf.textWidth("#00000000  0000-00-00 00:00:00.000 UTC", r.osdPx)
	return r, nil
}

// draw renders the scene as it is at t (since the epoch) into p, with the
// frame counter and capture time burned in.
func (r *renderer) draw(p yuvImage, t time.Duration, seq uint64, captured time.Time) {
	out := p
	if r.view != nil {
		p = r.world
	}
	p.copyFrom(r.bg)
	r.ents = r.sched.visible(t, r.ents[:0])
	switch r.spec.scene {
	case sceneANPR:
		r.drawANPR(p, t)
	default:
		r.drawSide(p, t)
	}
	if r.view != nil {
		r.xs = cropScale(out, p, r.view.position(captured), r.xs)
		p = out
	}
	r.drawOSD(p, seq, captured)
	drawStamp(p, seq, captured)
}

func (r *renderer) drawOSD(p yuvImage, seq uint64, captured time.Time) {
	px := r.osdPx
	pad := px / 3
	top := stampHeight(p.H) + pad
	line := fmt.Sprintf("#%08d  %s UTC", seq%100000000, captured.UTC().Format("2006-01-02 15:04:05.000"))
	p.fill(image.Rect(0, top, r.osdW+2*pad, top+px+2*pad), rgb(0, 0, 0))
	r.tf.drawText(p, line, pad, top+pad+px*8/10, px, rgb(255, 255, 255))
	name := r.id + "  " + r.spec.name
	nw := r.tf.textWidth(name, px)
	y := p.H - px - 3*pad
	p.fill(image.Rect(0, y, nw+2*pad, y+px+2*pad), rgb(0, 0, 0))
	r.tf.drawText(p, name, pad, y+pad+px*8/10, px, rgb(255, 255, 255))
}

// drawSide draws a street seen from the side: vehicles in two lanes,
// pedestrians on the pavement. Lanes of a scene are laid out by lanePlan
// order: vehicles first, then pedestrians.
func (r *renderer) drawSide(p yuvImage, t time.Duration) {
	g := r.g
	// Far things first.
	sort.Slice(r.ents, func(i, j int) bool { return r.sideY(r.ents[i]) < r.sideY(r.ents[j]) })
	for i := range r.ents {
		e := &r.ents[i]
		f := e.frac(t)
		base := r.sideY(*e)
		dir := 1.0
		if e.lane%2 == 1 {
			dir = -1
		}
		if e.kind == kindPerson {
			h := 0.17 * (0.7 + 0.5*base)
			wpx := h * float64(g.h) / float64(g.w) * 0.35
			x := -wpx + f*(1+2*wpx)
			if dir < 0 {
				x = 1 - x
			}
			drawPerson(p, g, x, base, h, e, t)
			continue
		}
		length := 0.22
		if e.kind == kindVan {
			length = 0.27
		}
		scale := 0.7 + 0.45*base
		length *= scale
		x := -length + f*(1+length)
		if dir < 0 {
			x = 1 - f*(1+length)
		}
		drawCarSide(p, g, x, base, length, e, dir)
	}
}

// sideY is the bottom edge (fraction of height) of an entity in a side view.
func (r *renderer) sideY(e entity) float64 {
	switch r.spec.scene {
	case sceneIndoor:
		return 0.86
	case sceneParking:
		if e.kind == kindPerson {
			return []float64{0.62, 0.75}[e.lane%2]
		}
		return 0.80
	case sceneSquare:
		if e.kind == kindPerson {
			return []float64{0.56, 0.62, 0.68}[(e.lane-2)%3]
		}
		return []float64{0.84, 0.94}[e.lane%2]
	}
	if e.kind == kindPerson {
		return []float64{0.6, 0.645}[e.lane%2]
	}
	return []float64{0.8, 0.935}[e.lane%2]
}

func drawPerson(p yuvImage, g geom, x, bottom, h float64, e *entity, t time.Duration) {
	hw := h * float64(g.h) / float64(g.w) // fraction of width per unit of height
	head := rgb(225, 190, 160)
	p.fillEllipse(g.rect(x-0.09*hw, bottom-h, x+0.09*hw, bottom-h+0.16*h), head)
	p.fill(g.rect(x-0.13*hw, bottom-h+0.16*h, x+0.13*hw, bottom-0.48*h), e.body)
	// Legs swing with the walk so that a moving person looks moving.
	swing := 0.07 * hw * math.Sin(float64(t.Milliseconds())/160+float64(e.id))
	p.fill(g.rect(x-0.09*hw+swing, bottom-0.48*h, x-0.01*hw+swing, bottom), e.accent)
	p.fill(g.rect(x+0.01*hw-swing, bottom-0.48*h, x+0.09*hw-swing, bottom), e.accent)
}

func drawCarSide(p yuvImage, g geom, x, bottom, length float64, e *entity, dir float64) {
	ratio := float64(g.w) / float64(g.h)
	h := length * ratio / 3 // 4.5 m long, 1.5 m high
	if e.kind == kindVan {
		h *= 1.45
	}
	body := e.body
	p.fill(g.rect(x, bottom-0.62*h, x+length, bottom-0.15*h), body)
	if e.kind == kindVan {
		p.fill(g.rect(x+0.02*length, bottom-h, x+length*0.98, bottom-0.6*h), body)
		wx := x + 0.8*length
		if dir < 0 {
			wx = x + 0.06*length
		}
		p.fill(g.rect(wx, bottom-0.92*h, wx+0.14*length, bottom-0.62*h), glass)
	} else {
		p.fill(g.rect(x+0.2*length, bottom-h, x+0.78*length, bottom-0.6*h), body)
		p.fill(g.rect(x+0.24*length, bottom-0.93*h, x+0.48*length, bottom-0.63*h), glass)
		p.fill(g.rect(x+0.51*length, bottom-0.93*h, x+0.74*length, bottom-0.63*h), glass)
	}
	// Lights: white at the front, red at the back.
	front, back := x+length-0.03*length, x
	if dir < 0 {
		front, back = x, x+length-0.03*length
	}
	p.fill(g.rect(front, bottom-0.55*h, front+0.03*length, bottom-0.45*h), rgb(250, 245, 220))
	p.fill(g.rect(back, bottom-0.55*h, back+0.03*length, bottom-0.45*h), rgb(200, 20, 20))
	tyre := rgb(20, 20, 20)
	wh := 0.34 * h
	ww := wh / ratio
	for _, wxf := range []float64{0.2, 0.8} {
		cx := x + wxf*length
		p.fillEllipse(g.rect(cx-ww/2, bottom-wh, cx+ww/2, bottom), tyre)
	}
}
