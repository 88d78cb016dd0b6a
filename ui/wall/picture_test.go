package wall

import (
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

// The test card the fake camera sends: a 16:9 picture (a 1280x720 stream
// fitted to the tile's size, as the video package does) of mid grey with a
// white square in the middle, a 1-pixel white vertical line and a 1-pixel
// black horizontal line, and a white frame at its edges.
const (
	cardGrey  = 128
	cardLineX = 0.2  // of the width: the vertical line
	cardLineY = 0.75 // of the height: the horizontal line
)

var hd = image.Pt(1280, 720)

// testCard draws the card at sz.
func testCard(sz image.Point) *image.RGBA {
	img := image.NewRGBA(image.Rectangle{Max: sz})
	set := func(x, y int, v uint8) {
		i := img.PixOffset(x, y)
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v, 255
	}
	side := sz.Y / 2
	sq := image.Rect((sz.X-side)/2, (sz.Y-side)/2, (sz.X+side)/2, (sz.Y+side)/2)
	lx, ly := int(cardLineX*float64(sz.X)), int(cardLineY*float64(sz.Y))
	for y := 0; y < sz.Y; y++ {
		for x := 0; x < sz.X; x++ {
			v := uint8(cardGrey)
			switch {
			case x == 0 || y == 0 || x == sz.X-1 || y == sz.Y-1:
				v = 255
			case image.Pt(x, y).In(sq), x == lx:
				v = 255
			case y == ly:
				v = 0
			}
			set(x, y, v)
		}
	}
	return img
}

// luma of a captured pixel.
func luma(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	return 0.299*float64(r>>8) + 0.587*float64(g>>8) + 0.114*float64(b>>8)
}

// isBar: the tile's background, which the letterbox bars are.
func isBar(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	bg := look.ColTileBg
	d := math.Abs(float64(r>>8)-float64(bg.R)) + math.Abs(float64(g>>8)-float64(bg.G)) + math.Abs(float64(b>>8)-float64(bg.B))
	return d < 12
}

// card is the wall in a window, with a fake camera on tile 0.
type card struct {
	tl   *tile
	fv   *fakeView
	w    fyne.Window
	loop *uitest.Loop
	wait func(what string, cond func() bool)
}

func cardScreen(t *testing.T, size fyne.Size) card {
	t.Helper()
	fv := newFakeView()
	s, l := tileScreen(t, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	// Only the wall's grid: the capture is of the tiles, nothing else.
	w := test.NewWindow(s.wall.grid)
	t.Cleanup(w.Close)
	w.Resize(size)
	tl := s.wall.tiles[0]
	s.wall.show(tl, app.Camera{ID: "cam01", Name: "Markt"})
	// The caption shown by show gets its size at the next layout (the
	// real window's next frame); the software painter of the capture
	// needs it laid out now.
	w.Content().Refresh()
	wait := func(what string, cond func() bool) { l.Until(t, what, 5*time.Second, cond) }
	return card{tl: tl, fv: fv, w: w, loop: l, wait: wait}
}

// span is the first and last index in [from, to) where in holds, or -1, -1.
func span(from, to int, in func(int) bool) (first, last int) {
	first, last = -1, -1
	for i := from; i < to; i++ {
		if in(i) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

// TestTilePictureSharpAndRound: a tile asks its camera for its pixel size
// and shows the frame at exactly that size, letterboxed: in a capture of
// the window the 16:9 card keeps its size and aspect and its square stays
// square (within 2 %), the bars are the tile's background, and the 1-pixel
// lines are still 1 pixel at full contrast (drawn once, never scaled
// again).
func TestTilePictureSharpAndRound(t *testing.T) {
	// A 2x2 wall in a 1000x900 window: tiles taller than 16:9, so bars
	// above and below.
	c := cardScreen(t, fyne.NewSize(1000, 900))
	tl, fv, w, wait := c.tl, c.fv, c.w, c.wait
	var asked image.Point
	wait("the tile asks for its size", func() bool {
		fv.get(func(v *fakeView) { asked = v.size })
		return asked != (image.Point{})
	})
	if want := pixelSize(tl.Size(), w.Canvas().Scale()); asked != want || tl.px != want {
		t.Fatalf("tile asked for %v (tile.px %v), want its pixel size %v", asked, tl.px, want)
	}
	frame := fitPixels(hd, asked)
	fv.pushImage(testCard(frame))
	wait("the card shown", func() bool { return tl.frames() == 1 })

	shot := w.Canvas().Capture()
	if p := os.Getenv("WALL_SHOT"); p != "" {
		if f, err := os.Create(p); err == nil {
			_ = png.Encode(f, shot)
			f.Close()
		}
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(tl)
	r := image.Rectangle{Min: image.Pt(int(pos.X), int(pos.Y)), Max: image.Pt(int(pos.X)+tl.px.X, int(pos.Y)+tl.px.Y)}
	below := int(pos.Y+tl.caption.Position().Y+tl.caption.Size().Height) + 4 // under the caption bar
	checkCard(t, shot, r, below, frame)
}

// checkCard checks the test card of size frame on the tile at r of a
// capture (rows from below are under the caption bar): its size, aspect,
// square, bars and sharp lines.
func checkCard(t *testing.T, shot image.Image, r image.Rectangle, below int, frame image.Point) {
	t.Helper()
	midX, midY := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2

	// The picture's rows: bars of the tile's background above and below,
	// as many rows as the frame has (not rescaled).
	top, bottom := span(below, r.Max.Y-2, func(y int) bool { return !isBar(shot, midX, y) })
	t.Logf("tile %v, frame %v, picture rows %d..%d in the capture", r, frame, top, bottom)
	if got := bottom - top + 1; abs(got-frame.Y) > 1 {
		t.Errorf("picture %d rows high in the capture, want the frame's %d (not rescaled)", got, frame.Y)
	}
	if top-below < 10 || r.Max.Y-bottom < 10 {
		t.Errorf("no bars: picture rows %d..%d in a tile of rows %d..%d", top, bottom, below, r.Max.Y)
	}
	for _, y := range []int{(below + top) / 2, (bottom + r.Max.Y) / 2} {
		if !isBar(shot, midX, y) {
			t.Errorf("bar row %d shows %v, want the tile's background", y, shot.At(midX, y))
		}
	}
	// The width is filled (the tile is taller than 16:9): no bars beside.
	if l, rr := span(r.Min.X, r.Max.X, func(x int) bool { return !isBar(shot, x, midY) }); l > r.Min.X+3 || rr < r.Max.X-4 {
		t.Errorf("picture columns %d..%d in a tile of %d..%d, want the whole width", l, rr, r.Min.X, r.Max.X-1)
	}

	// The square stays square, at the frame's scale: its side is half the
	// frame's height, and 16:9 holds (the square's centre is mid-picture).
	white := func(x, y int) bool { return luma(shot, x, y) > 200 }
	picMid := (top + bottom) / 2
	sqL, sqR := span(r.Min.X+r.Dx()/4, r.Max.X-r.Dx()/4, func(x int) bool { return white(x, picMid) })
	sqT, sqB := span(top+2, bottom-1, func(y int) bool { return white(midX, y) })
	sw, sh := sqR-sqL+1, sqB-sqT+1
	if math.Abs(float64(sw)/float64(sh)-1) > 0.02 {
		t.Errorf("the square is %dx%d in the capture, want square within 2 %%", sw, sh)
	}
	if abs(sh-frame.Y/2) > 1 {
		t.Errorf("the square is %d rows high, want the frame's %d (not rescaled)", sh, frame.Y/2)
	}
	// Centred on the tile (the test driver's positions may be a pixel or
	// two off its painter's, so positions are checked relative to the
	// picture).
	if c := (sqL + sqR) / 2; abs(c-midX) > 3 {
		t.Errorf("the square's centre is at column %d, the tile's at %d", c, midX)
	}

	// Sharp: the 1-pixel lines are one pixel at full contrast against the
	// card's grey (a second scaling would smear them over two or more).
	row := top + (bottom-top)/3
	lx, _ := span(r.Min.X+4, sqL-2, func(x int) bool { return white(x, row) })
	if lx < 0 {
		t.Fatalf("no vertical line found on row %d", row)
	}
	if peak, a, b := luma(shot, lx, row), luma(shot, lx-1, row), luma(shot, lx+1, row); peak-max(a, b) < 100 {
		t.Errorf("vertical line: luma %.0f between %.0f and %.0f, want a sharp 1-pixel line", peak, a, b)
	}
	// 16:9 kept, 1:1: the line is as far left of the square as on the
	// frame.
	if got, want := sqL-lx, (frame.X-frame.Y/2)/2-int(cardLineX*float64(frame.X)); abs(got-want) > 1 {
		t.Errorf("vertical line %d columns left of the square, want %d as on the frame", got, want)
	}
	col := (r.Min.X + lx) / 2
	ly, _ := span(picMid, bottom-2, func(y int) bool { return luma(shot, col, y) < 40 })
	if ly < 0 {
		t.Fatalf("no horizontal line found in column %d", col)
	}
	if dip, a, b := luma(shot, col, ly), luma(shot, col, ly-1), luma(shot, col, ly+1); min(a, b)-dip < 100 {
		t.Errorf("horizontal line: luma %.0f between %.0f and %.0f, want a sharp 1-pixel line", dip, a, b)
	}
	if want := top + int(cardLineY*float64(frame.Y)); abs(ly-want) > 1 {
		t.Errorf("horizontal line at row %d, want %d", ly, want)
	}
}

// TestTileAsksSizeOnResize: the size goes to the camera when the tile's
// size changes (window resized, tile enlarged and back), not per frame.
func TestTileAsksSizeOnResize(t *testing.T) {
	c := cardScreen(t, fyne.NewSize(1000, 700))
	tl, fv, w, wait := c.tl, c.fv, c.w, c.wait
	sizeOf := func() (sz image.Point, n int) {
		fv.get(func(v *fakeView) { sz, n = v.size, v.sizes })
		return
	}
	wait("the first size", func() bool { sz, _ := sizeOf(); return sz == tl.px && sz.X > 0 })
	for i := range 10 {
		fv.pushImage(testCard(fitPixels(hd, tl.px)))
		wait("a frame", func() bool { return tl.frames() == uint64(i+1) })
	}
	_, n := sizeOf()
	w.Resize(fyne.NewSize(1200, 800))
	wait("the new size asked", func() bool { sz, _ := sizeOf(); return sz == tl.px })
	if _, n2 := sizeOf(); n2 != n+1 {
		t.Errorf("%d sizes asked for one resize after ten frames (%d before), want one more", n2, n)
	}
}

// TestTileEnlargeNeverBlack: enlarging a tile and putting it back switches
// streams, and at no point does the tile show no picture: the last frame
// stays until the other stream's first frame, which comes at the new size.
func TestTileEnlargeNeverBlack(t *testing.T) {
	c := cardScreen(t, fyne.NewSize(1000, 700))
	tl, fv, loop := c.tl, c.fv, c.loop.C
	// check runs every posted UI call, asserting after each that the
	// tile shows a picture that is not black.
	check := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			select {
			case fn := <-loop:
				fn()
			case <-time.After(5 * time.Millisecond):
			}
			img, _ := tl.img.Image.(*image.RGBA)
			if img == nil || img.Pix[0] == 0 && img.Pix[4*(img.Rect.Dx()/2)] == 0 {
				t.Fatalf("%s: the tile shows no picture (%v)", what, tl.img.Image != nil)
			}
		}
	}
	streamOf := func() (st app.Stream, sz image.Point) {
		fv.get(func(v *fakeView) { st, sz = v.stream, v.size })
		return
	}
	// The first frame; from here on the tile must always show one.
	fv.pushImage(testCard(fitPixels(hd, tl.px)))
	for tl.frames() == 0 {
		(<-loop)()
	}
	small := tl.px
	for round := range 2 {
		test.DoubleTap(tl)
		check("the main stream at the enlarged size", func() bool {
			st, sz := streamOf()
			return st == app.StreamMain && sz == tl.px && tl.px.X > small.X
		})
		// The main stream's first frame comes a while after the switch.
		before := tl.frames()
		time.AfterFunc(100*time.Millisecond, func() { fv.pushImage(testCard(fitPixels(hd, tl.px))) })
		check("the main stream's first frame", func() bool { return tl.frames() > before })
		if got := tl.feed.front.Rect.Size(); got != fitPixels(hd, tl.px) {
			t.Errorf("round %d: enlarged tile shows %v, want %v", round, got, fitPixels(hd, tl.px))
		}
		test.DoubleTap(tl)
		check("the sub stream at the small size", func() bool {
			st, sz := streamOf()
			return st == app.StreamSub && sz == small && tl.px == small
		})
		before = tl.frames()
		time.AfterFunc(100*time.Millisecond, func() { fv.pushImage(testCard(fitPixels(hd, tl.px))) })
		check("the sub stream's first frame", func() bool { return tl.frames() > before })
	}
}
