package anpr

import (
	"context"
	"image"
	"syscall"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr/internal/platetest"
)

// cpuTime is the process's user+system CPU time.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchFrames are 1280x720 frames like an ANPR camera's: most with one
// plate of 160-300 px, some with none.
func benchFrames(tb testing.TB) []image.Image {
	fonts := platetest.Fonts()
	cases := platetest.Cases(8, 99)
	var out []image.Image
	for i, c := range cases {
		w := 160 + 20*i
		img, _, err := platetest.Photo(platetest.Spec{Display: c.Display, Country: c.Band, Font: fonts[i%len(fonts)],
			Ink: c.Ink, Paper: c.Paper, PlateW: w, Angle: float64(i%3 - 1), Noise: 3, W: 1280, H: 720, Seed: int64(i)})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, img)
		if i%4 == 3 { // a frame with no vehicle: the street between cars
			empty, _, _ := platetest.Photo(platetest.Spec{Display: "", Font: fonts[0], PlateW: 10, W: 1280, H: 720, Seed: int64(100 + i)})
			out = append(out, empty)
		}
	}
	return out
}

// BenchmarkReadFrame720p: frames/s of 1280x720 per core. Wall time on a
// shared machine lies, so the per-core figure is frames per CPU-second of
// the whole process (ONNX Runtime runs one thread per inference).
//
//	go test -run XXX -bench ReadFrame -cpu 1 ./anpr/
func BenchmarkReadFrame720p(b *testing.B) {
	r := newTestReader(b, DetectFast)
	frames := benchFrames(b)
	ctx := context.Background()
	reads := 0
	for _, f := range frames { // warm up
		if _, err := r.Read(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime(b)
	for i := 0; i < b.N; i++ {
		rs, err := r.Read(ctx, frames[i%len(frames)])
		if err != nil {
			b.Fatal(err)
		}
		reads += len(rs)
	}
	cpu := cpuTime(b) - c0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "frames/cpu-s")
	b.ReportMetric(float64(reads)/b.Elapsed().Seconds(), "reads/s")
}

// BenchmarkReadPhoto: `anpr read` on 1600x1200 photographs (all
// detectors, syntax-free fallback).
//
//	go test -run XXX -bench ReadPhoto -cpu 1 ./anpr/
func BenchmarkReadPhoto(b *testing.B) {
	r, err := NewReader(Config{ModelDir: modelDir(b), Detector: DetectAll, AnyFormat: true})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	fonts := platetest.Fonts()
	var photos []image.Image
	for i, c := range platetest.Cases(6, 5) {
		img, _, err := platetest.Photo(platetest.Spec{Display: c.Display, Country: c.Band, Font: fonts[i%len(fonts)], Ink: c.Ink,
			Paper: c.Paper, PlateW: 260 + 30*i, Angle: float64(i - 3), Noise: 3, W: 1600, H: 1200, Seed: int64(i)})
		if err != nil {
			b.Fatal(err)
		}
		photos = append(photos, img)
	}
	ctx := context.Background()
	b.ResetTimer()
	c0 := cpuTime(b)
	for i := 0; i < b.N; i++ {
		if _, err := r.Read(ctx, photos[i%len(photos)]); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime(b) - c0
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/photo")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "photos/s")
}
