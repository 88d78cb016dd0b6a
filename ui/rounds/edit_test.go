package rounds

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
)

func TestParseSteps(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		bad            bool
	}{
		{"one camera", "cam01 20s", "[{[cam01] 20s }]", false},
		{"space in the camera list", "cam01, cam02 20s", "", true},
		{"group", "cam01,cam02 1m30s\ncam05 30s preset=kruispunt\n", "[{[cam01 cam02] 1m30s } {[cam05] 30s kruispunt}]", false},
		{"no dwell", "cam01", "", true},
		{"bad dwell", "cam01 twenty", "", true},
		{"bad third field", "cam01 20s kruispunt", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps, err := parseSteps(tc.in)
			if tc.bad {
				if err == nil {
					t.Errorf("parseSteps(%q) = %v, want an error", tc.in, steps)
				}
				return
			}
			var parts []string
			for _, s := range steps {
				parts = append(parts, "{"+strings.Join([]string{"[" + strings.Join(s.Cameras, " ") + "]", s.Dwell.Duration.String(), s.Preset}, " ")+"}")
			}
			if got := "[" + strings.Join(parts, " ") + "]"; err != nil || got != tc.want {
				t.Errorf("parseSteps(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
			}
			back, err := parseSteps(formatSteps(app.Round{Steps: steps}))
			if err != nil || len(back) != len(steps) {
				t.Errorf("format/parse round trip: %v, %v", back, err)
			}
		})
	}
}

func TestRoundsScreenEditor(t *testing.T) {
	c := openConsole(t, 4)
	h := newRoundsHarness(t, c, "teamchef", fyne.NewSize(1280, 800))
	h.until("rounds listed", func() bool { return len(h.r.rounds) == 2 })
	if h.r.editor == nil {
		t.Fatal("a team chief sees no round editor")
	}
	h.r.editor.open(app.Round{})
	test.Type(h.r.editor.name, "Nachtleven")
	test.Type(h.r.editor.area, "Kermis")
	h.r.editor.steps.SetText("cam01 twintig")
	test.Tap(h.r.editor.save)
	if !strings.Contains(h.r.editor.status.Text, "Regel 1") {
		t.Errorf("bad line: status %q", h.r.editor.status.Text)
	}
	h.r.editor.steps.SetText("cam01,cam02 20s\ncam03 15s\n")
	test.Tap(h.r.editor.save)
	h.until("saved and listed", func() bool { return len(h.r.rounds) == 3 && h.r.listView.Visible() })
	h.r.list.Select(2)
	test.Tap(h.r.editBtn)
	if !h.r.editor.content.Visible() || h.r.editor.name.Text != "Nachtleven" || h.r.editor.steps.Text != "cam01,cam02 20s\ncam03 15s\n" {
		t.Fatalf("editor for Nachtleven shows %q / %q", h.r.editor.name.Text, h.r.editor.steps.Text)
	}
	h.r.editor.steps.SetText("cam01,cam02 20s\ncam03 15s\ncam04 10s\n")
	test.Tap(h.r.editor.save)
	h.until("updated", func() bool {
		return h.r.listView.Visible() && len(h.r.rounds) == 3 && len(h.r.rounds[2].Steps) == 3
	})
	h.r.deleteRound("Nachtleven")
	h.until("deleted", func() bool { return len(h.r.rounds) == 2 })
	ch := chief(t, c)
	es, err := c.Review(context.Background(), ch, app.ReviewFilter{From: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var edits []string
	for _, e := range es {
		if e.Action == "round.edit" {
			var d struct {
				Op string `json:"op"`
			}
			json.Unmarshal([]byte(e.Detail), &d)
			edits = append(edits, d.Op)
		}
	}
	if strings.Join(edits, ",") != "create,update,delete" {
		t.Errorf("round.edit entries: %v", edits)
	}

	disp := newRoundsHarness(t, c, "dispatcher", fyne.NewSize(1000, 700))
	if disp.r.editor != nil {
		t.Error("a dispatcher got the round editor")
	}
}
