package sim

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRenderEncode measures what one frame costs the zone: drawing
// the scene into the encoder's picture, then libx264. Reports ms/frame for
// each part; the CPU budget is 2 cores shared with decoding and ANPR.
func BenchmarkRenderEncode(b *testing.B) {
	ttf, _ := loadFontBytes()
	for _, cam := range []int{2, 0} { // cam03: ANPR road, cam01: Markt
		spec := specFor(cam)
		for k, sz := range streamSizes {
			b.Run(cameraID(cam)+"/"+streamNames[k], func(b *testing.B) {
				id := cameraID(cam)
				sched := newSchedule(1, id, spec.scene)
				r, err := newRenderer(spec, id, sched, sz[0], sz[1], ttf)
				if err != nil {
					b.Fatal(err)
				}
				enc, err := newEncoder(sz[0], sz[1], 15, 15, streamCRF[k])
				if err != nil {
					b.Fatal(err)
				}
				defer enc.close()
				var buf []byte
				var render, encode time.Duration
				var bytes int
				epoch := time.Now()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					pic, err := enc.picture()
					if err != nil {
						b.Fatal(err)
					}
					// Scene time advances at 15 fps whatever the real time.
					st := time.Duration(i) * time.Second / 15
					t0 := time.Now()
					r.draw(pic, st, uint64(i), epoch.Add(st))
					t1 := time.Now()
					buf, err = enc.encode(buf[:0], int64(st)*90000/int64(time.Second), i%15 == 0)
					if err != nil {
						b.Fatal(err)
					}
					t2 := time.Now()
					render += t1.Sub(t0)
					encode += t2.Sub(t1)
					bytes += len(buf)
				}
				n := float64(b.N)
				b.ReportMetric(float64(render.Microseconds())/1000/n, "render-ms/frame")
				b.ReportMetric(float64(encode.Microseconds())/1000/n, "encode-ms/frame")
				b.ReportMetric(float64(bytes)*8*15/n/1000, "kbit/s@15fps")
			})
		}
	}
}

// BenchmarkZoneCPU runs a whole zone with readers (gortsplib clients that
// do not decode) on every sub stream and on the ANPR main streams, the
// console's usual load, and reports the process's CPU use per wall second.
func BenchmarkZoneCPU(b *testing.B) {
	for _, n := range []int{8, 16} {
		b.Run(fmt.Sprintf("cameras=%d", n), func(b *testing.B) {
			z := startZone(b, Config{Cameras: n})
			var readers []*testReader
			open := func(url string) {
				r, err := openReader(b, url)
				if err != nil {
					b.Fatal(err)
				}
				readers = append(readers, r)
			}
			for _, c := range z.Cameras() {
				if c.Username != "" {
					c.SubURL = c.WithCredentials(c.SubURL)
					c.MainURL = c.WithCredentials(c.MainURL)
				}
				open(c.SubURL)
				if c.ANPR {
					open(c.MainURL)
				}
			}
			time.Sleep(time.Second) // encoders open, first keyframes out
			var ru0, ru1 syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			t0 := time.Now()
			frames0 := 0
			for _, r := range readers {
				frames0 += r.count()
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				time.Sleep(time.Second)
			}
			wall := time.Since(t0)
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()) + time.Duration(ru1.Stime.Nano()-ru0.Stime.Nano())
			frames := -frames0
			for _, r := range readers {
				frames += r.count()
			}
			b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu-s/s")
			b.ReportMetric(float64(frames)/wall.Seconds()/float64(len(readers)), "fps/stream")
			b.ReportMetric(float64(len(readers)), "streams")
		})
	}
}
