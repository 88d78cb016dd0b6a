package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// watchEvery is how often the team chief's live panel asks again.
const watchEvery = 5 * time.Second

// watchPanel is the team chief's live view of who watches which camera,
// since when and why. It asks the console only while its tab is shown.
type watchPanel struct {
	s       *shell
	table   *widget.Table
	status  *widget.Label
	rows    []app.Watch
	cancel  context.CancelFunc
	content fyne.CanvasObject
}

func buildWatchTab(m *mainScreen) fyne.CanvasObject {
	p := &watchPanel{s: m.s}
	m.watch = p
	heads := []string{lang.L("watch.user"), lang.L("watch.console"), lang.L("watch.camera"), lang.L("watch.since"), lang.L("watch.reason")}
	widths := []float32{260, 160, 260, 150, 520}
	p.table = newTextTable(heads, widths, func() int { return len(p.rows) }, p.cell)
	p.status = widget.NewLabel("")
	p.content = container.NewBorder(p.status, nil, nil, nil, p.table)
	return p.content
}

func (p *watchPanel) cell(id widget.TableCellID) string {
	if id.Row < 0 || id.Row >= len(p.rows) {
		return ""
	}
	w := p.rows[id.Row]
	switch id.Col {
	case 0:
		return fmt.Sprintf("%s (%s)", w.User, roleLabel(w.Role))
	case 1:
		return w.Console
	case 2:
		return w.Camera.Name
	case 3:
		return clock(w.Since)
	case 4:
		return reasonLabel(w.Reason)
	}
	return ""
}

// setActive starts or stops the refresh goroutine.
func (p *watchPanel) setActive(on bool) {
	if !on {
		if p.cancel != nil {
			p.cancel()
			p.cancel = nil
		}
		return
	}
	if p.cancel != nil {
		return
	}
	s, sess := p.s, p.s.sess
	ctx, cancel := context.WithCancel(s.ctx)
	p.cancel = cancel
	s.goDo(func() {
		t := time.NewTicker(watchEvery)
		defer t.Stop()
		for {
			ws, err := s.c.Watching(ctx, sess)
			if ctx.Err() != nil {
				return
			}
			s.do(func() {
				if p.cancel == nil || s.sess != sess {
					return
				}
				p.show(ws, err)
			})
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

func (p *watchPanel) show(ws []app.Watch, err error) {
	if err != nil {
		p.status.SetText(deniedText(err))
		return
	}
	p.rows = ws
	p.status.SetText(lang.L("watch.count", map[string]any{"Count": len(ws), "Time": time.Now().Format("15:04:05")}))
	p.table.Refresh()
}
