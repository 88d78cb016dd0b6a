package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
)

// fakeIdle stands in for the console's idle clock, so the test decides
// when the session locks; identity's tests cover the rule itself.
type fakeIdle struct {
	mu      sync.Mutex
	locked  bool
	touches int
}

func (f *fakeIdle) Touch(*app.Session) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.touches++
	return !f.locked
}

func (f *fakeIdle) Locked(*app.Session) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.locked
}

func (f *fakeIdle) Unlock(_ context.Context, _ *app.Session, pw string) error {
	if pw != simzone.DemoPassword {
		return errors.New("wrong password")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.locked = false
	return nil
}

func (f *fakeIdle) set(locked bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.locked = locked
}

func (f *fakeIdle) touched() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.touches
}

func TestIdleLock(t *testing.T) {
	c := openConsole(t, 2)
	idle := &fakeIdle{}
	deps := DepsOf(c)
	deps.Idle = idle
	h := newHarnessWith(t, deps)
	h.login("dispatcher", simzone.DemoPassword)
	h.until("main screen", func() bool { return h.s.main != nil })
	m := h.s.main
	h.prompt().Confirm()
	h.until("two live tiles", func() bool { return m.wall.Live(1) == 2 })

	t.Run("the pointer and the tabs count as activity", func(t *testing.T) {
		// Fyne's window asks every object under the pointer for its cursor on
		// each move, from the root down; the test driver does not, so the
		// test checks the wrapper is that root and answers as Fyne asks it.
		cur, ok := h.w.Content().(desktop.Cursorable)
		if !ok || h.w.Content() != fyne.CanvasObject(m.act) {
			t.Fatalf("window content %T is not the activity wrapper", h.w.Content())
		}
		before := idle.touched()
		if cur.Cursor() != desktop.DefaultCursor {
			t.Errorf("the wrapper changes the cursor")
		}
		h.until("pointer activity passed to the console", func() bool { return idle.touched() > before })
		before = idle.touched()
		m.tabs.SelectIndex(len(m.tabs.Items) - 1)
		h.until("tab activity passed to the console", func() bool { return idle.touched() > before })
		m.tabs.SelectIndex(0)
	})

	t.Run("typing in a focused field counts as activity", func(t *testing.T) {
		// The test goroutine is the UI thread here (the loop runs what the
		// shell posts while until polls).
		e := widget.NewEntry()
		pop := widget.NewModalPopUp(e, h.w.Canvas())
		pop.Show()
		h.w.Canvas().Focus(e)
		h.until("the focus seen", func() bool { return m.act.focused == fyne.Focusable(e) })
		for range 3 {
			m.act.seen.Store(false)
			before := idle.touched()
			test.Type(e, "x")
			h.until("typing passed to the console", func() bool { return idle.touched() > before })
		}
		pop.Hide()
	})

	t.Run("no activity, no touch", func(t *testing.T) {
		m.act.seen.Store(false)
		before := idle.touched()
		end := time.Now().Add(3 * idleEvery)
		h.until("three idle ticks", func() bool { return time.Now().After(end) })
		if n := idle.touched() - before; n != 0 {
			t.Errorf("%d touches without activity", n)
		}
	})

	t.Run("a locked session shows the prompt over everything", func(t *testing.T) {
		idle.set(true)
		h.until("lock prompt", func() bool { return m.lock != nil })
		if !strings.Contains(test.RenderObjectToMarkup(m.lock.pop.Content), lang.L("lock.title")) {
			t.Errorf("the prompt does not say the screen is locked")
		}
		if n := m.wall.Live(0); n != 0 {
			t.Errorf("%d tiles still live behind the lock", n)
		}
	})

	t.Run("a wrong password keeps it locked and says why", func(t *testing.T) {
		l := m.lock
		test.Type(l.pw, "not-the-password")
		test.Tap(l.unlock)
		h.until("refusal shown", func() bool { return l.msg.Visible() })
		if m.lock != l || l.pw.Text != "" {
			t.Errorf("after a wrong password: prompt %p (want %p), field %q (want empty)", m.lock, l, l.pw.Text)
		}
	})

	t.Run("the right password unlocks", func(t *testing.T) {
		l := m.lock
		test.Type(l.pw, simzone.DemoPassword)
		test.Tap(l.unlock)
		h.until("prompt gone", func() bool { return m.lock == nil })
		if l.pop.Visible() {
			t.Errorf("the prompt is still on screen")
		}
		h.until("the wall as it was, live again", func() bool { return m.wall.Live(1) == 2 })
	})
}
