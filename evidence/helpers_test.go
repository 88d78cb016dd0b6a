package evidence

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
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
	dir, err := os.MkdirTemp("", "evidence-footage-")
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

// needTool finds a command-line tool; missing, the test fails on CI
// (CI=true) and is skipped elsewhere.
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

// probe is what ffprobe says of a clip.
type probe struct {
	duration time.Duration
	frames   int
	codec    string
	width    int
}

func ffprobe(t testing.TB, path string) probe {
	t.Helper()
	out, err := exec.Command(needTool(t, "ffprobe"), "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,nb_read_frames:format=duration",
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

// testKey is a fixed Ed25519 key, so that runs are comparable.
func testKey(seed byte) ed25519.PrivateKey {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed + byte(i)
	}
	return ed25519.NewKeyFromSeed(s)
}

// request is an export of the footage from 1.3 s into the first segment to
// 1.2 s before the end of the last, into a fresh folder.
func request(t testing.TB, f *recorded, masks []zone.Mask) Request {
	t.Helper()
	// Inside the first and the last segment, whatever their length: on a
	// busy machine the last one, cut at Close, can be shorter than a second.
	first, last := f.segs[0], f.segs[len(f.segs)-1]
	from := first.Start.Add(min(1300*time.Millisecond, first.End.Sub(first.Start)/2))
	to := last.End.Add(-min(1200*time.Millisecond, last.End.Sub(last.Start)/2))
	return Request{
		Dir: filepath.Join(t.TempDir(), "export-1"), RecordingsDir: f.recordingsDir(),
		Cameras: []CameraClip{{ID: f.camera, Name: "Grote Markt", Segments: f.segs, Masks: masks}},
		From:    from, To: to, Who: "inspecteur.peeters", Justification: "aggression, Grote Markt",
		Case: "PV-2026-001234", Authorisation: "", Console: "console-1", Key: testKey(1),
		Now: func() time.Time { return time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) },
	}
}
