package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"console.invalid/clocale"
)

// TestNoFyneLocaleErrorUnderCUTF8 runs this test binary again under the
// locales a terminal or CI may have: Fyne reads the locale while the
// program initialises, so only a fresh process shows whether it complains.
func TestNoFyneLocaleErrorUnderCUTF8(t *testing.T) {
	if os.Getenv("ZONECONSOLE_LOCALE_CHILD") != "" {
		clocale.Restore()
		if l, set := os.LookupEnv("LANGUAGE"); set {
			t.Fatalf("after Restore LANGUAGE = %q, want it unset as the user left it", l)
		}
		return
	}
	for _, loc := range []string{"C.UTF-8", "C", "POSIX", "POSIX.utf8", "nl_BE.UTF-8"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestNoFyneLocaleErrorUnderCUTF8$", "-test.v")
		var env []string
		for _, kv := range os.Environ() {
			k, _, _ := strings.Cut(kv, "=")
			if k != "LANGUAGE" && k != "LC_ALL" && k != "LC_MESSAGES" && k != "LANG" {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, "LANG="+loc, "ZONECONSOLE_LOCALE_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("LANG=%s: child failed: %v\n%s", loc, err, out)
			continue
		}
		if strings.Contains(string(out), "Fyne error") {
			t.Errorf("LANG=%s: Fyne logged a locale error:\n%s", loc, out)
		}
	}
}
