package search

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"testing"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
)

// seedPassage is a passage the tests put in the console's store.
type seedPassage struct {
	display, country, colour, camera string
	ago                              time.Duration
	conf                             float64
}

// seeds: three match 1-AB?-1*, two do not (2-XYZ-999: other plate;
// 1-ABCD-123: two characters where '?' wants one).
var seeds = []seedPassage{
	{"1-ABC-123", "BE", "white", "cam03", 1 * time.Hour, 0.97},
	{"1-ABD-124", "BE", "red", "cam04", 3 * time.Hour, 0.91},
	{"1-ABX-1", "BE", "blue", "cam03", 5 * time.Hour, 0.84},
	{"2-XYZ-999", "BE", "black", "cam03", 2 * time.Hour, 0.95},
	{"1-ABCD-123", "NL", "grey", "cam04", 4 * time.Hour, 0.88},
}

// wantPlates are the displays a search for 1-AB?-1* shows, newest first.
var wantPlates = []string{"1-ABC-123", "1-ABD-124", "1-ABX-1"}

// testConsole is the real console with the passage images the app does
// not give yet (ImageSource), read from the same store.
type testConsole struct {
	*app.Console
	ps *anpr.Passages
}

func (c testConsole) PassageImage(_ context.Context, _ *app.Session, sha string) (image.Image, error) {
	f, err := os.Open(c.ps.ImagePath(sha))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jpeg.Decode(f)
}

// seedStore puts the seeds, with a plate crop and a vehicle image each,
// into the passage store of data directory dir.
func seedStore(ctx context.Context, dir string, now time.Time) (*anpr.Passages, error) {
	ps, err := anpr.OpenPassages(dir, anpr.PassagesOptions{})
	if err != nil {
		return nil, err
	}
	for i, s := range seeds {
		p := anpr.Passage{Time: now.Add(-s.ago), Camera: s.camera, Plate: anpr.NormalizePattern(s.display),
			Display: s.display, Country: s.country, Confidence: s.conf, Colour: s.colour, Reads: 3 + i,
			Crop: plateImage(s.display), Vehicle: vehicleImage(s.colour, i)}
		p.First, p.Last = p.Time.Add(-800*time.Millisecond), p.Time.Add(600*time.Millisecond)
		if _, err := ps.Add(ctx, p); err != nil {
			ps.Close()
			return nil, fmt.Errorf("seed %s: %w", s.display, err)
		}
	}
	return ps, nil
}

// openSeeded opens a real console over a simulated zone of 4 cameras
// (cam03 and cam04 are ANPR) whose store holds the seeds. t is nil in a
// screenshot child.
func openSeeded(ctx context.Context, t testing.TB, dir string) (testConsole, error) {
	ps, err := seedStore(ctx, dir, time.Now().UTC())
	if err != nil {
		return testConsole{}, err
	}
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 4, Logger: uitest.Logger()})
	if err != nil {
		ps.Close()
		return testConsole{}, err
	}
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "console-test", Logger: uitest.Logger(), Zone: sz.Zone, Injector: sz})
	if err != nil {
		ps.Close()
		sz.Close()
		return testConsole{}, err
	}
	if t != nil {
		t.Cleanup(func() {
			if err := c.Close(); err != nil {
				t.Errorf("console close: %v", err)
			}
			ps.Close()
			sz.Close()
		})
	}
	return testConsole{Console: c, ps: ps}, nil
}

func login(t testing.TB, c testConsole, name string) *app.Session {
	t.Helper()
	s, err := c.Login(context.Background(), name, simzone.DemoPassword)
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return s
}

// plateImage draws a Belgian plate: red characters on white with a red
// border, as the reader crops it.
func plateImage(text string) image.Image {
	const scale = 3
	small := image.NewRGBA(image.Rect(0, 0, 7*len(text)+8, 17))
	draw.Draw(small, small.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	red := color.RGBA{R: 0xB0, G: 0x10, B: 0x20, A: 0xFF}
	d := font.Drawer{Dst: small, Src: image.NewUniform(red), Face: basicfont.Face7x13, Dot: fixed.P(4, 13)}
	d.DrawString(text)
	b := small.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*scale, b.Dy()*scale))
	for y := 0; y < out.Bounds().Dy(); y++ {
		for x := 0; x < out.Bounds().Dx(); x++ {
			out.Set(x, y, small.At(x/scale, y/scale))
		}
	}
	for x := 0; x < out.Bounds().Dx(); x++ {
		for k := 0; k < 3; k++ {
			out.Set(x, k, red)
			out.Set(x, out.Bounds().Dy()-1-k, red)
		}
	}
	for y := 0; y < out.Bounds().Dy(); y++ {
		for k := 0; k < 3; k++ {
			out.Set(k, y, red)
			out.Set(out.Bounds().Dx()-1-k, y, red)
		}
	}
	return out
}

// vehicleImage is a car's front as a camera sees it at night: a road, a
// body in the colour, a windscreen, two lights and the plate.
func vehicleImage(colour string, seed int) image.Image {
	body := map[string]color.RGBA{"white": {0xE8, 0xE8, 0xE4, 0xFF}, "red": {0xB8, 0x22, 0x22, 0xFF},
		"blue": {0x22, 0x44, 0xA8, 0xFF}, "black": {0x20, 0x20, 0x24, 0xFF}, "grey": {0x80, 0x84, 0x88, 0xFF}}[colour]
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		g := uint8(30 + y/6 + seed*3)
		draw.Draw(img, image.Rect(0, y, 320, y+1), image.NewUniform(color.RGBA{g, g, g + 6, 0xFF}), image.Point{}, draw.Src)
	}
	fill := func(r image.Rectangle, c color.RGBA) { draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src) }
	fill(image.Rect(60, 70, 260, 200), body)
	fill(image.Rect(85, 80, 235, 125), color.RGBA{0x30, 0x3C, 0x48, 0xFF})
	fill(image.Rect(70, 140, 110, 160), color.RGBA{0xFF, 0xF4, 0xC0, 0xFF})
	fill(image.Rect(210, 140, 250, 160), color.RGBA{0xFF, 0xF4, 0xC0, 0xFF})
	fill(image.Rect(125, 170, 195, 188), color.RGBA{0xF4, 0xF4, 0xF4, 0xFF})
	fill(image.Rect(60, 200, 90, 215), color.RGBA{0x10, 0x10, 0x10, 0xFF})
	fill(image.Rect(230, 200, 260, 215), color.RGBA{0x10, 0x10, 0x10, 0xFF})
	return img
}
