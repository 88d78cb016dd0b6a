package playback

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/video"
)

// recorded is footage of the simulated zone recorded once per test binary
// (recording takes real time): a data directory, the camera and its
// closed segments.
type recorded struct {
	dataDir string
	camera  string
	segs    []recording.Segment
	fps     int
}

func (f *recorded) recordingsDir() string { return filepath.Join(f.dataDir, "recordings") }

type footageCache struct {
	once sync.Once
	f    *recorded
	err  string
}

// The cache lives for one test binary: the recording is expensive and every
// test only reads it (tests that damage files work on a copy).
var cache footageCache

func TestMain(m *testing.M) {
	code := m.Run()
	if cache.f != nil {
		os.RemoveAll(cache.f.dataDir)
	}
	os.Exit(code)
}

// footage records about d of camera 1's 720p main stream in segments of
// segLen through recording.Service, once.
func footage(t testing.TB) *recorded {
	t.Helper()
	cache.once.Do(func() {
		f, err := recordSim(9*time.Second, 3*time.Second)
		if err != "" {
			cache.err = err
			return
		}
		cache.f = f
	})
	if cache.err != "" {
		t.Fatal(cache.err)
	}
	return cache.f
}

func recordSim(d, segLen time.Duration) (*recorded, string) {
	log := slog.New(slog.DiscardHandler)
	z, err := sim.Start(context.Background(), sim.Config{Cameras: 1, Seed: 7, Logger: log})
	if err != nil {
		return nil, "sim.Start: " + err.Error()
	}
	defer z.Close()
	cam := z.Cameras()[0]
	src := video.NewSource(video.SourceConfig{ID: cam.ID, URL: cam.WithCredentials(cam.MainURL), Logger: log})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	defer func() { cancel(); <-done }()
	sub := src.SubscribeUnits(512)
	defer sub.Close()
	dir, err := os.MkdirTemp("", "playback-footage-")
	if err != nil {
		return nil, err.Error()
	}
	svc, err := recording.New(recording.Config{Dir: dir, SegmentLength: segLen, Logger: log})
	if err != nil {
		return nil, "recording.New: " + err.Error()
	}
	if err := svc.Record(ctx, cam.ID, "main", sub.Units()); err != nil {
		svc.Close()
		return nil, err.Error()
	}
	deadline := time.Now().Add(d + 20*time.Second)
	for !svc.Status(cam.ID).Recording {
		if time.Now().After(deadline) {
			svc.Close()
			return nil, "camera never recorded"
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(d)
	if err := svc.Close(); err != nil {
		return nil, "recording Close: " + err.Error()
	}
	idx, err := recording.OpenIndexReadOnly(filepath.Join(dir, "recordings.db"))
	if err != nil {
		return nil, err.Error()
	}
	defer idx.Close()
	segs, err := idx.List(context.Background(), cam.ID, time.Time{}, time.Time{})
	if err != nil {
		return nil, err.Error()
	}
	if len(segs) < 2 {
		return nil, "fewer than 2 segments recorded"
	}
	return &recorded{dataDir: dir, camera: cam.ID, segs: segs, fps: 15}, ""
}

// frameInterval is one frame at the simulator's rate.
func (f *recorded) frameInterval() time.Duration { return time.Second / time.Duration(f.fps) }

// copyFootage copies the recordings directory into a fresh one for a test
// that damages files.
func copyFootage(t testing.TB, f *recorded) string {
	t.Helper()
	dst := t.TempDir()
	for _, s := range f.segs {
		b, err := os.ReadFile(filepath.Join(f.recordingsDir(), s.Path))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, filepath.FromSlash(s.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
