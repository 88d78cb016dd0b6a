package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
)

const userUsage = `usage: zoneconsole user add NAME --role ROLE [--name FULL] [--municipality M]
       zoneconsole user list | passwd NAME | disable NAME | enable NAME | delete NAME
       zoneconsole user role NAME --role ROLE [--municipality M]
A disabled, deleted or re-roled user's running sessions lose their rights within seconds.`

// cmdUser manages the console's users from the shell: the first administrator
// of a real zone is made here. The password comes from ZONECONSOLE_PASSWORD
// or the first line of standard input, never from the command line (where
// other users could read it in the process list).
func cmdUser(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(g.Stderr, userUsage)
		return 2
	}
	switch args[0] {
	case "list", "add", "passwd", "disable", "enable", "role", "delete":
	default:
		// Before the store is opened: a typo creates no file.
		fmt.Fprintf(g.Stderr, "zoneconsole user: unknown subcommand %q\n", args[0])
		return 2
	}
	adm, done := openShellAdmin(g, "zoneconsole user")
	if adm == nil {
		return 1
	}
	defer done()

	switch args[0] {
	case "list":
		us, err := adm.Users(ctx)
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user list: %v\n", err)
			return 1
		}
		for _, u := range us {
			fmt.Fprintf(g.Stdout, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.FullName, u.Municipality)
		}
		return 0
	case "add":
		fs := flag.NewFlagSet("user add", flag.ContinueOnError)
		fs.SetOutput(g.Stderr)
		role := fs.String("role", "", "dispatcher, team_chief, security_guard, investigator, municipal_operator, dpo or admin")
		full := fs.String("name", "", "full name")
		muni := fs.String("municipality", "", "municipality (municipal operators)")
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			fmt.Fprintln(g.Stderr, "usage: zoneconsole user add NAME --role ROLE [--name FULL] [--municipality M]")
			return 2
		}
		if err := fs.Parse(args[2:]); err != nil {
			return flagsExit(err)
		}
		r, err := policy.ParseRole(*role)
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user add: %v\n", err)
			return 2
		}
		pw, err := readPassword(os.Stdin)
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user add: %v\n", err)
			return 2
		}
		if err := adm.AddUser(ctx, app.User{Name: args[1], FullName: *full, Role: r, Municipality: *muni}, pw); err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user add: %v\n", err)
			return 1
		}
		return 0
	case "disable", "enable", "delete":
		if len(args) != 2 {
			fmt.Fprintln(g.Stderr, userUsage)
			return 2
		}
		var err error
		switch args[0] {
		case "disable":
			err = adm.DisableUser(ctx, args[1])
		case "enable":
			err = adm.EnableUser(ctx, args[1])
		default:
			err = adm.DeleteUser(ctx, args[1])
		}
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user %s: %v\n", args[0], err)
			return 1
		}
		return 0
	case "role":
		fs := flag.NewFlagSet("user role", flag.ContinueOnError)
		fs.SetOutput(g.Stderr)
		role := fs.String("role", "", "the new role")
		muni := fs.String("municipality", "", "municipality (municipal operators)")
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			fmt.Fprintln(g.Stderr, userUsage)
			return 2
		}
		if err := fs.Parse(args[2:]); err != nil {
			return flagsExit(err)
		}
		r, err := policy.ParseRole(*role)
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user role: %v\n", err)
			return 2
		}
		if err := adm.SetRole(ctx, args[1], r, *muni); err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user role: %v\n", err)
			return 1
		}
		return 0
	case "passwd":
		if len(args) != 2 {
			fmt.Fprintln(g.Stderr, "usage: zoneconsole user passwd NAME")
			return 2
		}
		pw, err := readPassword(os.Stdin)
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user passwd: %v\n", err)
			return 2
		}
		if err := adm.SetPassword(ctx, args[1], pw); err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole user passwd: %v\n", err)
			return 1
		}
	}
	return 0
}

// openShellAdmin opens the user and audit stores for an administrator at
// the machine's shell, named in the trail by the operating-system account.
// done closes them (the audit log writes its final checkpoint then); a nil
// admin means it printed why.
func openShellAdmin(g *globals, cmd string) (adm *identity.ShellAdmin, done func()) {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	adm, err := identity.OpenShellAdmin(g.DataDir, who, g.Log)
	if err != nil {
		fmt.Fprintf(g.Stderr, "%s: %v\n", cmd, err)
		return nil, nil
	}
	return adm, func() {
		if err := adm.Close(); err != nil {
			fmt.Fprintf(g.Stderr, "%s: close: %v\n", cmd, err)
		}
	}
}
