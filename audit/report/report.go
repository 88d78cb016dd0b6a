// Package report writes audit entries in the forms they leave the console
// in: CSV for a spreadsheet and a printable HTML page that states the
// chain's verification first. It only formats; package audit verifies the
// chain before it calls these (Reader.ExportCSV, Reader.ExportHTML).
package report

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
)

var csvHeader = []string{"seq", "time", "user", "role", "console", "action", "subject",
	"just_kind", "just_text", "just_ref", "auth_ref", "outcome", "reason", "detail", "hash"}

// WriteCSV writes the entries as CSV with a header row. It only formats:
// it cannot know whether the chain they come from is intact, so an export
// goes through audit's Reader.ExportCSV, which verifies first and refuses a
// broken chain. Times are RFC 3339
// UTC with nanoseconds. A text cell that a spreadsheet would run as a
// formula (=, +, -, @ first) gets a leading apostrophe.
func WriteCSV(w io.Writer, es []chain.Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("audit csv: %w", err)
	}
	rec := make([]string, len(csvHeader))
	for i := range es {
		e := &es[i]
		rec[0] = strconv.FormatInt(e.Seq, 10)
		rec[1] = e.Time.UTC().Format(time.RFC3339Nano)
		for j, s := range []string{e.User, e.Role, e.Console, string(e.Action), e.Subject, e.JustKind,
			e.JustText, e.JustRef, e.AuthRef, string(e.Outcome), e.Reason, e.Detail} {
			rec[2+j] = csvSafe(s)
		}
		rec[14] = e.Hash.String()
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("audit csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("audit csv: %w", err)
	}
	return nil
}

func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteHTMLReport writes a printable HTML page: the chain's verification
// result first, then what was selected, then the entries. A zero Report
// (Duration 0) means the chain was not verified, and the page says so; so
// does it when the key was not pinned from outside the store, and which
// witness it was checked against. audit's Reader.ExportHTML verifies and
// writes it.
func WriteHTMLReport(w io.Writer, es []chain.Entry, filter string, rep chain.Report) error {
	v := reportView{Filter: filter, Entries: es, Rep: rep, Generated: time.Now().UTC().Format(time.RFC3339)}
	if rep.Duration != 0 || rep.Err != nil {
		v.Trust, v.TrustClass = trustLine(rep)
	}
	switch {
	case rep.Duration == 0 && rep.Err == nil:
		v.Status, v.Class = "Chain NOT verified", "warn"
	case rep.Err != nil:
		v.Status, v.Class = fmt.Sprintf("Chain BROKEN at entry %d: %s", rep.Err.Seq, rep.Err.Kind), "bad"
		v.ErrDetail = rep.Err.Error()
	default:
		v.Status, v.Class = fmt.Sprintf("Chain intact: %d entries verified", rep.Entries), "ok"
	}
	if err := reportTmpl.Execute(w, v); err != nil {
		return fmt.Errorf("audit html report: %w", err)
	}
	return nil
}

// trustLine says what the verification trusted: a pinned key and a
// witness, or only what sits in the data directory.
func trustLine(rep chain.Report) (string, string) {
	s, class := "Signing key pinned from outside the store (fingerprint "+rep.KeyFingerprint+")", "ok"
	if !rep.KeyPinned {
		s, class = "Signing key NOT independently pinned: checked against the public key in the data directory (fingerprint "+rep.KeyFingerprint+")", "warn"
	}
	if rep.Witness == "" {
		return s + "; no witness checked.", "warn"
	}
	return fmt.Sprintf("%s; witness %s: %d records checked, up to seq %d.", s, rep.Witness, rep.Witnessed, rep.WitnessSeq), class
}

type reportView struct {
	Trust, TrustClass                           string
	Filter, Generated, Status, Class, ErrDetail string
	Entries                                     []chain.Entry
	Rep                                         chain.Report
}

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"ts": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Audit report</title>
<style>
body { font: 10pt "DejaVu Sans", "Liberation Sans", sans-serif; margin: 1.5em; color: #000; }
h1 { font-size: 14pt; margin: 0 0 .4em; }
.status { border: 2px solid; padding: .5em .8em; margin: 0 0 1em; font-weight: bold; }
.ok { border-color: #1a7f37; background: #e6f4ea; }
.bad { border-color: #b3261e; background: #fce8e6; }
.warn { border-color: #a05a00; background: #fff4e0; }
.meta { margin: 0 0 1em; } .meta td { padding: 0 1em 0 0; }
table.entries { border-collapse: collapse; width: 100%; }
table.entries th, table.entries td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; text-align: left; }
table.entries th { background: #eee; }
td.denied { font-weight: bold; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; word-break: break-all; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 8pt; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  .status { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style></head><body>
<h1>Audit report</h1>
<div class="status {{.Class}}">{{.Status}}{{if .ErrDetail}}<br><span class="hash">{{.ErrDetail}}</span>{{end}}</div>
{{if .Trust}}<div class="status {{.TrustClass}}">{{.Trust}}</div>{{end}}
<table class="meta">
<tr><td>Selection</td><td>{{.Filter}}</td></tr>
<tr><td>Entries listed</td><td>{{len .Entries}}</td></tr>
{{if .Rep.Duration}}<tr><td>Chain head</td><td>seq {{.Rep.HeadSeq}} <span class="hash">{{.Rep.Head}}</span></td></tr>
<tr><td>Signed checkpoints</td><td>{{.Rep.Checkpoints}} (last at seq {{.Rep.LastCheckpoint}}); signed head at seq {{.Rep.SignedHeadSeq}}</td></tr>{{end}}
<tr><td>Generated</td><td>{{.Generated}}</td></tr>
</table>
<table class="entries">
<thead><tr><th>Seq</th><th>Time (UTC)</th><th>User</th><th>Role</th><th>Console</th><th>Action</th><th>Subject</th><th>Justification</th><th>Outcome</th><th>Detail</th></tr></thead>
<tbody>
{{range .Entries}}<tr><td>{{.Seq}}</td><td>{{ts .Time}}</td><td>{{.User}}</td><td>{{.Role}}</td><td>{{.Console}}</td><td>{{.Action}}</td><td>{{.Subject}}</td>
<td>{{.JustKind}}{{if .JustText}}: {{.JustText}}{{end}}{{if .JustRef}} [{{.JustRef}}]{{end}}{{if .AuthRef}} auth {{.AuthRef}}{{end}}</td>
<td class="{{.Outcome}}">{{.Outcome}}{{if .Reason}}: {{.Reason}}{{end}}</td><td>{{.Detail}}</td></tr>
{{end}}</tbody></table>
</body></html>
`))
