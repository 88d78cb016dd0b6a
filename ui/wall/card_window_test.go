package wall

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

// The test card again, in the real window (GLFW/OpenGL under Xvfb) and
// grabbed from the X display: what the GPU draws, not the test driver's
// software painter. The child runs in a child process of the test binary
// (GLFW must own the main thread), picked in init before the tests run.
const (
	cardChildValue = "wallcard"
	cardShotFile   = "wall_card.png"
)

func init() {
	if os.Getenv(uitest.ChildEnv) == cardChildValue {
		os.Exit(cardChild())
	}
}

func TestTileCardWindow(t *testing.T) {
	_, img, rects := uitest.RunWindowChild(t, "../../testout", cardChildValue, cardShotFile, "wall test card")
	if len(rects) != 3 {
		t.Fatalf("child reported %d rects, want the tile, its caption and the frame size", len(rects))
	}
	tr, cr, fr := rects[0], rects[1], rects[2]
	r := image.Rect(tr.X, tr.Y, tr.X+tr.W, tr.Y+tr.H)
	checkCard(t, img, r, cr.Y+cr.H+4, image.Pt(fr.W, fr.H))
}

// cardChild shows a 2x2 wall whose first tile has a fake camera sending
// the test card at the size the tile asks for, and grabs the window.
func cardChild() int {
	out, data := os.Getenv(uitest.ShotOutEnv), os.Getenv(uitest.ShotDataEnv)
	if out == "" || data == "" {
		fmt.Fprintln(os.Stderr, "card child: output or data path missing")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), uitest.ChildDeadline)
	defer cancel()
	if err := look.SetLanguage("nl"); err != nil {
		fmt.Fprintln(os.Stderr, "card child:", err)
		return 1
	}
	a := fyneapp.NewWithID("be.politie.zoneconsole.cardtest")
	a.Settings().SetTheme(look.NewTheme())
	w := a.NewWindow("zoneconsole — testkaart")
	w.Resize(fyne.NewSize(1000, 900))
	fv := newFakeView()
	sess := &app.Session{User: app.User{Name: "dispatcher", Role: app.RoleDispatcher}}
	env := look.Env{Ctx: ctx, Sess: sess, W: w, Do: fyne.Do, Go: func(fn func()) { go fn() }, Log: uitest.Logger()}
	s := New(env, nowhere{}, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	s.setReason(shiftReason(sess))
	w.SetContent(s.wall.grid)
	return uitest.ShowAndScript(a, w, "card", 200*time.Millisecond, func() error {
		return cardScript(ctx, s, w, fv, out, filepath.Join(data, "tiles.json"))
	})
}

func cardScript(ctx context.Context, s *Screen, w fyne.Window, fv *fakeView, out, tilesPath string) error {
	tl := s.wall.tiles[0]
	fyne.DoAndWait(func() { s.wall.show(tl, app.Camera{ID: "cam01", Name: "Markt"}) })
	var asked image.Point
	err := uitest.WaitFor(ctx, "the tile's size asked", 20*time.Second, func() bool {
		fv.get(func(v *fakeView) { asked = v.size })
		return asked != (image.Point{}) && asked == tl.px
	})
	if err != nil {
		return err
	}
	frame := fitPixels(hd, asked)
	fv.pushImage(testCard(frame))
	if err := uitest.WaitFor(ctx, "the card on the tile", 20*time.Second, func() bool { return tl.frames() >= 1 }); err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond) // painted and swapped
	var rects []uitest.TileRect
	fyne.DoAndWait(func() {
		rects = uitest.Rects(w, []fyne.CanvasObject{tl, tl.caption}, []string{"cam01", "caption"})
	})
	rects = append(rects, uitest.TileRect{Camera: "frame", W: frame.X, H: frame.Y})
	if err := uitest.WriteRects(tilesPath, rects); err != nil {
		return err
	}
	return uitest.Grab(ctx, w, out)
}
