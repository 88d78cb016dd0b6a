package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestGlobalFlags covers what main itself does: the global flags, and the
// hand-over to package cli.
func TestGlobalFlags(t *testing.T) {
	cases := []struct {
		args      []string
		code      int
		out, errs string
	}{
		{[]string{"version"}, 0, "zoneconsole " + version + "\n", ""},
		{[]string{"--data", t.TempDir(), "-v", "version"}, 0, "zoneconsole " + version + "\n", ""},
		{[]string{"-h"}, 0, "", "usage: zoneconsole [--data DIR] [-v] COMMAND"},
		{[]string{"--shred"}, 2, "", "usage: zoneconsole [--data DIR] [-v] COMMAND"},
		{[]string{"shred"}, 2, "", `unknown command "shred"`},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := run(c.args, &out, &errb)
		if code != c.code || !strings.Contains(out.String(), c.out) || !strings.Contains(errb.String(), c.errs) || (c.out == "" && out.Len() != 0) {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", c.args, code, out.String(), errb.String(), c.code, c.out, c.errs)
		}
	}
}

// TestWiring: the three commands that use the simulated zone on purpose
// get it from main.
func TestWiring(t *testing.T) {
	w := simWiring()
	if w.SimZone == nil || w.Sim == nil || w.ANPREval == nil {
		t.Fatalf("simWiring() = %+v: a command would find no simulated zone", w)
	}
}
