package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/politiezone/zoneconsole/app"
)

const roundUsage = `usage:
  zoneconsole round list [--zone FILE]
      one line per round: name<TAB>steps<TAB>total dwell. The rounds come
      from FILE, else from the simulated zone of the data directory
      (<data>/sim/zone.toml with the rounds edited in the console); with
      neither, it fails and asks for --zone (it never starts the simulator).
  zoneconsole round report --user NAME --from T --to T [--format csv|html]
                           [--zone FILE]
      write the visit reports of the runs started in [from, to) to stdout,
      for NAME (a team chief or the DPO; password from ZONECONSOLE_PASSWORD
      or standard input), checked and audited like the console.
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
		// Never start the simulated zone (nor create its accounts) as a
		// side effect of reading: it exists only where `run` started it.
		err = fmt.Errorf("no zone file given and no simulated zone in %s: give --zone FILE", g.DataDir)
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

func roundReport(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "round report", roundUsage)
	var (
		from   = fs.String("from", "", "start, RFC 3339 or YYYY-MM-DD (UTC), inclusive")
		to     = fs.String("to", "", "end, RFC 3339 (exclusive) or YYYY-MM-DD (UTC, that day included)")
		format = fs.String("format", "csv", "csv or html")
		zone   = fs.String("zone", "", "zone file, for camera names and coverage (default: the simulated zone's)")
		user   = fs.String("user", "", "who reads the reports (a team chief or the DPO); password from ZONECONSOLE_PASSWORD or stdin")
	)
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || *from == "" || *to == "" || *user == "" || (*format != "csv" && *format != "html") {
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
	zpath := *zone
	if zpath == "" {
		zpath = filepath.Join(g.DataDir, "sim", "zone.toml")
	}
	z, err := app.LoadZone(zpath)
	if err != nil {
		g.Log.Info("round report without camera names or coverage", "zone", zpath, "err", err)
		z = app.Zone{}
	}
	sh, code := shellLogin(ctx, g, "round report", *user, z.Audit)
	if sh == nil {
		return code
	}
	defer closeShell(g, "round report", sh)
	if err := sh.ExportRoundReports(ctx, z, f, t, app.ExportFormat(*format), g.Stdout); err != nil {
		fmt.Fprintf(g.Stderr, "round report: %v\n", err)
		return 1
	}
	return 0
}
