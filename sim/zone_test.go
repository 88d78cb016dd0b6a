package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, c := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(c); err != nil {
			t.Fatalf("%s not found: the sim tests use it as a real RTSP peer (apt-get install ffmpeg)", c)
		}
	}
}

func startZone(t testing.TB, cfg Config) *Zone {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		if testing.Verbose() {
			cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	}
	z, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := z.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return z
}

type probeOut struct {
	Streams []struct {
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
	} `json:"streams"`
}

func ffprobe(ctx context.Context, url string) (probeOut, error) {
	var out probeOut
	cmd := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-rtsp_transport", "tcp",
		"-show_entries", "stream=codec_name,width,height", "-of", "json", url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("ffprobe %s: %w: %s", url, err, stderr.String())
	}
	return out, json.Unmarshal(b, &out)
}

// grabFrames pulls n decoded frames as PNGs through ffmpeg.
func grabFrames(ctx context.Context, url string, n int) ([]image.Image, error) {
	cmd := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-rtsp_transport", "tcp", "-i", url,
		"-frames:v", fmt.Sprint(n), "-fps_mode", "passthrough", "-f", "image2pipe", "-vcodec", "png", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg %s: %w: %s", url, err, stderr.String())
	}
	var imgs []image.Image
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		img, err := png.Decode(r)
		if err != nil {
			return imgs, fmt.Errorf("png %d: %w", len(imgs), err)
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

func TestStreamsProbe(t *testing.T) {
	needFFmpeg(t)
	z := startZone(t, Config{Cameras: 3})
	cams := z.Cameras()
	if len(cams) != 3 {
		t.Fatalf("Cameras() = %d, want 3", len(cams))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct {
		url  string
		w, h int
	}{{cams[0].MainURL, 1280, 720}, {cams[0].SubURL, 640, 360}, {cams[2].SubURL, 640, 360}} {
		p, err := ffprobe(ctx, tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Streams) != 1 || p.Streams[0].CodecName != "h264" || p.Streams[0].Width != tc.w || p.Streams[0].Height != tc.h {
			t.Errorf("ffprobe %s = %+v, want one h264 %dx%d", tc.url, p.Streams, tc.w, tc.h)
		}
	}
}

func TestStampsThroughFFmpeg(t *testing.T) {
	needFFmpeg(t)
	z := startZone(t, Config{Cameras: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, url := range []string{z.Cameras()[0].SubURL, z.Cameras()[1].MainURL} {
		started := time.Now()
		imgs, err := grabFrames(ctx, url, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(imgs) != 5 {
			t.Fatalf("%s: got %d frames, want 5", url, len(imgs))
		}
		now := time.Now()
		var last uint64
		for i, img := range imgs {
			s, ok := ReadStamp(img)
			if !ok {
				t.Fatalf("%s frame %d: no stamp", url, i)
			}
			if i > 0 && s.Seq <= last {
				t.Errorf("%s frame %d: seq %d after %d", url, i, s.Seq, last)
			}
			last = s.Seq
			// Live frames: rendered after ffmpeg started, before it ended.
			// (ffmpeg may buffer them for seconds while it probes.)
			if s.Captured.Before(started.Add(-time.Millisecond)) || s.Captured.After(now) {
				t.Errorf("%s frame %d: captured %v, not between %v and %v", url, i, s.Captured, started, now)
			}
			t.Logf("%s frame %d: seq %d captured %v", url, i, s.Seq, s.Captured.Format("15:04:05.000"))
		}
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	z, err := Start(context.Background(), Config{Cameras: 2})
	if err != nil {
		t.Fatal(err)
	}
	r, err := openReader(t, z.Cameras()[0].SubURL)
	if err != nil {
		t.Fatal(err)
	}
	if !waitFor(3*time.Second, func() bool { return r.count() > 0 }) {
		t.Fatal("no frame")
	}
	r.close()
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if !waitFor(3*time.Second, func() bool { return runtime.NumGoroutine() <= before }) {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before Start, %d after Close:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	}
}

func TestStartContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	z, err := Start(ctx, Config{Cameras: 1})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	done := make(chan error, 1)
	go func() { done <- z.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs after the context ended")
	}
}

func TestUDPTransport(t *testing.T) {
	needFFmpeg(t)
	z := startZone(t, Config{Cameras: 1, UDP: true})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-rtsp_transport", "udp", "-i", z.Cameras()[0].SubURL,
		"-frames:v", "3", "-f", "image2pipe", "-vcodec", "png", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg over UDP: %v: %s", err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ReadStamp(img); !ok {
		t.Error("no stamp in a frame received over UDP")
	}
}

func TestStartRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"too many cameras", Config{Cameras: 1000}},
		{"absurd fps", Config{FPS: 1000}},
		{"bad address", Config{Addr: "256.0.0.1:99999"}},
		{"truth path in a file", Config{TruthPath: "/dev/null/truth.jsonl"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z, err := Start(context.Background(), tc.cfg)
			if err == nil {
				z.Close()
				t.Fatalf("Start(%+v) succeeded", tc.cfg)
			}
		})
	}
}
