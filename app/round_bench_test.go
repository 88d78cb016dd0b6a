package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"
)

// BenchmarkRoundSwitch measures, over a round of the simulated zone (8
// cameras, twice round: 16 steps of 1 s), the time from a step's start to the
// first live frame of its camera taken by the screen, with the look-ahead on
// and off. The first step is left out: nothing comes before it to look ahead
// from. Run: go test -run '^$' -bench BenchmarkRoundSwitch -benchtime 1x ./app/
func BenchmarkRoundSwitch(b *testing.B) {
	for _, mode := range []struct {
		name string
		off  bool
	}{{"lookahead=on", false}, {"lookahead=off", true}} {
		b.Run(mode.name, func(b *testing.B) {
			var all []time.Duration
			missing := 0
			for i := 0; i < b.N; i++ {
				d, miss := roundSwitchOnce(b, mode.off)
				all = append(all, d...)
				missing += miss
			}
			if len(all) == 0 {
				b.Fatal("no step showed a frame")
			}
			slices.Sort(all)
			pct := func(p float64) float64 {
				return float64(all[int(p*float64(len(all)-1)+0.5)].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "ms-p50")
			b.ReportMetric(pct(0.95), "ms-p95")
			b.ReportMetric(float64(all[len(all)-1].Microseconds())/1000, "ms-max")
			b.ReportMetric(float64(len(all)), "steps")
			b.ReportMetric(float64(missing), "missing")
		})
	}
}

func roundSwitchOnce(b *testing.B, noLookAhead bool) ([]time.Duration, int) {
	b.StopTimer()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := openSim(ctx, b, Config{DataDir: b.TempDir(), Console: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, 8)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	chief, err := c.Login(ctx, "teamchef", DemoPassword)
	if err != nil {
		b.Fatal(err)
	}
	r := Round{Name: "Bench", Area: "Zone"}
	for lap := 0; lap < 2; lap++ {
		for i := 1; i <= 8; i++ {
			r.Steps = append(r.Steps, RoundStep{Cameras: []string{fmt.Sprintf("cam%02d", i)}, Dwell: Duration{time.Second}})
		}
	}
	if err := c.SaveRound(ctx, chief, "", r); err != nil {
		b.Fatal(err)
	}
	s, err := c.Login(ctx, "dispatcher", DemoPassword)
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	run, err := c.StartRound(ctx, s, "Bench", "", RoundOptions{NoLookAhead: noLookAhead})
	if err != nil {
		b.Fatal(err)
	}
	defer run.Stop()
	// This goroutine plays the tile: on each step it takes the view's first
	// frame, as the screen does.
	var out []time.Duration
	missing := 0
	seen := map[int]bool{}
	for ev := range run.Events() {
		if ev.Kind != RoundStepStarted || ev.Step == 0 || seen[ev.Step] {
			continue
		}
		seen[ev.Step] = true
		st := run.State()
		if st.Step != ev.Step || len(st.Slots) == 0 || st.Slots[0].View == nil {
			missing++
			continue
		}
		v := st.Slots[0].View
		if d, ok := firstFrame(v, st.StepStarted, 3*time.Second); ok {
			out = append(out, d)
		} else {
			missing++
		}
	}
	return out, missing
}

func firstFrame(v *LiveView, since time.Time, within time.Duration) (time.Duration, bool) {
	t := time.NewTimer(within)
	defer t.Stop()
	for {
		select {
		case <-v.Ready():
			if f := v.Latest(); f != nil {
				d := time.Since(since)
				f.Release()
				return d, true
			}
		case <-v.Done():
			return 0, false
		case <-t.C:
			return 0, false
		}
	}
}
