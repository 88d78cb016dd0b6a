package search

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

// The console the shell holds is the tab's Console.
var _ Console = (*app.Console)(nil)

// harness is the search screen in a test window over a real console.
type harness struct {
	s    *screen
	loop *uitest.Loop
	c    testConsole
}

func newHarness(t *testing.T, user string, open OpenFootage) *harness {
	t.Helper()
	uitest.App(t)
	c, err := openSeeded(context.Background(), t, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sess := login(t, c, user)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	loop := uitest.NewLoop()
	s := newScreen(uitest.Env(t, sess, w, loop), c, open)
	w.SetContent(s.content)
	w.Resize(fyne.NewSize(1400, 900))
	return &harness{s: s, loop: loop, c: c}
}

// search fills the justification, taps Search and waits for the answer.
func (h *harness) search(t *testing.T, pattern, ref, motivation string) {
	t.Helper()
	h.s.pattern.SetText(pattern)
	h.s.caseRef.SetText(ref)
	h.s.motivation.SetText(motivation)
	test.Tap(h.s.button)
	h.loop.Until(t, "the search's answer", 20*time.Second, func() bool { return !h.s.button.Disabled() })
}

func TestSearchShowsPassagesOfThePattern(t *testing.T) {
	var openedCam string
	var openedAt time.Time
	h := newHarness(t, "recherche", func(cam string, at time.Time) { openedCam, openedAt = cam, at })
	h.search(t, "1-AB?-1*", "PV 2026/123", "gestolen wagen gezien aan het station")
	s := h.s
	if s.list.Length() != len(wantPlates) {
		t.Fatalf("list has %d rows (status %q), want %d", s.list.Length(), s.status.Text, len(wantPlates))
	}
	if want := countText(len(wantPlates)); s.count.Text != want || !strings.Contains(want, "3") {
		t.Errorf("count = %q, want %q", s.count.Text, want)
	}
	for i, want := range wantPlates {
		r := newRow()
		r.set(s.results[i])
		if r.plate.Text != want {
			t.Errorf("row %d shows %q, want %q", i, r.plate.Text, want)
		}
		if r.crop.Image == nil || r.vehicle.Image == nil {
			t.Errorf("row %d (%s) has no thumbnails", i, want)
		}
		if !strings.Contains(r.cam.Text, "N79") || !strings.Contains(r.sub.Text, "BE") {
			t.Errorf("row %d: camera %q, details %q", i, r.cam.Text, r.sub.Text)
		}
	}
	// The map counts the passages per camera: two at cam03, one at cam04.
	if s.m.counts["cam03"] != 2 || s.m.counts["cam04"] != 1 {
		t.Errorf("map counts = %v", s.m.counts)
	}
	// Selecting one offers its footage at its camera and time.
	s.list.Select(1)
	if s.detail.open.Disabled() || !strings.Contains(s.detail.text.Text, "1-ABD-124") {
		t.Fatalf("detail after select: %q, open disabled %v", s.detail.text.Text, s.detail.open.Disabled())
	}
	test.Tap(s.detail.open)
	if openedCam != "cam04" || !openedAt.Equal(s.results[1].p.Time) {
		t.Errorf("open footage got (%s, %v), want (cam04, %v)", openedCam, openedAt, s.results[1].p.Time)
	}
	if s.m.sel != "cam04" {
		t.Errorf("map selection = %q, want cam04", s.m.sel)
	}
}

func TestSearchNarrowedByCameraCountryAndPlace(t *testing.T) {
	h := newHarness(t, "recherche", nil)
	if h.s.detail.open != nil {
		t.Error("an open-footage button without a callback")
	}
	// cam04 only: 1-ABD-124 (1-ABCD-123 does not match).
	h.s.cams.SetSelected([]string{h.s.cams.Options[1]})
	h.search(t, "1AB?1*", "PV 2026/123", "controle")
	if len(h.s.results) != 1 || h.s.results[0].p.Display != "1-ABD-124" {
		t.Fatalf("cam04 gave %d results", len(h.s.results))
	}
	// A place: 300 m around cam03, every camera unticked, any plate from NL: none.
	h.s.cams.SetSelected(nil)
	h.s.centre.SetSelectedIndex(1 + indexOf(h.s.centreIDs, "cam03"))
	h.s.radius.SetText("300")
	h.s.country.SetText("nl")
	h.search(t, "*", "PV 2026/123", "controle")
	if len(h.s.results) != 0 || h.s.count.Text != countText(0) {
		t.Fatalf("NL around cam03 gave %d results (%q)", len(h.s.results), h.s.count.Text)
	}
	// The same place, any country: the three passages at cam03.
	h.s.country.SetText("")
	h.search(t, "", "PV 2026/123", "controle")
	if len(h.s.results) != 3 || !h.s.m.area || h.s.m.counts["cam04"] != 0 {
		t.Fatalf("around cam03 gave %d results, counts %v", len(h.s.results), h.s.m.counts)
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func TestSearchWithoutMotivationIsRefused(t *testing.T) {
	h := newHarness(t, "recherche", nil)
	h.search(t, "1-AB?-1*", "PV 2026/123", "")
	want := look.DecisionText(app.CodeMotivationRequired)
	if !strings.Contains(h.s.status.Text, want) || h.s.list.Length() != 0 {
		t.Fatalf("status %q (want it to hold %q), %d rows", h.s.status.Text, want, h.s.list.Length())
	}
	// Without a case reference: refused too.
	h.search(t, "1-AB?-1*", "", "gestolen wagen")
	refused := strings.Split(lang.L("search.refused", map[string]any{"Reason": "\x00"}), "\x00")[0]
	if h.s.list.Length() != 0 || !strings.HasPrefix(h.s.status.Text, refused) || h.s.count.Text != "" {
		t.Fatalf("without a case: status %q, count %q, %d rows", h.s.status.Text, h.s.count.Text, h.s.list.Length())
	}
}

func TestDispatcherGetsNoPassages(t *testing.T) {
	h := newHarness(t, "dispatcher", nil)
	h.search(t, "1-AB?-1*", "PV 2026/123", "gestolen wagen gezien aan het station")
	if h.s.list.Length() != 0 || len(h.s.results) != 0 {
		t.Fatalf("a dispatcher got %d passages", h.s.list.Length())
	}
	if want := look.DecisionText(app.CodeRoleNotPermitted); !strings.Contains(h.s.status.Text, want) {
		t.Fatalf("status %q, want it to hold %q", h.s.status.Text, want)
	}
}

func TestBadTimeIsSaidBeforeAsking(t *testing.T) {
	h := newHarness(t, "recherche", nil)
	h.s.from.SetText("gisteren")
	test.Tap(h.s.button)
	if want := lang.L("search.bad_field", map[string]any{"Field": lang.L("search.from")}); h.s.button.Disabled() || h.s.status.Text != want {
		t.Fatalf("status %q, button disabled %v", h.s.status.Text, h.s.button.Disabled())
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"2026-03-14T08:30:00+01:00", time.Date(2026, 3, 14, 7, 30, 0, 0, time.UTC), true},
		{"2026-03-14T07:30:00Z", time.Date(2026, 3, 14, 7, 30, 0, 0, time.UTC), true},
		{" 2026-03-14 08:30 ", time.Date(2026, 3, 14, 8, 30, 0, 0, time.Local).UTC(), true},
		{"14/03/2026", time.Time{}, false},
	} {
		got, err := parseTime(tc.in)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
