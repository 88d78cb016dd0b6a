package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/zone"
)

const dbUsage = `usage:
  zoneconsole db migrate --database postgres://ADMIN@HOST:PORT/DB [--credential NAME]
  zoneconsole db migrate --zone FILE [--credential NAME]
      create or upgrade the dispatch room's schema and roles in PostgreSQL
      (running it again changes nothing). --zone takes the zone file's
      database = "..."; ADMIN is a superuser or a role with CREATEROLE
      that owns DB. The URL never holds a password: it comes from
      ZONECONSOLE_DB_PASSWORD, else from the credential store entry NAME
      (default "database"; store it with
      zoneconsole camera credential set database --username ADMIN),
      whose user name is used when the URL has none; with neither, none is
      sent (~/.pgpass, peer or trust authentication).
  zoneconsole db verify --database URL | --zone FILE [--credential NAME]
      check the room's one audit chain end to end (every console's
      entries, in the server's snapshot while the consoles append): exit 0
      intact, 1 broken (the first bad entry is printed), 2 unreadable. The
      login defaults to the credential store entry "room" (the console's).
`

// dbPasswordEnv is where an administrator's script hands the password.
const dbPasswordEnv = "ZONECONSOLE_DB_PASSWORD"

// cmdDB runs `zoneconsole db migrate|verify`.
func cmdDB(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(g.Stderr, dbUsage)
		return 2
	}
	verb := args[0]
	switch verb {
	case "migrate", "verify":
	case "help", "-h", "--help":
		fmt.Fprint(g.Stdout, dbUsage)
		return 0
	default:
		fmt.Fprintf(g.Stderr, "zoneconsole db: unknown command %q\n%s", args[0], dbUsage)
		return 2
	}
	fs := subFlags(g, "db "+verb, dbUsage)
	database := fs.String("database", "", "postgres://user@host:port/db, without a password")
	zonePath := fs.String("zone", "", "zone file whose database = is used")
	defCred := "database"
	if verb == "verify" {
		defCred = "room"
	}
	credName := fs.String("credential", defCred, "credential store entry with the password")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after")
	if err := fs.Parse(args[1:]); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || (*database == "") == (*zonePath == "") {
		fmt.Fprint(g.Stderr, "db "+verb+": give one of --database and --zone\n"+dbUsage)
		return 2
	}
	if *zonePath != "" {
		z, err := zone.LoadZone(*zonePath)
		if err != nil {
			fmt.Fprintf(g.Stderr, "db %s: %v\n", verb, err)
			return 1
		}
		if z.Database == "" {
			fmt.Fprintf(g.Stderr, "db %s: zone file %s names no database\n", verb, *zonePath)
			return 1
		}
		*database = z.Database
	}
	// Refused before anything else: a password on the command line is in
	// the shell history and the process list already, but need not also
	// reach a log.
	if err := roomdb.CheckDSN(*database); err != nil {
		fmt.Fprintf(g.Stderr, "db %s: %v\n", verb, err)
		return 2
	}
	user, pw, err := dbLogin(g.DataDir, *credName)
	if err != nil {
		fmt.Fprintf(g.Stderr, "db %s: %v\n", verb, err)
		return 1
	}
	dsn, err := roomdb.WithPassword(*database, user, pw)
	if err != nil {
		fmt.Fprintf(g.Stderr, "db %s: %v\n", verb, err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if verb == "verify" {
		return dbVerify(ctx, g, dsn, *database)
	}
	g.Log.Info("db migrate", "database", *database, "password_from", passwordSource(pw, user))
	if err := roomdb.Migrate(ctx, dsn); err != nil {
		fmt.Fprintf(g.Stderr, "db migrate %s: %v\n", *database, err)
		return 1
	}
	fmt.Fprintf(g.Stdout, "%s: room schema at version %d\n", *database, roomdb.SchemaVersion)
	return 0
}

// dbLogin is the user and password to migrate with: the password from
// ZONECONSOLE_DB_PASSWORD (no user: the URL's), else the credential store
// entry name when the store exists, else neither. The store is not
// created here: migrate must not leave a key in a data directory that had
// none.
func dbLogin(dataDir, name string) (user, pw string, err error) {
	if pw := os.Getenv(dbPasswordEnv); pw != "" {
		return "", pw, nil
	}
	if _, err := os.Stat(filepath.Join(dataDir, "credentials.enc")); errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	}
	creds, err := identity.OpenCredentials(dataDir)
	if err != nil {
		return "", "", fmt.Errorf("reading the database password: %w", err)
	}
	c, ok := creds.Get(name)
	if !ok {
		return "", "", nil
	}
	return c.Username, c.Password, nil
}

// passwordSource says, for the log, where the password came from, never
// what it is.
func passwordSource(pw, user string) string {
	switch {
	case pw == "":
		return "none"
	case user == "" && os.Getenv(dbPasswordEnv) != "":
		return dbPasswordEnv
	default:
		return "credential store"
	}
}

// dbVerify checks the room's audit chain; shown is the URL without its
// password, for the output.
func dbVerify(ctx context.Context, g *globals, dsn, shown string) int {
	r, err := roomdb.Open(ctx, roomdb.Config{DSN: dsn, Room: "verify", Console: "db-verify"})
	if err != nil {
		fmt.Fprintf(g.Stderr, "db verify %s: %v\n", shown, err)
		return 2
	}
	defer r.Close()
	rep, err := r.Audit().Verify(ctx)
	var ce *audit.ChainError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(g.Stdout, "BROKEN: the room's chain at %s\nfirst bad entry: seq %d: %s\n  want %s\n  got  %s\nentries checked before the break: %d\n",
			shown, ce.Seq, ce.Kind, ce.Want, ce.Got, rep.Entries)
		return 1
	case err != nil:
		fmt.Fprintf(g.Stderr, "db verify %s: %v\n", shown, err)
		return 2
	}
	fmt.Fprintf(g.Stdout, "intact: the room's chain at %s\n%d entries, head seq %d %s\nverified in %s (rows and links; the room's chain is not signed)\n",
		shown, rep.Entries, rep.HeadSeq, rep.Head, rep.Duration.Round(time.Millisecond))
	return 0
}
