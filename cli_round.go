package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

const roundUsage = `usage:
  zoneconsole round list [--zone FILE]
      one line per round: name<TAB>steps<TAB>total dwell. The rounds come
      from FILE, else from the simulated zone of the data directory
      (<data>/sim/zone.toml with the rounds edited in the console), else the
      simulated zone is started to list the rounds it ships.
  zoneconsole round report --from T --to T [--format csv|html] [--zone FILE]
      write the visit reports of the runs started in [from, to) to stdout.
      T is RFC 3339 or a UTC day YYYY-MM-DD (a day given to --to is
      included). html is a printable page with the observations' snapshots
      and the coverage of the period (cameras not looked at in red).
`

// cmdRound runs `zoneconsole round list|report`.
func cmdRound(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(g.Stderr, roundUsage)
		return 2
	}
	switch args[0] {
	case "list":
		return roundList(ctx, g, args[1:])
	case "report":
		return roundReport(ctx, g, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(g.Stdout, roundUsage)
		return 0
	}
	fmt.Fprintf(g.Stderr, "zoneconsole round: unknown command %q\n%s", args[0], roundUsage)
	return 2
}

func roundList(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "round list", roundUsage)
	zone := fs.String("zone", "", "zone file (default: the simulated zone)")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	rounds, ok, err := app.ListRounds(ctx, g.DataDir, *zone)
	if err == nil && !ok {
		rounds, err = simZoneRounds(ctx, g)
	}
	if err != nil {
		fmt.Fprintf(g.Stderr, "round list: %v\n", err)
		return 1
	}
	for _, r := range rounds {
		fmt.Fprintf(g.Stdout, "%s\t%d\t%s\n", r.Name, len(r.Steps), r.TotalDwell())
	}
	return 0
}

// simZoneRounds starts the simulated zone (it writes its zone file into the
// data directory) just long enough to read the rounds it ships.
func simZoneRounds(ctx context.Context, g *globals) ([]app.Round, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c, err := app.Open(ctx, app.Config{DataDir: g.DataDir, Console: "cli", Logger: g.Log})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.Rounds(ctx)
}

func roundReport(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "round report", roundUsage)
	var (
		from   = fs.String("from", "", "start, RFC 3339 or YYYY-MM-DD (UTC), inclusive")
		to     = fs.String("to", "", "end, RFC 3339 (exclusive) or YYYY-MM-DD (UTC, that day included)")
		format = fs.String("format", "csv", "csv or html")
		zone   = fs.String("zone", "", "zone file, for camera names and coverage (default: the simulated zone's)")
	)
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || *from == "" || *to == "" || (*format != "csv" && *format != "html") {
		fs.Usage()
		return 2
	}
	f, t, err := parsePeriod(*from, *to)
	if err != nil {
		fmt.Fprintf(g.Stderr, "round report: %v\n", err)
		return 2
	}
	if _, err := os.Stat(filepath.Join(g.DataDir, app.RoundsDBName)); err != nil {
		fmt.Fprintf(g.Stderr, "round report: no visit reports in %s: %v\n", g.DataDir, err)
		return 1
	}
	reps, err := app.ReadRoundReports(ctx, g.DataDir, f, t)
	if err != nil {
		fmt.Fprintf(g.Stderr, "round report: %v\n", err)
		return 1
	}
	if *format == "csv" {
		err = app.WriteRoundReportsCSV(g.Stdout, reps)
	} else {
		opt := app.RoundHTMLOptions{DataDir: g.DataDir}
		zpath := *zone
		if zpath == "" {
			zpath = filepath.Join(g.DataDir, "sim", "zone.toml")
		}
		opt.Names, opt.Coverage = roundReportContext(ctx, g, zpath, *zone, f, t)
		err = app.WriteRoundReportsHTML(g.Stdout, reps, opt)
	}
	if err != nil {
		fmt.Fprintf(g.Stderr, "round report: %v\n", err)
		return 1
	}
	return 0
}

// roundReportContext gives the camera names and the period's coverage for
// the HTML report. Both are extras: the report is written without what
// cannot be read, and the reason is logged.
func roundReportContext(ctx context.Context, g *globals, zpath, zone string, from, to time.Time) (map[string]string, *app.Coverage) {
	z, err := app.LoadZone(zpath)
	if err != nil {
		g.Log.Info("round report without camera names or coverage", "zone", zpath, "err", err)
		return nil, nil
	}
	names := app.CameraNames(z.Cameras)
	rounds, _, err := app.ListRounds(ctx, g.DataDir, zone)
	if err != nil {
		g.Log.Warn("round report without coverage: rounds unreadable", "zone", zpath, "err", err)
		return names, nil
	}
	cov, err := app.ReadCoverage(ctx, g.DataDir, z.Cameras, rounds, from, to)
	if err != nil {
		g.Log.Warn("round report without coverage", "err", err)
		return names, nil
	}
	return names, &cov
}
