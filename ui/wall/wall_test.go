package wall

import (
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/look"
)

// TestWall drives the wall as a dispatcher would, over a real console and
// the simulated zone, and checks the audit trail behind every tile.
func TestWall(t *testing.T) {
	c := openConsole(t, 4)
	boss := chief(t, c)
	h := newHarness(t, c, "dispatcher", 4)
	h.confirmPrompt()
	w := h.scr.wall
	cams := c.Zone().Cameras

	// The simulated zone opens a 2x2 wall with the first four cameras.
	if w.n != 2 || len(w.grid.Objects) != 4 {
		t.Fatalf("wall after login: %dx%d with %d tiles, want 2x2", w.n, w.n, len(w.grid.Objects))
	}
	h.until("four live tiles", func() bool { return h.liveTiles() == 4 })
	for i, tl := range w.visible() {
		if cam, _ := tl.camera(); cam.ID != cams[i].ID {
			t.Errorf("tile %d shows %q, want %q", i, cam.ID, cams[i].ID)
		}
		if img := tl.img.Image; img == nil || img.Bounds().Dx() == 0 {
			t.Errorf("tile %d has no picture", i)
		}
	}

	t.Run("each tile is an audited interval", func(t *testing.T) {
		for _, cam := range cams[:4] {
			if got := liveEntries(t, c, boss, cam.ID); !slices.Equal(got, []string{"live.start/allowed"}) {
				t.Errorf("camera %s: audit %v, want one allowed live.start", cam.ID, got)
			}
		}
		ws, err := c.Watching(context.Background(), boss)
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) != 4 {
			t.Errorf("Watching lists %d views, want 4", len(ws))
		}
		for _, v := range ws {
			if v.User != "dispatcher" || v.Reason.Kind != app.JustShift || v.Reason.Text != defaultShiftText {
				t.Errorf("watch %+v: want dispatcher under the shift's justification", v)
			}
		}
	})

	t.Run("layouts", func(t *testing.T) {
		for _, n := range []int{3, 4, 1, 2} {
			test.Tap(h.scr.layoutBtn[n])
			if w.n != n || len(w.grid.Objects) != n*n {
				t.Fatalf("layout %d: wall is %dx%d with %d tiles", n, w.n, w.n, len(w.grid.Objects))
			}
			if h.scr.layoutBtn[n].Importance != widget.HighImportance {
				t.Errorf("layout %d: its button is not highlighted", n)
			}
		}
		ctrl3 := &desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault}
		h.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrl3)
		if w.n != 3 {
			t.Errorf("Ctrl+3 gave a %dx%d wall", w.n, w.n)
		}
		test.Tap(h.scr.layoutBtn[1])
		test.Tap(h.scr.layoutBtn[2])
		// Going to 1 took tiles 2-4 off the wall: their views closed.
		h.until("three views closed", func() bool {
			for _, cam := range cams[1:4] {
				if got := liveEntries(t, c, boss, cam.ID); len(got) != 2 || got[1] != "live.stop/allowed" {
					return false
				}
			}
			return true
		})
		if cam, ok := w.tiles[0].camera(); !ok || cam.ID != cams[0].ID {
			t.Errorf("tile 1 lost its camera in the layout change")
		}
		for _, tl := range w.tiles[1:] {
			if tl.feed != nil {
				t.Errorf("tile %d still has a camera after 1x1", tl.index+1)
			}
		}
	})

	t.Run("double-click a camera puts it on a tile", func(t *testing.T) {
		cam := cams[2]
		before := len(liveEntries(t, c, boss, cam.ID))
		leaf := newCamLeaf(h.scr.tree)
		leaf.set("c:"+cam.ID, cam, stIdle)

		// A wall without a justification asks first; cancelled, nothing opens.
		h.scr.reason = nil
		test.DoubleTap(leaf)
		if h.scr.prompt == nil {
			t.Fatal("no justification prompt for the camera")
		}
		h.scr.prompt.d.Hide()
		if h.scr.prompt != nil || w.tiles[1].feed != nil {
			t.Fatal("cancelled prompt still open, or the camera went on a tile")
		}
		if got := liveEntries(t, c, boss, cam.ID); len(got) != before {
			t.Fatalf("cancelled prompt left audit entries: %v", got)
		}

		// Confirmed with one click, the camera opens under that justification.
		test.DoubleTap(leaf)
		h.scr.prompt.Ref.SetText("")
		h.confirmPrompt()
		// Tile 1 is taken and selected, so the first free tile gets it.
		tl := w.tiles[1]
		if got, ok := tl.camera(); !ok || got.ID != cam.ID {
			t.Fatalf("tile 2 shows %q, want %q", got.ID, cam.ID)
		}
		h.until("the camera live on tile 2", func() bool { return tl.state == stLive && tl.frames() > 0 })
		if got := liveEntries(t, c, boss, cam.ID); len(got) != before+1 || got[len(got)-1] != "live.start/allowed" {
			t.Errorf("audit for %s after double-click: %v", cam.ID, got)
		}
		if st := h.scr.tree.wall.cameraState(cam.ID); st != stLive {
			t.Errorf("tree state of %s = %s, want live", cam.ID, st)
		}
	})

	t.Run("drag a camera onto a tile", func(t *testing.T) {
		cam := cams[3]
		target := w.tiles[3]
		leaf := newCamLeaf(h.scr.tree)
		leaf.set("c:"+cam.ID, cam, stIdle)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(target).Add(fyne.NewPos(20, 40))
		leaf.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos}})
		if target.border.StrokeColor != look.ColConnecting {
			t.Error("the tile under the dragged camera is not highlighted")
		}
		before := len(liveEntries(t, c, boss, cam.ID))
		leaf.DragEnd()
		// The wall holds the justification given for the previous camera and
		// it suffices for this one: no prompt, and the opening is audited.
		if h.scr.prompt != nil {
			t.Fatal("the wall asked again although its justification suffices")
		}
		if got, ok := target.camera(); !ok || got.ID != cam.ID {
			t.Fatalf("tile 4 shows %q after the drop, want %q", got.ID, cam.ID)
		}
		h.until("the dropped camera live", func() bool { return target.state == stLive && target.frames() > 0 })
		if got := liveEntries(t, c, boss, cam.ID); len(got) != before+1 || got[len(got)-1] != "live.start/allowed" {
			t.Errorf("audit for %s after the drop: %v", cam.ID, got)
		}
	})

	t.Run("enlarge switches to the main stream and back", func(t *testing.T) {
		tl := w.tiles[1]
		test.DoubleTap(tl)
		if w.enlarged != tl || len(w.grid.Objects) != 1 {
			t.Fatalf("double-tap did not enlarge the tile")
		}
		// The enlarged tile asks for its own size: main-stream frames are
		// wider than the 640x360 sub stream can give, and no wider than
		// the tile.
		h.until("a main-stream frame at the tile's size", func() bool {
			f := tl.feed.front
			return f != nil && f.Bounds().Dx() > 640 && f.Bounds().Dx() <= tl.px.X && f.Bounds().Dy() <= tl.px.Y
		})
		big := tl.px
		test.DoubleTap(tl)
		if w.enlarged != nil || len(w.grid.Objects) != 4 {
			t.Fatalf("second double-tap did not restore the grid")
		}
		h.until("a sub-stream frame at the small tile's size", func() bool {
			f := tl.feed.front
			return f != nil && tl.px.X < big.X && f.Bounds().Dx() <= tl.px.X && f.Bounds().Dy() <= tl.px.Y
		})
	})

	t.Run("closing a tile closes its view", func(t *testing.T) {
		tl := w.tiles[3]
		cam, _ := tl.camera()
		test.Tap(tl.closeBtn)
		if tl.feed != nil {
			t.Fatal("tile still has a camera")
		}
		h.until("live.stop", func() bool {
			got := liveEntries(t, c, boss, cam.ID)
			return len(got) > 0 && got[len(got)-1] == "live.stop/allowed"
		})
	})

	t.Run("stopping the screen closes every view", func(t *testing.T) {
		h.scr.Stop()
		h.until("no views left", func() bool {
			ws, err := c.Watching(context.Background(), boss)
			return err == nil && len(ws) == 0
		})
		for _, cam := range cams[:4] {
			got := liveEntries(t, c, boss, cam.ID)
			starts, stops := count(got, "live.start/allowed"), count(got, "live.stop/allowed")
			if starts != stops {
				t.Errorf("camera %s: %d starts, %d stops after Stop: %v", cam.ID, starts, stops, got)
			}
		}
	})
}

// TestGuardWithoutSupervisor: the console refuses, and the tile says why in
// the user's language.
func TestGuardWithoutSupervisor(t *testing.T) {
	c := openConsole(t, 1)
	h := newHarness(t, c, "bewaker", 1)
	// The console says live view is not possible now: no prompt, a note.
	if h.scr.prompt != nil {
		t.Fatal("justification asked for a wall the guard cannot open now")
	}
	if note := h.scr.liveNote; !note.Visible() || note.Text != lang.L("wall.live.notnow") {
		t.Errorf("note %q visible=%v", note.Text, note.Visible())
	}
	// Trying anyway: the console refuses, audited, and the tile says why.
	tl := h.scr.wall.tiles[0]
	leaf := newCamLeaf(h.scr.tree)
	cam := c.Zone().Cameras[0]
	leaf.set("c:"+cam.ID, cam, stIdle)
	test.DoubleTap(leaf)
	h.confirmPrompt()
	h.until("the refusal", func() bool { return tl.state == stDenied })
	if want := look.DecisionText(app.CodeGuardWithoutSupervisor); tl.note != want || tl.hint.Text != want {
		t.Errorf("tile note %q, hint %q; want %q", tl.note, tl.hint.Text, want)
	}
}

// TestGuardLosesLiveWhenChiefLeaves: a guard watches while a team chief is
// logged in in the room; when the chief logs out the console ends the views
// and the tiles say why, with no picture left.
func TestGuardLosesLiveWhenChiefLeaves(t *testing.T) {
	c := openConsole(t, 1)
	boss, err := c.Login(context.Background(), "teamchef", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, c, "bewaker", 1)
	h.confirmPrompt()
	tl := h.scr.wall.tiles[0]
	h.until("the guard's tile live", func() bool { return tl.state == stLive && tl.frames() > 0 })
	if err := c.Logout(context.Background(), boss); err != nil {
		t.Fatal(err)
	}
	h.until("the view ended by the console", func() bool { return tl.state == stDenied })
	want := lang.L("wall.tile.ended_because", map[string]any{"Reason": look.DecisionText(app.CodeGuardWithoutSupervisor)})
	if tl.hint.Text != want || tl.img.Image != nil {
		t.Errorf("tile after the chief left: hint %q, picture %v", tl.hint.Text, tl.img.Image != nil)
	}
}

// TestEnlargeEndsHiddenViews: the audit says what was on screen. Enlarging
// a tile hides the other three, so their views end (live.stop); putting it
// back opens them again (a new live.start each) under the justification
// they had.
func TestEnlargeEndsHiddenViews(t *testing.T) {
	c := openConsole(t, 4)
	boss := chief(t, c)
	h := newHarness(t, c, "dispatcher", 4)
	h.confirmPrompt()
	w := h.scr.wall
	cams := c.Zone().Cameras[:4]
	h.until("four live tiles", func() bool { return h.liveTiles() == 4 })
	watching := func() int {
		ws, err := c.Watching(context.Background(), boss)
		if err != nil {
			t.Fatal(err)
		}
		return len(ws)
	}
	if n := watching(); n != 4 {
		t.Fatalf("Watching lists %d views before enlarging, want 4", n)
	}

	test.DoubleTap(w.tiles[0])
	if w.enlarged != w.tiles[0] {
		t.Fatal("double-tap did not enlarge the tile")
	}
	h.until("the hidden tiles' views closed", func() bool {
		for _, cam := range cams[1:] {
			if got := liveEntries(t, c, boss, cam.ID); !slices.Equal(got, []string{"live.start/allowed", "live.stop/allowed"}) {
				return false
			}
		}
		return true
	})
	if got := liveEntries(t, c, boss, cams[0].ID); !slices.Equal(got, []string{"live.start/allowed"}) {
		t.Errorf("the enlarged camera's audit: %v, want its one view still open", got)
	}
	if n := watching(); n != 1 {
		t.Errorf("Watching lists %d views while one tile is enlarged, want 1", n)
	}
	for _, tl := range w.tiles[1:4] {
		if st := w.cameraState(tl.parked.cam.ID); st != stIdle {
			t.Errorf("tree shows a hidden camera as %s, want idle", st)
		}
	}

	test.DoubleTap(w.tiles[0])
	if w.enlarged != nil || len(w.grid.Objects) != 4 {
		t.Fatal("second double-tap did not restore the grid")
	}
	h.until("the hidden tiles live again", func() bool { return h.liveTiles() == 4 })
	for i, cam := range cams {
		want := []string{"live.start/allowed", "live.stop/allowed", "live.start/allowed"}
		if i == 0 {
			want = want[:1]
		}
		if got := liveEntries(t, c, boss, cam.ID); !slices.Equal(got, want) {
			t.Errorf("camera %s after the grid came back: %v, want %v", cam.ID, got, want)
		}
		if got, _ := w.tiles[i].camera(); got.ID != cam.ID {
			t.Errorf("tile %d shows %q after the grid came back, want %q", i+1, got.ID, cam.ID)
		}
	}
	if n := watching(); n != 4 {
		t.Errorf("Watching lists %d views after the grid came back, want 4", n)
	}
	ws, _ := c.Watching(context.Background(), boss)
	for _, v := range ws {
		if v.Reason.Kind != app.JustShift || v.Reason.Text != defaultShiftText {
			t.Errorf("reopened view %+v: want the justification it had", v)
		}
	}

	// A layout change while enlarged: the tiles that fall off stay closed.
	test.DoubleTap(w.tiles[0])
	h.until("hidden again", func() bool { return watching() == 1 })
	test.Tap(h.scr.layoutBtn[1])
	if w.enlarged != nil || w.n != 1 {
		t.Fatal("layout 1 did not restore a 1x1 wall")
	}
	time.Sleep(300 * time.Millisecond)
	h.until("one view", func() bool { return watching() == 1 })
	for _, tl := range w.tiles[1:] {
		if tl.feed != nil || tl.parked != nil {
			t.Errorf("tile %d kept a camera after falling off the wall", tl.index+1)
		}
	}
}
