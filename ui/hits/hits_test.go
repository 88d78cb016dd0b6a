package hits

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

func hitsModels(t testing.TB) string {
	t.Helper()
	d := os.Getenv("ZONECONSOLE_ANPR_MODELS")
	if d == "" {
		d, _ = filepath.Abs(filepath.Join("..", "..", ".tools", "anpr-models"))
	}
	if _, err := os.Stat(filepath.Join(d, "rec.onnx")); err != nil {
		t.Fatalf("ANPR models missing in %s (run: anpr/install-models.sh %s): %v", d, d, err)
	}
	return d
}

func hitsLogin(t testing.TB, c *app.Console, name string) *app.Session {
	t.Helper()
	s, err := c.Login(context.Background(), name, simzone.DemoPassword)
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return s
}

const hitsCSV = "plate,country,source,measure,priority,valid_from,valid_until,remarks\n"

// TestHitsPanelConfirmThenSend: a listed plate passes an ANPR camera of the
// simulated zone; the hit appears in the panel with its crop and match; the
// dispatcher taps Confirm, sees the proposed unit, taps Send.
func TestHitsPanelConfirmThenSend(t *testing.T) {
	uitest.App(t)
	c := openConsole(t, 4)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		c.CloseDispatch()
	})
	if err := c.StartANPR(ctx, app.ANPRConfig{ModelDir: hitsModels(t)}); err != nil && !errors.Is(err, app.ErrANPRStarted) {
		t.Fatal(err)
	}
	if err := c.StartPatrols(ctx, app.PatrolConfig{}); err != nil {
		t.Fatal(err)
	}
	adm := hitsLogin(t, c, "beheerder")
	if _, err := c.ImportHotlist(ctx, adm, "national", "national.csv",
		strings.NewReader(hitsCSV+"2-HKT-584,BE,national wanted notices,intercept,1,,,\n")); err != nil {
		t.Fatal(err)
	}
	sess := hitsLogin(t, c, "dispatcher")
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1400, 900))
	l := uitest.NewLoop()
	var sounds atomic.Int32
	p := newHitsPanelWith(ctx, c, sess, w, l.Do, func(context.Context) { sounds.Add(1) })
	// The panel runs on the loop, which runs on this goroutine inside Until.
	var footCam string
	var footAt time.Time
	p.footage = func(id string, at time.Time) { footCam, footAt = id, at }
	w.SetContent(p.content)
	t.Cleanup(func() {
		l.Drain(p.close)
		w.Close()
	})

	var cam string
	for _, cm := range c.Zone().Cameras {
		if cm.Kind.ANPR() {
			cam = cm.ID
			break
		}
	}
	if _, err := c.SimulatePassage(cam, "2-HKT-584", "BE"); err != nil {
		t.Fatal(err)
	}
	l.Until(t, "the hit in the panel", 40*time.Second, func() bool { return len(p.hits) > 0 && p.sel != "" })
	h, _ := p.current()
	if h.Listed != "2HKT584" || !p.detail.Visible() || !p.banner.Visible() || p.crop.Image == nil {
		t.Fatalf("panel after the alert: hit %+v, detail %v, banner %v", h, p.detail.Visible(), p.banner.Visible())
	}
	if !strings.Contains(p.badge.Text, matchLabel(h.Match)) || p.infoVals["measure"].Text != "intercept" {
		t.Errorf("badge %q, measure %q", p.badge.Text, p.infoVals["measure"].Text)
	}
	// The hit's footage opens from a few seconds before the read, for a
	// role that may play back.
	if !p.footBtn.Visible() || p.footBtn.Disabled() {
		t.Fatalf("footage button: visible %v, disabled %v", p.footBtn.Visible(), p.footBtn.Disabled())
	}
	test.Tap(p.footBtn)
	if footCam != h.Camera.ID || !footAt.Equal(h.Time.Add(-footageLead)) {
		t.Errorf("footage opened at %s %v, want %s %v", footCam, footAt, h.Camera.ID, h.Time.Add(-footageLead))
	}
	if p.confirmBtn.Disabled() || !p.sendBtn.Disabled() {
		t.Fatalf("before confirm: confirm disabled %v, send disabled %v", p.confirmBtn.Disabled(), p.sendBtn.Disabled())
	}
	l.Until(t, "patrol positions", 10*time.Second, func() bool { return len(patrolsOf(c)) >= 4 })
	test.Tap(p.confirmBtn)
	l.Until(t, "confirmed with a proposed unit", 10*time.Second, func() bool {
		cur, _ := p.current()
		return cur.Status == app.HitConfirmed && p.prop != nil
	})
	if p.sendBtn.Disabled() || !strings.Contains(p.propLabel.Text, p.prop.Unit.CallSign) || p.banner.Visible() {
		t.Fatalf("after confirm: send disabled %v, proposal %q", p.sendBtn.Disabled(), p.propLabel.Text)
	}
	unit := p.prop.Unit.CallSign
	test.Tap(p.sendBtn)
	l.Until(t, "dispatched", 10*time.Second, func() bool { cur, _ := p.current(); return cur.Status == app.HitDispatched })
	if cur, _ := p.current(); cur.Unit != unit || !strings.Contains(p.status.Text, unit) || !strings.Contains(p.history.Text, unit) {
		t.Errorf("after send: unit %q (proposed %q), status %q, history %q", cur.Unit, unit, p.status.Text, p.history.Text)
	}
	if sounds.Load() == 0 {
		t.Error("no alert sound")
	}
	// The list filters by status and by reject reason.
	for i, f := range p.filters() {
		p.filter.SetSelectedIndex(i)
		want := 0
		if (f.f.Status == "" && !f.f.Quiet) || f.f.Status == app.HitDispatched {
			want = 1 // the quiet list has none: the hit alerted
		}
		if len(p.view) != want {
			t.Errorf("filter %q shows %d hits, want %d", f.label, len(p.view), want)
		}
	}
	p.filter.SetSelectedIndex(0)
	if dir := os.Getenv("ZONECONSOLE_HITS_SHOT"); dir != "" {
		writePNG(t, filepath.Join(dir, "hits.png"), w.Canvas().Capture())
	}

	// The map shows the zone, the patrols and the hit.
	mp := newMapPanelWith(ctx, c, sess, l.Do, time.Hour)
	defer mp.close()
	mw := test.NewWindow(mp.content)
	defer mw.Close()
	mw.Resize(fyne.NewSize(800, 600))
	if mp.m.hit == nil || mp.m.hit.ID != hitsCurrent(p).ID || len(mp.m.patrols) < 4 {
		t.Errorf("map: hit %v, %d patrols", mp.m.hit, len(mp.m.patrols))
	}
	if dir := os.Getenv("ZONECONSOLE_HITS_SHOT"); dir != "" {
		mp.refresh()
		writePNG(t, filepath.Join(dir, "map.png"), mw.Canvas().Capture())
	}
	r := test.TempWidgetRenderer(t, mp.m)
	if n := len(r.Objects()); n < 40 {
		t.Errorf("map has %d objects, want streets, cameras and patrols", n)
	}
}

func hitsCurrent(p *hitsPanel) app.Hit { h, _ := p.current(); return h }

func TestHotlistScreenShowsLineErrors(t *testing.T) {
	uitest.App(t)
	c := openConsole(t, 2)
	t.Cleanup(func() { c.CloseDispatch() })
	adm := hitsLogin(t, c, "beheerder")
	w := test.NewWindow(nil)
	defer w.Close()
	l := uitest.NewLoop()
	s := newHotlistScreenWith(c, adm, w, l.Do)
	w.SetContent(s.content)
	dir := t.TempDir()
	bad := filepath.Join(dir, "local.csv")
	if err := os.WriteFile(bad, []byte(hitsCSV+"1ABC123,BE,local,stop,3,,,\n1AB#123,BE,local,stop,3,,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.setFile(storage.NewFileURI(bad))
	if s.list.Text != "local" || s.importB.Disabled() {
		t.Fatalf("after picking: list %q, import disabled %v", s.list.Text, s.importB.Disabled())
	}
	test.Tap(s.importB)
	l.Until(t, "import result", 10*time.Second, func() bool { return !s.importB.Disabled() })
	if !strings.Contains(s.result.Text, "regel 3:") || !strings.Contains(s.result.Text, "plate") || len(s.versions) != 0 {
		t.Fatalf("result %q, versions %d", s.result.Text, len(s.versions))
	}
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte(hitsCSV+"1ABC123,BE,local,stop,3,,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.setFile(storage.NewFileURI(good))
	test.Tap(s.importB)
	l.Until(t, "import result", 10*time.Second, func() bool { return !s.importB.Disabled() && len(s.versions) == 1 })
	if !strings.Contains(s.result.Text, "versie 1") {
		t.Errorf("result %q", s.result.Text)
	}
	s.wait()
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestHitsNearMatchLooksDifferent: a look-alike hit is amber, not the exact
// red, and the differing cells of both plates are marked.
func TestHitsNearMatchLooksDifferent(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(look.NewTheme())
	exact := app.Hit{Match: app.MatchExact, Status: app.HitNew}
	near := app.Hit{Match: app.MatchLookalike, Status: app.HitNew, Plate: "1A8C123", Listed: "1ABC123",
		Diffs: []app.MatchDiff{{Op: "lookalike", ReadPos: 2, ListedPos: 2, Read: "8", Listed: "B"}}}
	edit := app.Hit{Match: app.MatchOneEdit, Status: app.HitNew, Plate: "1ABC1234", Listed: "1ABC123",
		Diffs: []app.MatchDiff{{Op: "extra", ReadPos: 7, ListedPos: 7, Read: "4"}}}
	if matchColour(exact) == matchColour(near) || matchColour(near) != matchColour(edit) {
		t.Errorf("colours: exact %v, lookalike %v, one edit %v", matchColour(exact), matchColour(near), matchColour(edit))
	}
	if matchLabel(app.MatchExact) == matchLabel(app.MatchLookalike) {
		t.Error("exact and look-alike have the same label")
	}
	read, listed := diffMarks(near)
	if !read[2] || !listed[2] || len(read) != 1 || len(listed) != 1 {
		t.Errorf("look-alike marks: read %v listed %v", read, listed)
	}
	read, listed = diffMarks(edit)
	if !read[7] || len(listed) != 0 {
		t.Errorf("extra-character marks: read %v listed %v", read, listed)
	}
	row := container.NewHBox()
	setPlateRow(row, near.Plate, map[int]bool{2: true})
	if len(row.Objects) != 7 {
		t.Fatalf("%d cells for %s", len(row.Objects), near.Plate)
	}
	cell := func(i int) color.Color {
		return row.Objects[i].(*fyne.Container).Objects[0].(*canvas.Rectangle).FillColor
	}
	if cell(2) != colHitDiff || cell(1) == colHitDiff {
		t.Errorf("cell colours: %v (diff) %v (same)", cell(2), cell(1))
	}
}
