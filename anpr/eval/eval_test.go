package eval

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
)

var (
	evalMinutes = flag.Float64("eval.minutes", 3, "simulated minutes for BenchmarkEval")
	evalDump    = flag.String("eval.dump", "", "directory for the images of false passages")
	evalAny     = flag.Bool("eval.anyformat", false, "BenchmarkEval: also read plates of unknown series (format-unknown passages)")
)

func modelDir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("ZONECONSOLE_ANPR_MODELS")
	if d == "" {
		d, _ = filepath.Abs(filepath.Join("..", "..", ".tools", "anpr-models"))
	}
	if _, err := os.Stat(filepath.Join(d, "rec.onnx")); err != nil {
		t.Fatalf("models missing in %s (run: anpr/install-models.sh %s, or set ZONECONSOLE_ANPR_MODELS): %v", d, d, err)
	}
	return d
}

// TestEvalSimulatedZone runs 40 s of the simulated zone through the whole
// path (RTSP, decode, pipeline, tracker) and asserts floors set below what
// was measured (see the report).
func TestEvalSimulatedZone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, Config{ModelDir: modelDir(t), Duration: 40 * time.Second, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res)
	if res.Truth < 3 {
		t.Fatalf("only %d ground-truth passages in 40 s: the zone did not produce traffic", res.Truth)
	}
	if res.Recall < 0.85 {
		t.Errorf("recall %.1f%%, want >= 85%%", 100*res.Recall)
	}
	if res.ExactRate < 0.85 {
		t.Errorf("exact %.1f%%, want >= 85%%", 100*res.ExactRate)
	}
	if res.Precision < 0.85 {
		t.Errorf("precision %.1f%%, want >= 85%%", 100*res.Precision)
	}
}

// BenchmarkEval scores a longer run: go test -run XXX -bench Eval -benchtime 1x ./anpr/eval -eval.minutes 3
func BenchmarkEval(b *testing.B) {
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), Config{ModelDir: modelDir(b), Duration: time.Duration(*evalMinutes * float64(time.Minute)), Seed: int64(11 + i), DumpDir: *evalDump, AnyFormat: *evalAny})
		if err != nil {
			b.Fatal(err)
		}
		b.Log(res)
		b.ReportMetric(100*res.Recall, "recall%")
		b.ReportMetric(100*res.Precision, "precision%")
		b.ReportMetric(100*res.ExactRate, "exact%")
		b.ReportMetric(100*res.FalseRate, "false%")
		b.ReportMetric(float64(res.Truth), "truth")
		b.ReportMetric(res.Stats.FPS(), "frames/s")
		b.ReportMetric(100*res.Stats.DropRate(), "drop%")
	}
}

var _ = anpr.DetectFast
