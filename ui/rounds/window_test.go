package rounds

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

// The round screenshot runs the real window (GLFW/OpenGL) in a child
// process of the test binary, like the wall's: GLFW must own the main
// thread. The child is picked in init, which runs on the main goroutine
// before TestMain, so this file needs no change to the wall's TestMain.
const (
	roundChildValue = "round"
	roundShotFile   = "round.png"
	roundReadme     = "../../assets/screenshots/round.png"
)

func init() {
	if os.Getenv(uitest.ChildEnv) == roundChildValue {
		os.Exit(roundChild())
	}
}

func TestRoundWindowScreenshot(t *testing.T) {
	out, img, rects := uitest.RunWindowChild(t, "../../testout", roundChildValue, roundShotFile, "round window")
	if len(rects) != 4 {
		t.Fatalf("child reported %d round tiles, want 4 (a 2x2 step)", len(rects))
	}
	uitest.CheckTiles(t, img, rects, "round tile")
	if *uitest.UpdateShot && !t.Failed() {
		if err := uitest.CopyFile(out, roundReadme); err != nil {
			t.Fatal(err)
		}
		t.Logf("round screenshot updated: %s", roundReadme)
	}
}

// roundChild opens the rounds screen in a real window, starts a round whose
// first step is a 2x2 of the simulated cameras, and grabs the window.
func roundChild() int {
	out, data := os.Getenv(uitest.ShotOutEnv), os.Getenv(uitest.ShotDataEnv)
	if out == "" || data == "" {
		fmt.Fprintln(os.Stderr, "round child: output or data path missing")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), uitest.ChildDeadline)
	defer cancel()
	log := uitest.Logger()
	c, err := openSim(ctx, nil, app.Config{DataDir: data, Console: "xvfb-round", Logger: log}, 4)
	if err != nil {
		fmt.Fprintln(os.Stderr, "round child: app.Open:", err)
		return 1
	}
	defer c.Close()
	chief, err := c.Login(ctx, "teamchef", simzone.DemoPassword)
	if err != nil {
		fmt.Fprintln(os.Stderr, "round child:", err)
		return 1
	}
	r := app.Round{Name: "Markt en Stationsstraat", Area: "Centrum", Steps: []app.RoundStep{
		{Cameras: []string{"cam01", "cam02", "cam03", "cam04"}, Dwell: app.Duration{Duration: 40 * time.Second}},
		{Cameras: []string{"cam02"}, Dwell: app.Duration{Duration: 20 * time.Second}},
		{Cameras: []string{"cam03"}, Dwell: app.Duration{Duration: 20 * time.Second}},
	}}
	if err := c.SaveRound(ctx, chief, "", r); err != nil {
		fmt.Fprintln(os.Stderr, "round child:", err)
		return 1
	}
	sess, err := c.Login(ctx, "dispatcher", simzone.DemoPassword)
	if err != nil {
		fmt.Fprintln(os.Stderr, "round child:", err)
		return 1
	}
	if err := look.SetLanguage("nl"); err != nil {
		fmt.Fprintln(os.Stderr, "round child:", err)
		return 1
	}
	a := fyneapp.NewWithID("be.politie.zoneconsole.roundtest")
	a.Settings().SetTheme(look.NewTheme())
	w := a.NewWindow("zoneconsole — rondes")
	w.Resize(fyne.NewSize(1280, 800))
	goDo := func(fn func()) { go fn() }
	rs := newRoundsView(look.Env{Ctx: ctx, Sess: sess, W: w, Do: fyne.Do, Go: goDo, Log: log}, c, nil)
	w.SetContent(rs.content)
	return uitest.ShowAndScript(a, w, "round", 300*time.Millisecond, func() error {
		err := roundScript(ctx, rs, r.Name, out, filepath.Join(data, "tiles.json"))
		fyne.Do(func() {
			if rs.run != nil {
				rs.stop()
			}
		})
		return err
	})
}

func roundScript(ctx context.Context, rs *roundsScreen, name, out, tilesPath string) error {
	onUI := func(fn func()) { fyne.DoAndWait(fn) }
	if err := uitest.WaitFor(ctx, "the rounds list", 20*time.Second, func() bool { return len(rs.rounds) > 0 }); err != nil {
		return err
	}
	onUI(func() {
		for i, r := range rs.rounds {
			if r.Name == name {
				rs.list.Select(i)
			}
		}
		rs.start()
	})
	err := uitest.WaitFor(ctx, "four live round tiles", 60*time.Second, func() bool {
		if rs.run == nil || len(rs.grid.Objects) != 4 {
			return false
		}
		for _, t := range rs.tiles {
			if t.frames < 5 {
				return false
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	// A few seconds into the step, so the progress bar shows.
	time.Sleep(2500 * time.Millisecond)
	var rects []uitest.TileRect
	onUI(func() {
		st := rs.run.State()
		objs, cams := make([]fyne.CanvasObject, len(rs.tiles)), make([]string, len(rs.tiles))
		for i, t := range rs.tiles {
			objs[i], cams[i] = t, st.Slots[i].Camera.ID
		}
		rects = uitest.Rects(rs.w, objs, cams)
	})
	if err := uitest.WriteRects(tilesPath, rects); err != nil {
		return err
	}
	return uitest.Grab(ctx, rs.w, out)
}
