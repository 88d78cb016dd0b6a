package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Room is what the status line asks of a console that stands in a dispatch
// room of several consoles: whether the room's server answers, and how much
// of the audit waits on this console's disk.
type Room interface {
	RoomStatus() app.RoomStatus
}

// roomEvery is how often the room line asks; the status is in memory.
const roomEvery = time.Second

func newRoomLine() *widget.Label {
	l := widget.NewLabel("")
	l.TextStyle.Bold = true
	l.Importance = widget.WarningImportance
	l.Truncation = fyne.TextTruncateEllipsis
	l.Hide()
	return l
}

// followRoom shows, for every role, that the room is offline: the console
// works on (live view, its own audit), but what the other positions do is
// not seen, and a guard's supervision by a team chief elsewhere runs out.
func (m *mainScreen) followRoom() {
	r := m.s.deps.Room
	if r == nil {
		return
	}
	s, ctx := m.s, m.ctx
	s.goDo(func() {
		t := time.NewTicker(roomEvery)
		defer t.Stop()
		var last string
		for {
			if text := roomLabel(r.RoomStatus()); text != last {
				last = text
				s.do(func() {
					if s.main != m {
						return
					}
					m.roomLine.SetText(text)
					if text == "" {
						m.roomLine.Hide()
					} else {
						m.roomLine.Show()
					}
				})
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// roomLabel is the line for st, "" when there is nothing to say.
func roomLabel(st app.RoomStatus) string {
	if !st.Shared || st.Online {
		return ""
	}
	args := map[string]any{"Since": look.Clock(st.Since), "Queued": st.Queued}
	if st.Queued == 0 {
		return lang.L("room.offline_empty", args)
	}
	return lang.L("room.offline", args)
}
