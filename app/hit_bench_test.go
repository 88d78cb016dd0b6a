package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkReadToAlert measures, on the simulated zone with the real reader,
// the time from the frame of the first matching read to the alert in the
// subscriber's hands (p50/p95; target p95 <= 1 s), and how many listed
// plates that passed an ANPR camera raised no alert. Each iteration makes
// 12 listed plates pass the zone's ANPR cameras.
//
//	go test -run '^$' -bench BenchmarkReadToAlert -benchtime 1x ./app/
func BenchmarkReadToAlert(b *testing.B) {
	c := dispatchConsole(b)
	const perRound = 12
	letters := "BCDFGHJKLNPRSTVXY"
	var plates []string
	var body strings.Builder
	for i := 0; i < perRound*b.N; i++ {
		d := fmt.Sprintf("2-%c%c%c-%03d", letters[i%17], letters[(i/17+5)%17], letters[(i*7+3)%17], 100+i*37%900)
		plates = append(plates, d)
		fmt.Fprintf(&body, "%s,BE,bench list,stop and check,2,,,\n", d)
	}
	importCSV(b, c, "bench", body.String())
	var cams []string
	for _, cm := range c.zone.Cameras {
		if cm.Kind.ANPR() {
			cams = append(cams, cm.ID)
		}
	}
	feed := mustFeed(b, c, 256)
	defer feed.Close()

	type want struct{ truth time.Time }
	pending := map[string]want{} // normalised plate -> truth
	var readToAlert, truthToAlert []time.Duration
	b.ResetTimer()
	start := time.Now()
	for i, d := range plates {
		cam := cams[i%len(cams)]
		tr, err := simOf(c).Inject(cam, d, "BE")
		if err != nil {
			b.Fatal(err)
		}
		pending[tr.Plate] = want{truth: tr.Time}
		// Let the vehicles pass one after the other on each camera.
		if i%len(cams) == len(cams)-1 {
			time.Sleep(3500 * time.Millisecond)
		}
	}
	deadline := time.After(15 * time.Second)
collect:
	for len(pending) > 0 {
		select {
		case ev := <-feed.C():
			if ev.Kind != HitAlert {
				continue
			}
			w, ok := pending[ev.Hit.Listed]
			if !ok {
				continue
			}
			delete(pending, ev.Hit.Listed)
			readToAlert = append(readToAlert, ev.Sent.Sub(ev.Hit.Time))
			truthToAlert = append(truthToAlert, ev.Sent.Sub(w.truth))
		case <-deadline:
			break collect
		}
	}
	b.StopTimer()
	el := time.Since(start)
	if len(readToAlert) == 0 {
		b.Fatalf("no alert for any of %d listed plates (stats %s)", len(plates), c.ANPRStats())
	}
	p := func(ds []time.Duration, q float64) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Milliseconds())
	}
	b.ReportMetric(p(readToAlert, 0.50), "p50-ms")
	b.ReportMetric(p(readToAlert, 0.95), "p95-ms")
	b.ReportMetric(p(truthToAlert, 0.50), "truth-p50-ms")
	b.ReportMetric(p(truthToAlert, 0.95), "truth-p95-ms")
	b.ReportMetric(float64(len(pending)), "missed")
	b.ReportMetric(float64(len(plates)), "listed-passed")
	b.ReportMetric(100*c.ANPRStats().DropRate(), "drop-%")
	b.Logf("%d/%d alerts in %s; read->alert %v; pipeline %s", len(readToAlert), len(plates), el.Round(time.Second), readToAlert, c.ANPRStats())
	if len(pending) > 0 {
		var miss []string
		for k := range pending {
			miss = append(miss, k)
		}
		b.Logf("no alert for %v", miss)
	}
}
