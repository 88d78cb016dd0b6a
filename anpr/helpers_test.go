package anpr

import (
	"os"
	"path/filepath"
	"testing"
)

// modelDir is where the tests find the reader's models: $ZONECONSOLE_ANPR_MODELS,
// else <repo>/.tools/anpr-models (where `make deps` runs anpr/install-models.sh).
func modelDir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("ZONECONSOLE_ANPR_MODELS")
	if d == "" {
		d, _ = filepath.Abs(filepath.Join("..", ".tools", "anpr-models"))
	}
	if err := checkModels(d, true); err != nil {
		t.Fatalf("%v\n(run: anpr/install-models.sh %s, or set ZONECONSOLE_ANPR_MODELS)", err, d)
	}
	return d
}

func newTestReader(t testing.TB, det string) *Reader {
	t.Helper()
	r, err := NewReader(Config{ModelDir: modelDir(t), Detector: det})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
