package zone

import (
	"image"
	"image/color"
	"testing"
)

func TestCopyMaskedBlacksOutOnlyTheMasks(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 100, 50))
	for i := range src.Pix {
		src.Pix[i] = 200
	}
	masks := []Mask{{X: 0.1, Y: 0.2, W: 0.2, H: 0.4}, {X: 0.25, Y: 0.3, W: 0.3, H: 0.2}, {X: 0.9, Y: 0.9, W: 0.5, H: 0.5}}
	dst := CopyMasked(nil, src, masks)
	inside := func(x, y int) bool {
		for _, m := range masks {
			r := image.Rect(int(m.X*100), int(m.Y*50), int((m.X+m.W)*100), int((m.Y+m.H)*50))
			if image.Pt(x, y).In(r) {
				return true
			}
		}
		return false
	}
	for y := 0; y < 50; y++ {
		for x := 0; x < 100; x++ {
			got := dst.RGBAAt(x, y)
			want := color.RGBA{200, 200, 200, 200}
			if inside(x, y) {
				want = color.RGBA{0, 0, 0, 255}
			}
			if got != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
	if src.RGBAAt(15, 15) != (color.RGBA{200, 200, 200, 200}) {
		t.Fatal("the source was written")
	}
	// Reused buffer: no allocation per frame once the size is known.
	if n := testing.AllocsPerRun(20, func() { dst = CopyMasked(dst, src, masks) }); n != 0 {
		t.Errorf("CopyMasked allocates %.0f times per frame with a reused buffer", n)
	}
}
