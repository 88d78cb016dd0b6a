package search

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

// The search screenshot runs the real window (GLFW/OpenGL) in a child
// process of the test binary, like the wall's and the rounds': GLFW must
// own the main thread. The child is picked in init, on the main goroutine.
const (
	searchChildValue = "search"
	searchShotFile   = "search.png"
	searchReadme     = "../../assets/screenshots/search.png"
)

func init() {
	if os.Getenv(uitest.ChildEnv) == searchChildValue {
		os.Exit(searchChild())
	}
}

// TestSearchWindowScreenshot searches 1-AB?-1* as the investigator in a
// real window and grabs it: the child reports where the thumbnails of the
// first result and the map are, and each must show a picture.
func TestSearchWindowScreenshot(t *testing.T) {
	out, img, rects := uitest.RunWindowChild(t, "../../testout", searchChildValue, searchShotFile, "search window")
	if len(rects) != 3 {
		t.Fatalf("child reported %d areas, want 3 (crop, vehicle, map)", len(rects))
	}
	for _, r := range rects[:2] {
		area := image.Rect(r.X, r.Y, r.X+r.W, r.Y+r.H).Intersect(img.Bounds())
		sd, busy := uitest.PictureStats(img, area)
		t.Logf("%s at %v: luma stddev %.1f, %.0f%% off the background", r.Camera, area, sd, 100*busy)
		if area.Dx() < 20 || area.Dy() < 20 || sd < 10 || busy < 0.1 {
			t.Errorf("%s at %v looks blank: luma stddev %.1f, %.0f%% off the background", r.Camera, area, sd, 100*busy)
		}
	}
	// The map is a sparse drawing: it must hold the streets and the two
	// amber discs of the cameras where passages were found.
	m := rects[2]
	area := image.Rect(m.X, m.Y, m.X+m.W, m.Y+m.H).Intersect(img.Bounds())
	if street, amber := mapPixels(img, area); street < 500 || amber < 2*150 {
		t.Errorf("map at %v: %d street and %d passage-disc pixels", area, street, amber)
	} else {
		t.Logf("map at %v: %d street and %d passage-disc pixels", area, street, amber)
	}
	t.Logf("screenshot: %s", out)
	if *uitest.UpdateShot && !t.Failed() {
		if err := uitest.CopyFile(out, searchReadme); err != nil {
			t.Fatal(err)
		}
	}
}

// mapPixels counts the pixels of r near the street colour and near the
// passage discs' amber.
func mapPixels(img image.Image, r image.Rectangle) (street, amber int) {
	near := func(c color.Color, want color.NRGBA) bool {
		cr, cg, cb, _ := c.RGBA()
		d := func(a uint32, b uint8) int { return max(int(a>>8)-int(b), int(b)-int(a>>8)) }
		return d(cr, want.R)+d(cg, want.G)+d(cb, want.B) < 30
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.At(x, y)
			if near(c, look.ColStreet) {
				street++
			} else if near(c, colPassage) {
				amber++
			}
		}
	}
	return street, amber
}

func searchChild() int {
	out, data := os.Getenv(uitest.ShotOutEnv), os.Getenv(uitest.ShotDataEnv)
	if out == "" || data == "" {
		fmt.Fprintln(os.Stderr, "search child: output or data path missing")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), uitest.ChildDeadline)
	defer cancel()
	c, err := openSeeded(ctx, nil, data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "search child:", err)
		return 1
	}
	defer c.Close()
	sess, err := c.Login(ctx, "recherche", "demo")
	if err != nil {
		fmt.Fprintln(os.Stderr, "search child:", err)
		return 1
	}
	if err := look.SetLanguage("nl"); err != nil {
		fmt.Fprintln(os.Stderr, "search child:", err)
		return 1
	}
	a := fyneapp.NewWithID("be.politie.zoneconsole.searchtest")
	a.Settings().SetTheme(look.NewTheme())
	w := a.NewWindow("zoneconsole — passages zoeken")
	w.Resize(fyne.NewSize(1440, 860))
	goDo := func(fn func()) { go fn() }
	s := newScreen(look.Env{Ctx: ctx, Sess: sess, W: w, Do: fyne.Do, Go: goDo, Log: uitest.Logger()}, c,
		func(string, time.Time) {})
	w.SetContent(s.content)
	return uitest.ShowAndScript(a, w, "search", 200*time.Millisecond, func() error {
		return searchScript(ctx, s, w, out, filepath.Join(data, "tiles.json"))
	})
}

func searchScript(ctx context.Context, s *screen, w fyne.Window, out, rectsPath string) error {
	fyne.DoAndWait(func() {
		s.pattern.SetText("1-AB?-1*")
		s.caseRef.SetText("PV LI.55.L1.004512/2026")
		s.motivation.SetText("Gestolen wagen (grijze Audi) gezien richting Tongeren; passages op de N79 nagaan.")
		s.run()
	})
	if err := uitest.WaitFor(ctx, "the results", 20*time.Second, func() bool {
		return !s.button.Disabled() && len(s.results) > 0
	}); err != nil {
		return err
	}
	fyne.DoAndWait(func() { s.list.Select(0) })
	time.Sleep(800 * time.Millisecond)
	var rects []uitest.TileRect
	fyne.DoAndWait(func() {
		r := s.detail
		rects = uitest.Rects(w, []fyne.CanvasObject{r.crop, r.vehicle, s.m}, []string{"crop", "vehicle", "map"})
	})
	if err := uitest.WriteRects(rectsPath, rects); err != nil {
		return err
	}
	// The X server shows the window's last swapped frame, which on a busy
	// machine can still be the one from before the discs were drawn: grab
	// again, for a while, until the map shows them. The parent judges the
	// last grab whatever it holds.
	m := rects[2]
	area := image.Rect(m.X, m.Y, m.X+m.W, m.Y+m.H)
	for try := 0; ; try++ {
		if err := uitest.Grab(ctx, w, out); err != nil {
			return err
		}
		if _, amber := pngMapPixels(out, area); amber >= 2*150 || try == 10 {
			return nil
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// pngMapPixels is mapPixels of area in the PNG at path (0, 0 if unreadable).
func pngMapPixels(path string, area image.Rectangle) (street, amber int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, 0
	}
	return mapPixels(img, area.Intersect(img.Bounds()))
}
