package playback

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/evidence"
	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/ui/look"
)

func stampOf(t *testing.T, tl *tile) sim.Stamp {
	t.Helper()
	st, ok := sim.ReadStamp(tl.front)
	if !ok {
		t.Fatalf("%s: the frame shown carries no simulator stamp", tl.cam.ID)
	}
	return st
}

// TestPlaybackShowsTheRecordedFrames plays two recorded cameras on one
// clock: the frame shown for a moment is the one the simulator stamped
// then, on both; a step forward shows the next frame and a step back the
// one before; playing at 1x moves the picture on with the clock; the
// timelines show the recorded period; and leaving the tab closes both
// playbacks (playback.stop in the audit trail).
func TestPlaybackShowsTheRecordedFrames(t *testing.T) {
	c, from, to := recordedConsole(t, 2, 5*time.Second)
	h := newHarness(t, c, "dispatcher")
	h.pick("cam01", "cam02")
	h.justify()
	if len(h.scr.tiles) != 2 || len(h.scr.players) != 2 {
		t.Fatalf("%d tiles, %d playbacks for two cameras", len(h.scr.tiles), len(h.scr.players))
	}

	at := from.Add(to.Sub(from) / 2)
	h.scr.jump.SetText(at.Format(time.RFC3339Nano))
	h.scr.jumpTo()
	near := func(tl *tile) bool { d := tl.at.Sub(at); return tl.front != nil && d > -time.Second && d < time.Second }
	h.until("both tiles at the moment asked", func() bool { return near(h.scr.tiles[0]) && near(h.scr.tiles[1]) })
	for _, tl := range h.scr.tiles {
		st := stampOf(t, tl)
		if d := st.Captured.Sub(at); d < -250*time.Millisecond || d > 250*time.Millisecond {
			t.Errorf("%s: asked for %s, shown the frame stamped %s (%s off)", tl.cam.ID,
				at.Format("15:04:05.000"), st.Captured.Format("15:04:05.000"), d)
		}
	}

	lead := h.scr.tiles[0]
	first := stampOf(t, lead)
	for _, step := range []struct {
		btn  func()
		want uint64
	}{
		{func() { test.Tap(h.scr.fwd) }, first.Seq + 1},
		{func() { test.Tap(h.scr.fwd) }, first.Seq + 2},
		{func() { test.Tap(h.scr.back) }, first.Seq + 1},
	} {
		n := lead.frames
		step.btn()
		h.until("the step's frame", func() bool { return lead.frames > n })
		if got := stampOf(t, lead).Seq; got != step.want {
			t.Errorf("after a step the tile shows frame %d, want %d", got, step.want)
		}
	}

	before := stampOf(t, lead)
	start := time.Now()
	test.Tap(h.scr.play)
	h.until("a second of play", func() bool { return time.Since(start) > 1500*time.Millisecond })
	test.Tap(h.scr.play) // pause
	played := stampOf(t, lead).Captured.Sub(before.Captured)
	if played < 700*time.Millisecond || played > 2500*time.Millisecond {
		t.Errorf("1.5 s of play at 1x moved the picture on by %s", played)
	}
	if d := h.scr.clk.Now().Sub(lead.at); d < -time.Second || d > time.Second {
		t.Errorf("paused clock at %s, picture at %s", h.scr.clk.Now(), lead.at)
	}

	h.until("the timelines", func() bool { return len(h.scr.lines[0].recorded) > 0 && len(h.scr.lines[1].recorded) > 0 })
	for i, l := range h.scr.lines {
		covered := false
		for _, s := range l.recorded {
			covered = covered || !s.Start.After(at) && (s.End.After(at) || s.Open)
		}
		if !covered {
			t.Errorf("timeline %d: recorded %v does not cover %s", i, l.recorded, at)
		}
	}

	h.scr.SetActive(false)
	for _, cam := range []string{"cam01", "cam02"} {
		var got map[string]int
		h.until(cam+" playback closed", func() bool {
			got = actions(t, c, cam)
			return got["playback.stop/allowed"] >= 1
		})
		if got["playback/allowed"] < 1 {
			t.Errorf("%s: audit %v, want a playback and its stop", cam, got)
		}
	}
	if !strings.Contains(lead.note.Text, lang.L("playback.left.note")) {
		t.Errorf("tile note after leaving the tab: %q", lead.note.Text)
	}
}

// TestPlaybackRefusalShownInTheTile: a security guard may not play
// recordings back, and a dispatcher may not see footage older than 30 days
// for an administrative mission; each tile says the refusal's reason and
// code.
func TestPlaybackRefusalShownInTheTile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, user string
		offset     time.Duration
		code       string
	}{
		{"guard", "bewaker", 0, app.CodeRoleNotPermitted},
		{"dispatcher, 40 days on", "dispatcher", 40 * 24 * time.Hour, app.CodeOver30DaysNeedsJudicial},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var now func() time.Time
			if tc.offset != 0 {
				now = func() time.Time { return time.Now().Add(tc.offset) }
			}
			c := openConsole(t, filepath.Join(dir, tc.name), 1, now)
			h := newHarness(t, c, tc.user)
			h.pick("cam01")
			h.justify()
			tl := h.scr.tiles[0]
			h.until("the refusal", func() bool { return tl.denied != "" })
			if tl.denied != tc.code {
				t.Errorf("refused with %s, want %s", tl.denied, tc.code)
			}
			if want := look.DecisionText(tc.code); !strings.Contains(tl.note.Text, want) || !strings.Contains(tl.note.Text, tc.code) {
				t.Errorf("tile note %q, want the reason %q and the code", tl.note.Text, want)
			}
			if tl.front != nil {
				t.Error("a refused tile shows a picture")
			}
			p := h.scr.askReason(h.scr.lastDenied(), func(app.Reason) {})
			if !strings.Contains(p.Message.Text, tc.code) {
				t.Errorf("the prompt after a refusal says %q, want its code", p.Message.Text)
			}
			p.d.Hide()
		})
	}
}

// TestPlaybackExport exports the two cameras shown over the selection with
// the progress bar: the folder verifies intact; an export cancelled at once
// leaves nothing in its parent folder.
func TestPlaybackExport(t *testing.T) {
	c, from, to := recordedConsole(t, 2, 4*time.Second)
	h := newHarness(t, c, "dispatcher")
	h.pick("cam01", "cam02")
	h.justify()
	h.scr.selectPeriod(from.Add(500*time.Millisecond), to.Add(-500*time.Millisecond))
	h.until("export enabled", func() bool { return !h.scr.export.Disabled() })

	out := filepath.Join(t.TempDir(), "BM-2026-7")
	test.Tap(h.scr.export)
	e := h.scr.exp
	if e == nil {
		t.Fatal("no export dialog")
	}
	if got, want := e.from.Text, h.scr.v.selFrom.Local().Format(entryLayout); got != want {
		t.Errorf("From = %q, want the selection's start %q", got, want)
	}
	e.dir.SetText(out)
	test.Tap(e.start)
	if !e.bar.Visible() {
		t.Error("no progress bar while exporting")
	}
	h.loop.Until(t, "the export", 2*time.Minute, func() bool { return e.finished })
	if e.err != nil {
		t.Fatalf("export: %v (%s)", e.err, e.message.Text)
	}
	if e.bar.Value != 1 {
		t.Errorf("progress at the end = %v", e.bar.Value)
	}
	rep, err := evidence.Verify(out, nil)
	if err != nil || !rep.Intact() {
		t.Fatalf("verify %s: %v %+v", out, err, rep.Differences)
	}
	if len(e.result.Manifest.Files) < 2 {
		t.Errorf("manifest files %+v, want a clip per camera", e.result.Manifest.Files)
	}
	test.Tap(e.cancel) // close
	if h.scr.exp != nil {
		t.Error("the export dialog did not close")
	}

	parent := t.TempDir()
	test.Tap(h.scr.export)
	e = h.scr.exp
	e.dir.SetText(filepath.Join(parent, "cancelled"))
	test.Tap(e.start)
	test.Tap(e.cancel) // while it runs
	h.loop.Until(t, "the cancelled export", 2*time.Minute, func() bool { return e.finished })
	if e.err == nil {
		t.Fatalf("a cancelled export succeeded: %s", e.message.Text)
	}
	if e.message.Text != lang.L("playback.export.cancelled") {
		t.Errorf("after cancel the dialog says %q", e.message.Text)
	}
	if left, _ := os.ReadDir(parent); len(left) != 0 {
		t.Errorf("a cancelled export left %v", left)
	}
}
