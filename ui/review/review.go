// Package review is the team chief's and the DPO's view of the audit trail:
// the review with its verification and exports, and the live panel of who
// watches what now.
package review

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// reviewQuery is what the team chief or DPO asks the audit trail.
type reviewQuery struct {
	User     string
	Camera   string // camera id, "" for all
	JustKind app.JustKind
	From, To time.Time
}

// reviewRow is one consultation as the review table shows it.
type reviewRow struct {
	Time    time.Time
	User    string
	Role    string
	Console string
	Action  string
	Subject string
	Reason  string
	Outcome string // "allowed" or "denied"
	Code    string // the decision code
}

// reviewResult is one answer: the rows and the chain's verification.
type reviewResult struct {
	Rows     []reviewRow
	Verified bool
	Verdict  string // e.g. "intact, 1234 entries" or the first bad entry
}

// reviewer is the review in the screen's own terms; consoleReviewer
// answers it over the console (adapter.go).
type reviewer interface {
	Review(ctx context.Context, s *app.Session, q reviewQuery) (reviewResult, error)
	// Export writes the same selection as "csv" or "html" (printable report
	// stating the chain's verification).
	Export(ctx context.Context, s *app.Session, q reviewQuery, format string, w io.Writer) error
}

type reviewScreen struct {
	env     look.Env
	r       reviewer
	user    *widget.Entry
	camera  *widget.Select
	camIDs  []string
	kind    *widget.Select
	from    *widget.Entry
	to      *widget.Entry
	table   *widget.Table
	status  *widget.Label
	rows    []reviewRow
	last    *reviewQuery
	search  *widget.Button
	csvBtn  *widget.Button
	htmlBtn *widget.Button
	content fyne.CanvasObject
}

const periodLayout = "2006-01-02 15:04"

// New is the review of the audit trail for env's session (team chief,
// DPO): filters, the consultations found, the chain's verification, and
// the CSV and HTML exports. With a nil console it says the review is not
// available.
func New(env look.Env, c Auditor) fyne.CanvasObject { return newReviewScreen(env, c).content }

func newReviewScreen(env look.Env, c Auditor) *reviewScreen {
	rs := &reviewScreen{env: env}
	var cams []app.Camera
	if c != nil {
		rs.r = consoleReviewer{c: c}
		cams = c.Zone().Cameras
	}
	rs.user = widget.NewEntry()
	rs.user.SetPlaceHolder(lang.L("review.all"))
	camNames := []string{lang.L("review.all")}
	rs.camIDs = []string{""}
	for _, c := range cams {
		camNames = append(camNames, c.Name)
		rs.camIDs = append(rs.camIDs, c.ID)
	}
	rs.camera = widget.NewSelect(camNames, nil)
	rs.camera.SetSelectedIndex(0)
	kinds := []string{lang.L("review.all")}
	for _, k := range app.JustKinds() {
		kinds = append(kinds, look.JustKindLabel(k))
	}
	rs.kind = widget.NewSelect(kinds, nil)
	rs.kind.SetSelectedIndex(0)
	now := time.Now()
	rs.from = widget.NewEntry()
	rs.from.SetText(now.Add(-24 * time.Hour).Format(periodLayout))
	rs.to = widget.NewEntry()
	rs.to.SetText(now.Add(time.Hour).Truncate(time.Hour).Format(periodLayout))

	rs.search = widget.NewButton(lang.L("review.search"), rs.run)
	rs.search.Importance = widget.HighImportance
	rs.csvBtn = widget.NewButton(lang.L("review.export.csv"), func() { rs.export("csv") })
	rs.htmlBtn = widget.NewButton(lang.L("review.export.html"), func() { rs.export("html") })
	rs.csvBtn.Disable()
	rs.htmlBtn.Disable()
	rs.status = widget.NewLabel("")
	rs.status.Truncation = fyne.TextTruncateEllipsis
	if rs.r == nil {
		rs.search.Disable()
		rs.status.SetText(lang.L("review.unavailable"))
	}

	filters := container.NewGridWithColumns(5,
		widget.NewForm(widget.NewFormItem(lang.L("review.person"), rs.user)),
		widget.NewForm(widget.NewFormItem(lang.L("review.camera"), rs.camera)),
		widget.NewForm(widget.NewFormItem(lang.L("review.justification"), rs.kind)),
		widget.NewForm(widget.NewFormItem(lang.L("review.from"), rs.from)),
		widget.NewForm(widget.NewFormItem(lang.L("review.to"), rs.to)),
	)
	buttons := container.NewHBox(rs.search, rs.csvBtn, rs.htmlBtn)

	heads := []string{lang.L("review.col.time"), lang.L("review.col.user"), lang.L("review.col.console"),
		lang.L("review.col.action"), lang.L("review.col.subject"), lang.L("review.col.reason"), lang.L("review.col.outcome")}
	widths := []float32{150, 200, 130, 110, 190, 420, 220}
	rs.table = newTextTable(heads, widths, func() int { return len(rs.rows) }, rs.cell)
	rs.content = container.NewBorder(container.NewVBox(filters, buttons, rs.status), nil, nil, nil, rs.table)
	return rs
}

func (rs *reviewScreen) cell(id widget.TableCellID) string {
	if id.Row < 0 || id.Row >= len(rs.rows) {
		return ""
	}
	r := rs.rows[id.Row]
	switch id.Col {
	case 0:
		return look.Clock(r.Time)
	case 1:
		if r.Role == "" {
			return r.User
		}
		return r.User + " (" + look.RoleLabel(app.Role(r.Role)) + ")"
	case 2:
		return r.Console
	case 3:
		return look.ActionLabel(r.Action)
	case 4:
		return r.Subject
	case 5:
		return r.Reason
	case 6:
		return look.OutcomeLabel(r.Outcome, r.Code)
	}
	return ""
}

// query reads the filters; the period is typed in local time.
func (rs *reviewScreen) query() (reviewQuery, error) {
	q := reviewQuery{User: strings.TrimSpace(rs.user.Text)}
	if i := rs.camera.SelectedIndex(); i > 0 && i < len(rs.camIDs) {
		q.Camera = rs.camIDs[i]
	}
	if i := rs.kind.SelectedIndex(); i > 0 && i <= len(app.JustKinds()) {
		q.JustKind = app.JustKinds()[i-1]
	}
	var err error
	if q.From, err = time.ParseInLocation(periodLayout, strings.TrimSpace(rs.from.Text), time.Local); err != nil {
		return q, fmt.Errorf("%s", lang.L("review.error.period", map[string]any{"Layout": lang.L("review.period.layout")}))
	}
	if q.To, err = time.ParseInLocation(periodLayout, strings.TrimSpace(rs.to.Text), time.Local); err != nil {
		return q, fmt.Errorf("%s", lang.L("review.error.period", map[string]any{"Layout": lang.L("review.period.layout")}))
	}
	q.From, q.To = q.From.UTC(), q.To.UTC()
	if !q.To.After(q.From) {
		return q, fmt.Errorf("%s", lang.L("review.error.order"))
	}
	return q, nil
}

// newTextTable is a table of text cells under a row of bold column heads
// (the review and the live panel): rows counts the rows, cell gives a
// cell's text.
func newTextTable(heads []string, widths []float32, rows func() int, cell func(widget.TableCellID) string) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return rows(), len(heads) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(cell(id)) })
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.TextStyle.Bold = true
		if id.Col >= 0 && id.Col < len(heads) {
			l.SetText(heads[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	return t
}

func (rs *reviewScreen) run() {
	q, err := rs.query()
	if err != nil {
		rs.status.SetText(err.Error())
		return
	}
	e := rs.env
	rs.search.Disable()
	rs.status.SetText(lang.L("review.searching"))
	e.Go(func() {
		res, err := rs.r.Review(e.Ctx, e.Sess, q)
		e.Do(func() {
			rs.search.Enable()
			if err != nil {
				rs.status.SetText(look.DeniedText(err))
				return
			}
			rs.rows, rs.last = res.Rows, &q
			verdict := lang.L("review.chain.broken", map[string]any{"Verdict": res.Verdict})
			if res.Verified {
				verdict = lang.L("review.chain.intact")
			}
			rs.status.SetText(lang.L("review.count", map[string]any{"Count": len(res.Rows)}) + " " + verdict)
			rs.csvBtn.Enable()
			rs.htmlBtn.Enable()
			rs.table.Refresh()
		})
	})
}

// export writes the last search to a file the user picks.
func (rs *reviewScreen) export(format string) {
	if rs.last == nil || rs.r == nil {
		return
	}
	q, e := *rs.last, rs.env
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		e.Go(func() {
			err := rs.r.Export(e.Ctx, e.Sess, q, format, w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			e.Do(func() {
				if err != nil {
					rs.status.SetText(look.DeniedText(err))
					return
				}
				rs.status.SetText(lang.L("review.exported", map[string]any{"File": w.URI().Name()}))
			})
		})
	}, e.W)
	d.SetFileName(fmt.Sprintf("review-%s.%s", time.Now().Format("20060102-1504"), format))
	d.Show()
}
