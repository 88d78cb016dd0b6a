package anpr

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The development sets of real photographs (../shared/anpr-dev, see its
// SOURCE.md) are read from where they lie: they must never be copied into
// the repository.
var (
	devDir    = flag.String("devset.dir", filepath.Join("..", "..", "shared", "anpr-dev"), "the development sets of real photographs")
	devMargin = flag.Float64("devset.margin", 0, "Config.FormatMargin for the development-set runs (0: the default)")
	devReport = flag.String("devset.report", "", "write each set's full score (every miss) to this file prefix")
)

// devSets are the sets and their floors: honestly below what was measured
// (see the closing note), so that a regression fails and a slower
// machine's different rounding does not.
var devSets = []struct {
	name  string
	floor float64 // exact reads, percent
}{
	{"eu-crops", 78},  // measured 82.7 %
	{"pl-scenes", 88}, // measured 93.7 %
}

// devSetDir returns the set's folder, skipping the test when the sets are
// absent and failing it when CI=true (the CI machine must have them).
func devSetDir(tb testing.TB, name string) string {
	tb.Helper()
	d := filepath.Join(*devDir, name)
	if _, err := os.Stat(filepath.Join(d, TruthFile)); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("development set %s missing (%v): CI must provide ../shared/anpr-dev", d, err)
		}
		tb.Skipf("development set %s absent (%v): skipped; it lives outside the repository", d, err)
	}
	return d
}

// TestDevSets reads both development sets with `anpr read`'s settings and
// holds the exact-read rate to its floor.
func TestDevSets(t *testing.T) {
	if testing.Short() {
		t.Skip("reads ~900 real photographs: minutes")
	}
	for _, set := range devSets {
		t.Run(set.name, func(t *testing.T) {
			dir := devSetDir(t, set.name)
			r, err := NewReader(Config{ModelDir: modelDir(t), Detector: DetectAll, AnyFormat: true, FormatMargin: *devMargin})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			start := time.Now()
			sc, err := ScorePhotos(context.Background(), r, dir, runtime.GOMAXPROCS(0))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d/%d exact = %.1f %%, O/0-forgiven %d = %.1f %%, no read %d, in %s",
				set.name, sc.Exact, sc.N, sc.Rate(), sc.ExactO0, sc.RateO0(), sc.NoRead, time.Since(start).Round(time.Second))
			if *devReport != "" {
				if err := os.WriteFile(*devReport+set.name+".txt", []byte(sc.String()+"\n"), 0o644); err != nil {
					t.Error(err)
				}
				var b strings.Builder
				for _, r := range sc.Reads {
					fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\n", r.File, r.Plate, r.Got, r.Free, r.Format, r.Cost, r.Conf)
				}
				if err := os.WriteFile(*devReport+set.name+".tsv", []byte(b.String()), 0o644); err != nil {
					t.Error(err)
				}
			}
			if sc.Rate() < set.floor {
				t.Errorf("%s: exact %.1f %% below the floor %.0f %%", set.name, sc.Rate(), set.floor)
			}
		})
	}
}

// BenchmarkDevSets prints the exact-read rates of the development sets for
// `make bench` (one pass per iteration; run with -benchtime 1x):
//
//	go test -run '^$' -bench DevSets -benchtime 1x ./anpr/
func BenchmarkDevSets(b *testing.B) {
	for _, set := range devSets {
		b.Run(set.name, func(b *testing.B) {
			dir := devSetDir(b, set.name)
			r, err := NewReader(Config{ModelDir: modelDir(b), Detector: DetectAll, AnyFormat: true, FormatMargin: *devMargin})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			var sc PhotoScore
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if sc, err = ScorePhotos(context.Background(), r, dir, runtime.GOMAXPROCS(0)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(sc.Rate(), "exact-%")
			b.ReportMetric(sc.RateO0(), "exact-O/0-%")
			b.ReportMetric(float64(sc.N*b.N)/b.Elapsed().Seconds(), "photos/s")
		})
	}
}
