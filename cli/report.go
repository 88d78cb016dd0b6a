package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/reports"
)

const reportUsage = `usage:
  zoneconsole report dsar --user DPO --ref REF [--plate PLATE] [--camera ID[,ID...]] [--place TEXT]
                          [--from T] [--to T] [--received T] [--images] [--lang nl|fr|en] [--zone FILE] OUT.html
      the DPO's answer to a data-subject access request: the passages and
      recorded footage that concern a plate and/or the cameras of a place in
      a period, how long each is kept, and who consulted it; images only
      with --images. A printable page (print it to PDF from the browser).
  zoneconsole report council --user NAME --year YYYY [--format csv|html] [--lang nl|fr|en] [--zone FILE]
      the city council's yearly report of camera use, per camera and kind:
      hours viewed live, playbacks, exports, searches, justifications, rounds.
Both are checked and audited like the console's own consultations.
`

// cmdReport runs `zoneconsole report dsar|council`.
func cmdReport(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 || (args[0] != "dsar" && args[0] != "council") {
		if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(g.Stdout, reportUsage)
			return 0
		}
		fmt.Fprint(g.Stderr, reportUsage)
		return 2
	}
	sub := args[0]
	fs := subFlags(g, "report "+sub, reportUsage)
	var (
		user     = fs.String("user", "", "who makes the report (the DPO; a team chief for council)")
		ref      = fs.String("ref", "", "the request's file reference")
		plate    = fs.String("plate", "", "the person's plate")
		cameras  = fs.String("camera", "", "the cameras of the place")
		place    = fs.String("place", "", "the place as the person described it")
		from     = fs.String("from", "", "start of the period (RFC 3339 or YYYY-MM-DD)")
		to       = fs.String("to", "", "end of the period")
		received = fs.String("received", "", "when the request came in (default now)")
		images   = fs.Bool("images", false, "put the plate crops and vehicle images in the report")
		year     = fs.Int("year", 0, "the year")
		format   = fs.String("format", "html", "csv or html (council)")
		langFlag = fs.String("lang", "nl", "nl, fr or en")
		zpath    = fs.String("zone", "", "zone file (default: the simulated zone's)")
	)
	if err := fs.Parse(args[1:]); err != nil {
		return flagsExit(err)
	}
	lang, err := reports.ParseLang(*langFlag)
	if err != nil || *user == "" {
		fs.Usage()
		return 2
	}
	z := zoneForReport(g, *zpath)
	if sub == "council" {
		if fs.NArg() > 0 || *year < 2000 || (*format != "csv" && *format != "html") {
			fs.Usage()
			return 2
		}
		sh, code := shellLogin(ctx, g, "report council", *user, z.Audit)
		if sh == nil {
			return code
		}
		defer closeShell(g, "report council", sh)
		if err := sh.CouncilReport(ctx, z, *year, app.ExportFormat(*format), lang, g.Stdout); err != nil {
			fmt.Fprintf(g.Stderr, "report council: %v\n", err)
			return 1
		}
		return 0
	}
	if fs.NArg() != 1 || *ref == "" || (*plate == "" && *cameras == "") {
		fs.Usage()
		return 2
	}
	req := app.AccessRequest{Reference: *ref, DPO: *user, Plate: *plate, Place: *place, Images: *images, Received: time.Now().UTC()}
	if *cameras != "" {
		req.Cameras = strings.Split(*cameras, ",")
	}
	for _, f := range []struct {
		v   string
		end bool
		to  *time.Time
	}{{*from, false, &req.From}, {*to, true, &req.To}, {*received, false, &req.Received}} {
		if f.v == "" {
			continue
		}
		if *f.to, err = parsePeriodTime(f.v, f.end); err != nil {
			fmt.Fprintf(g.Stderr, "report dsar: %v\n", err)
			return 2
		}
	}
	sh, code := shellLogin(ctx, g, "report dsar", *user, z.Audit)
	if sh == nil {
		return code
	}
	defer closeShell(g, "report dsar", sh)
	out, err := os.OpenFile(fs.Arg(0), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintf(g.Stderr, "report dsar: %v\n", err)
		return 1
	}
	if err := sh.AccessReport(ctx, z, req, lang, out); err != nil {
		out.Close()
		os.Remove(fs.Arg(0))
		fmt.Fprintf(g.Stderr, "report dsar: %v\n", err)
		return 1
	}
	if err := out.Close(); err != nil {
		fmt.Fprintf(g.Stderr, "report dsar: %v\n", err)
		return 1
	}
	fmt.Fprintln(g.Stdout, fs.Arg(0))
	return 0
}
