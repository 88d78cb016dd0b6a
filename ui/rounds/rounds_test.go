package rounds

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/assets"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

// roundsHarness is the rounds screen in a test window over a real console;
// the test goroutine plays the UI thread through loop.
type roundsHarness struct {
	t    *testing.T
	c    *app.Console
	w    fyne.Window
	loop *uitest.Loop
	r    *roundsScreen
	sess *app.Session
}

func newRoundsHarness(t *testing.T, c *app.Console, user string, size fyne.Size) *roundsHarness {
	t.Helper()
	uitest.App(t)
	sess, err := c.Login(context.Background(), user, simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	h := &roundsHarness{t: t, c: c, w: test.NewWindow(nil), loop: uitest.NewLoop(), sess: sess}
	h.w.Resize(size)
	t.Cleanup(func() { h.w.Close() })
	h.r = newRoundsView(uitest.Env(t, sess, h.w, h.loop), c, c)
	h.w.SetContent(h.r.content)
	return h
}

func (h *roundsHarness) until(what string, cond func() bool) {
	h.t.Helper()
	h.loop.Until(h.t, what, 30*time.Second, cond)
}

func (h *roundsHarness) key(name fyne.KeyName) {
	h.t.Helper()
	fn := h.w.Canvas().OnTypedKey()
	if fn == nil {
		h.t.Fatalf("no key handler while a round runs (key %s)", name)
	}
	fn(&fyne.KeyEvent{Name: name})
}

// saveRound stores a round as the team chief.
func saveRound(t *testing.T, c *app.Console, r app.Round) {
	t.Helper()
	ch := chief(t, c)
	if err := c.SaveRound(context.Background(), ch, "", r); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
}

func uiRound(name string, dwell time.Duration, steps ...[]string) app.Round {
	r := app.Round{Name: name, Area: "Testgebied"}
	for _, cams := range steps {
		r.Steps = append(r.Steps, app.RoundStep{Cameras: cams, Dwell: app.Duration{Duration: dwell}})
	}
	return r
}

// startVia selects the round in the list and presses start.
func (h *roundsHarness) startVia(name string) {
	h.t.Helper()
	h.until("rounds listed", func() bool { return len(h.r.rounds) > 0 })
	idx := -1
	for i, r := range h.r.rounds {
		if r.Name == name {
			idx = i
		}
	}
	if idx < 0 {
		h.t.Fatalf("round %s not in the list", name)
	}
	h.r.list.Select(idx)
	if want := "virtuele patrouille: " + name; !strings.Contains(h.r.reason.Text, want) {
		h.t.Errorf("justification shown %q, want it to say %q", h.r.reason.Text, want)
	}
	test.Tap(h.r.startBtn)
	h.until("round running", func() bool { return h.r.run != nil })
}

func TestRoundsScreenStartNextPauseEsc(t *testing.T) {
	c := openConsole(t, 4)
	saveRound(t, c, uiRound("UI-ronde", 20*time.Second, []string{"cam01"}, []string{"cam02", "cam03", "cam04"}, []string{"cam01"}))
	h := newRoundsHarness(t, c, "dispatcher", fyne.NewSize(1280, 800))
	h.startVia("UI-ronde")
	run := h.r.run
	h.until("a live frame on the round's tile", func() bool { return h.r.tiles[0].frames > 0 })
	if n := len(h.r.grid.Objects); n != 1 {
		t.Errorf("a one-camera step shows %d tiles", n)
	}
	if !strings.HasPrefix(h.r.stepLbl.Text, "Stap 1/3") {
		t.Errorf("step label %q", h.r.stepLbl.Text)
	}
	h.key(fyne.KeyRight)
	h.until("step 2 with three cameras on a 2x2", func() bool {
		return run.State().Step == 1 && len(h.r.grid.Objects) == 4 && h.r.tiles[2].frames > 0
	})
	h.key(fyne.KeySpace)
	h.until("paused", func() bool { return run.State().Paused && h.r.pauseBtn.Text == lang.L("rounds.resume") })
	h.key(fyne.KeyPlus)
	h.until("extended", func() bool { return run.State().Dwell == 30*time.Second })
	h.key(fyne.KeySpace)
	h.until("resumed", func() bool { return !run.State().Paused })
	h.key(fyne.KeyEscape)
	h.until("back to the list", func() bool { return h.r.run == nil && h.r.listView.Visible() })
	if !strings.Contains(h.r.status.Text, lang.L("rounds.end.stopped")) {
		t.Errorf("status after Esc: %q", h.r.status.Text)
	}
	<-run.Done()
	// Four cameras were shown, each an audited interval under the round.
	ch := chief(t, c)
	es, err := c.Review(context.Background(), ch, app.ReviewFilter{JustKind: app.JustRound})
	if err != nil {
		t.Fatal(err)
	}
	starts, stops := 0, 0
	for _, e := range es {
		switch e.Action {
		case "live.start":
			starts++
		case "live.stop":
			stops++
		}
	}
	if starts != 4 || stops != 4 {
		t.Errorf("live.start/stop under the round: %d/%d, want 4/4", starts, stops)
	}
}

func TestRoundsScreenObservationKey(t *testing.T) {
	c := openConsole(t, 4)
	if err := c.StartPatrols(context.Background(), app.PatrolConfig{}); err != nil {
		t.Fatal(err)
	}
	saveRound(t, c, uiRound("Obs-ronde", 20*time.Second, []string{"cam02"}))
	h := newRoundsHarness(t, c, "dispatcher", fyne.NewSize(1280, 800))
	h.startVia("Obs-ronde")
	h.until("a live frame", func() bool { return h.r.tiles[0].frames > 0 })
	h.key(fyne.KeyO)
	if !h.r.obsBar.Visible() || !h.r.run.State().Paused {
		// Pause goes through the run's goroutine: give it a moment.
		h.until("observation bar and pause", func() bool { return h.r.obsBar.Visible() && h.r.run.State().Paused })
	}
	test.Type(h.r.obsNote, "fiets tegen gevel")
	h.r.obsNote.OnSubmitted(h.r.obsNote.Text)
	h.until("observation saved", func() bool { return strings.Contains(h.r.obsStatus.Text, "cam02") })
	h.until("resumed after the observation", func() bool { return !h.r.run.State().Paused })
	h.until("patrol units known", func() bool { return len(patrolsOf(c)) > 0 })
	h.until("patrol button", func() bool { return h.r.patrolBtn.Visible() })
	h.key(fyne.KeyP)
	h.until("patrol sent", func() bool { return strings.Contains(h.r.obsStatus.Text, "onderweg naar cam02") })
	run := h.r.run
	run.Stop()
	reps, err := c.RoundReports(context.Background(), chief(t, c), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(reps) != 1 || len(reps[0].Obs) != 1 || reps[0].Obs[0].Note != "fiets tegen gevel" || reps[0].Obs[0].Snapshot == "" ||
		reps[0].Obs[0].Unit == "" {
		t.Fatalf("reports = %+v, %v", reps, err)
	}
}

func TestRoundReportScreenCoverage(t *testing.T) {
	c := openConsole(t, 4)
	saveRound(t, c, uiRound("Kort", time.Second, []string{"cam01"}))
	disp, err := c.Login(context.Background(), "dispatcher", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.StartRound(context.Background(), disp, "Kort", "", app.RoundOptions{SubStream: true})
	if err != nil {
		t.Fatal(err)
	}
	<-run.Done()
	uitest.App(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1200, 800))
	defer w.Close()
	l := uitest.NewLoop()
	rs := newRoundReportView(uitest.Env(t, chief(t, c), w, l), c)
	w.SetContent(rs.content)
	test.Tap(rs.search)
	l.Until(t, "reports loaded", 20*time.Second, func() bool { return len(rs.coverage.Cameras) > 0 })
	if len(rs.reports) != 1 || rs.reports[0].Round != "Kort" {
		t.Fatalf("runs shown: %+v", rs.reports)
	}
	if !strings.Contains(rs.status.Text, "3 camera's niet bekeken") {
		t.Errorf("status %q", rs.status.Text)
	}
	rs.runs.Select(0)
	if !strings.Contains(rs.detail.Text, "stap 1 · cam01 · gezien") {
		t.Errorf("visit report shown: %q", rs.detail.Text)
	}
	for i, cc := range rs.coverage.Cameras {
		item := rs.cameras.CreateItem()
		rs.cameras.UpdateItem(i, item)
		name := item.(*fyne.Container).Objects[0].(*canvas.Text)
		red := name.Color == look.ColLost
		if red != (cc.Camera.ID != "cam01") {
			t.Errorf("coverage row %s: red=%v (not seen=%v)", cc.Camera.ID, red, cc.NotSeen)
		}
	}
	if rs.csvBtn.Disabled() || rs.htmlBtn.Disabled() {
		t.Error("export buttons stay disabled after a search")
	}
}

func TestRoundsScreenGuardAlone(t *testing.T) {
	c := openConsole(t, 4)
	h := newRoundsHarness(t, c, "bewaker", fyne.NewSize(1000, 700))
	h.until("rounds listed", func() bool { return len(h.r.rounds) > 0 })
	h.r.list.Select(0)
	if !h.r.startBtn.Disabled() || h.r.status.Text != lang.L("rounds.cannot") {
		t.Errorf("guard without a team chief: start enabled=%v, status %q", !h.r.startBtn.Disabled(), h.r.status.Text)
	}
}

// TestRoundTranslationsComplete checks the rounds screens' keys in the
// rounds.<lang>.json files, and that Fyne loads those files with the rest.
func TestRoundTranslationsComplete(t *testing.T) {
	re := regexp.MustCompile(`lang\.(?:L|X)\("(rounds\.[^"]+)"`)
	files, _ := filepath.Glob("*.go")
	used := map[string]bool{"rounds.tab": true, "rounds.report.tab": true}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 40 {
		t.Fatalf("found only %d rounds keys: is the scan broken?", len(used))
	}
	for _, code := range look.Languages {
		b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/rounds." + code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("rounds.%s.json: %v", code, err)
		}
		for k := range used {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("rounds.%s.json: key %q missing", code, k)
			}
		}
		for k := range m {
			if !used[k] {
				t.Errorf("rounds.%s.json: key %q used nowhere", code, k)
			}
		}
	}
	t.Setenv("LANGUAGE", "")
	for code, want := range map[string]string{"nl": "Ronde starten", "fr": "Démarrer la ronde", "en": "Start round"} {
		if err := look.SetLanguage(code); err != nil {
			t.Fatal(err)
		}
		if got := lang.L("rounds.start"); got != want {
			t.Errorf("%s: lang.L(rounds.start) = %q, want %q", code, got, want)
		}
	}
	if err := look.SetLanguage("nl"); err != nil {
		t.Fatal(err)
	}
}
