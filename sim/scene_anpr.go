package sim

import (
	"image"
	"sort"
	"time"
)

// ANPR view: vehicles come towards the camera along a straight road. An
// entity's scale grows linearly from anprS0 to anprS1 over its time in
// view; at scale 1 a car is anprCarW of the picture wide and its plate
// anprPlateW of the car's width, so at bestFrac (scale 1.1) the plate is
// 0.36 × 0.46 × 1.1 × 1280 ≈ 233 px wide on the main stream.
const (
	anprHorizon = 0.25
	anprS0      = 0.15
	anprS1      = 1.3
	anprCarW    = 0.46
	anprPlateW  = 0.36
	anprLaneX   = 0.25
	plateAspect = 520.0 / 110.0 // EU plate, millimetres
)

func anprScale(f float64) float64 { return anprS0 + (anprS1-anprS0)*f }

func (r *renderer) drawANPR(p yuvImage, t time.Duration) {
	sort.Slice(r.ents, func(i, j int) bool { return r.ents[i].frac(t) < r.ents[j].frac(t) })
	for i := range r.ents {
		e := &r.ents[i]
		if e.kind == kindPerson {
			continue
		}
		s := anprScale(e.frac(t))
		r.drawCarFront(p, e, s)
	}
}

// carFront is where a vehicle is drawn at scale s in a w×h picture.
func carFront(e *entity, s float64, w, h int) (cx, vw, vh, bottom float64) {
	W, H := float64(w), float64(h)
	lane := -1.0
	if e.lane%2 == 1 {
		lane = 1
	}
	cx = W * (0.5 + lane*anprLaneX*s)
	vw = anprCarW * W * s
	vh = 0.8 * vw
	if e.kind == kindVan {
		vh = 1.05 * vw
	}
	bottom = H * (anprHorizon + 0.68*s)
	return cx, vw, vh, bottom
}

// plateBox is where the plate of e is at scale s in a w×h picture.
func plateBox(e *entity, s float64, w, h int) image.Rectangle {
	cx, vw, vh, bottom := carFront(e, s, w, h)
	pw := anprPlateW * vw
	ph := pw / plateAspect
	pcy := bottom - vh + 0.64*vh
	return image.Rect(int(cx-pw/2), int(pcy-ph/2), int(cx+pw/2), int(pcy+ph/2))
}

func (r *renderer) drawCarFront(p yuvImage, e *entity, s float64) {
	cx, vw, vh, bottom := carFront(e, s, p.W, p.H)
	x0, y0 := cx-vw/2, bottom-vh
	rect := func(fx0, fy0, fx1, fy1 float64) image.Rectangle {
		return image.Rect(int(x0+fx0*vw), int(y0+fy0*vh), int(x0+fx1*vw), int(y0+fy1*vh))
	}
	// Proportions are in fractions of the vehicle's box; the plate sits
	// between grille and bumper where real cars carry it.
	p.fill(rect(0.1, 0, 0.9, 0.4), e.body)
	glassTop, glassBottom := 0.06, 0.38
	if e.kind == kindVan {
		glassTop, glassBottom = 0.18, 0.42
		p.fill(rect(0.04, 0.15, 0.96, 0.45), e.body)
	}
	p.fill(rect(0.15, glassTop, 0.85, glassBottom), glass)
	p.fill(rect(0, 0.38, 1, 0.86), e.body)
	p.fill(rect(-0.03, 0.4, 0.04, 0.46), e.body) // mirrors
	p.fill(rect(0.96, 0.4, 1.03, 0.46), e.body)
	p.fill(rect(0.05, 0.46, 0.24, 0.55), rgb(245, 240, 220)) // headlights
	p.fill(rect(0.76, 0.46, 0.95, 0.55), rgb(245, 240, 220))
	p.fill(rect(0.3, 0.47, 0.7, 0.56), rgb(30, 30, 32)) // grille
	p.fill(rect(0, 0.72, 1, 0.86), e.accent)            // bumper
	p.fill(rect(0.04, 0.86, 0.2, 1), rgb(20, 20, 20))   // tyres
	p.fill(rect(0.8, 0.86, 0.96, 1), rgb(20, 20, 20))
	r.drawPlate(p, plateBox(e, s, p.W, p.H), e.plate)
}

// drawPlate paints a plate into box: background, border, the blue EU band
// with the country letters, and the registration in the plate's colours.
func (r *renderer) drawPlate(p yuvImage, box image.Rectangle, pl plateInfo) {
	st := styleFor(pl.Country)
	w, h := box.Dx(), box.Dy()
	if w < 8 || h < 3 {
		return
	}
	p.fill(box, st.border)
	bw := max(1, h/16)
	inner := box.Inset(bw)
	p.fill(inner, st.bg)
	if w < 24 {
		return
	}
	textBox := inner.Inset(max(1, h/14))
	if st.band {
		band := inner
		band.Max.X = inner.Min.X + int(0.085*float64(w))
		p.fill(band, euBlue)
		lp := band.Dy() / 3
		if lp >= 6 {
			tw := r.tf.textWidth(st.bandText, lp)
			r.tf.drawText(p, st.bandText, band.Min.X+(band.Dx()-tw)/2, band.Max.Y-lp/3, lp, rgb(250, 250, 250))
		}
		textBox.Min.X = band.Max.X + max(1, h/10)
	}
	if st.rightBand {
		band := inner
		band.Min.X = inner.Max.X - int(0.085*float64(w))
		p.fill(band, euBlue)
		textBox.Max.X = band.Min.X - max(1, h/10)
	}
	m, err := r.tf.renderMask(pl.Display, textBox.Dx(), textBox.Dy(), 0.78)
	if err != nil {
		return
	}
	p.blend(m, textBox.Min.X, textBox.Min.Y, st.fg)
}
