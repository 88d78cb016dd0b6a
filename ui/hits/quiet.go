package hits

import (
	"context"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// quietConsole is what the quiet list ("stil") asks beyond AlertConsole:
// the near hits the alert policy kept from the alarm, and their promotion to
// a real hit. app.Console has both (hits.Desk); a console without them shows
// no quiet list.
type quietConsole interface {
	SearchHits(s *app.Session, f app.HitFilter) ([]app.Hit, error)
	PromoteHit(ctx context.Context, s *app.Session, hitID string) error
}

// quietFilter is the list view of the quiet hits.
var quietFilter = app.HitFilter{Quiet: true}

// loadQuiet adds the quiet hits the console holds to the panel's hits (the
// search is audited like any other hit search).
func (p *hitsPanel) loadQuiet() {
	qc, ok := p.c.(quietConsole)
	if !ok {
		return
	}
	quiet, err := qc.SearchHits(p.sess, quietFilter)
	if err != nil {
		return
	}
	p.hits = append(p.hits, quiet...)
}

// newPromoteButton is the quiet hit's one action besides reject: make it a
// real hit, with the alarm for every console that may see it.
func (p *hitsPanel) newPromoteButton() *widget.Button {
	b := widget.NewButtonWithIcon(lang.L("hits.quiet.promote"), theme.WarningIcon(), p.promote)
	b.Hide()
	return b
}

func (p *hitsPanel) promote() {
	qc, ok := p.c.(quietConsole)
	if !ok {
		return
	}
	id := p.sel
	p.promoteBtn.Disable()
	p.run(func() error { return qc.PromoteHit(p.ctx, p.sess, id) }, func(err error) {
		p.report(err)
		p.refreshButtons()
	})
}

// refreshPromote shows the promote button on a quiet hit only.
func (p *hitsPanel) refreshPromote(h app.Hit, ok bool) {
	_, can := p.c.(quietConsole)
	if ok && can && h.Quiet {
		p.promoteBtn.Show()
		look.SetEnabled(p.promoteBtn, h.Status == app.HitNew && p.c.Can(p.sess, app.ActHitHandle))
		return
	}
	p.promoteBtn.Hide()
}

// inView reports whether h belongs in the list under filter f: the quiet
// list shows only quiet hits, every other view only those that alerted.
func inView(h app.Hit, f app.HitFilter) bool {
	return h.Quiet == f.Quiet && (f.Status == "" || h.Status == f.Status) &&
		(f.RejectReason == "" || h.RejectReason == f.RejectReason)
}
