package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

// subFlags is the flag set of a subcommand whose usage text is usage: a
// parse error prints it to stderr (the caller then exits 2).
func subFlags(g *globals, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(g.Stderr)
	fs.Usage = func() { fmt.Fprint(g.Stderr, usage) }
	return fs
}

// flagsExit is the exit code after a flag parse error, which the flag set
// has already printed with the usage: 0 when -h or --help asked for that
// usage, else 2.
func flagsExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// parsePeriod reads the --from and --to of a report: RFC 3339, or a UTC day
// YYYY-MM-DD, where a day given to --to stands for the midnight after it so
// that the day is included. The period must not be empty. The error names
// the flag; it is a usage error.
func parsePeriod(from, to string) (time.Time, time.Time, error) {
	f, err := parsePeriodTime(from, false)
	if err != nil {
		return f, f, fmt.Errorf("--from: %w", err)
	}
	t, err := parsePeriodTime(to, true)
	if err != nil {
		return f, t, fmt.Errorf("--to: %w", err)
	}
	if !t.After(f) {
		return f, t, fmt.Errorf("--to %s is not after --from %s", to, from)
	}
	return f, t, nil
}

func parsePeriodTime(s string, end bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor YYYY-MM-DD", s)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// readPassword reads the password from ZONECONSOLE_PASSWORD, else the first
// line of r (a pipe or a terminal), never from the command line, where other
// users could read it in the process list.
func readPassword(r io.Reader) (string, error) { return readSecret("ZONECONSOLE_PASSWORD", r) }

// readSecret reads a secret from the environment variable env, else the
// first line of r.
func readSecret(env string, r io.Reader) (string, error) {
	if pw := os.Getenv(env); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("no password: set %s or give it on standard input", env)
	}
	return pw, nil
}

// shellLogin opens the data directory's stores for a subcommand and logs
// the user in: what a subcommand reads or changes is decided by the policy
// and audited, as in the console. On failure it has printed why and gives
// the exit code (1, or 2 for a missing password).
//
// trust pins the audit key and names the witness, as the zone file does.
func shellLogin(ctx context.Context, g *globals, cmd, user string, trust app.AuditTrust) (*app.Shell, int) {
	pw, err := readPassword(os.Stdin)
	if err != nil {
		fmt.Fprintf(g.Stderr, "%s: %v\n", cmd, err)
		return nil, 2
	}
	sh, err := app.OpenShell(ctx, g.DataDir, trust, g.Log)
	if err != nil {
		fmt.Fprintf(g.Stderr, "%s: %v\n", cmd, err)
		return nil, 1
	}
	if err := sh.Login(ctx, user, pw); err != nil {
		sh.Close()
		fmt.Fprintf(g.Stderr, "%s: login %s: %v\n", cmd, user, err)
		return nil, 1
	}
	return sh, 0
}

func closeShell(g *globals, cmd string, sh *app.Shell) {
	if err := sh.Close(); err != nil {
		fmt.Fprintf(g.Stderr, "%s: close: %v\n", cmd, err)
	}
}
