package reports

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// councilView is what the council page template reads.
type councilView struct {
	page
	R                              CouncilReport
	Last                           time.Time // the last day counted
	Runs                           int
	PerCamera, PerMonth, PerGround chart
}

// WriteHTML writes the printable page: the year's totals, three charts
// (live hours per camera, per month, and the legal grounds used), the
// tables per kind and per camera, the rounds run and every drone flight.
// made is the moment printed as the page's date; loc, as in CouncilInput,
// the readers' time zone (nil is UTC).
func (r CouncilReport) WriteHTML(w io.Writer, l Lang, made time.Time, loc *time.Location) error {
	p, err := newPen(l, loc)
	if err != nil {
		return err
	}
	pg, err := newPage(p, made)
	if err != nil {
		return err
	}
	v := councilView{page: pg, R: r, Last: r.To.Add(-time.Nanosecond)}
	for _, rd := range r.Rounds {
		v.Runs += rd.Runs
	}
	var cams []chartItem
	for _, c := range r.Cameras {
		cams = append(cams, chartItem{Label: cmp.Or(c.Camera.Name, c.Camera.ID), N: c.Live.Hours(), Text: p.l.hours(c.Live)})
	}
	v.PerCamera = rowsChart(p.l.word("c.chart.camera"), p.l.word("c.chart.none"), cams)
	var months []chartItem
	for i, d := range r.Months {
		months = append(months, chartItem{Label: p.l.shortMonth(time.Month(i + 1)), N: d.Hours(), Text: p.l.hours(d)})
	}
	v.PerMonth = columnsChart(p.l.word("c.chart.month"), p.l.word("c.chart.none"), months)
	var grounds []chartItem
	for _, k := range append(policy.JustKinds(), "") {
		n := r.Total.Justifications[k]
		grounds = append(grounds, chartItem{Label: p.just(k), N: float64(n), Text: fmt.Sprint(n)})
	}
	v.PerGround = rowsChart(p.l.word("c.chart.ground"), p.l.word("c.chart.none"), grounds)
	names := map[string]string{}
	for _, c := range r.Cameras {
		names[c.Camera.ID] = cmp.Or(c.Camera.Name, c.Camera.ID)
	}
	extra := template.FuncMap{"camname": func(id string) string { return cmp.Or(names[id], id) }}
	return render(w, "council.html", p, extra, v)
}
