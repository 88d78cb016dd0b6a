package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
)

// The round screenshot runs the real window (GLFW/OpenGL) in a child
// process of the test binary, like the wall's: GLFW must own the main
// thread. The child is picked in init, which runs on the main goroutine
// before TestMain, so this file needs no change to the wall's TestMain.
const (
	roundChildValue = "round"
	roundShotFile   = "round.png"
	roundReadme     = "../assets/screenshots/round.png"
)

func init() {
	if os.Getenv(childEnv) == roundChildValue {
		os.Exit(roundChild())
	}
}

func TestRoundWindowScreenshot(t *testing.T) {
	out, img, rects := runWindowChild(t, roundChildValue, roundShotFile, "round window")
	if len(rects) != 4 {
		t.Fatalf("child reported %d round tiles, want 4 (a 2x2 step)", len(rects))
	}
	for i, r := range rects {
		area := image.Rect(r.X+4, r.Y+40, r.X+r.W-4, r.Y+r.H-4).Intersect(img.Bounds())
		if area.Dx() < 100 || area.Dy() < 60 {
			t.Errorf("round tile %d (%s): area %v too small in %v", i+1, r.Camera, area, img.Bounds())
			continue
		}
		sd, busy := pictureStats(img, area)
		t.Logf("round tile %d (%s): luma stddev %.1f, %.0f%% off the background", i+1, r.Camera, sd, 100*busy)
		if sd < 12 || busy < 0.5 {
			t.Errorf("round tile %d (%s) looks blank: stddev %.1f, %.0f%% off the background", i+1, r.Camera, sd, 100*busy)
		}
	}
	if *updateShot && !t.Failed() {
		if err := copyFile(out, roundReadme); err != nil {
			t.Fatal(err)
		}
		t.Logf("round screenshot updated: %s", roundReadme)
	}
}

// roundChild opens the rounds screen in a real window, starts a round whose
// first step is a 2x2 of the simulated cameras, and grabs the window.
func roundChild() int {
	out, data := os.Getenv(shotOutEnv), os.Getenv(shotDataEnv)
	if out == "" || data == "" {
		fmt.Fprintln(os.Stderr, "round child: output or data path missing")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), childDeadline)
	defer cancel()
	log := testLogger()
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
	if err := setLanguage("nl"); err != nil {
		fmt.Fprintln(os.Stderr, "round child:", err)
		return 1
	}
	a := fyneapp.NewWithID(AppID + ".roundtest")
	a.Settings().SetTheme(newTheme())
	w := a.NewWindow("zoneconsole — rondes")
	w.Resize(fyne.NewSize(1280, 800))
	goDo := func(fn func()) { go fn() }
	rs := newRoundsView(ctx, c, sess, w, fyne.Do, goDo, log)
	w.SetContent(rs.content)
	var scriptErr error
	done := make(chan struct{})
	a.Lifecycle().SetOnStarted(func() {
		go func() {
			defer close(done)
			scriptErr = roundScript(ctx, rs, r.Name, out, filepath.Join(data, "tiles.json"))
			fyne.Do(func() {
				if rs.run != nil {
					rs.stop()
				}
			})
			time.Sleep(300 * time.Millisecond)
			fyne.Do(w.Close)
		}()
	})
	w.ShowAndRun()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		scriptErr = errors.Join(scriptErr, errors.New("script did not finish"))
	}
	if scriptErr != nil {
		fmt.Fprintln(os.Stderr, "round child:", scriptErr)
		return 1
	}
	return 0
}

func roundScript(ctx context.Context, rs *roundsScreen, name, out, tilesPath string) error {
	onUI := func(fn func()) { fyne.DoAndWait(fn) }
	waitFor := func(what string, limit time.Duration, cond func() bool) error {
		deadline := time.Now().Add(limit)
		for {
			ok := false
			onUI(func() { ok = cond() })
			if ok {
				return nil
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("timed out waiting for %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if err := waitFor("the rounds list", 20*time.Second, func() bool { return len(rs.rounds) > 0 }); err != nil {
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
	err := waitFor("four live round tiles", 60*time.Second, func() bool {
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
	var rects []tileRect
	var winW, winH int
	onUI(func() {
		sz, scale := rs.w.Canvas().Size(), rs.w.Canvas().Scale()
		winW, winH = int(sz.Width*scale), int(sz.Height*scale)
		d := fyne.CurrentApp().Driver()
		st := rs.run.State()
		for i, t := range rs.tiles {
			p, sz := d.AbsolutePositionForObject(t), t.Size()
			rects = append(rects, tileRect{Camera: st.Slots[i].Camera.ID, X: int(p.X * scale), Y: int(p.Y * scale),
				W: int(sz.Width * scale), H: int(sz.Height * scale)})
		}
	})
	b, err := json.Marshal(rects)
	if err != nil {
		return err
	}
	if err := os.WriteFile(tilesPath, b, 0o644); err != nil {
		return err
	}
	grab := exec.CommandContext(ctx, "ffmpeg", "-y", "-loglevel", "error", "-f", "x11grab", "-draw_mouse", "0",
		"-video_size", fmt.Sprintf("%dx%d", winW&^1, winH&^1), "-i", os.Getenv("DISPLAY")+"+0,0", "-frames:v", "1", out)
	if msg, err := grab.CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg x11grab: %v: %s", err, msg)
	}
	return nil
}
