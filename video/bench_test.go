package video

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/sim"
)

// The benchmarks run the simulator in a child process (this test binary,
// re-executed into TestHelperSimProcess), so that its rendering and encoding
// do not count as our CPU: getrusage(RUSAGE_SELF) then measures only our
// receive + decode + RGBA + fan-out path, and /proc/PID/stat measures each
// ffmpeg reference decoder the same way.

const simHelperEnv = "VIDEO_SIM_HELPER_CAMERAS"

// TestHelperSimProcess is not a test: it is the simulator child of the
// benchmarks. It prints one "URL <sub url>" line per camera, then "READY",
// and serves until its stdin closes.
func TestHelperSimProcess(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(simHelperEnv))
	if err != nil {
		return // a normal test run
	}
	z, err := sim.Start(context.Background(), sim.Config{Cameras: n, Seed: 7})
	if err != nil {
		fmt.Printf("ERROR %v\n", err)
		os.Exit(1)
	}
	for _, c := range z.Cameras() {
		u := c.SubURL
		if c.Username != "" {
			u = c.WithCredentials(u)
		}
		fmt.Printf("URL %s\n", u)
	}
	fmt.Println("READY")
	_, _ = io.Copy(io.Discard, os.Stdin)
	z.Close()
	os.Exit(0)
}

// startSimProcess starts the simulator child and returns its stream URLs.
func startSimProcess(b *testing.B, cameras int) ([]string, int) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSimProcess$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", simHelperEnv, cameras))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	var urls []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if u, ok := strings.CutPrefix(line, "URL "); ok {
			urls = append(urls, u)
		}
		if line == "READY" {
			break
		}
		if strings.HasPrefix(line, "ERROR") {
			b.Fatalf("sim child: %s", line)
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if len(urls) != cameras {
		b.Fatalf("sim child gave %d URLs, want %d", len(urls), cameras)
	}
	return urls, cmd.Process.Pid
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU reads utime+stime of a process from /proc (clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// procRSS returns VmRSS of a process in bytes ("self" for us).
func procStatus(pid, key string) int64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

type decodeRun struct {
	units   uint64 // access units received (ours only): decoded < received means we lost some
	errors  uint64
	frames  uint64
	cpu     time.Duration
	wall    time.Duration
	rss     int64
	maxHWM  int64
	dropped uint64
}

func (r decodeRun) fps() float64    { return float64(r.frames) / r.wall.Seconds() }
func (r decodeRun) cores() float64  { return r.cpu.Seconds() / r.wall.Seconds() }
func (r decodeRun) perCPU() float64 { return float64(r.frames) / max(r.cpu.Seconds(), 1e-9) }

// runOurs decodes urls with Sources and one consuming subscriber each.
func runOurs(b *testing.B, urls []string, window time.Duration) decodeRun {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var srcs []*Source
	for i, u := range urls {
		s := NewSource(SourceConfig{ID: fmt.Sprintf("bench%02d", i), URL: u})
		srcs = append(srcs, s)
		sub := s.Subscribe()
		wg.Add(2)
		go func() { defer wg.Done(); _ = s.Run(ctx) }()
		go func() {
			defer wg.Done()
			defer sub.Close()
			for {
				select {
				case <-ctx.Done():
					return
				case <-sub.Ready():
					sub.Latest().Release()
				}
			}
		}()
	}
	defer func() { cancel(); wg.Wait() }()
	// Warm up: every stream delivering, past the connect and first IDR.
	deadline := time.Now().Add(20 * time.Second)
	for _, s := range srcs {
		for s.Status().Frames < 5 {
			if time.Now().After(deadline) {
				b.Fatalf("source %s: no frames after 20 s (state %v, err %v)", s.ID(), s.Status().State, s.Status().Err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	sum := func() (f, d, u, e uint64) {
		for _, s := range srcs {
			st := s.Status()
			f += st.Frames
			d += st.Dropped
			u += st.Units
			e += st.Errors
		}
		return f, d, u, e
	}
	f0, d0, u0, e0 := sum()
	c0, t0 := selfCPU(), time.Now()
	time.Sleep(window)
	f1, d1, u1, e1 := sum()
	return decodeRun{frames: f1 - f0, units: u1 - u0, errors: e1 - e0, cpu: selfCPU() - c0, wall: time.Since(t0),
		rss: procStatus("self", "VmRSS"), maxHWM: procStatus("self", "VmHWM"), dropped: d1 - d0}
}

// ffmpegProc is one reference decoder with its progress counter.
type ffmpegProc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	frame uint64
	done  chan struct{}
}

func (p *ffmpegProc) frames() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frame
}

// runFFmpeg decodes urls with one `ffmpeg -threads 1 ... -f null -` each;
// with rgba it also converts to RGBA, as our path does.
func runFFmpeg(b *testing.B, urls []string, window time.Duration, rgba bool) decodeRun {
	var procs []*ffmpegProc
	defer func() {
		for _, p := range procs {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}()
	for _, u := range urls {
		args := []string{"-hide_banner", "-loglevel", "error", "-nostats",
			"-progress", "pipe:1", "-stats_period", "0.25",
			"-threads", "1", "-rtsp_transport", "tcp", "-i", u, "-threads", "1"}
		if rgba {
			args = append(args, "-pix_fmt", "rgba")
		}
		cmd := exec.Command("ffmpeg", append(args, "-f", "null", "-")...)
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatalf("ffmpeg: %v", err)
		}
		p := &ffmpegProc{cmd: cmd, done: make(chan struct{})}
		procs = append(procs, p)
		go func() {
			defer close(p.done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "frame="); ok {
					n, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
					p.mu.Lock()
					p.frame = n
					p.mu.Unlock()
				}
			}
			_ = cmd.Wait()
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, p := range procs {
		for p.frames() < 5 {
			if time.Now().After(deadline) {
				b.Fatalf("ffmpeg pid %d: no frames after 20 s", p.cmd.Process.Pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	sum := func() (f uint64, cpu time.Duration) {
		for _, p := range procs {
			f += p.frames()
			cpu += procCPU(p.cmd.Process.Pid)
		}
		return f, cpu
	}
	f0, c0 := sum()
	t0 := time.Now()
	time.Sleep(window)
	f1, c1 := sum()
	var rss int64
	for _, p := range procs {
		rss += procStatus(strconv.Itoa(p.cmd.Process.Pid), "VmRSS")
	}
	return decodeRun{frames: f1 - f0, cpu: c1 - c0, wall: time.Since(t0), rss: rss}
}

// BenchmarkDecodeSubStreams decodes N sub streams (640x360, 15 fps) of the
// simulator for 10 s with our Sources, then with N ffmpeg processes, and
// reports both and their ratio. Run it once:
//
//	go test -run '^$' -bench BenchmarkDecodeSubStreams -benchtime 1x ./video/
func BenchmarkDecodeSubStreams(b *testing.B) {
	window := 10 * time.Second
	if v := os.Getenv("VIDEO_BENCH_WINDOW"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			window = d
		}
	}
	urls, simPID := startSimProcess(b, 16)
	header := fmt.Sprintf("window %v per side. ours = Source+Decoder+RGBA+fan-out, CPU of this process (sim is a child);\n"+
		"ffmpeg = N x `ffmpeg -threads 1 -rtsp_transport tcp -i URL -f null -`; ffmpeg+rgba adds `-pix_fmt rgba` (the conversion we also do)\n"+
		"  N | ours fps  cores fr/cpu-s RSS-MB | ffmpeg fps  cores fr/cpu-s RSS-MB | ffmpeg+rgba fps cores fr/cpu-s | ours/ffmpeg fps fr/cpu | ours/ffmpeg+rgba fr/cpu | sim cores | ours: received AUs", window)
	var rows []string
	for _, n := range []int{1, 4, 9, 16} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			for b.Loop() {
				simCPU0 := procCPU(simPID)
				ours := runOurs(b, urls[:n], window)
				simCores := (procCPU(simPID) - simCPU0).Seconds() / ours.wall.Seconds()
				ref := runFFmpeg(b, urls[:n], window, false)
				rgba := runFFmpeg(b, urls[:n], window, true)
				b.ReportMetric(ours.fps(), "frames/s")
				b.ReportMetric(ours.cores(), "cores")
				b.ReportMetric(float64(ours.rss)/(1<<20), "RSS-MB")
				b.ReportMetric(ref.fps(), "ffmpeg-frames/s")
				b.ReportMetric(ref.cores(), "ffmpeg-cores")
				b.ReportMetric(ours.fps()/ref.fps(), "ratio-fps")
				b.ReportMetric(ours.perCPU()/ref.perCPU(), "ratio-frames/cpu-s")
				b.ReportMetric(ours.perCPU()/rgba.perCPU(), "ratio-rgba-frames/cpu-s")
				row := fmt.Sprintf("%3d | %7.1f %6.3f %7.1f %6.0f | %7.1f %6.3f %7.1f %6.0f | %11.1f %6.3f %7.1f | %14.2f %6.2f | %23.2f | %5.2f",
					n, ours.fps(), ours.cores(), ours.perCPU(), float64(ours.rss)/(1<<20),
					ref.fps(), ref.cores(), ref.perCPU(), float64(ref.rss)/(1<<20),
					rgba.fps(), rgba.cores(), rgba.perCPU(),
					ours.fps()/ref.fps(), ours.perCPU()/ref.perCPU(), ours.perCPU()/rgba.perCPU(), simCores)
				row += fmt.Sprintf(" | recv %.1f/s, %d errors, %d dropped", float64(ours.units)/ours.wall.Seconds(), ours.errors, ours.dropped)
				rows = append(rows, row)
				b.Logf("%s\n%s", header, strings.Join(rows, "\n"))
			}
		})
	}
}

// BenchmarkLatency measures capture (the stamp burned in by the simulator) to
// Frame.Decoded over 4 sub streams, p50 and p95.
//
//	go test -run '^$' -bench BenchmarkLatency -benchtime 1x ./video/
func BenchmarkLatency(b *testing.B) {
	urls, _ := startSimProcess(b, 4)
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var mu sync.Mutex
		var decoded, received []time.Duration
		unread := 0
		for i, u := range urls {
			s := NewSource(SourceConfig{ID: fmt.Sprintf("lat%02d", i), URL: u})
			sub := s.Subscribe()
			wg.Add(2)
			go func() { defer wg.Done(); _ = s.Run(ctx) }()
			go func() {
				defer wg.Done()
				defer sub.Close()
				for {
					select {
					case <-ctx.Done():
						return
					case <-sub.Ready():
					}
					f := sub.Latest()
					if f == nil {
						continue
					}
					st, ok := sim.ReadStamp(f.Image)
					mu.Lock()
					if ok {
						decoded = append(decoded, f.Decoded.Sub(st.Captured))
						received = append(received, f.Received.Sub(st.Captured))
					} else {
						unread++
					}
					mu.Unlock()
					f.Release()
				}
			}()
		}
		time.Sleep(2 * time.Second) // connect and first IDR
		mu.Lock()
		decoded, received = decoded[:0], received[:0]
		unread = 0
		mu.Unlock()
		time.Sleep(10 * time.Second)
		cancel()
		wg.Wait()
		if len(decoded) == 0 {
			b.Fatal("no stamped frames")
		}
		slices.Sort(decoded)
		slices.Sort(received)
		pct := func(d []time.Duration, p float64) time.Duration { return d[int(float64(len(d)-1)*p)] }
		b.ReportMetric(float64(pct(decoded, 0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(decoded, 0.95).Microseconds())/1000, "p95-ms")
		b.Logf("4 sub streams, 10 s, %d frames (%d without a readable stamp)\n"+
			"  capture -> Frame.Decoded : p50 %v  p95 %v  max %v\n"+
			"  capture -> Frame.Received: p50 %v  p95 %v  (RTP, depacketising; the rest is decode + RGBA into the pooled frame)",
			len(decoded), unread, pct(decoded, 0.5), pct(decoded, 0.95), decoded[len(decoded)-1],
			pct(received, 0.5), pct(received, 0.95))
	}
}
