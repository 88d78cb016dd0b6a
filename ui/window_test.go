package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/wall"
)

// The window test runs the real console in a child process of the test
// binary (uitest.RunWindowChild): the child logs in, confirms the
// justification, waits for live frames on a 2x2 wall and grabs the X
// display with ffmpeg; the parent checks the picture.
const (
	shotFile   = "wall-2x2.png"
	readmeShot = "../assets/screenshots/wall.png"
)

func TestMain(m *testing.M) {
	if os.Getenv(uitest.ChildEnv) == "wall" {
		os.Exit(wallChild())
	}
	os.Exit(m.Run())
}

func TestWindowWallScreenshot(t *testing.T) {
	out, img, rects := uitest.RunWindowChild(t, "../testout", "wall", shotFile, "window")
	if len(rects) != 4 {
		t.Fatalf("child reported %d tiles, want 4", len(rects))
	}
	uitest.CheckTiles(t, img, rects, "tile")
	if *uitest.UpdateShot && !t.Failed() {
		if err := uitest.CopyFile(out, readmeShot); err != nil {
			t.Fatal(err)
		}
		t.Logf("README screenshot updated: %s", readmeShot)
	}
}

// wallChild is the child process: the real window on the main thread.
func wallChild() int {
	out, data := os.Getenv(uitest.ShotOutEnv), os.Getenv(uitest.ShotDataEnv)
	if out == "" || data == "" {
		fmt.Fprintln(os.Stderr, "window child: output or data path missing")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), uitest.ChildDeadline)
	defer cancel()
	log := uitest.Logger()
	c, err := openSim(ctx, nil, app.Config{DataDir: data, Console: "xvfb-test", Logger: log}, 4)
	if err != nil {
		fmt.Fprintln(os.Stderr, "window child: app.Open:", err)
		return 1
	}
	var scriptErr error
	done := make(chan struct{})
	opts := Options{Language: "nl", Logger: log, onReady: func(s *shell) {
		go func() {
			defer close(done)
			scriptErr = wallScript(ctx, s, out, filepath.Join(data, "tiles.json"))
			if scriptErr != nil {
				cancel()
				return
			}
			// Close the window as the user would: every view must end.
			fyne.Do(s.w.Close)
		}()
	}}
	start := time.Now()
	runErr := Run(ctx, c, opts)
	fmt.Fprintf(os.Stderr, "phase %-28s %6dms\n", "window closed", time.Since(start).Milliseconds())
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		scriptErr = errors.Join(scriptErr, errors.New("script did not finish"))
	}
	openErr := checkAllClosed(c)
	closeErr := c.Close()
	fmt.Fprintf(os.Stderr, "phase %-28s %6dms\n", "console closed", time.Since(start).Milliseconds())
	if err := errors.Join(runErr, scriptErr, openErr, closeErr); err != nil {
		fmt.Fprintln(os.Stderr, "window child:", err)
		return 1
	}
	return 0
}

// checkAllClosed reads the audit trail: after the window closed, every
// live.start has its live.stop.
func checkAllClosed(c *app.Console) error {
	ctx := context.Background()
	boss, err := c.Login(ctx, "teamchef", simzone.DemoPassword)
	if err != nil {
		return err
	}
	defer c.Logout(ctx, boss)
	es, err := c.Review(ctx, boss, app.ReviewFilter{User: "dispatcher"})
	if err != nil {
		return err
	}
	open := map[string]int{}
	for _, e := range es {
		switch e.Action {
		case "live.start":
			if e.Outcome == "allowed" {
				open[e.Subject]++
			}
		case "live.stop":
			open[e.Subject]--
		}
	}
	if len(open) != 4 {
		return fmt.Errorf("audit shows %d cameras opened, want 4", len(open))
	}
	for subj, n := range open {
		if n != 0 {
			return fmt.Errorf("%s: %d live views not closed after the window closed", subj, n)
		}
	}
	return nil
}

// wallScript does what a dispatcher does at the start of a shift, through
// the same widgets, then grabs the screen once four tiles are live.
func wallScript(ctx context.Context, s *shell, out, tilesPath string) error {
	t0 := time.Now()
	phase := func(what string) { fmt.Fprintf(os.Stderr, "phase %-28s %6dms\n", what, time.Since(t0).Milliseconds()) }
	onUI := func(fn func()) { fyne.DoAndWait(fn) }
	onUI(func() {
		s.login.user.SetText("dispatcher")
		s.login.password.SetText(simzone.DemoPassword)
		s.login.submit()
	})
	var prompt *wall.Prompt
	if err := uitest.WaitFor(ctx, "the justification prompt", 30*time.Second, func() bool {
		if s.main != nil && s.main.wall != nil {
			prompt = s.main.wall.Prompt()
		}
		return prompt != nil
	}); err != nil {
		return err
	}
	phase("justification prompt")
	onUI(prompt.Confirm)
	err := uitest.WaitFor(ctx, "four live tiles", 60*time.Second, func() bool {
		return s.main != nil && s.main.wall != nil && s.main.wall.Layout() == 2 && s.main.wall.Live(5) == 4
	})
	if err != nil {
		return err
	}
	phase("four live tiles")
	// Let the last frames reach the screen before grabbing it.
	time.Sleep(800 * time.Millisecond)
	var rects []uitest.TileRect
	onUI(func() {
		objs, cams := s.main.wall.Tiles()
		rects = uitest.Rects(s.w, objs, cams)
	})
	if err := uitest.WriteRects(tilesPath, rects); err != nil {
		return err
	}
	if err := uitest.Grab(ctx, s.w, out); err != nil {
		return err
	}
	phase("screen grabbed")
	return nil
}
