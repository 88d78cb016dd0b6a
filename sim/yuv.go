package sim

import "image"

// yuvImage is a planar YUV 4:2:0 picture (BT.601, limited range). Scenes are
// drawn straight into it so that no colour conversion runs per frame.
type yuvImage struct {
	W, H    int
	SY, SC  int // strides of the luma and chroma planes
	Y, U, V []byte
}

// yuvColor is a colour already converted to Y'CbCr.
type yuvColor struct{ Y, U, V uint8 }

// rgb converts 8-bit sRGB to limited-range BT.601.
func rgb(r, g, b int) yuvColor {
	y := (66*r+129*g+25*b+128)>>8 + 16
	u := (-38*r-74*g+112*b+128)>>8 + 128
	v := (112*r-94*g-18*b+128)>>8 + 128
	return yuvColor{clamp8(y), clamp8(u), clamp8(v)}
}

func clamp8(v int) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

func newYUV(w, h int) yuvImage {
	cw, ch := (w+1)/2, (h+1)/2
	return yuvImage{W: w, H: h, SY: w, SC: cw,
		Y: make([]byte, w*h), U: make([]byte, cw*ch), V: make([]byte, cw*ch)}
}

// copyFrom copies src (same size) into p, row by row as the strides may differ.
func (p yuvImage) copyFrom(src yuvImage) {
	for y := 0; y < p.H; y++ {
		copy(p.Y[y*p.SY:y*p.SY+p.W], src.Y[y*src.SY:y*src.SY+p.W])
	}
	cw, ch := (p.W+1)/2, (p.H+1)/2
	for y := 0; y < ch; y++ {
		copy(p.U[y*p.SC:y*p.SC+cw], src.U[y*src.SC:y*src.SC+cw])
		copy(p.V[y*p.SC:y*p.SC+cw], src.V[y*src.SC:y*src.SC+cw])
	}
}

func (p yuvImage) clip(r image.Rectangle) image.Rectangle {
	return r.Intersect(image.Rect(0, 0, p.W, p.H))
}

// fill paints the rectangle r with c.
func (p yuvImage) fill(r image.Rectangle, c yuvColor) {
	r = p.clip(r)
	if r.Empty() {
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := p.Y[y*p.SY+r.Min.X : y*p.SY+r.Max.X]
		for i := range row {
			row[i] = c.Y
		}
	}
	// Chroma covers every 2×2 block the rectangle touches; half-covered
	// blocks take the new colour, which is what a real camera's 4:2:0 does too.
	cx0, cy0, cx1, cy1 := r.Min.X/2, r.Min.Y/2, (r.Max.X+1)/2, (r.Max.Y+1)/2
	for y := cy0; y < cy1; y++ {
		u := p.U[y*p.SC+cx0 : y*p.SC+cx1]
		v := p.V[y*p.SC+cx0 : y*p.SC+cx1]
		for i := range u {
			u[i] = c.U
			v[i] = c.V
		}
	}
}

// fillEllipse paints the ellipse inscribed in r.
func (p yuvImage) fillEllipse(r image.Rectangle, c yuvColor) {
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return
	}
	cx2, cy2 := r.Min.X*2+w, r.Min.Y*2+h // doubled centre, to stay in integers
	for y := r.Min.Y; y < r.Max.Y; y++ {
		dy := float64(2*y+1-cy2) / float64(h)
		q := 1 - dy*dy
		if q <= 0 {
			continue
		}
		half := sqrtApprox(q) * float64(w) / 2
		x0 := int(float64(cx2)/2 - half + 0.5)
		x1 := int(float64(cx2)/2 + half + 0.5)
		p.fill(image.Rect(x0, y, x1, y+1), c)
	}
}

func sqrtApprox(x float64) float64 {
	// Newton steps are plenty for shapes a few hundred pixels tall.
	if x <= 0 {
		return 0
	}
	g := x
	if g < 1 {
		g = 1
	}
	for i := 0; i < 6; i++ {
		g = 0.5 * (g + x/g)
	}
	return g
}

// blend paints c over the pixels of mask (alpha 0..255) placed at (x, y).
func (p yuvImage) blend(mask *image.Alpha, x, y int, c yuvColor) {
	mb := mask.Bounds()
	dst := p.clip(image.Rect(x, y, x+mb.Dx(), y+mb.Dy()))
	if dst.Empty() {
		return
	}
	for py := dst.Min.Y; py < dst.Max.Y; py++ {
		mrow := mask.Pix[(py-y)*mask.Stride:]
		prow := p.Y[py*p.SY:]
		for px := dst.Min.X; px < dst.Max.X; px++ {
			a := int(mrow[px-x])
			if a == 0 {
				continue
			}
			prow[px] = uint8((int(prow[px])*(255-a) + int(c.Y)*a) / 255)
		}
	}
	for py := dst.Min.Y / 2; py < (dst.Max.Y+1)/2; py++ {
		for px := dst.Min.X / 2; px < (dst.Max.X+1)/2; px++ {
			a := 0
			for _, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				mx, my := 2*px+d[0]-x, 2*py+d[1]-y
				if mx >= 0 && my >= 0 && mx < mb.Dx() && my < mb.Dy() {
					a += int(mask.Pix[my*mask.Stride+mx])
				}
			}
			a /= 4
			if a == 0 {
				continue
			}
			i := py*p.SC + px
			p.U[i] = uint8((int(p.U[i])*(255-a) + int(c.U)*a) / 255)
			p.V[i] = uint8((int(p.V[i])*(255-a) + int(c.V)*a) / 255)
		}
	}
}
