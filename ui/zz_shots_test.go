package ui

import (
	"image/png"
	"os"
	"testing"

	"github.com/politiezone/zoneconsole/app"
)

func TestZZShots(t *testing.T) {
	c := openConsole(t, 2)
	h := newHarness(t, c)
	save := func(name string) {
		f, _ := os.Create("/tmp/" + name + ".png")
		png.Encode(f, h.w.Canvas().Capture())
		f.Close()
	}
	h.s.login.user.SetText("")
	h.login("dispatcher", "wrong")
	save("login")
	h.s.login.user.SetText("")
	h.login("teamchef", app.DemoPassword)
	h.until("prompt", func() bool { return h.s.prompt != nil })
	h.s.prompt.kind.SetSelectedIndex(5)
	save("prompt")
	h.s.prompt.kind.SetSelectedIndex(0)
	h.confirmPrompt()
	h.until("live", func() bool { return h.liveTiles() == 2 })
	h.s.main.tabs.SelectIndex(1)
	h.until("rows", func() bool { return len(h.s.main.watch.rows) > 0 })
	save("watch")
	h.s.main.tabs.SelectIndex(2)
	h.s.main.review.run()
	h.until("rows", func() bool { return h.s.main.review.last != nil })
	save("review")
}
