package sim

import (
	"image"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"
)

// toYCbCr copies a planar picture into an image.YCbCr, as a decoder hands it out.
func toYCbCr(p yuvImage) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, p.W, p.H), image.YCbCrSubsampleRatio420)
	for y := 0; y < p.H; y++ {
		copy(img.Y[y*img.YStride:y*img.YStride+p.W], p.Y[y*p.SY:])
	}
	for y := 0; y < (p.H+1)/2; y++ {
		copy(img.Cb[y*img.CStride:y*img.CStride+(p.W+1)/2], p.U[y*p.SC:])
		copy(img.Cr[y*img.CStride:y*img.CStride+(p.W+1)/2], p.V[y*p.SC:])
	}
	return img
}

func TestStampRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 23, 11, 5, 29, 123_000_000, time.UTC)
	tests := []struct {
		name   string
		w, h   int // drawn at
		sw, sh int // read at
		seq    uint64
	}{
		{"main", 1280, 720, 1280, 720, 1},
		{"sub", 640, 360, 640, 360, 4_000_000_000},
		{"main read small", 1280, 720, 320, 180, 77},
		{"sub read large", 640, 360, 1920, 1080, 123456},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newYUV(tc.w, tc.h)
			p.fill(image.Rect(0, 0, tc.w, tc.h), rgb(120, 130, 90))
			drawStamp(p, tc.seq, at)
			var img image.Image = toYCbCr(p)
			if tc.sw != tc.w {
				dst := image.NewRGBA(image.Rect(0, 0, tc.sw, tc.sh))
				xdraw.BiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), xdraw.Src, nil)
				img = dst
			}
			s, ok := ReadStamp(img)
			if !ok || s.Seq != tc.seq || !s.Captured.Equal(at) {
				t.Errorf("ReadStamp = %v %v, want seq %d at %v", s, ok, tc.seq, at)
			}
		})
	}
}

func TestStampRejectsDamage(t *testing.T) {
	at := time.Date(2026, 11, 23, 11, 5, 29, 0, time.UTC)
	good := func() yuvImage {
		p := newYUV(640, 360)
		p.fill(image.Rect(0, 0, 640, 360), rgb(90, 90, 90))
		drawStamp(p, 42, at)
		return p
	}
	cell := func(p yuvImage, row, c int, col yuvColor) {
		rh := stampHeight(p.H) / stampRows
		p.fill(image.Rect(c*p.W/stampCells, row*rh, (c+1)*p.W/stampCells, (row+1)*rh), col)
	}
	probes := []struct {
		name   string
		damage func(p yuvImage)
	}{
		{"data bit flipped", func(p yuvImage) {
			s, _ := ReadStamp(toYCbCr(p))
			_ = s
			// Flip cell 10 of row 0 whatever it was.
			rh := stampHeight(p.H) / stampRows
			x := 10*p.W/stampCells + p.W/stampCells/2
			if p.Y[rh/2*p.SY+x] > 128 {
				cell(p, 0, 10, stampBlack)
			} else {
				cell(p, 0, 10, stampWhite)
			}
		}},
		{"checksum bit flipped", func(p yuvImage) {
			rh := stampHeight(p.H) / stampRows
			x := 49*p.W/stampCells + p.W/stampCells/2
			if p.Y[(rh+rh/2)*p.SY+x] > 128 {
				cell(p, 1, 49, stampBlack)
			} else {
				cell(p, 1, 49, stampWhite)
			}
		}},
		{"sync missing", func(p yuvImage) { cell(p, 0, 0, stampBlack) }},
		{"no stamp at all", func(p yuvImage) { p.fill(image.Rect(0, 0, p.W, p.H), rgb(90, 90, 90)) }},
		{"flat white band", func(p yuvImage) { p.fill(image.Rect(0, 0, p.W, stampHeight(p.H)), stampWhite) }},
	}
	if _, ok := ReadStamp(toYCbCr(good())); !ok {
		t.Fatal("undamaged stamp not read")
	}
	for _, pr := range probes {
		p := good()
		pr.damage(p)
		if s, ok := ReadStamp(toYCbCr(p)); ok {
			t.Errorf("%s: ReadStamp = %v, want false", pr.name, s)
		}
	}
	if _, ok := ReadStamp(image.NewRGBA(image.Rect(0, 0, 10, 10))); ok {
		t.Error("tiny image: stamp read")
	}
}
