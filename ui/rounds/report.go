package rounds

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// roundPeriodLayout is how the period fields read and show times (UTC).
const roundPeriodLayout = "2006-01-02 15:04"

// shiftLength is the default period of the coverage view: one shift.
const shiftLength = 8 * time.Hour

// Reporter is what the report screen asks of app.Console.
type Reporter interface {
	RoundReports(ctx context.Context, s *app.Session, from, to time.Time) ([]app.RoundReport, error)
	RoundCoverage(ctx context.Context, s *app.Session, from, to time.Time) (app.Coverage, error)
	ExportRoundReports(ctx context.Context, s *app.Session, from, to time.Time, format app.ExportFormat, w io.Writer) error
}

// roundReportScreen is the team chief's view of the rounds of a period:
// the runs with their visits, and the coverage with the cameras nobody
// looked at standing out in red.
type roundReportScreen struct {
	ctx  context.Context
	c    Reporter
	sess *app.Session
	w    fyne.Window
	do   func(func())
	goDo func(func())
	log  *slog.Logger

	content  fyne.CanvasObject
	from, to *widget.Entry
	search   *widget.Button
	csvBtn   *widget.Button
	htmlBtn  *widget.Button
	status   *widget.Label
	runs     *widget.List
	detail   *widget.Label
	cameras  *widget.List
	areas    *widget.Label
	reports  []app.RoundReport
	coverage app.Coverage
	period   [2]time.Time
}

// NewReports is the report and coverage screen for env's session (team
// chief, DPO).
func NewReports(env look.Env, c Reporter) fyne.CanvasObject {
	return newRoundReportView(env, c).content
}

func newRoundReportView(env look.Env, c Reporter) *roundReportScreen {
	rs := &roundReportScreen{ctx: env.Ctx, c: c, sess: env.Sess, w: env.W, do: env.Do, goDo: env.Go,
		log: env.Log.With("screen", "round-report")}
	now := time.Now().UTC()
	rs.from, rs.to = widget.NewEntry(), widget.NewEntry()
	rs.from.SetText(now.Add(-shiftLength).Format(roundPeriodLayout))
	rs.to.SetText(now.Add(time.Minute).Format(roundPeriodLayout))
	shift := widget.NewButton(lang.L("rounds.report.shift"), func() {
		n := time.Now().UTC()
		rs.from.SetText(n.Add(-shiftLength).Format(roundPeriodLayout))
		rs.to.SetText(n.Add(time.Minute).Format(roundPeriodLayout))
		rs.load()
	})
	rs.search = widget.NewButtonWithIcon(lang.L("rounds.report.search"), theme.SearchIcon(), rs.load)
	rs.search.Importance = widget.HighImportance
	rs.csvBtn = widget.NewButtonWithIcon(lang.L("rounds.report.export.csv"), theme.DownloadIcon(), func() { rs.export(app.ExportCSV) })
	rs.htmlBtn = widget.NewButtonWithIcon(lang.L("rounds.report.export.html"), theme.DocumentPrintIcon(), func() { rs.export(app.ExportHTML) })
	rs.csvBtn.Disable()
	rs.htmlBtn.Disable()
	rs.status = widget.NewLabel("")
	bar := container.NewHBox(widget.NewLabel(lang.L("rounds.report.from")), sized(rs.from), widget.NewLabel(lang.L("rounds.report.to")),
		sized(rs.to), shift, rs.search, layout.NewSpacer(), rs.csvBtn, rs.htmlBtn)

	rs.runs = widget.NewList(func() int { return len(rs.reports) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(rs.reports) {
				o.(*widget.Label).SetText(runLine(rs.reports[id]))
			}
		})
	rs.detail = widget.NewLabel(lang.L("rounds.report.pick"))
	rs.detail.Wrapping = fyne.TextWrapWord
	rs.runs.OnSelected = func(id widget.ListItemID) {
		if id < len(rs.reports) {
			rs.detail.SetText(runDetail(rs.reports[id]))
		}
	}
	rs.cameras = widget.NewList(func() int { return len(rs.coverage.Cameras) },
		func() fyne.CanvasObject {
			return container.NewHBox(canvas.NewText("", look.ColForeground), layout.NewSpacer(), canvas.NewText("", look.ColMuted))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(rs.coverage.Cameras) {
				return
			}
			cc := rs.coverage.Cameras[id]
			box := o.(*fyne.Container)
			name, when := box.Objects[0].(*canvas.Text), box.Objects[2].(*canvas.Text)
			name.Text = fmt.Sprintf("%s (%s)", cc.Camera.Name, strings.Join(cc.Areas, ", "))
			switch {
			case !cc.InRound:
				name.Color = look.ColMuted
				when.Text = lang.L("rounds.report.cov.noround")
			case cc.NotSeen:
				name.Color = look.ColLost
				name.TextStyle.Bold = true
				when.Text = lang.L("rounds.report.cov.notseen", map[string]any{"Last": lastLabel(cc.Last)})
			default:
				name.Color = look.ColForeground
				name.TextStyle.Bold = false
				when.Text = lang.L("rounds.report.cov.seen", map[string]any{"Visits": cc.Visits, "Last": lastLabel(cc.Last)})
			}
			when.Color = name.Color
			name.Refresh()
			when.Refresh()
		})
	rs.areas = widget.NewLabel("")
	rs.areas.Wrapping = fyne.TextWrapWord
	runsHead := widget.NewLabel(lang.L("rounds.report.runs"))
	runsHead.TextStyle.Bold = true
	covHead := widget.NewLabel(lang.L("rounds.report.coverage"))
	covHead.TextStyle.Bold = true
	left := container.NewVSplit(container.NewBorder(runsHead, nil, nil, nil, rs.runs), container.NewVScroll(rs.detail))
	right := container.NewBorder(container.NewVBox(covHead, rs.areas), nil, nil, nil, rs.cameras)
	split := container.NewHSplit(left, right)
	split.Offset = 0.55
	rs.content = container.NewBorder(container.NewVBox(bar, rs.status), nil, nil, nil, split)
	return rs
}

// sized gives a period field room for "2006-01-02 15:04".
func sized(e *widget.Entry) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(170, e.MinSize().Height), e)
}

func lastLabel(t time.Time) string {
	if t.IsZero() {
		return lang.L("rounds.report.cov.never")
	}
	return t.UTC().Format(roundPeriodLayout)
}

func runLine(rep app.RoundReport) string {
	lost := 0
	for _, v := range rep.Visits {
		if v.Status != app.VisitSeen {
			lost++
		}
	}
	return lang.L("rounds.report.run.line", map[string]any{"Time": rep.Started.UTC().Format(roundPeriodLayout), "Round": rep.Round,
		"User": rep.User, "End": endLabel(rep.EndReason), "Visits": len(rep.Visits), "Lost": lost, "Obs": len(rep.Obs)})
}

// runDetail is the visit report of one run as text.
func runDetail(rep app.RoundReport) string {
	var b strings.Builder
	b.WriteString(lang.L("rounds.report.run.head", map[string]any{"Round": rep.Round, "Area": rep.Area, "User": rep.User,
		"Console": rep.Console, "Reason": look.ReasonLabel(rep.Why), "From": rep.Started.UTC().Format(time.TimeOnly),
		"To": rep.Ended.UTC().Format(time.TimeOnly)}))
	b.WriteString("\n")
	for _, v := range rep.Visits {
		status := lang.L("rounds.report.visit.seen")
		switch v.Status {
		case app.VisitLost:
			status = lang.L("rounds.slot.lost")
		case app.VisitRefused:
			status = lang.L("rounds.status.refused")
		}
		b.WriteString(lang.L("rounds.report.visit", map[string]any{"Step": v.Step + 1, "Camera": v.Camera, "Status": status,
			"Planned": v.Planned.String(), "Actual": v.Actual.Round(100 * time.Millisecond).String()}))
		b.WriteString("\n")
	}
	for _, s := range rep.NotReached() {
		b.WriteString(lang.L("rounds.report.notreached", map[string]any{"Step": s + 1}))
		b.WriteString("\n")
	}
	for _, o := range rep.Obs {
		b.WriteString(lang.L("rounds.report.obs", map[string]any{"Camera": o.Camera, "Time": o.Time.UTC().Format(time.TimeOnly),
			"Note": o.Note}))
		b.WriteString("\n")
	}
	return b.String()
}

func (rs *roundReportScreen) parsePeriod() (time.Time, time.Time, error) {
	from, err := time.ParseInLocation(roundPeriodLayout, strings.TrimSpace(rs.from.Text), time.UTC)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	to, err := time.ParseInLocation(roundPeriodLayout, strings.TrimSpace(rs.to.Text), time.UTC)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !to.After(from) {
		return time.Time{}, time.Time{}, fmt.Errorf("%s <= %s", rs.to.Text, rs.from.Text)
	}
	return from, to, nil
}

// load asks the console for the runs and the coverage of the period.
func (rs *roundReportScreen) load() {
	from, to, err := rs.parsePeriod()
	if err != nil {
		rs.status.SetText(lang.L("rounds.report.badperiod"))
		return
	}
	rs.search.Disable()
	rs.status.SetText(lang.L("rounds.report.loading"))
	rs.goDo(func() {
		reps, err := rs.c.RoundReports(rs.ctx, rs.sess, from, to)
		var cov app.Coverage
		if err == nil {
			cov, err = rs.c.RoundCoverage(rs.ctx, rs.sess, from, to)
		}
		rs.do(func() {
			rs.search.Enable()
			if err != nil {
				rs.status.SetText(roundError(err))
				return
			}
			rs.reports, rs.coverage, rs.period = reps, cov, [2]time.Time{from, to}
			notSeen := 0
			for _, cc := range cov.Cameras {
				if cc.NotSeen {
					notSeen++
				}
			}
			var areas []string
			for _, a := range cov.Areas {
				areas = append(areas, lang.L("rounds.report.area", map[string]any{"Area": a.Area, "Last": lastLabel(a.Last),
					"NotSeen": a.NotSeen, "Cameras": a.Cameras}))
			}
			rs.areas.SetText(strings.Join(areas, "\n"))
			rs.status.SetText(lang.L("rounds.report.found", map[string]any{"Runs": len(reps), "NotSeen": notSeen}))
			rs.runs.UnselectAll()
			rs.runs.Refresh()
			rs.cameras.Refresh()
			rs.detail.SetText(lang.L("rounds.report.pick"))
			rs.csvBtn.Enable()
			rs.htmlBtn.Enable()
		})
	})
}

// export writes the period's reports to a file the user picks.
func (rs *roundReportScreen) export(format app.ExportFormat) {
	from, to := rs.period[0], rs.period[1]
	if from.IsZero() {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		rs.goDo(func() {
			err := rs.c.ExportRoundReports(rs.ctx, rs.sess, from, to, format, w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			rs.do(func() {
				if err != nil {
					rs.status.SetText(roundError(err))
					return
				}
				rs.status.SetText(lang.L("rounds.report.exported", map[string]any{"File": w.URI().Name()}))
			})
		})
	}, rs.w)
	d.SetFileName(fmt.Sprintf("rondes-%s.%s", from.Format("20060102-1504"), format))
	d.Show()
}
