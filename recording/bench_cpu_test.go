package recording

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/video"
)

var (
	benchStreams = flag.Int("rec.streams", 4, "main streams recorded by BenchmarkRecordCPU (16 for the issue's figure)")
	benchSeconds = flag.Int("rec.seconds", 15, "seconds each side of BenchmarkRecordCPU records")
)

const simChildEnv = "RECORDING_BENCH_SIM_CAMERAS"

// TestBenchSimChild serves the simulated zone for BenchmarkRecordCPU in a
// process of its own, so that encoding the streams is not counted as the
// recorder's CPU. It prints the main URLs and runs until stdin closes.
func TestBenchSimChild(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv(simChildEnv))
	if n == 0 {
		t.Skip("only run as the child of BenchmarkRecordCPU")
	}
	z, err := sim.Start(context.Background(), sim.Config{Cameras: n, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, c := range z.Cameras() {
		fmt.Printf("URL %s %s\n", c.ID, c.WithCredentials(c.MainURL))
	}
	fmt.Println("READY")
	io.Copy(io.Discard, os.Stdin) //nolint:errcheck // EOF is the signal
}

func cpuOf(ru *syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return cpuOf(&ru)
}

func dirBytes(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error { //nolint:errcheck // a best-effort sum
		if err == nil && !fi.IsDir() && strings.HasSuffix(fi.Name(), ".mp4") {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// BenchmarkRecordCPU records N main streams of the simulated zone (served by
// a child process) with our recorder, then with N `ffmpeg -c copy -f
// segment` processes, for the same time each, and reports the CPU of both in
// cores and their ratio, plus bytes written per byte received.
// Run with -benchtime 1x; -rec.streams 16 for the figure.
func BenchmarkRecordCPU(b *testing.B) {
	ff := needTool(b, "ffmpeg")
	n, d := *benchStreams, time.Duration(*benchSeconds)*time.Second
	child := exec.Command(os.Args[0], "-test.run", "^TestBenchSimChild$")
	child.Env = append(os.Environ(), simChildEnv+"="+strconv.Itoa(n))
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); child.Wait() }()
	var ids, urls []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "URL" {
			ids, urls = append(ids, f[1]), append(urls, f[2])
		}
		if len(f) == 1 && f[0] == "READY" {
			break
		}
	}
	go io.Copy(io.Discard, stdout) //nolint:errcheck

	for range b.N {
		// Ours: one Source per stream (as the console has anyway) and the
		// recorder on its unit tap.
		dir := b.TempDir()
		svc, err := New(Config{Dir: dir, Logger: testLogger(b)})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var received atomic.Int64
		done := make(chan struct{})
		running := 0
		cpu0 := selfCPU(b)
		t0 := time.Now()
		for i := range ids {
			src := video.NewSource(video.SourceConfig{ID: ids[i], URL: urls[i], Logger: testLogger(b)})
			sub := src.SubscribeUnits(256)
			fwd := make(chan video.Unit, 256)
			running += 2
			go func() { src.Run(ctx); done <- struct{}{} }() //nolint:errcheck // ends with ctx
			go func() {
				defer func() { close(fwd); done <- struct{}{} }()
				for u := range sub.Units() {
					for _, nalu := range u.AU {
						received.Add(int64(len(nalu)))
					}
					fwd <- u
				}
			}()
			if err := svc.Record(ctx, ids[i], "main", fwd); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(d)
		cancel()
		for range running {
			<-done
		}
		svc.Close()
		ours := selfCPU(b) - cpu0
		wall := time.Since(t0)
		written := dirBytes(dir)

		// ffmpeg: the same streams, copied into mp4 segments.
		fdir := b.TempDir()
		var cmds []*exec.Cmd
		f0 := time.Now()
		for i := range urls {
			c := exec.Command(ff, "-hide_banner", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", urls[i],
				"-c", "copy", "-f", "segment", "-segment_time", "900", "-segment_format", "mp4", "-reset_timestamps", "1",
				filepath.Join(fdir, ids[i]+"-%03d.mp4"))
			if err := c.Start(); err != nil {
				b.Fatal(err)
			}
			cmds = append(cmds, c)
		}
		time.Sleep(d)
		var theirs time.Duration
		for _, c := range cmds {
			c.Process.Signal(os.Interrupt) //nolint:errcheck // ffmpeg finishes its files on SIGINT
		}
		for _, c := range cmds {
			c.Wait() //nolint:errcheck // exit status after SIGINT is 255
			if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
				theirs += cpuOf(ru)
			}
		}
		fwall := time.Since(f0)
		oursCores := ours.Seconds() / wall.Seconds()
		theirCores := theirs.Seconds() / fwall.Seconds()
		b.ReportMetric(oursCores, "ours-cores")
		b.ReportMetric(theirCores, "ffmpeg-cores")
		b.ReportMetric(oursCores/theirCores, "ratio")
		b.ReportMetric(float64(received.Load())/wall.Seconds(), "recv-B/s")
		b.ReportMetric(float64(written)/wall.Seconds(), "written-B/s")
		b.ReportMetric(float64(written)/float64(received.Load()), "written/recv")
		fwritten := dirBytes(fdir)
		b.ReportMetric(float64(fwritten)/fwall.Seconds(), "ffmpeg-written-B/s")
		// Per byte stored, in case the two sides did not get the same
		// amount (a saturated simulator, ffmpeg's probing at the start).
		oursPerMB := ours.Seconds() / (float64(written) / 1e6)
		theirsPerMB := theirs.Seconds() / (float64(fwritten) / 1e6)
		b.ReportMetric(oursPerMB*1000, "ours-cpu-ms/MB")
		b.ReportMetric(theirsPerMB*1000, "ffmpeg-cpu-ms/MB")
		b.ReportMetric(oursPerMB/theirsPerMB, "ratio-per-byte")
	}
}
