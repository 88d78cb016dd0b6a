package anpr

import (
	"image"
	"image/color"
	"math"

	xdraw "golang.org/x/image/draw"
)

// vehicleRect is the part of the frame that shows the vehicle around a
// plate: a plate is about a quarter of a car's width, and the car rises
// above it.
func vehicleRect(frame, plateBox image.Rectangle) image.Rectangle {
	w := plateBox.Dx()
	cx := (plateBox.Min.X + plateBox.Max.X) / 2
	r := image.Rect(cx-2*w, plateBox.Min.Y-2*w, cx+2*w, plateBox.Max.Y+w/3)
	return r.Intersect(frame)
}

// colourRect is the bodywork just above the plate (bumper, bonnet).
func colourRect(frame, plateBox image.Rectangle) image.Rectangle {
	w, h := plateBox.Dx(), plateBox.Dy()
	r := image.Rect(plateBox.Min.X-w/2, plateBox.Min.Y-w*3/4, plateBox.Max.X+w/2, plateBox.Min.Y-h/2)
	return r.Intersect(frame)
}

// vehicleImage copies the vehicle region out of the frame (which the caller
// must give back), scaled to at most maxW wide.
func vehicleImage(frame image.Image, plateBox image.Rectangle, maxW int) image.Image {
	r := vehicleRect(frame.Bounds(), plateBox)
	if r.Empty() {
		return nil
	}
	w, h := r.Dx(), r.Dy()
	if w > maxW {
		h = h * maxW / w
		w = maxW
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, max(h, 1)))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), frame, r, xdraw.Src, nil)
	return dst
}

// Colour names what dominant colour returns.
var colourNames = [...]string{"black", "grey", "white", "red", "orange", "yellow", "green", "blue", "purple", "brown"}

// dominantColour names the most common colour of the bodywork above the
// plate, or "" when there is too little of it to tell.
func dominantColour(frame image.Image, plateBox image.Rectangle) string {
	r := colourRect(frame.Bounds(), plateBox)
	if r.Dx() < 4 || r.Dy() < 2 {
		return ""
	}
	var votes [len(colourNames)]int
	step := max(1, r.Dx()/40)
	// The pipeline's frames are *image.RGBA: RGBAAt avoids boxing every
	// sampled pixel into a color.Color (an allocation each).
	rgba, _ := frame.(*image.RGBA)
	for y := r.Min.Y; y < r.Max.Y; y += step {
		for x := r.Min.X; x < r.Max.X; x += step {
			if rgba != nil {
				votes[colourClass(rgba.RGBAAt(x, y))]++
			} else {
				votes[colourClass(frame.At(x, y))]++
			}
		}
	}
	best := 0
	for i, v := range votes {
		if v > votes[best] {
			best = i
		}
	}
	return colourNames[best]
}

// colourClass buckets one pixel by hue, saturation and value. It is
// generic so that the common color.RGBA is not boxed per pixel.
func colourClass[C color.Color](c C) int {
	r16, g16, b16, _ := c.RGBA()
	r, g, b := float64(r16)/65535, float64(g16)/65535, float64(b16)/65535
	mx := math.Max(r, math.Max(g, b))
	mn := math.Min(r, math.Min(g, b))
	v := mx
	s := 0.0
	if mx > 0 {
		s = (mx - mn) / mx
	}
	switch {
	case v < 0.2:
		return 0 // black
	case s < 0.2 && v > 0.75:
		return 2 // white
	case s < 0.25:
		return 1 // grey (silver)
	}
	var h float64
	d := mx - mn
	switch mx {
	case r:
		h = math.Mod((g-b)/d, 6)
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	h *= 60
	if h < 0 {
		h += 360
	}
	switch {
	case h < 15 || h >= 330:
		return 3 // red
	case h < 40:
		if v < 0.6 {
			return 9 // brown
		}
		return 4 // orange
	case h < 70:
		return 5 // yellow
	case h < 170:
		return 6 // green
	case h < 260:
		return 7 // blue
	default:
		return 8 // purple
	}
}
