package review

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
)

// TestTeamChiefScreens: the live panel lists who watches what, and the
// review finds the audited intervals and exports them.
func TestTeamChiefScreens(t *testing.T) {
	c := openConsole(t, 2)
	// A dispatcher elsewhere on this console watches a camera.
	disp, err := c.Login(context.Background(), "dispatcher", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	cam := c.Zone().Cameras[1]
	why := app.Reason{Kind: app.JustEvent, Ref: "Wijnfeesten", Text: "drukte aan de Markt"}
	v, err := c.OpenLive(context.Background(), disp, cam.ID, app.StreamSub, why)
	if err != nil {
		t.Fatal(err)
	}

	uitest.App(t)
	boss, err := c.Login(context.Background(), "teamchef", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	defer w.Close()
	l := uitest.NewLoop()
	env := uitest.Env(t, boss, w, l)
	watch := NewWatch(env, c)
	rs := newReviewScreen(env, c)
	until := func(what string, cond func() bool) { l.Until(t, what, 30*time.Second, cond) }

	t.Run("live panel", func(t *testing.T) {
		watch.SetActive(true)
		until("the dispatcher's view in the panel", func() bool {
			for _, w := range watch.rows {
				if w.User == "dispatcher" && w.Camera.ID == cam.ID {
					return true
				}
			}
			return false
		})
		for row, w := range watch.rows {
			if w.User != "dispatcher" {
				continue
			}
			cells := []string{}
			for col := 0; col < 5; col++ {
				cells = append(cells, watch.cell(widget.TableCellID{Row: row, Col: col}))
			}
			got := strings.Join(cells, " | ")
			for _, want := range []string{"dispatcher", cam.Name, "Wijnfeesten", "drukte aan de Markt", look.JustKindLabel(app.JustEvent)} {
				if !strings.Contains(got, want) {
					t.Errorf("panel row %q lacks %q", got, want)
				}
			}
		}
		// Leaving the tab stops the refresh.
		watch.SetActive(false)
		if watch.cancel != nil {
			t.Error("live panel still refreshing on another tab")
		}
	})

	if err := v.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("review", func(t *testing.T) {
		if rs.r == nil {
			t.Fatal("review screen has no reviewer")
		}
		rs.camera.SetSelectedIndex(2) // the second camera
		rs.user.SetText("dispatcher")
		test.Tap(rs.search)
		until("review rows", func() bool { return rs.search.Disabled() == false && rs.last != nil })
		if got, want := rs.cell(widget.TableCellID{Row: 0, Col: 3}), look.ActionLabel("live.start"); got != want || got == "live.start" {
			t.Errorf("action cell %q, want %q", got, want)
		}
		var actions []string
		for _, r := range rs.rows {
			actions = append(actions, r.Action)
			if r.User != "dispatcher" || r.Subject != "camera:"+cam.ID {
				t.Errorf("row outside the filter: %+v", r)
			}
		}
		if strings.Join(actions, ",") != "live.start,live.stop" {
			t.Errorf("review actions %v, want live.start,live.stop", actions)
		}
		if !strings.Contains(rs.status.Text, "intact") && !strings.Contains(rs.status.Text, lang.L("review.chain.intact")) {
			t.Errorf("status %q does not state the chain's verification", rs.status.Text)
		}
		if rs.csvBtn.Disabled() || rs.htmlBtn.Disabled() {
			t.Error("export buttons still disabled after a search")
		}

		var csv, html bytes.Buffer
		if err := rs.r.Export(context.Background(), boss, *rs.last, "csv", &csv); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(strings.TrimSpace(csv.String()), "\n"); n != 2 {
			t.Errorf("CSV has %d data lines, want 2:\n%s", n, csv.String())
		}
		if err := rs.r.Export(context.Background(), boss, *rs.last, "html", &html); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(html.String(), "<html") || !strings.Contains(html.String(), cam.ID) {
			t.Errorf("HTML report lacks the page or the camera")
		}
	})

	t.Run("a bad period says so", func(t *testing.T) {
		rs.from.SetText("gisteren")
		test.Tap(rs.search)
		if !strings.Contains(rs.status.Text, lang.L("review.period.layout")) {
			t.Errorf("status %q", rs.status.Text)
		}
	})
}
