package uitest

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

	"github.com/politiezone/zoneconsole/ui/look"
)

// The window tests run the real console (GLFW/OpenGL, not the test driver)
// in a child process of the test binary: GLFW must own the process's main
// thread, which only the test binary's start has. The child is named by
// ChildEnv; it writes its screenshot to ShotOutEnv and the tile positions
// to tiles.json in ShotDataEnv.
const (
	ChildEnv      = "ZONECONSOLE_UI_CHILD"
	ShotOutEnv    = "ZONECONSOLE_SHOT_OUT"
	ShotDataEnv   = "ZONECONSOLE_SHOT_DATA"
	requireEnv    = "ZONECONSOLE_REQUIRE_DISPLAY"
	ChildDeadline = 120 * time.Second
)

// UpdateShot: copy the window tests' screenshots to assets/screenshots.
var UpdateShot = flag.Bool("update", false, "copy the window tests' screenshots to assets/screenshots")

// TileRect is a tile's place in the captured picture, in pixels.
type TileRect struct {
	Camera     string
	X, Y, W, H int
}

// RunWindowChild runs the test binary again as the window child named child
// (the value of ChildEnv), which writes its screenshot to ../testout/file
// and the tile positions to tiles.json in its data directory. It returns
// the screenshot's path, the picture and the tile positions; what names
// the window in messages. Without DISPLAY it skips, or fails when
// ZONECONSOLE_REQUIRE_DISPLAY=1.
func RunWindowChild(t *testing.T, outDir, child, file, what string) (string, image.Image, []TileRect) {
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
	outDir, err := filepath.Abs(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(outDir, file)
	_ = os.Remove(out)
	data := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), ChildDeadline+10*time.Second)
	defer cancel()
	// Each child gets an X server of its own when xvfb-run is there (make
	// deps installs it): the window tests of several packages run at once,
	// and on one shared display a grab could catch another test's window
	// lying over this one.
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	if xr, err := exec.LookPath("xvfb-run"); err == nil {
		cmd = exec.CommandContext(ctx, xr, "-a", "-s", "-screen 0 1920x1080x24", os.Args[0], "-test.run=^$")
	}
	cmd.Env = append(os.Environ(), ChildEnv+"="+child, ShotOutEnv+"="+out, ShotDataEnv+"="+data, "FYNE_SCALE=1")
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

	img := ReadPNG(t, out)
	var rects []TileRect
	b, err := os.ReadFile(filepath.Join(data, "tiles.json"))
	if err != nil {
		t.Fatalf("tile positions: %v\n%s", err, logs)
	}
	if err := json.Unmarshal(b, &rects); err != nil {
		t.Fatal(err)
	}
	return out, img, rects
}

// PictureStats gives the standard deviation of luma over r and the share of
// pixels that differ visibly from the empty tile's background.
func PictureStats(img image.Image, r image.Rectangle) (stddev, busy float64) {
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
			if math.Abs(r8-float64(look.ColTileBg.R))+math.Abs(g8-float64(look.ColTileBg.G))+math.Abs(b8-float64(look.ColTileBg.B)) > 24 {
				off++
			}
		}
	}
	mean := sum / float64(n)
	return math.Sqrt(math.Max(0, sq/float64(n)-mean*mean)), float64(off) / float64(n)
}

func ReadPNG(t *testing.T, path string) image.Image {
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

func CopyFile(from, to string) error {
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

// Grab writes the window w, at the screen's origin (no window manager),
// without the pointer, to out with ffmpeg's x11grab. Call it off the UI
// thread.
func Grab(ctx context.Context, w fyne.Window, out string) error {
	var winW, winH int
	fyne.DoAndWait(func() {
		sz, scale := w.Canvas().Size(), w.Canvas().Scale()
		winW, winH = int(sz.Width*scale), int(sz.Height*scale)
	})
	grab := exec.CommandContext(ctx, "ffmpeg", "-y", "-loglevel", "error", "-f", "x11grab", "-draw_mouse", "0",
		"-video_size", fmt.Sprintf("%dx%d", winW&^1, winH&^1), "-i", os.Getenv("DISPLAY")+"+0,0", "-frames:v", "1", out)
	if msg, err := grab.CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg x11grab: %v: %s", err, msg)
	}
	return nil
}

// Rects are the places of objs on w's canvas, in pixels, each named by its
// camera; call it on the UI thread.
func Rects(w fyne.Window, objs []fyne.CanvasObject, cams []string) []TileRect {
	scale := w.Canvas().Scale()
	d := fyne.CurrentApp().Driver()
	var rects []TileRect
	for i, o := range objs {
		p, sz := d.AbsolutePositionForObject(o), o.Size()
		rects = append(rects, TileRect{Camera: cams[i], X: int(p.X * scale), Y: int(p.Y * scale),
			W: int(sz.Width * scale), H: int(sz.Height * scale)})
	}
	return rects
}

// WriteRects writes the tile places for the parent (tiles.json).
func WriteRects(path string, rects []TileRect) error {
	b, err := json.Marshal(rects)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// WaitFor polls cond on the UI thread until it holds, limit passes or ctx
// ends.
func WaitFor(ctx context.Context, what string, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// CheckTiles checks that every tile of a screenshot shows a picture.
func CheckTiles(t *testing.T, img image.Image, rects []TileRect, what string) {
	t.Helper()
	for i, r := range rects {
		// Leave out the caption bar and the border: the picture is below.
		area := image.Rect(r.X+4, r.Y+40, r.X+r.W-4, r.Y+r.H-4).Intersect(img.Bounds())
		if area.Dx() < 100 || area.Dy() < 60 {
			t.Errorf("%s %d (%s): area %v too small in a %v picture", what, i+1, r.Camera, area, img.Bounds())
			continue
		}
		sd, busy := PictureStats(img, area)
		t.Logf("%s %d (%s) at %v: luma stddev %.1f, %.0f%% of pixels off the tile background", what, i+1, r.Camera, area, sd, 100*busy)
		if sd < 12 || busy < 0.5 {
			t.Errorf("%s %d (%s) looks blank: luma stddev %.1f, %.0f%% of pixels off the background", what, i+1, r.Camera, sd, 100*busy)
		}
	}
}

// ShowAndScript is the body of a window child: it shows w, runs script
// off the UI thread once the window has started, closes the window settle
// after it, and gives the child's exit code: 0, or 1 with the script's
// error (or one that did not finish within 5 s) on stderr, as what.
func ShowAndScript(a fyne.App, w fyne.Window, what string, settle time.Duration, script func() error) int {
	var scriptErr error
	done := make(chan struct{})
	a.Lifecycle().SetOnStarted(func() {
		go func() {
			defer close(done)
			scriptErr = script()
			time.Sleep(settle)
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
		fmt.Fprintln(os.Stderr, what+" child:", scriptErr)
		return 1
	}
	return 0
}
