package review

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// watchEvery is how often the team chief's live panel asks again.
const watchEvery = 5 * time.Second

// Watcher is what the live panel asks of app.Console.
type Watcher interface {
	Watching(ctx context.Context, s *app.Session) ([]app.Watch, error)
}

// WatchPanel is the team chief's live view of who watches which camera,
// since when and why. It asks the console only while its tab is shown.
type WatchPanel struct {
	env     look.Env
	c       Watcher
	table   *widget.Table
	status  *widget.Label
	rows    []app.Watch
	cancel  context.CancelFunc
	content fyne.CanvasObject
}

// NewWatch is the live panel for env's session; it asks c only while
// SetActive(true).
func NewWatch(env look.Env, c Watcher) *WatchPanel {
	p := &WatchPanel{env: env, c: c}
	heads := []string{lang.L("watch.user"), lang.L("watch.console"), lang.L("watch.camera"), lang.L("watch.since"), lang.L("watch.reason")}
	widths := []float32{260, 160, 260, 150, 520}
	p.table = newTextTable(heads, widths, func() int { return len(p.rows) }, p.cell)
	p.status = widget.NewLabel("")
	p.content = container.NewBorder(p.status, nil, nil, nil, p.table)
	return p
}

// Content is the panel's body.
func (p *WatchPanel) Content() fyne.CanvasObject { return p.content }

func (p *WatchPanel) cell(id widget.TableCellID) string {
	if id.Row < 0 || id.Row >= len(p.rows) {
		return ""
	}
	w := p.rows[id.Row]
	switch id.Col {
	case 0:
		return fmt.Sprintf("%s (%s)", w.User, look.RoleLabel(w.Role))
	case 1:
		return w.Console
	case 2:
		return w.Camera.Name
	case 3:
		return look.Clock(w.Since)
	case 4:
		return look.ReasonLabel(w.Reason)
	}
	return ""
}

// SetActive starts or stops the refresh goroutine.
func (p *WatchPanel) SetActive(on bool) {
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
	e := p.env
	ctx, cancel := context.WithCancel(e.Ctx)
	p.cancel = cancel
	e.Go(func() {
		t := time.NewTicker(watchEvery)
		defer t.Stop()
		for {
			ws, err := p.c.Watching(ctx, e.Sess)
			if ctx.Err() != nil {
				return
			}
			e.Do(func() {
				if p.cancel == nil {
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

func (p *WatchPanel) show(ws []app.Watch, err error) {
	if err != nil {
		p.status.SetText(look.DeniedText(err))
		return
	}
	p.rows = ws
	p.status.SetText(lang.L("watch.count", map[string]any{"Count": len(ws), "Time": time.Now().Format("15:04:05")}))
	p.table.Refresh()
}
