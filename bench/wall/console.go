//go:build bench

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
	"github.com/politiezone/zoneconsole/ui/wall"
	"github.com/politiezone/zoneconsole/zone"
)

// status is what the console child tells the parent once a second.
type status struct {
	At      time.Time `json:"at"`
	Live    int       `json:"live"`    // tiles of the layout live with at least one frame
	Frames  []uint64  `json:"frames"`  // frames painted per live tile, largest first (see frameCounts)
	Caption []int     `json:"caption"` // the painted fps each tile's caption shows (0: none yet)
	Tiles   []rect    `json:"tiles"`   // the shown tiles, in screen pixels
	Error   string    `json:"error,omitempty"`
}

type rect struct{ X, Y, W, H int }

// consoleChild is the console as `zoneconsole run` builds it, minus the
// login screen and the other tabs: app.Open on the simulator's zone file,
// a dispatcher's session, and the wall tab (ui/wall, the same Screen the
// shell puts in its wall tab) in a real GLFW window. The login is done in
// code because the console has no way to log in without a human; the
// justification prompt is confirmed through the wall's own Prompt.
// Recording is off and no plate reader models are given, so the CPU is the
// wall's: connecting, decoding, scaling and painting.
func consoleChild(dataDir, mode string, tiles int) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	z, err := zone.LoadZone(filepath.Join(dataDir, "sim", "zone.toml"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "console child: the simulator's zone file: %v\n", err)
		return 1
	}
	c, err := app.Open(ctx, app.Config{DataDir: dataDir, Zone: z, Console: "bench", Logger: log,
		ANPRModels: filepath.Join(dataDir, "no-anpr-models")})
	if err != nil {
		fmt.Fprintf(os.Stderr, "console child: opening the console: %v\n", err)
		return 1
	}
	defer c.Close()
	sess, err := c.Login(ctx, "dispatcher", "demo")
	if err != nil {
		fmt.Fprintf(os.Stderr, "console child: logging in the demo dispatcher: %v\n", err)
		return 1
	}
	if err := look.SetLanguage("nl"); err != nil {
		fmt.Fprintf(os.Stderr, "console child: %v\n", err)
		return 1
	}
	a := fyneapp.NewWithID("be.politie.zoneconsole.benchwall")
	a.Settings().SetTheme(look.NewTheme())
	w := a.NewWindow("zoneconsole — bench wall")
	// The whole screen of the benchmark's Xvfb (no window manager: the
	// window sits at 0,0), as a dispatcher maximises the console.
	w.Resize(fyne.NewSize(1920, 1080))

	var wg sync.WaitGroup
	goDo := func(fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	env := look.Env{Ctx: ctx, Sess: sess, W: w, Do: fyne.Do, Go: goDo, Log: log}
	scr := wall.New(env, c, wall.OpenerOf(c))
	w.SetContent(scr.Content())

	// quit closes the views on the UI thread (each view's end is audited,
	// as when the shell closes the wall tab) before the window goes.
	var quitOnce sync.Once
	quit := func() {
		quitOnce.Do(func() {
			fyne.DoAndWait(scr.Stop)
			fyne.Do(a.Quit)
		})
	}
	code := 0
	a.Lifecycle().SetOnStarted(func() {
		scr.Start(tiles)
		go func() {
			if err := drive(ctx, scr, w, mode, tiles); err != nil {
				report(status{At: time.Now(), Error: err.Error()})
				code = 1
				quit()
			}
		}()
	})
	go func() {
		<-ctx.Done()
		quit()
	}()
	w.ShowAndRun()
	stop()
	wg.Wait()
	return code
}

// drive confirms the justification, waits for the wall to be live,
// enlarges the first tile in mode "enlarged", and then reports the status
// every second until ctx ends.
func drive(ctx context.Context, scr *wall.Screen, w fyne.Window, mode string, tiles int) error {
	if err := waitUI(ctx, "the justification prompt", 30*time.Second, func() bool { return scr.Prompt() != nil }); err != nil {
		return err
	}
	fyne.DoAndWait(func() { scr.Prompt().Confirm() })
	if err := waitUI(ctx, fmt.Sprintf("%d live tiles", tiles), 60*time.Second, func() bool { return scr.Live(1) >= tiles }); err != nil {
		return err
	}
	want := tiles
	if mode == "enlarged" {
		// A double click, as the dispatcher enlarges a tile: the tile goes
		// to its main stream and the others' views end.
		var err error
		fyne.DoAndWait(func() {
			objs, _ := scr.Tiles()
			dt, ok := objs[0].(fyne.DoubleTappable)
			if !ok {
				err = errors.New("a wall tile does not take a double tap")
				return
			}
			dt.DoubleTapped(&fyne.PointEvent{})
		})
		if err != nil {
			return err
		}
		want = 1
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var st status
		fyne.DoAndWait(func() { st = snapshot(scr, w, mode, want) })
		report(st)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// snapshot reads the wall on the UI thread.
func snapshot(scr *wall.Screen, w fyne.Window, mode string, want int) status {
	st := status{At: time.Now(), Live: scr.Live(1), Frames: frameCounts(scr, want)}
	objs, _ := scr.Tiles()
	if mode == "enlarged" {
		objs = objs[:1]
	}
	scale := w.Canvas().Scale()
	d := fyne.CurrentApp().Driver()
	for _, o := range objs {
		p, sz := d.AbsolutePositionForObject(o), o.Size()
		st.Tiles = append(st.Tiles, rect{X: int(p.X * scale), Y: int(p.Y * scale), W: int(sz.Width * scale), H: int(sz.Height * scale)})
		st.Caption = append(st.Caption, captionFPS(o))
	}
	return st
}

// frameCounts recovers the frames painted by each of the n busiest tiles
// from Screen.Live (how many tiles have painted at least k frames), which
// is all the wall exports: the i-th largest count is the largest k with
// Live(k) > i. Their sum over a window is the frames the wall painted.
func frameCounts(scr *wall.Screen, n int) []uint64 {
	var out []uint64
	for i := 0; i < n; i++ {
		lo, hi := uint64(0), uint64(1)
		for scr.Live(hi) > i {
			hi *= 2
		}
		// Live(lo) > i and Live(hi) <= i (Live(0) counts every live tile).
		if scr.Live(lo) <= i {
			out = append(out, 0)
			continue
		}
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			if scr.Live(mid) > i {
				lo = mid
			} else {
				hi = mid
			}
		}
		out = append(out, lo)
	}
	return out
}

var fpsText = regexp.MustCompile(`(\d+) fps`)

// captionFPS is the painted-frames figure in a tile's caption (ui/wall
// fps.go), read from the caption's text: the wall exports no other. A
// tile's renderer only wraps its content, so a new one sees the same
// objects the window draws.
func captionFPS(o fyne.CanvasObject) int {
	wid, ok := o.(fyne.Widget)
	if !ok {
		return 0
	}
	fps := 0
	var walk func(objs []fyne.CanvasObject)
	walk = func(objs []fyne.CanvasObject) {
		for _, obj := range objs {
			switch v := obj.(type) {
			case *canvas.Text:
				if m := fpsText.FindStringSubmatch(v.Text); m != nil {
					fps, _ = strconv.Atoi(m[1])
				}
			case *fyne.Container:
				walk(v.Objects)
			}
		}
	}
	walk(wid.CreateRenderer().Objects())
	return fps
}

var reportMu sync.Mutex

func report(st status) {
	b, err := json.Marshal(st)
	if err != nil {
		b = []byte(`{"error":"status not encoded"}`)
	}
	reportMu.Lock()
	defer reportMu.Unlock()
	fmt.Printf("status %s\n", b)
}

// waitUI polls cond on the UI thread until it holds.
func waitUI(ctx context.Context, what string, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
