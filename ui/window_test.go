package ui

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
)

// The window test runs the real console (GLFW/OpenGL, not the test driver)
// in a child process of the test binary: GLFW must own the process's main
// thread, which only TestMain has. The child logs in, confirms the
// justification, waits for live frames on a 2x2 wall and grabs the X display
// with ffmpeg; the parent checks the picture.
const (
	childEnv      = "ZONECONSOLE_UI_CHILD"
	shotOutEnv    = "ZONECONSOLE_SHOT_OUT"
	shotDataEnv   = "ZONECONSOLE_SHOT_DATA"
	requireEnv    = "ZONECONSOLE_REQUIRE_DISPLAY"
	shotFile      = "wall-2x2.png"
	readmeShot    = "../assets/screenshots/wall.png"
	childDeadline = 120 * time.Second
)

var updateShot = flag.Bool("update", false, "copy the window test's screenshot to assets/screenshots/wall.png")

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "wall" {
		os.Exit(wallChild())
	}
	os.Exit(m.Run())
}

// tileRect is a tile's place in the captured picture, in pixels.
type tileRect struct {
	Camera     string
	X, Y, W, H int
}

func TestWindowWallScreenshot(t *testing.T) {
	out, img, rects := runWindowChild(t, "wall", shotFile, "window")
	if len(rects) != 4 {
		t.Fatalf("child reported %d tiles, want 4", len(rects))
	}
	for i, r := range rects {
		// Leave out the caption bar and the border: the picture is below.
		area := image.Rect(r.X+4, r.Y+40, r.X+r.W-4, r.Y+r.H-4).Intersect(img.Bounds())
		if area.Dx() < 100 || area.Dy() < 60 {
			t.Errorf("tile %d (%s): area %v too small in a %v picture", i+1, r.Camera, area, img.Bounds())
			continue
		}
		sd, busy := pictureStats(img, area)
		t.Logf("tile %d (%s) at %v: luma stddev %.1f, %.0f%% of pixels off the tile background", i+1, r.Camera, area, sd, 100*busy)
		if sd < 12 || busy < 0.5 {
			t.Errorf("tile %d (%s) looks blank: luma stddev %.1f, %.0f%% of pixels off the background", i+1, r.Camera, sd, 100*busy)
		}
	}
	if *updateShot && !t.Failed() {
		if err := copyFile(out, readmeShot); err != nil {
			t.Fatal(err)
		}
		t.Logf("README screenshot updated: %s", readmeShot)
	}
}

// runWindowChild runs the test binary again as the window child named child
// (the value of childEnv), which writes its screenshot to ../testout/file
// and the tile positions to tiles.json in its data directory. It returns
// the screenshot's path, the picture and the tile positions; what names
// the window in messages. Without DISPLAY it skips, or fails when
// ZONECONSOLE_REQUIRE_DISPLAY=1.
func runWindowChild(t *testing.T, child, file, what string) (string, image.Image, []tileRect) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%s=1 but DISPLAY is not set: run under xvfb-run (make test does)", requireEnv)
		}
		t.Skipf("no DISPLAY: the %s test needs X (make test runs it under xvfb-run)", what)
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatalf("ffmpeg is needed to grab the X display: %v", err)
	}
	outDir, err := filepath.Abs("../testout")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(outDir, file)
	_ = os.Remove(out)
	data := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), childDeadline+10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+child, shotOutEnv+"="+out, shotDataEnv+"="+data, "FYNE_SCALE=1")
	if l := os.Getenv("LANG"); l == "" || l == "C" {
		cmd.Env = append(cmd.Env, "LANG=C.UTF-8")
	}
	start := time.Now()
	logs, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s child failed after %s: %v\n%s", what, time.Since(start).Round(time.Millisecond), err, logs)
	}
	t.Logf("%s child took %s", what, time.Since(start).Round(time.Millisecond))
	for _, line := range strings.Split(string(logs), "\n") {
		if strings.HasPrefix(line, "phase ") {
			t.Log(line)
		}
	}

	img := readPNG(t, out)
	var rects []tileRect
	b, err := os.ReadFile(filepath.Join(data, "tiles.json"))
	if err != nil {
		t.Fatalf("tile positions: %v\n%s", err, logs)
	}
	if err := json.Unmarshal(b, &rects); err != nil {
		t.Fatal(err)
	}
	return out, img, rects
}

// pictureStats gives the standard deviation of luma over r and the share of
// pixels that differ visibly from the empty tile's background.
func pictureStats(img image.Image, r image.Rectangle) (stddev, busy float64) {
	var sum, sq float64
	var n, off int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			r8, g8, b8 := float64(cr>>8), float64(cg>>8), float64(cb>>8)
			l := 0.299*r8 + 0.587*g8 + 0.114*b8
			sum += l
			sq += l * l
			n++
			if math.Abs(r8-float64(colTileBg.R))+math.Abs(g8-float64(colTileBg.G))+math.Abs(b8-float64(colTileBg.B)) > 24 {
				off++
			}
		}
	}
	mean := sum / float64(n)
	return math.Sqrt(math.Max(0, sq/float64(n)-mean*mean)), float64(off) / float64(n)
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	return img
}

func copyFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// wallChild is the child process: the real window on the main thread.
func wallChild() int {
	out, data := os.Getenv(shotOutEnv), os.Getenv(shotDataEnv)
	if out == "" || data == "" {
		fmt.Fprintln(os.Stderr, "window child: output or data path missing")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), childDeadline)
	defer cancel()
	log := testLogger()
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
	onUI(func() {
		s.login.user.SetText("dispatcher")
		s.login.password.SetText(simzone.DemoPassword)
		s.login.submit()
	})
	if err := waitFor("the justification prompt", 30*time.Second, func() bool { return s.prompt != nil }); err != nil {
		return err
	}
	phase("justification prompt")
	onUI(func() { s.prompt.confirm.OnTapped() })
	err := waitFor("four live tiles", 60*time.Second, func() bool {
		if s.main == nil || s.main.wall == nil || s.main.wall.n != 2 {
			return false
		}
		for _, t := range s.main.wall.visible() {
			if t.state != stLive || t.frames() < 5 {
				return false
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	phase("four live tiles")
	// Let the last frames reach the screen before grabbing it.
	time.Sleep(800 * time.Millisecond)
	var rects []tileRect
	var winW, winH int
	onUI(func() {
		sz, scale := s.w.Canvas().Size(), s.w.Canvas().Scale()
		winW, winH = int(sz.Width*scale), int(sz.Height*scale)
		d := fyne.CurrentApp().Driver()
		for _, t := range s.main.wall.visible() {
			p, sz := d.AbsolutePositionForObject(t), t.Size()
			cam, _ := t.camera()
			rects = append(rects, tileRect{Camera: cam.ID, X: int(p.X * scale), Y: int(p.Y * scale),
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
	// With no window manager the window sits at the screen's origin; grab
	// just the window, without the pointer.
	grab := exec.CommandContext(ctx, "ffmpeg", "-y", "-loglevel", "error", "-f", "x11grab", "-draw_mouse", "0",
		"-video_size", fmt.Sprintf("%dx%d", winW&^1, winH&^1), "-i", os.Getenv("DISPLAY")+"+0,0", "-frames:v", "1", out)
	if msg, err := grab.CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg x11grab: %v: %s", err, msg)
	}
	phase("screen grabbed")
	return nil
}
