//go:build bench

// Command wall measures the video wall the way the issue asks: the whole
// console process's CPU in a real window under X, with 16 tiles of the
// simulator's 640x360 sub streams and with one tile enlarged on its main
// stream; each against ffmpeg decoding and scaling the same streams to the
// same sizes in the same run; whether every tile repaints at the stream's
// rate; and glass-to-glass latency, from the simulator's stamp in the
// picture to the same stamp read back from a grab of the X screen.
//
//	xvfb-run -a -s "-screen 0 1920x1080x24" go run -tags bench ./bench/wall
//
// It is a main package, not a benchmark in a _test.go file, because it is
// three processes: the simulator (its encoding must not count as the
// console's CPU), the console (GLFW must own its process's main thread)
// and this one, which measures both from /proc and runs ffmpeg and the
// screen grabs. The binary runs itself as the two children (benchRole).
//
// The files carry the build tag "bench" so that `go test ./...` and
// `go vet ./...` (make test) neither build nor run it, and the import
// layering check in arch_test.go, which places every package of the
// module, does not see this harness, which imports the simulator, the
// console and the wall together as only main and tests otherwise may.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// benchRole names the child a re-run of this binary is.
const benchRole = "ZONECONSOLE_BENCH_WALL_ROLE"

// The simulator's streams (sim.Camera: main 1280x720, sub 640x360, at its
// default 15 fps, which simzone uses).
var (
	subSize   = image.Pt(640, 360)
	mainSize  = image.Pt(1280, 720)
	streamFPS = 15.0
)

func main() {
	var (
		scenarios = flag.String("scenario", "grid,enlarged", "what to measure: grid (the tiles on their sub streams), enlarged (one tile on its main stream), or both")
		tiles     = flag.Int("tiles", 16, "tiles on the wall (the grid is the smallest square that holds them)")
		warmup    = flag.Duration("warmup", 10*time.Second, "time the wall (and the ffmpeg peer) runs before the CPU is measured")
		window    = flag.Duration("window", 20*time.Second, "time over which the CPU is measured")
		grabs     = flag.Int("grabs", 50, "screen grabs for glass-to-glass latency")
		grabRate  = flag.Int("grab-rate", 5, "screen grabs a second")
		dataDir   = flag.String("data", "", "data directory (children only)")
		mode      = flag.String("mode", "", "scenario (console child only)")
	)
	flag.Parse()
	switch os.Getenv(benchRole) {
	case "sim":
		os.Exit(simChild(*dataDir, *tiles))
	case "console":
		os.Exit(consoleChild(*dataDir, *mode, *tiles))
	}
	if *tiles < 1 || *tiles > 16 || *grabs < 1 || *grabRate < 1 {
		fmt.Fprintln(os.Stderr, "bench/wall: -tiles 1..16, -grabs and -grab-rate at least 1")
		os.Exit(2)
	}
	if os.Getenv("DISPLAY") == "" {
		fmt.Fprintln(os.Stderr, `bench/wall: no DISPLAY: run under xvfb-run -a -s "-screen 0 1920x1080x24"`)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := options{tiles: *tiles, warmup: *warmup, window: *window, grabs: *grabs, grabRate: *grabRate}
	code := 0
	for _, sc := range strings.Split(*scenarios, ",") {
		sc = strings.TrimSpace(sc)
		if sc != "grid" && sc != "enlarged" {
			fmt.Fprintf(os.Stderr, "bench/wall: unknown scenario %q (grid, enlarged)\n", sc)
			os.Exit(2)
		}
		if err := runScenario(ctx, sc, o); err != nil {
			fmt.Printf("wall %s: not measured: %v\n", sc, err)
			code = 1
		}
	}
	os.Exit(code)
}

type options struct {
	tiles           int
	warmup, window  time.Duration
	grabs, grabRate int
}

// child is a process this one started, with its stdout read line by line.
type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when its stdout ends
}

func startChild(ctx context.Context, role, dataDir string, args []string, onLine func(string)) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this binary to run the %s: %w", role, err)
	}
	cmd := exec.Command(self, append([]string{"-data", dataDir}, args...)...)
	cmd.Env = append(os.Environ(), benchRole+"="+role, "FYNE_SCALE=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s: %w", role, err)
	}
	c := &child{name: role, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			onLine(sc.Text())
		}
		io.Copy(io.Discard, out)
	}()
	return c, nil
}

// stop ends the child with SIGTERM (it shuts down cleanly), and kills it
// if it has not ended after a while.
func (c *child) stop() {
	if c.cmd.ProcessState != nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.cmd.Process.Kill()
	}
	c.cmd.Wait()
}

func runScenario(ctx context.Context, mode string, o options) error {
	data, err := os.MkdirTemp("", "benchwall-")
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	defer os.RemoveAll(data)

	// The simulator, with as many cameras as tiles.
	ready := make(chan []simCamera, 1)
	simProc, err := startChild(ctx, "sim", data, []string{"-tiles", fmt.Sprint(o.tiles)}, func(line string) {
		if rest, ok := strings.CutPrefix(line, "ready "); ok {
			var cams []simCamera
			if json.Unmarshal([]byte(rest), &cams) == nil {
				ready <- cams
			}
		}
	})
	if err != nil {
		return err
	}
	defer simProc.stop()
	var cams []simCamera
	select {
	case cams = <-ready:
	case <-simProc.done:
		return errors.New("the simulator ended before it was ready")
	case <-time.After(60 * time.Second):
		return errors.New("the simulator was not ready after 60 s")
	case <-ctx.Done():
		return ctx.Err()
	}
	if len(cams) < o.tiles {
		return fmt.Errorf("the simulator serves %d cameras, the wall needs %d", len(cams), o.tiles)
	}

	// The console.
	var mu sync.Mutex
	var statuses []status
	var childErr string
	conProc, err := startChild(ctx, "console", data, []string{"-mode", mode, "-tiles", fmt.Sprint(o.tiles)}, func(line string) {
		rest, ok := strings.CutPrefix(line, "status ")
		if !ok {
			return
		}
		var st status
		if json.Unmarshal([]byte(rest), &st) != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if st.Error != "" {
			childErr = st.Error
			return
		}
		statuses = append(statuses, st)
	})
	if err != nil {
		return err
	}
	defer conProc.stop()
	want := o.tiles
	if mode == "enlarged" {
		want = 1
	}
	// The first status comes once the wall is live (and enlarged).
	deadline := time.Now().Add(120 * time.Second)
	for {
		mu.Lock()
		n, cerr := len(statuses), childErr
		mu.Unlock()
		if cerr != "" {
			return fmt.Errorf("console: %s", cerr)
		}
		if n > 0 {
			break
		}
		select {
		case <-conProc.done:
			return errors.New("the console ended before its wall was live")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("the console's wall was not live after 120 s")
		}
	}

	// CPU of the console and, for context, of the simulator, over the
	// same window.
	if err := sleep(ctx, o.warmup); err != nil {
		return err
	}
	// The X server's CPU is shown beside the console's, not in it.
	pids := []int{conProc.cmd.Process.Pid, simProc.cmd.Process.Pid}
	xpid := xServer()
	if xpid != 0 {
		pids = append(pids, xpid)
	}
	c0 := make([]float64, len(pids))
	for i, p := range pids {
		if c0[i], err = cpuSeconds(p); err != nil {
			return err
		}
	}
	m0, err := machineBusy()
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := sleep(ctx, o.window); err != nil {
		return err
	}
	cpu := make([]float64, 3)
	dt := time.Since(t0).Seconds()
	t1 := time.Now()
	m1, err := machineBusy()
	if err != nil {
		return err
	}
	machine := (m1 - m0) / dt
	for i, p := range pids {
		c1, err := cpuSeconds(p)
		if err != nil {
			return err
		}
		cpu[i] = (c1 - c0[i]) / dt
	}
	mu.Lock()
	var inWin []status
	for _, st := range statuses {
		if !st.At.Before(t0) && !st.At.After(t1) {
			inWin = append(inWin, st)
		}
	}
	cerr := childErr
	mu.Unlock()
	if cerr != "" {
		return fmt.Errorf("console: %s", cerr)
	}
	if len(inWin) < 2 {
		return fmt.Errorf("the console reported %d statuses in the %s window", len(inWin), o.window)
	}
	first, last := inWin[0], inWin[len(inWin)-1]
	tileRect := last.Tiles[0]

	stream, streamName := subSize, "sub"
	if mode == "enlarged" {
		stream, streamName = mainSize, "main"
	}
	pic := pictureRect(tileRect, stream)

	// Glass-to-glass, while the wall still runs (after the CPU window, so
	// that the grabs' own CPU is not in it).
	lat, grabbed, latErr := latency(ctx, pic, o.grabs, o.grabRate)
	conProc.stop()

	// The ffmpeg peer: the same streams at the same sizes, all at once.
	var urls []string
	var sizes []image.Point
	if mode == "enlarged" {
		urls, sizes = []string{cams[0].Main}, []image.Point{pic.Size()}
	} else {
		for i := 0; i < want; i++ {
			urls = append(urls, cams[i].Sub)
			sizes = append(sizes, pictureRect(last.Tiles[i], subSize).Size())
		}
	}
	peer, peerCmd, peerErr := ffmpegPeer(ctx, urls, sizes, o.warmup, o.window)

	// The figures.
	fmt.Printf("wall %s: %d tile(s) on the %s stream (%dx%d, %.0f fps), window 1920x1080, tile %dx%d px, picture %dx%d\n",
		mode, want, streamName, stream.X, stream.Y, streamFPS, tileRect.W, tileRect.H, pic.Dx(), pic.Dy())
	fmt.Printf("  console CPU (whole process, %s after %s warm-up): %.3f cores\n", o.window, o.warmup, cpu[0])
	xvfb := "not found"
	if xpid != 0 {
		xvfb = fmt.Sprintf("%.3f cores", cpu[2])
	}
	others := machine - cpu[0] - cpu[1] - cpu[2]
	fmt.Printf("  not counted: simulator %.3f cores, X server (Xvfb) %s; whole machine busy %.2f of %d cores, %.2f of them other processes\n",
		cpu[1], xvfb, machine, runtime.NumCPU(), others)
	if others > 0.25 {
		fmt.Printf("  WARNING: other processes used %.2f cores during the window: the console competed for the CPU, so its painted fps is low and its CPU noisy; run on a quiet machine\n", others)
	}
	if peerErr != nil {
		fmt.Printf("  ffmpeg peer: not measured: %v\n", peerErr)
	} else {
		fmt.Printf("  ffmpeg peer (%d at once, e.g. `%s`): %.3f cores; console/ffmpeg %.2fx\n", len(urls), peerCmd, peer, cpu[0]/peer)
	}
	printPainted(first, last, inWin, want)
	switch {
	case latErr != nil && len(lat) == 0:
		fmt.Printf("  glass-to-glass: not measured: %v\n", latErr)
	case len(lat) == 0:
		fmt.Printf("  glass-to-glass: not measured: no stamp read in %d grabs of the picture at %v (the caption may cover the stamp's rows)\n", grabbed, pic)
	default:
		fmt.Printf("  glass-to-glass (stamp rendered -> read from an x11grab of the screen): p50 %s, p95 %s, max %s over %d of %d grabs\n",
			ms(percentile(lat, 0.5)), ms(percentile(lat, 0.95)), ms(percentile(lat, 1)), len(lat), grabbed)
	}
	fmt.Printf("BenchmarkWall/%s\t1\t%.3f console-cores\t%.3f ffmpeg-cores\t%.2f x-ffmpeg\t%.1f min-painted-fps\t%.1f p50-glass-ms\t%.1f p95-glass-ms\n",
		mode, cpu[0], peer, ratio(cpu[0], peer, peerErr), minFPS(first, last, want), msf(percentile(lat, 0.5)), msf(percentile(lat, 0.95)))
	return nil
}

func ratio(a, b float64, err error) float64 {
	if err != nil || b == 0 {
		return 0
	}
	return a / b
}

// printPainted prints how fast the tiles repainted over the window: the
// frames they painted (from Screen.Live; every live tile's count, sorted,
// so the sum is exact and the slowest tile's rate a lower bound taken
// between sorted counts), and the figure each tile's caption showed.
func printPainted(first, last status, win []status, want int) {
	dt := last.At.Sub(first.At).Seconds()
	var f0, f1 uint64
	for _, f := range first.Frames {
		f0 += f
	}
	for _, f := range last.Frames {
		f1 += f
	}
	mean := float64(f1-f0) / dt / float64(want)
	// Caption figure: per tile, the median over the window's statuses.
	var perTile []int
	for i := 0; i < want; i++ {
		var xs []int
		for _, st := range win {
			if i < len(st.Caption) {
				xs = append(xs, st.Caption[i])
			}
		}
		sort.Ints(xs)
		if len(xs) > 0 {
			perTile = append(perTile, xs[len(xs)/2])
		}
	}
	sort.Ints(perTile)
	capLow := 0
	for _, st := range win {
		for i, c := range st.Caption {
			if i < want && (capLow == 0 || c < capLow) {
				capLow = c
			}
		}
	}
	if len(perTile) == 0 {
		fmt.Println("  painted fps: not measured: no caption figure read")
	} else {
		fmt.Printf("  painted fps (tiles' captions, ui/wall fps.go): min %d, median %d over %d tiles (lowest single reading %d); stream %.0f fps\n",
			perTile[0], perTile[len(perTile)/2], len(perTile), capLow, streamFPS)
	}
	fmt.Printf("  painted frames (Screen.Live counts over %.1f s): mean %.2f fps per tile, slowest >= %.2f fps; %d of %d tiles live at the end\n",
		dt, mean, minFPS(first, last, want), last.Live, want)
}

// minFPS is the slowest tile's painted rate as far as Screen.Live tells:
// the smallest count at the end minus the smallest at the start. Live does
// not name the tiles, so this is exact only when the slowest tile is the
// same at both ends (the captions name each tile's figure).
func minFPS(first, last status, want int) float64 {
	if len(first.Frames) < want || len(last.Frames) < want {
		return 0
	}
	dt := last.At.Sub(first.At).Seconds()
	lo := last.Frames[want-1]
	lo0 := first.Frames[want-1]
	if lo < lo0 {
		return 0
	}
	return float64(lo-lo0) / dt
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", msf(d)) }

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
