package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoGUIImport keeps the domain core headless: app must build and be
// tested without a display, and the UI must hold no rule of its own.
func TestNoGUIImport(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps gave %d packages; the check would prove nothing", len(deps))
	}
	for _, p := range deps {
		if p == "fyne.io/fyne" || strings.HasPrefix(p, "fyne.io/") || p == "github.com/politiezone/zoneconsole/ui" {
			t.Errorf("app depends on %s", p)
		}
	}
}
