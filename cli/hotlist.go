package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/hotlist"
)

const hotlistUsage = `usage: zoneconsole hotlist import [--list NAME] --user NAME FILE
       zoneconsole hotlist versions --user NAME

The user must be allowed to change lists (an administrator). The password
comes from ZONECONSOLE_PASSWORD or the first line of standard input, never
from the command line. --list defaults to the file name without extension.`

// cmdHotlist imports a hotlist from the shell exactly as the console's import
// screen does: the user logs in, the policy decides, the attempt and the
// outcome are audited (list.change), and a file with any error imports
// nothing; every error is printed with its line.
func cmdHotlist(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 || (args[0] != "import" && args[0] != "versions") {
		fmt.Fprintln(g.Stderr, hotlistUsage)
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("hotlist "+sub, flag.ContinueOnError)
	fs.SetOutput(g.Stderr)
	list := fs.String("list", "", "list name ([a-z0-9_-]{1,32}); default: the file name")
	who := fs.String("user", os.Getenv("ZONECONSOLE_USER"), "the console user who imports (an administrator)")
	if err := fs.Parse(args[1:]); err != nil {
		return flagsExit(err)
	}
	if *who == "" || (sub == "import" && fs.NArg() != 1) || (sub == "versions" && fs.NArg() != 0) {
		fmt.Fprintln(g.Stderr, hotlistUsage)
		return 2
	}
	pw, err := readPassword(os.Stdin)
	if err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole hotlist: %v\n", err)
		return 2
	}
	sh, err := app.OpenShell(ctx, g.DataDir, app.AuditTrust{}, g.Log)
	if err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole hotlist: %v\n", err)
		return 1
	}
	defer func() {
		if err := sh.Close(); err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole hotlist: close: %v\n", err)
		}
	}()
	if err := sh.Login(ctx, *who, pw); err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole hotlist: login %s: %v\n", *who, err)
		return 1
	}
	if sub == "versions" {
		vs, err := sh.HotlistVersions(ctx)
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole hotlist versions: %v\n", err)
			return 1
		}
		for _, v := range vs {
			fmt.Fprintf(g.Stdout, "%s\t%d\t%s\t%s\t%d\t%s\t%s\n", v.List, v.Version, v.ImportedAt.Format("2006-01-02T15:04:05Z"),
				v.ImportedBy, v.Entries, v.FileName, v.SHA256)
		}
		return 0
	}

	path := fs.Arg(0)
	name := *list
	if name == "" {
		name = strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	}
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole hotlist import: %v\n", err)
		return 1
	}
	defer f.Close()
	r, err := sh.ImportHotlist(ctx, name, path, f)
	var ve *hotlist.ValidationError
	var de *app.DeniedError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Errors {
			fmt.Fprintf(g.Stderr, "%s:%s\n", path, fe.Error())
		}
		if ve.Omitted > 0 {
			fmt.Fprintf(g.Stderr, "%s: ... and %d more errors\n", path, ve.Omitted)
		}
		fmt.Fprintf(g.Stderr, "zoneconsole hotlist import: %d error(s) in %s: nothing imported\n", len(ve.Errors)+ve.Omitted, path)
		return 1
	case errors.As(err, &de):
		fmt.Fprintf(g.Stderr, "zoneconsole hotlist import: %s may not change lists: %s\n", *who, de.Decision.Message)
		return 1
	case err != nil:
		fmt.Fprintf(g.Stderr, "zoneconsole hotlist import: %v\n", err)
		return 1
	}
	fmt.Fprintf(g.Stdout, "list %s version %d: %d entries (%d added, %d removed; previous version %d) sha256 %s\n",
		r.List, r.Version.Version, r.Entries, r.Added, r.Removed, r.Previous, r.SHA256)
	return 0
}
