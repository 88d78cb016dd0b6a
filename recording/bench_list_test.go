package recording

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// BenchmarkListHour finds the segments of one hour of one camera in a
// year's index of 16 cameras at 15 min segments (35,040 per camera,
// 560,640 rows). Target: p95 ≤ 20 ms.
func BenchmarkListHour(b *testing.B) {
	const cameras, perCamera = 16, 35040
	dir := b.TempDir()
	x, err := OpenIndex(filepath.Join(dir, "recordings.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO segments(camera, stream, seq, start_ns, end_ns, path, bytes, sha256, prev, chain) VALUES(?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		b.Fatal(err)
	}
	h := make([]byte, 32)
	for c := range cameras {
		cam := fmt.Sprintf("cam%02d", c+1)
		for i := range perCamera {
			start := t0.Add(time.Duration(i) * 15 * time.Minute)
			if _, err := st.ExecContext(ctx, cam, "main", i+1, ns(start), ns(start.Add(15*time.Minute)),
				fmt.Sprintf("%s/%d.mp4", cam, i), 112_000_000, h, h, h); err != nil {
				b.Fatal(err)
			}
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		cam := fmt.Sprintf("cam%02d", rng.IntN(cameras)+1)
		// Any minute of the year, so the hour straddles segments.
		from := t0.Add(time.Duration(rng.IntN(perCamera*15-60)) * time.Minute)
		t1 := time.Now()
		segs, err := x.List(ctx, cam, from, from.Add(time.Hour))
		lat = append(lat, time.Since(t1))
		if err != nil || len(segs) < 4 || len(segs) > 5 {
			b.Fatalf("List(%s, %v, +1h) = %d segments, %v; want 4 or 5", cam, from, len(segs), err)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p95 := lat[len(lat)*95/100]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}
