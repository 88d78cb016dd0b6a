package sim

import (
	"hash/fnv"
	"image"
	"math/rand/v2"
)

// The backgrounds are drawn once per stream and copied under every frame,
// so they may be as slow as they like. Geometry is in fractions of the
// picture so that the main and the sub stream show the same scene.

var (
	skyColour     = rgb(176, 196, 214)
	pavement      = rgb(168, 166, 160)
	kerbColour    = rgb(205, 203, 198)
	asphalt       = rgb(72, 72, 76)
	laneWhite     = rgb(235, 235, 235)
	grass         = rgb(86, 128, 62)
	darkGreen     = rgb(40, 80, 40)
	trunkBrown    = rgb(90, 65, 40)
	glass         = rgb(45, 55, 68)
	litWindow     = rgb(220, 205, 150)
	facadeColours = []yuvColor{rgb(150, 70, 50), rgb(225, 220, 205), rgb(190, 160, 110), rgb(130, 130, 135), rgb(170, 95, 70), rgb(235, 230, 215), rgb(110, 60, 45)}
	wallBeige     = rgb(214, 204, 180)
	floorGrey     = rgb(120, 128, 140)
	doorBrown     = rgb(110, 75, 45)
	benchDark     = rgb(60, 60, 66)
	parkingLine   = rgb(225, 225, 225)
	storeFront    = rgb(200, 200, 205)
	storeSign     = rgb(20, 60, 150)
)

type geom struct{ w, h int }

func (g geom) x(f float64) int { return int(f*float64(g.w) + 0.5) }
func (g geom) y(f float64) int { return int(f*float64(g.h) + 0.5) }
func (g geom) rect(x0, y0, x1, y1 float64) image.Rectangle {
	return image.Rect(g.x(x0), g.y(y0), g.x(x1), g.y(y1))
}

func sceneRand(camID string, salt uint64) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(camID))
	return rand.New(rand.NewPCG(h.Sum64(), salt))
}

// drawBackground paints the static part of the camera's scene into p.
func drawBackground(p yuvImage, spec cameraSpec, camID string, tf *typeface) {
	g := geom{p.W, p.H}
	r := sceneRand(camID, 1)
	switch spec.scene {
	case sceneANPR:
		drawRoadPerspective(p, g, r)
	case sceneIndoor:
		drawIndoor(p, g)
	case sceneParking:
		drawParking(p, g, r, tf)
	case sceneSquare:
		drawStreet(p, g, r, 0.48, 0.70, true)
	default:
		drawStreet(p, g, r, 0.56, 0.655, false)
	}
}

// drawFacades paints a row of houses with their bottoms at bottom.
func drawFacades(p yuvImage, g geom, r *rand.Rand, bottom float64) {
	for x := -r.Float64() * 0.1; x < 1; {
		w := 0.12 + r.Float64()*0.12
		top := 0.03 + r.Float64()*0.25*bottom/0.56
		col := facadeColours[r.IntN(len(facadeColours))]
		p.fill(g.rect(x, top, x+w, bottom), col)
		// Roof edge and a darker plinth, as Haspengouw houses have.
		p.fill(g.rect(x, top, x+w, top+0.012), rgb(60, 50, 50))
		p.fill(g.rect(x, bottom-0.03, x+w, bottom), rgb(80, 75, 72))
		cols := int(w / 0.055)
		for wy := top + 0.05; wy+0.07 < bottom-0.08; wy += 0.11 {
			for c := 0; c < cols; c++ {
				wx := x + 0.012 + float64(c)*w/float64(cols)
				wc := glass
				if r.IntN(6) == 0 {
					wc = litWindow
				}
				p.fill(g.rect(wx, wy, wx+0.03, wy+0.065), wc)
			}
		}
		dx := x + w*(0.2+0.5*r.Float64())
		p.fill(g.rect(dx, bottom-0.1, dx+0.03, bottom-0.03), doorBrown)
		x += w
	}
}

func drawTree(p yuvImage, g geom, x, bottom, size float64) {
	p.fill(g.rect(x-0.006*size, bottom-0.12*size, x+0.006*size, bottom), trunkBrown)
	p.fillEllipse(g.rect(x-0.05*size, bottom-0.3*size, x+0.05*size, bottom-0.1*size), darkGreen)
}

// drawStreet: houses, a pavement, a kerb and a two-lane road, seen from the side.
func drawStreet(p yuvImage, g geom, r *rand.Rand, pavementTop, roadTop float64, square bool) {
	p.fill(g.rect(0, 0, 1, 1), skyColour)
	drawFacades(p, g, r, pavementTop)
	p.fill(g.rect(0, pavementTop, 1, roadTop), pavement)
	if square {
		// Cobbles: a grid of slightly darker joints.
		joint := rgb(140, 138, 132)
		for y := pavementTop + 0.02; y < roadTop; y += 0.03 {
			p.fill(g.rect(0, y, 1, y+0.003), joint)
		}
		for x := 0.0; x < 1; x += 0.04 {
			p.fill(g.rect(x, pavementTop, x+0.002, roadTop), joint)
		}
	}
	p.fill(g.rect(0, roadTop-0.012, 1, roadTop), kerbColour)
	p.fill(g.rect(0, roadTop, 1, 0.955), asphalt)
	mid := (roadTop + 0.955) / 2
	for x := -0.02; x < 1; x += 0.12 {
		p.fill(g.rect(x, mid-0.004, x+0.06, mid+0.004), laneWhite)
	}
	p.fill(g.rect(0, 0.955, 1, 0.965), kerbColour)
	p.fill(g.rect(0, 0.965, 1, 1), pavement)
	if r.IntN(2) == 0 || square {
		for x := 0.08 + r.Float64()*0.1; x < 1; x += 0.3 + r.Float64()*0.15 {
			drawTree(p, g, x, pavementTop+0.01, 1.3)
		}
	}
	// A lamp post.
	lx := 0.2 + r.Float64()*0.6
	p.fill(g.rect(lx, pavementTop-0.25, lx+0.005, roadTop-0.015), rgb(50, 55, 50))
	p.fill(g.rect(lx-0.015, pavementTop-0.26, lx+0.02, pavementTop-0.245), rgb(50, 55, 50))
}

// drawRoadPerspective: a straight two-lane road running away from the
// camera towards a vanishing point at (0.5, horizon), between fields.
func drawRoadPerspective(p yuvImage, g geom, r *rand.Rand) {
	const horizon = 0.25
	p.fill(g.rect(0, 0, 1, horizon), skyColour)
	p.fill(g.rect(0, horizon, 1, 1), grass)
	// A row of poplars on the horizon, and far fields in stripes.
	for x := r.Float64() * 0.05; x < 1; x += 0.03 + r.Float64()*0.04 {
		hgt := 0.04 + r.Float64()*0.05
		p.fillEllipse(g.rect(x, horizon-hgt, x+0.018, horizon+0.005), darkGreen)
	}
	for y := g.y(horizon); y < p.H; y++ {
		k := (float64(y)/float64(p.H) - horizon) / (1 - horizon)
		half := k * 0.75 * float64(p.W)
		cx := float64(p.W) / 2
		x0, x1 := int(cx-half), int(cx+half)
		p.fill(image.Rect(x0, y, x1, y+1), asphalt)
		lw := max(1, int(k*0.012*float64(p.W)))
		p.fill(image.Rect(x0+int(0.04*half), y, x0+int(0.04*half)+lw, y+1), laneWhite)
		p.fill(image.Rect(x1-int(0.04*half)-lw, y, x1-int(0.04*half), y+1), laneWhite)
		// Dashes repeat in depth (1/k), so they shorten towards the horizon.
		if k > 0.01 {
			depth := 1 / k
			if int(depth*1.5)%2 == 0 {
				p.fill(image.Rect(int(cx)-lw/2, y, int(cx)-lw/2+lw, y+1), laneWhite)
			}
		}
	}
	// A sign post and the ANPR pole at the side of the road.
	p.fill(g.rect(0.9, 0.2, 0.91, 0.6), rgb(120, 120, 125))
	p.fill(g.rect(0.87, 0.2, 0.94, 0.27), rgb(20, 90, 160))
}

func drawIndoor(p yuvImage, g geom) {
	p.fill(g.rect(0, 0, 1, 0.68), wallBeige)
	p.fill(g.rect(0, 0.68, 1, 1), floorGrey)
	p.fill(g.rect(0, 0.66, 1, 0.68), rgb(90, 85, 80))
	p.fill(g.rect(0.72, 0.18, 0.86, 0.68), doorBrown)
	p.fill(g.rect(0.745, 0.24, 0.835, 0.36), rgb(180, 200, 210)) // door window
	p.fill(g.rect(0.83, 0.42, 0.845, 0.45), rgb(200, 190, 80))   // handle
	p.fill(g.rect(0.05, 0.5, 0.45, 0.56), benchDark)             // bench
	p.fill(g.rect(0.07, 0.56, 0.09, 0.68), benchDark)
	p.fill(g.rect(0.41, 0.56, 0.43, 0.68), benchDark)
	p.fill(g.rect(0.15, 0.12, 0.32, 0.3), rgb(240, 240, 235)) // notice board
	p.fill(g.rect(0.17, 0.15, 0.30, 0.16), rgb(60, 60, 60))
	p.fill(g.rect(0.17, 0.19, 0.27, 0.2), rgb(60, 60, 60))
}

func drawParking(p yuvImage, g geom, r *rand.Rand, tf *typeface) {
	p.fill(g.rect(0, 0, 1, 0.42), skyColour)
	p.fill(g.rect(0.05, 0.1, 0.95, 0.42), storeFront)
	p.fill(g.rect(0.05, 0.1, 0.95, 0.17), storeSign)
	if tf != nil {
		px := g.y(0.055)
		label := "SUPERMARKT  PARKING"
		tw := tf.textWidth(label, px)
		tf.drawText(p, label, (p.W-tw)/2, g.y(0.155), px, rgb(250, 250, 250))
	}
	p.fill(g.rect(0.4, 0.25, 0.6, 0.42), glass) // entrance
	p.fill(g.rect(0, 0.42, 1, 1), asphalt)
	for _, row := range []float64{0.45, 0.86} {
		for x := 0.0; x < 1.05; x += 0.1 {
			p.fill(g.rect(x, row, x+0.004, row+0.12), parkingLine)
		}
	}
	// Parked cars, static, top-down-ish boxes.
	for _, row := range []float64{0.46, 0.87} {
		for x := 0.01; x < 1; x += 0.1 {
			if r.IntN(3) == 0 {
				continue
			}
			c := bodyColours[r.IntN(len(bodyColours))]
			p.fill(g.rect(x+0.012, row+0.005, x+0.088, row+0.105), c)
			p.fill(g.rect(x+0.02, row+0.03, x+0.08, row+0.06), glass)
		}
	}
}
