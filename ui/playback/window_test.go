package playback

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

// The playback screenshot runs the real window (GLFW/OpenGL) in a child
// process of the test binary, like the wall's and the rounds': GLFW must
// own the main thread. The child is picked in init.
const (
	playbackChildValue = "playback"
	playbackShotFile   = "playback.png"
	playbackReadme     = "../../assets/screenshots/playback.png"
)

func init() {
	if os.Getenv(uitest.ChildEnv) == playbackChildValue {
		os.Exit(playbackChild())
	}
}

// TestPlaybackWindowScreenshot: four recorded cameras on one clock, each
// tile showing a picture, with timelines that have a gap and a held period.
func TestPlaybackWindowScreenshot(t *testing.T) {
	out, img, rects := uitest.RunWindowChild(t, "../../testout", playbackChildValue, playbackShotFile, "playback window")
	if len(rects) != 4 {
		t.Fatalf("child reported %d playback tiles, want 4", len(rects))
	}
	uitest.CheckTiles(t, img, rects, "playback tile")
	t.Logf("screenshot: %s", out)
	if *uitest.UpdateShot && !t.Failed() {
		if err := uitest.CopyFile(out, playbackReadme); err != nil {
			t.Fatal(err)
		}
	}
}

func playbackChild() int {
	out, data := os.Getenv(uitest.ShotOutEnv), os.Getenv(uitest.ShotDataEnv)
	if out == "" || data == "" {
		fmt.Fprintln(os.Stderr, "playback child: output or data path missing")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), uitest.ChildDeadline)
	defer cancel()
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "playback child:", err); return 1 }
	// Two recordings with a pause between them: a gap on every timeline.
	from, _, err := record(ctx, data, 4, 3*time.Second)
	if err != nil {
		return fail(err)
	}
	time.Sleep(2 * time.Second)
	_, to, err := record(ctx, data, 4, 3*time.Second)
	if err != nil {
		return fail(err)
	}
	log := uitest.Logger()
	c, stop, err := openSim(ctx, app.Config{DataDir: data, Console: "xvfb-playback", Logger: log}, 4)
	if err != nil {
		return fail(err)
	}
	defer stop()
	why := app.Reason{Kind: app.JustAdmin, Ref: "BM-2026-7", Text: "vandalisme bushokje Markt"}
	inv, err := c.Login(ctx, "recherche", simzone.DemoPassword)
	if err != nil {
		return fail(err)
	}
	held := app.HoldRequest{Cameras: []string{"cam01", "cam02"}, From: from.Add(time.Second), To: from.Add(2500 * time.Millisecond),
		Case: "BM-2026-7", Until: time.Now().Add(90 * 24 * time.Hour)}
	if _, err := c.PlaceHold(ctx, inv, held, why); err != nil {
		return fail(err)
	}
	sess, err := c.Login(ctx, "dispatcher", simzone.DemoPassword)
	if err != nil {
		return fail(err)
	}
	if err := look.SetLanguage("nl"); err != nil {
		return fail(err)
	}
	a := fyneapp.NewWithID("be.politie.zoneconsole.playbacktest")
	a.Settings().SetTheme(look.NewTheme())
	w := a.NewWindow("zoneconsole — terugkijken")
	w.Resize(fyne.NewSize(1440, 900))
	goDo := func(fn func()) { go fn() }
	s := New(look.Env{Ctx: ctx, Sess: sess, W: w, Do: fyne.Do, Go: goDo, Log: log}, c)
	w.SetContent(s.Content())
	return uitest.ShowAndScript(a, w, "playback", 300*time.Millisecond, func() error {
		err := playbackScript(ctx, s, why, from, to, out, filepath.Join(data, "tiles.json"))
		fyne.Do(s.Stop)
		return err
	})
}

func playbackScript(ctx context.Context, s *Screen, why app.Reason, from, to time.Time, out, tilesPath string) error {
	onUI := func(fn func()) { fyne.DoAndWait(fn) }
	at := to.Add(-1500 * time.Millisecond)
	onUI(func() {
		s.setReason(why)
		var labels []string
		for _, cam := range s.c.Zone().Cameras[:4] {
			labels = append(labels, cam.ID+" — "+cam.Name)
		}
		s.picker.SetSelected(labels)
		s.zoomBy(len(zooms), at) // a minute
		s.v.centre(from.Add(to.Sub(from)/2), zooms[s.zoom])
		s.selectPeriod(from.Add(500*time.Millisecond), to.Add(-500*time.Millisecond))
		s.jump.SetText(at.Local().Format(entryLayout))
		s.seek(at)
		s.fetchTimelines()
	})
	err := uitest.WaitFor(ctx, "four tiles with a picture and the timelines", 60*time.Second, func() bool {
		if len(s.tiles) != 4 {
			return false
		}
		for i, t := range s.tiles {
			if t.front == nil || len(s.lines[i].recorded) == 0 {
				return false
			}
		}
		return len(s.lines[0].gaps) > 0 && len(s.lines[0].held) > 0
	})
	if err != nil {
		return err
	}
	time.Sleep(800 * time.Millisecond)
	var rects []uitest.TileRect
	onUI(func() {
		objs, cams := make([]fyne.CanvasObject, len(s.tiles)), make([]string, len(s.tiles))
		for i, t := range s.tiles {
			objs[i], cams[i] = t, t.cam.ID
		}
		rects = uitest.Rects(s.env.W, objs, cams)
	})
	if err := uitest.WriteRects(tilesPath, rects); err != nil {
		return err
	}
	return uitest.Grab(ctx, s.env.W, out)
}
