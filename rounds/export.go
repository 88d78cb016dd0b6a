package rounds

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// WriteCSV writes one line per camera visit (and one per
// observation, and one per step never reached) of the reports.
func WriteCSV(w io.Writer, reps []Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"run", "round", "area", "user", "role", "console", "justification", "run_started", "run_ended",
		"end_reason", "record", "seq", "step", "camera", "status", "planned_s", "extended_s", "actual_s", "first_frame_ms",
		"time", "note", "snapshot", "patrol"})
	for _, rep := range reps {
		head := []string{rep.RunID, rep.Round, rep.Area, rep.User, string(rep.Role), rep.Console, rep.Why.String(),
			ts(rep.Started), ts(rep.Ended), rep.EndReason}
		for _, v := range rep.Visits {
			status := string(v.Status)
			if v.LostDuring {
				status += "+lost_during"
			}
			first := ""
			if v.FirstFrame >= 0 {
				first = strconv.FormatInt(v.FirstFrame.Milliseconds(), 10)
			}
			_ = cw.Write(append(head[:len(head):len(head)], "visit", strconv.Itoa(v.Seq+1), strconv.Itoa(v.Step+1), v.Camera,
				status, secs(v.Planned), secs(v.Extended), secs(v.Actual), first, ts(v.Started), "", "", ""))
		}
		for _, step := range rep.NotReached() {
			cams := ""
			if step < len(rep.Plan) {
				cams = fmt.Sprint(rep.Plan[step])
			}
			_ = cw.Write(append(head[:len(head):len(head)], "not_reached", "", strconv.Itoa(step+1), cams,
				"not_reached", "", "", "", "", "", "", "", ""))
		}
		for _, o := range rep.Obs {
			_ = cw.Write(append(head[:len(head):len(head)], "observation", strconv.Itoa(o.Seq), strconv.Itoa(o.Step+1),
				o.Camera, "", "", "", "", "", ts(o.Time), o.Note, o.Snapshot, o.Unit))
		}
	}
	cw.Flush()
	return cw.Error()
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) }

// HTMLOptions tune the printable report.
type HTMLOptions struct {
	Title   string
	DataDir string            // where the snapshots are (DATA); they are embedded as data: URIs
	Names   map[string]string // camera id -> name
	// Coverage, when set, is printed after the runs with the cameras not
	// looked at in red.
	Coverage *Coverage
}

var roundHTML = template.Must(template.New("rounds").Funcs(template.FuncMap{
	"ts": ts, "secs": secs, "inc": func(i int) int { return i + 1 },
}).Parse(`<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:sans-serif;font-size:11pt;margin:2em}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #999;padding:2px 6px;text-align:left}
th{background:#eee}
.bad{color:#b00;font-weight:bold}
.run{page-break-inside:avoid;border-top:2px solid #333;margin-top:1.5em}
img{max-width:480px;border:1px solid #333}
@media print{.run{page-break-before:auto}}
</style></head><body>
<h1>{{.Title}}</h1>
<p>Gegenereerd {{ts .Now}} UTC &middot; {{len .Runs}} rondes</p>
{{range .Runs}}<div class="run">
<h2>{{.Rep.Round}} &mdash; {{.Rep.Area}}</h2>
<p>Run {{.Rep.RunID}} &middot; {{.Rep.User}} ({{.Rep.Role}}) op {{.Rep.Console}} &middot; {{ts .Rep.Started}} &ndash; {{ts .Rep.Ended}} UTC
&middot; einde: {{.Rep.EndReason}} &middot; rechtvaardiging: {{.Rep.Why.String}}</p>
<table><tr><th>#</th><th>stap</th><th>camera</th><th>status</th><th>gepland (s)</th><th>verlengd (s)</th><th>werkelijk (s)</th><th>eerste beeld (ms)</th><th>begin</th></tr>
{{range .Visits}}<tr><td>{{inc .V.Seq}}</td><td>{{inc .V.Step}}</td><td>{{.Name}}</td>
<td{{if ne .V.Status "seen"}} class="bad"{{end}}>{{if eq .V.Status "lost"}}niet gezien: camera verloren{{else if eq .V.Status "refused"}}niet gezien: geweigerd{{else}}gezien{{end}}{{if .V.LostDuring}} (verloren tijdens stap){{end}}</td>
<td>{{secs .V.Planned}}</td><td>{{secs .V.Extended}}</td><td>{{secs .V.Actual}}</td><td>{{if ge .V.FirstFrame 0}}{{.V.FirstFrame.Milliseconds}}{{end}}</td><td>{{ts .V.Started}}</td></tr>
{{end}}{{range .NotReached}}<tr><td></td><td>{{inc .}}</td><td colspan="7" class="bad">niet bereikt</td></tr>
{{end}}</table>
{{range .Obs}}<h3>Vaststelling {{.O.Seq}}: {{.Name}} (stap {{inc .O.Step}}, {{ts .O.Time}} UTC)</h3>
<p>{{.O.Note}}{{if .O.Unit}} &middot; patrouille gestuurd: {{.O.Unit}}{{end}}</p>{{if .Img}}<img src="{{.Img}}" alt="snapshot {{.O.Camera}}">{{end}}
{{end}}</div>
{{end}}
{{with .Coverage}}<h2>Dekking {{ts .From}} &ndash; {{ts .To}} UTC</h2>
<table><tr><th>camera</th><th>gebied</th><th>laatst bekeken</th><th>bezoeken</th></tr>
{{range .Cameras}}{{if .InRound}}<tr{{if .NotSeen}} class="bad"{{end}}><td>{{.Camera.Name}} ({{.Camera.ID}})</td><td>{{range $i, $a := .Areas}}{{if $i}}, {{end}}{{$a}}{{end}}</td>
<td>{{if .Last.IsZero}}nooit{{else}}{{ts .Last}}{{end}}</td><td>{{.Visits}}</td></tr>{{end}}
{{end}}</table>
<table><tr><th>gebied</th><th>laatst gepatrouilleerd</th><th>camera's</th><th>niet bekeken</th></tr>
{{range .Areas}}<tr{{if .NotSeen}} class="bad"{{end}}><td>{{.Area}}</td><td>{{if .Last.IsZero}}nooit{{else}}{{ts .Last}}{{end}}</td><td>{{.Cameras}}</td><td>{{.NotSeen}}</td></tr>
{{end}}</table>{{end}}
</body></html>
`))

type htmlVisit struct {
	V    Visit
	Name string
}

type htmlObs struct {
	O    Observation
	Name string
	Img  template.URL
}

type htmlRun struct {
	Rep        Report
	Visits     []htmlVisit
	NotReached []int
	Obs        []htmlObs
}

// WriteHTML writes a printable page of the reports, with the
// observations' snapshots embedded so the page stands on its own.
func WriteHTML(w io.Writer, reps []Report, opt HTMLOptions) error {
	name := func(id string) string {
		if n := opt.Names[id]; n != "" {
			return n + " (" + id + ")"
		}
		return id
	}
	data := struct {
		Title    string
		Now      time.Time
		Runs     []htmlRun
		Coverage *Coverage
	}{Title: opt.Title, Now: time.Now().UTC(), Coverage: opt.Coverage}
	if data.Title == "" {
		data.Title = "Virtuele patrouilles: bezoekrapporten"
	}
	for _, rep := range reps {
		hr := htmlRun{Rep: rep, NotReached: rep.NotReached()}
		for _, v := range rep.Visits {
			hr.Visits = append(hr.Visits, htmlVisit{V: v, Name: name(v.Camera)})
		}
		for _, o := range rep.Obs {
			ho := htmlObs{O: o, Name: name(o.Camera)}
			if o.Snapshot != "" && opt.DataDir != "" {
				b, err := os.ReadFile(filepath.Join(opt.DataDir, o.Snapshot))
				if err != nil {
					return fmt.Errorf("round report %s: snapshot: %w", rep.RunID, err)
				}
				// html/template keeps a template.URL as it is: the data is ours.
				ho.Img = template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(b))
			}
			hr.Obs = append(hr.Obs, ho)
		}
		data.Runs = append(data.Runs, hr)
	}
	if err := roundHTML.Execute(w, data); err != nil {
		return fmt.Errorf("round report html: %w", err)
	}
	return nil
}

// Export writes the reports of [from, to) as CSV or printable
// HTML (with the coverage of the period); checked and audited as an export
// of review data.
func (c *Runner) Export(ctx context.Context, s *identity.Session, from, to time.Time, format Format, w io.Writer) error {
	rounds, err := c.Rounds(ctx)
	if err != nil {
		return err
	}
	return exportReports(ctx, c.access, s, c.dataDir, c.zone, rounds, from, to, format, w,
		func(mine []Report) []Report { return c.withRoom(ctx, mine, from, to) })
}

// ExportReports is Export from a data directory without a running console
// (the CLI): that directory's reports only.
func ExportReports(ctx context.Context, acc *access.Gate, s *identity.Session, dataDir string, z zone.Zone, rounds []zone.Round,
	from, to time.Time, format Format, w io.Writer) error {
	return exportReports(ctx, acc, s, dataDir, z, rounds, from, to, format, w, nil)
}

// exportReports writes the reports; merge, when set, adds the room's.
func exportReports(ctx context.Context, acc *access.Gate, s *identity.Session, dataDir string, z zone.Zone, rounds []zone.Round,
	from, to time.Time, format Format, w io.Writer, merge func([]Report) []Report) error {
	if format != CSV && format != HTML {
		return fmt.Errorf("round export: unknown format %q", format)
	}
	if _, err := acc.Check(ctx, s, policy.ActReview, policy.Resource{}, s.Shift,
		trail.Review{What: "round_reports", Format: string(format), From: from, To: to}); err != nil {
		return err
	}
	reps, err := readRoundReports(ctx, dataDir, from, to)
	if err != nil {
		return err
	}
	if merge != nil {
		reps = merge(reps)
	}
	if format == CSV {
		return WriteCSV(w, reps)
	}
	opt := HTMLOptions{DataDir: dataDir, Names: CameraNames(z.Cameras)}
	if len(z.Cameras) > 0 {
		cov, err := readCoverage(ctx, dataDir, z.Cameras, rounds, from, to)
		if err != nil {
			return err
		}
		opt.Coverage = &cov
	}
	return WriteHTML(w, reps, opt)
}

// CameraNames maps camera ids to names for the reports.
func CameraNames(cams []zone.Camera) map[string]string {
	m := make(map[string]string, len(cams))
	for _, c := range cams {
		m[c.ID] = c.Name
	}
	return m
}

// Format is the file format of a report export.
type Format string

// The formats of an export.
const (
	CSV  Format = "csv"
	HTML Format = "html"
)
