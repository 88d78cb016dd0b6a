package recording

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/video"
)

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("RECORDING_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// needFFmpeg finds ffmpeg or ffprobe; missing, the test fails on CI and is
// skipped elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required on CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

func startSim(t testing.TB, cameras int) *sim.Zone {
	t.Helper()
	z, err := sim.Start(context.Background(), sim.Config{Cameras: cameras, Seed: 7, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { z.Close() })
	return z
}

// startSource runs a video.Source on url until the test ends.
func startSource(t testing.TB, id, url string) *video.Source {
	t.Helper()
	src := video.NewSource(video.SourceConfig{ID: id, URL: url, Logger: testLogger(t)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run(%s) = %v", id, err)
		}
	})
	return src
}

// probe is what ffprobe says of a file.
type probe struct {
	duration time.Duration
	frames   int
	codec    string
	width    int
	height   int
}

func ffprobe(t testing.TB, path string) probe {
	t.Helper()
	bin := needTool(t, "ffprobe")
	out, err := exec.Command(bin, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,nb_read_frames:format=duration",
		"-of", "default=noprint_wrappers=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", path, err, out)
	}
	var p probe
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		switch k {
		case "codec_name":
			p.codec = v
		case "width":
			p.width, _ = strconv.Atoi(v)
		case "height":
			p.height, _ = strconv.Atoi(v)
		case "nb_read_frames":
			p.frames, _ = strconv.Atoi(v)
		case "duration":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("ffprobe %s: duration %q", path, v)
			}
			p.duration = time.Duration(f * float64(time.Second))
		}
	}
	return p
}

// checkSegments runs ffprobe on every listed segment and compares its
// duration to the index, within one frame interval.
func checkSegments(t testing.TB, svc *Service, camera string, frame time.Duration, codec string) []Segment {
	t.Helper()
	segs, err := svc.Index().List(context.Background(), camera, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		p := ffprobe(t, filepath.Join(svc.Dir(), s.Path))
		idx := s.End.Sub(s.Start)
		if d := p.duration - idx; d > frame || d < -frame {
			t.Errorf("%s: ffprobe duration %v, index %v: more than one frame (%v) apart", s.Path, p.duration, idx, frame)
		}
		if p.codec != codec || p.frames == 0 {
			t.Errorf("%s: ffprobe codec %q frames %d, want %s and frames", s.Path, p.codec, p.frames, codec)
		}
		t.Logf("%s: %d bytes, index %v, ffprobe %v, %d frames %dx%d", s.Path, s.Bytes, idx, p.duration, p.frames, p.width, p.height)
	}
	return segs
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func newService(t testing.TB, dir string, mod func(*Config)) *Service {
	t.Helper()
	cfg := Config{Dir: dir, SegmentLength: 3 * time.Second, Logger: testLogger(t)}
	if mod != nil {
		mod(&cfg)
	}
	svc, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}
