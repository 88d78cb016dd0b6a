package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

const passagesUsage = `usage:
  zoneconsole passages search --plate PATTERN --from T --to T --motivation TEXT --case REF --user NAME
                              [--camera ID[,ID...]] [--near LAT,LON --radius METRES] [--country CC]
                              [--colour C] [--ground judicial|administrative] [--authorisation REF] [--zone FILE]
      the retroactive search of ANPR passages: PATTERN takes '?' for one
      character and '*' for any run (dashes ignored: 1-AB?-1*). A motivation
      and a case reference are required; past 30 days only a judicial
      mission with --authorisation (the prosecutor's or investigating
      judge's reference). Checked and audited with the criteria and the
      result count, as in the console. One line per passage:
      time<TAB>camera<TAB>PLATE<TAB>country<TAB>confidence
`

// cmdPassages runs `zoneconsole passages search`.
func cmdPassages(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 || args[0] != "search" {
		if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(g.Stdout, passagesUsage)
			return 0
		}
		fmt.Fprint(g.Stderr, passagesUsage)
		return 2
	}
	fs := subFlags(g, "passages search", passagesUsage)
	var (
		plate   = fs.String("plate", "", "plate pattern")
		from    = fs.String("from", "", "start (RFC 3339 or YYYY-MM-DD)")
		to      = fs.String("to", "", "end (RFC 3339, or YYYY-MM-DD included)")
		motive  = fs.String("motivation", "", "the operational motivation")
		caseRef = fs.String("case", "", "the mission or case reference")
		user    = fs.String("user", "", "the investigator (password from ZONECONSOLE_PASSWORD or stdin)")
		cameras = fs.String("camera", "", "cameras, comma separated")
		near    = fs.String("near", "", "LAT,LON of a place")
		radius  = fs.Float64("radius", 0, "metres around --near")
		country = fs.String("country", "", "country code")
		colour  = fs.String("colour", "", "vehicle colour")
		ground  = fs.String("ground", "judicial", "judicial or administrative")
		auth    = fs.String("authorisation", "", "the prosecutor's or investigating judge's authorisation (past 30 days)")
		zpath   = fs.String("zone", "", "zone file (default: the simulated zone's)")
	)
	if err := fs.Parse(args[1:]); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || *plate == "" || *from == "" || *to == "" || *user == "" || (*ground != "judicial" && *ground != "administrative") {
		fs.Usage()
		return 2
	}
	f, t, err := parsePeriod(*from, *to)
	if err != nil {
		fmt.Fprintf(g.Stderr, "passages search: %v\n", err)
		return 2
	}
	q := app.PassageQuery{Pattern: *plate, From: f, To: t, Country: *country, Colour: *colour, Radius: *radius}
	if *cameras != "" {
		q.Cameras = strings.Split(*cameras, ",")
	}
	if *radius > 0 {
		if _, err := fmt.Sscanf(*near, "%g,%g", &q.Lat, &q.Lon); err != nil {
			fmt.Fprintf(g.Stderr, "passages search: --near %q: want LAT,LON\n", *near)
			return 2
		}
	}
	why := app.Reason{Kind: app.JustKind(*ground), Ref: *caseRef, Text: *motive, AuthRef: *auth}
	z := zoneForReport(g, *zpath)
	sh, code := shellLogin(ctx, g, "passages search", *user, z.Audit)
	if sh == nil {
		return code
	}
	defer closeShell(g, "passages search", sh)
	ps, err := sh.SearchPassages(ctx, z, q, why)
	if err != nil {
		fmt.Fprintf(g.Stderr, "passages search: %v\n", err)
		return 1
	}
	for _, p := range ps {
		fmt.Fprintf(g.Stdout, "%s\t%s\t%s\t%s\t%.2f\n", p.Time.UTC().Format(time.RFC3339), p.Camera, p.Plate, p.Country, p.Confidence)
	}
	return 0
}
