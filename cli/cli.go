package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// Env is what main gives every subcommand: the global flags' values, the
// one logger and the streams to write to.
type Env struct {
	DataDir string
	Log     *slog.Logger
	Stdout  io.Writer
	Stderr  io.Writer
	// Version is what `zoneconsole version` prints.
	Version string
}

// globals are what a subcommand is handed: main's Env and its wiring.
type globals struct {
	Env
	Wiring
}

type command func(ctx context.Context, g *globals, args []string) int

// commands maps each subcommand to its entry point (<name>.go).
func commands() map[string]command {
	return map[string]command{
		"run":      cmdRun,
		"sim":      cmdSim,
		"audit":    cmdAudit,
		"round":    cmdRound,
		"hotlist":  cmdHotlist,
		"anpr":     cmdANPR,
		"user":     cmdUser,
		"serve":    cmdServe,
		"record":   cmdRecord,
		"hold":     cmdHold,
		"camera":   cmdCamera,
		"passages": cmdPassages,
		"export":   cmdExport,
		"report":   cmdReport,
		"db":       cmdDB,
	}
}

// Main runs the subcommand named by args[0] (run when args is empty) with
// the rest of args, and returns the process's exit code: 0 ok, 1 failure,
// 2 usage. args are what follows the global flags, which main has parsed.
func Main(ctx context.Context, env Env, w Wiring, args []string) int {
	if env.Log == nil {
		env.Log = slog.New(slog.DiscardHandler)
	}
	g := &globals{Env: env, Wiring: w}
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if f, ok := commands()[cmd]; ok {
		return f(ctx, g, args)
	}
	switch cmd {
	case "version":
		fmt.Fprintln(g.Stdout, "zoneconsole", g.Version)
		return 0
	case "help", "-h", "--help":
		Usage(g.Stdout)
		return 0
	}
	fmt.Fprintf(g.Stderr, "zoneconsole: unknown command %q\n", cmd)
	Usage(g.Stderr)
	return 2
}

// Usage writes the command line's synopsis: the global flags and one line
// per subcommand.
func Usage(w io.Writer) {
	fmt.Fprint(w, `usage: zoneconsole [--data DIR] [-v] COMMAND [ARGS]

commands:
  run [--zone FILE]       the console (default); no zone file: the simulated zone
  serve [--zone F] [--for D]  the headless service: records, reads plates, cleans (no window)
  sim                     the simulated zone on its own
  anpr read IMAGE...      read the plates in images
  anpr eval --minutes N   score the plate reader on the simulated zone
  audit verify [DB]       check the audit chain (exit 0 intact, 1 broken, 2 unreadable; --pubkey, --witness)
  audit key               the audit key's fingerprint and PEM, to pin it outside the machine
  audit export            write audit entries (--user --from --to [--by] [--camera] [--format csv|html])
  hotlist import|versions import a hotlist (CSV/JSON) as an administrator
  round list [--zone F]   one line per round: name, steps, total dwell
  round report            visit reports of a period (--user --from --to [--format csv|html])
  export --camera .. OUT   evidence export a court can verify (--from --to --case --user; audited)
  export verify DIR       exit 0 intact, 1 each difference named, 2 unreadable
  report dsar|council     the DPO's data-subject access report; the council's yearly report
  passages search         retroactive ANPR search (--plate --from --to --motivation --case --user; audited)
  record list|verify      the recorded segments, and their integrity (exit 0, 1, 2)
  hold add|release|list   evidence holds on footage (--user; audited)
  camera credential set|list|remove  camera logins in the encrypted credential store
  user add|list|passwd|disable|enable|role|delete  manage the console's users
  db migrate --database URL  create or upgrade a dispatch room's PostgreSQL schema
  version                 print the version
`)
}
