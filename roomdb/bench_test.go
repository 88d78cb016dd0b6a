package roomdb_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/roomdb"
)

// BenchmarkAuditAppend: four consoles (each its own pool and writer, as
// four processes would be) append to the room's one chain at once, every
// entry committed durably (synchronous_commit on, fsync on) before its
// Append returns. one-caller: one Append at a time per console, the
// latency floor (a transaction and an fsync each, in turn); single: 16 callers per console, one entry per Append
// (the writer group-commits what waits); batch64: 4 callers per console,
// 64 entries per AppendBatch. Target: ≥ 5 000 appends/s together.
func BenchmarkAuditAppend(b *testing.B) {
	_, open := newRoom(b)
	var consoles []*roomdb.Room
	for i := range 4 {
		consoles = append(consoles, open(fmt.Sprintf("pos-%d", i+1)))
	}
	for _, bc := range []struct {
		name           string
		callers, batch int
	}{
		{"one-caller", 1, 1},
		{"single", 16, 1},
		{"batch64", 4, 64},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			var taken atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, len(consoles)*bc.callers)
			b.ResetTimer()
			for ci, c := range consoles {
				for g := range bc.callers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						es := make([]audit.Entry, bc.batch)
						for {
							n := taken.Add(int64(bc.batch))
							if n-int64(bc.batch) >= int64(b.N) {
								return
							}
							for i := range es {
								es[i] = entry(fmt.Sprintf("pos-%d", ci+1), fmt.Sprintf("user%d", g), int(n)+i)
							}
							if _, err := c.Audit().AppendBatch(ctx, es); err != nil {
								errs <- err
								return
							}
						}
					}()
				}
			}
			wg.Wait()
			b.StopTimer()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			rep, err := consoles[0].Audit().Verify(ctx)
			if err != nil {
				b.Fatalf("Verify: %v", err)
			}
			// Takes are whole batches: the last one may run past b.N.
			appended := (b.N + bc.batch - 1) / bc.batch * bc.batch
			b.ReportMetric(float64(appended)/b.Elapsed().Seconds(), "appends/s")
			b.ReportMetric(float64(rep.Entries), "chain-entries")
		})
	}
}

// BenchmarkNotifyLatency: the time from a console opening (or closing) a
// view, commit included, to the event reaching another console's listener:
// "who watches what" at the team chief's console. idle: nothing else runs;
// audit-load: two other consoles append audit entries all along. Reports
// p50, p95 and max in ms. Target: p95 ≤ 500 ms.
func BenchmarkNotifyLatency(b *testing.B) {
	_, open := newRoom(b)
	pos, chief := open("pos-1"), open("chief")
	load := []*roomdb.Room{open("pos-2"), open("pos-3")}
	for _, withLoad := range []bool{false, true} {
		name := "idle"
		if withLoad {
			name = "audit-load"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			l, err := chief.Listen(ctx, roomdb.ChannelViews)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close(ctx)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			if withLoad {
				for ci, c := range load {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; ; i++ {
							select {
							case <-stop:
								return
							default:
							}
							if _, err := c.Audit().Append(ctx, entry(fmt.Sprintf("pos-%d", ci+2), "load", i)); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
			}
			defer func() { close(stop); wg.Wait() }()
			lat := make([]time.Duration, 0, 2*b.N)
			wait := func(want roomdb.EventKind, id int64, start time.Time) {
				wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				for {
					ev, err := l.Next(wctx)
					if err != nil {
						b.Fatalf("waiting for %s of view %d: %v", want, id, err)
					}
					if ev.Kind == want && ev.View.ID == id {
						lat = append(lat, time.Since(start))
						return
					}
				}
			}
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				v, err := pos.OpenView(ctx, roomdb.View{User: "anna", Camera: fmt.Sprintf("cam-%d", i%16), Reason: "benchmark"})
				if err != nil {
					b.Fatal(err)
				}
				wait(roomdb.ViewOpened, v.ID, start)
				start = time.Now()
				if err := pos.CloseView(ctx, v.ID); err != nil {
					b.Fatal(err)
				}
				wait(roomdb.ViewClosed, v.ID, start)
			}
			b.StopTimer()
			reportLatencies(b, lat)
		})
	}
}
