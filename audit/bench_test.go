package audit

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// The benchmarks do a fixed amount of work whatever b.N is, so that
// `go test -run '^$' -bench . -benchtime 1x ./audit/` gives real figures in a
// few minutes. Every append is durable (WAL, synchronous=FULL, head file
// synced twice per group commit) unless the name says nohead.

func benchAppend(b *testing.B, opt Options, workers, perWorker, batch int) {
	f := newFixture(b)
	l := f.open(b, opt)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			es := make([]Entry, batch)
			for i := 0; i < perWorker; i += batch {
				for j := range es {
					es[j] = sample(w*perWorker + i + j)
				}
				var err error
				if batch == 1 {
					_, err = l.Append(ctx, es[0])
				} else {
					_, err = l.AppendBatch(ctx, es)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	n := workers * perWorker
	b.ReportMetric(float64(n)/el.Seconds(), "appends/s")
	b.ReportMetric(float64(el.Microseconds())/float64(n/batch/workers), "µs/call")
}

func BenchmarkAppend(b *testing.B) {
	for _, c := range []struct {
		name                      string
		noHead                    bool
		workers, perWorker, batch int
	}{
		{"single", false, 1, 2000, 1},
		{"single-nohead", true, 1, 2000, 1},
		{"concurrent16", false, 16, 500, 1},
		{"concurrent16-nohead", true, 16, 500, 1},
		{"batch100", false, 1, 100_000, 100},
		{"batch1000", false, 1, 200_000, 1000},
		{"batch1000-nohead", true, 1, 200_000, 1000},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchAppend(b, Options{noHead: c.noHead}, c.workers, c.perWorker, c.batch)
		})
	}
}

const million = 1_000_000

// BenchmarkMillion builds a store of one million entries once, then
// measures Verify over it and the review queries' p95 latency.
func BenchmarkMillion(b *testing.B) {
	f := newFixture(b)
	start := time.Now()
	f.build(b, million, Options{})
	buildRate := float64(million) / time.Since(start).Seconds()
	for _, c := range []struct {
		name   string
		ranges int
	}{{"verify", 0}, {"verify-1range", 1}} {
		b.Run(c.name, func(b *testing.B) {
			r, err := OpenReader(f.db, Options{KeyPath: f.key})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			r.ranges = c.ranges
			runtime.GC() // leave the fixture's garbage out of the figure
			b.ResetTimer()
			start, c0 := time.Now(), cpuNow()
			rep, err := r.Verify(context.Background())
			el, cpu := time.Since(start), cpuNow()-c0
			if err != nil || rep.Entries != million {
				b.Fatalf("Verify = %+v, %v", rep, err)
			}
			b.ReportMetric(el.Seconds(), "s/verify")
			b.ReportMetric(float64(million)/el.Seconds(), "entries/s")
			b.ReportMetric(cpu.Seconds(), "cpu-s/verify")
			// A parent benchmark's own metrics are not printed; the
			// fixture's build rate (AppendBatch of 5000, durable) is here.
			b.ReportMetric(buildRate, "fixture-appends/s")
		})
	}
	// Open verifies the whole chain before the console may append (a
	// store broken mid-way must not be written on): this is what that
	// costs at start, Close included.
	b.Run("open", func(b *testing.B) {
		runtime.GC()
		b.ResetTimer()
		start, c0 := time.Now(), cpuNow()
		l, err := Open(f.db, Options{KeyPath: f.key})
		if err != nil {
			b.Fatal(err)
		}
		el, cpu := time.Since(start), cpuNow()-c0
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(el.Seconds(), "s/open")
		b.ReportMetric(cpu.Seconds(), "cpu-s/open")
	})
	b.Run("query", func(b *testing.B) {
		r, err := OpenReader(f.db, Options{KeyPath: f.key})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		end := t0.Add(million * 1500 * time.Millisecond) // the fixture spans ~17 days
		var lat []time.Duration
		rows := 0
		b.ResetTimer()
		for i := range 40 {
			day := t0.Add(time.Duration(i%16) * 24 * time.Hour)
			for _, fl := range []Filter{
				{From: day, To: day.Add(24 * time.Hour), User: fmt.Sprintf("user%d", i%7), Limit: 1000},
				{From: day, To: day.Add(7 * 24 * time.Hour), Subject: fmt.Sprintf("camera:cam%02d", i%16), Limit: 1000},
				{From: t0, To: end, Subject: fmt.Sprintf("camera:cam%02d", i%16), User: fmt.Sprintf("user%d", i%7), Limit: 500},
				{From: day, To: day.Add(8 * time.Hour), JustKind: "judicial", Limit: 1000},
				{From: day, To: day.Add(24 * time.Hour), Actions: []Action{ActExport, ActPlayback}, Limit: 1000},
				{From: day, To: day.Add(time.Hour)},
				{Limit: 200},
			} {
				s := time.Now()
				es, err := r.Query(context.Background(), fl)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(s))
				rows += len(es)
			}
		}
		b.StopTimer()
		slices.Sort(lat)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
		b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms")
		b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
		b.ReportMetric(float64(rows)/float64(len(lat)), "rows/query")
	})
}
