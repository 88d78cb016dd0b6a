package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/roomdb"
)

const auditUsage = `usage:
  zoneconsole audit verify [--key FILE] [--pubkey FILE | --fingerprint HEX] [--witness DIR]
                           [--room --zone FILE [--console NAME]] [DB]
      check the hash chain, checkpoints and signed head of the audit store
      (default DB: <data>/audit.db; key: <dir of DB>/keys/audit.ed25519,
      only its .pub and .head files are read). --room also checks it
      against the checkpoints this console (default: the host name) wrote
      to the chain of the dispatch room the zone file's database names,
      where the other consoles hold them (login: the credential store
      entry "room" or ZONECONSOLE_DB_PASSWORD). Exit 0 intact, 1 broken
      (the first bad entry is printed), 2 the store cannot be read.
  zoneconsole audit key [--key FILE]
      print the audit public key's fingerprint and PEM: put the
      fingerprint in the zone file ([audit] key_fingerprint) and keep the
      PEM outside this machine, so a rewritten trail cannot verify.
  zoneconsole audit export --user NAME --from T --to T [--by U] [--camera ID]
                           [--format csv|html] [--db DB] [--key FILE]
      write the entries of [from, to) to stdout, ordered by time, for NAME
      (a team chief or the DPO; password from ZONECONSOLE_PASSWORD or
      standard input), checked and audited like the review screen. T is
      RFC 3339 or a UTC day YYYY-MM-DD (a day given to --to is included).
      --by keeps the entries of one user. html is a printable report that
      first states the chain's verification result; a broken chain exports
      nothing as CSV and exits 1 in both formats.
`

// cmdAudit runs `zoneconsole audit verify|export`.
func cmdAudit(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(g.Stderr, auditUsage)
		return 2
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, g, args[1:])
	case "export":
		return auditExport(ctx, g, args[1:])
	case "key":
		return auditKey(g, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(g.Stdout, auditUsage)
		return 0
	}
	fmt.Fprintf(g.Stderr, "zoneconsole audit: unknown command %q\n%s", args[0], auditUsage)
	return 2
}

// auditPaths gives the store and key paths: the key defaults to the one
// audit.Open would use for that store.
func auditPaths(g *globals, db, key string) (string, string) {
	if db == "" {
		db = filepath.Join(g.DataDir, "audit.db")
	}
	if key == "" {
		key = filepath.Join(filepath.Dir(db), "keys", "audit.ed25519")
	}
	return db, key
}

func auditVerify(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "audit verify", auditUsage)
	key := fs.String("key", "", "signing key path (its .pub and .head are read)")
	pubkey := fs.String("pubkey", "", "the audit public key to trust, from outside the data directory (PEM, hex or raw)")
	fingerprint := fs.String("fingerprint", "", "the SHA-256 fingerprint of the audit key to trust (as the zone file names it)")
	witness := fs.String("witness", "", "the witness directory (or file) holding copies of the signed checkpoints")
	inRoom := fs.Bool("room", false, "also check against this console's checkpoints in the dispatch room's chain (needs --zone)")
	zonePath := fs.String("zone", "", "the zone file naming the room's database (with --room)")
	console := fs.String("console", "", "this console's name in the room (default: the host name)")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 1 || (*inRoom && *zonePath == "") {
		fs.Usage()
		return 2
	}
	vo := audit.VerifyOptions{Fingerprint: *fingerprint, Witness: *witness}
	roomName := ""
	if *inRoom {
		recs, name, err := roomWitness(ctx, g, *zonePath, *console)
		if err != nil {
			fmt.Fprintf(g.Stderr, "audit verify: --room: %v\n", err)
			return 2
		}
		vo.Records, roomName = recs, name
	}
	if *pubkey != "" {
		pk, err := audit.ReadPublicKeyFile(*pubkey)
		if err != nil {
			fmt.Fprintf(g.Stderr, "audit verify: --pubkey: %v\n", err)
			return 2
		}
		vo.PublicKey = pk
	}
	db, keyPath := auditPaths(g, fs.Arg(0), *key)
	r, err := audit.OpenReader(db, audit.Options{KeyPath: keyPath, Logger: g.Log})
	if err != nil {
		fmt.Fprintf(g.Stderr, "audit verify: cannot read the store: %v\n", err)
		return 2
	}
	defer r.Close()
	rep, err := r.VerifyWith(ctx, vo)
	var ce *audit.ChainError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(g.Stdout, "BROKEN: %s\n", db)
		if ce.Kind == audit.KindUntrustedKey {
			fmt.Fprintf(g.Stdout, "signed by a key that is not the trusted one (seq %d)\n  want %s\n  got  %s\n", ce.Seq, ce.Want, ce.Got)
			return 1
		}
		if ce.Seq == 0 {
			fmt.Fprintf(g.Stdout, "the store's tables were changed: %s\n  want %s\n  got  %s\n", ce.Kind, ce.Want, ce.Got)
			return 1
		}
		fmt.Fprintf(g.Stdout, "first bad entry: seq %d: %s\n  want %s\n  got  %s\n", ce.Seq, ce.Kind, ce.Want, ce.Got)
		if e, err := r.EntryAt(ctx, ce.Seq); err == nil {
			fmt.Fprintf(g.Stdout, "  entry: %s\n", describeEntry(e))
		} else {
			fmt.Fprintf(g.Stdout, "  entry: %v\n", err)
		}
		fmt.Fprintf(g.Stdout, "entries checked before the break: %d\n", rep.Entries)
		return 1
	case err != nil:
		fmt.Fprintf(g.Stderr, "audit verify: cannot read the store: %v\n", err)
		return 2
	}
	fmt.Fprintf(g.Stdout, "intact: %s\n%d entries, head seq %d %s\n%d signed checkpoints (last at seq %d), signed head at seq %d\nverified in %s\n",
		db, rep.Entries, rep.HeadSeq, rep.Head, rep.Checkpoints, rep.LastCheckpoint, rep.SignedHeadSeq, rep.Duration.Round(time.Millisecond))
	if rep.KeyPinned {
		fmt.Fprintf(g.Stdout, "key pinned: %s\n", rep.KeyFingerprint)
	} else {
		fmt.Fprintln(g.Stdout, "key NOT pinned: the key in the data directory was trusted (give --pubkey or --fingerprint)")
	}
	if rep.Witness != "" {
		fmt.Fprintf(g.Stdout, "witness %s: %d records checked\n", rep.Witness, rep.Witnessed)
	}
	if *inRoom {
		fmt.Fprintf(g.Stdout, "room %s: %d checkpoints of this console checked\n", roomName, len(vo.Records))
	}
	return 0
}

// roomWitness reads this console's checkpoints from the room the zone
// file names, and the room's name.
func roomWitness(ctx context.Context, g *globals, zonePath, console string) ([]audit.WitnessRecord, string, error) {
	z, err := app.LoadZone(zonePath)
	if err != nil {
		return nil, "", err
	}
	if z.Database == "" {
		return nil, "", fmt.Errorf("zone %s names no room database", zonePath)
	}
	if console == "" {
		if console, err = os.Hostname(); err != nil {
			return nil, "", err
		}
	}
	user, pw, err := dbLogin(g.DataDir, app.RoomCredential)
	if err != nil {
		return nil, "", err
	}
	dsn := z.Database
	if pw != "" {
		if dsn, err = roomdb.WithPassword(dsn, user, pw); err != nil {
			return nil, "", err
		}
	}
	r, err := roomdb.Open(ctx, roomdb.Config{DSN: dsn, Room: z.Room, Console: "audit-verify"})
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	recs, err := app.RoomWitness(ctx, r, console)
	return recs, z.Room, err
}

func describeEntry(e audit.Entry) string {
	return fmt.Sprintf("%s user=%q role=%q console=%q action=%s subject=%q justification=%s/%q ref=%q auth=%q outcome=%s reason=%q detail=%q",
		e.Time.Format(time.RFC3339Nano), e.User, e.Role, e.Console, e.Action, e.Subject,
		e.JustKind, e.JustText, e.JustRef, e.AuthRef, e.Outcome, e.Reason, e.Detail)
}

func auditExport(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "audit export", auditUsage)
	var (
		from   = fs.String("from", "", "start, RFC 3339 or YYYY-MM-DD (UTC), inclusive")
		to     = fs.String("to", "", "end, RFC 3339 (exclusive) or YYYY-MM-DD (UTC, that day included)")
		user   = fs.String("user", "", "who exports (a team chief or the DPO); password from ZONECONSOLE_PASSWORD or stdin")
		by     = fs.String("by", "", "only the entries of this user")
		camera = fs.String("camera", "", "only this camera id (subject camera:<id>)")
		format = fs.String("format", "csv", "csv or html")
		dbPath = fs.String("db", "", "audit store to read (default <data>/audit.db)")
		key    = fs.String("key", "", "signing key path of --db (its .pub and .head are read)")
		zpath  = fs.String("zone", "", "zone file whose [audit] section pins the key and names the witness")
	)
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || *from == "" || *to == "" || *user == "" || (*format != "csv" && *format != "html") {
		fs.Usage()
		return 2
	}
	f := app.ReviewFilter{User: *by, Camera: strings.TrimPrefix(*camera, "camera:")}
	var err error
	if f.From, f.To, err = parsePeriod(*from, *to); err != nil {
		fmt.Fprintf(g.Stderr, "audit export: %v\n", err)
		return 2
	}
	var src *audit.Reader
	if *dbPath != "" {
		db, keyPath := auditPaths(g, *dbPath, *key)
		if src, err = audit.OpenReader(db, audit.Options{KeyPath: keyPath, Logger: g.Log}); err != nil {
			fmt.Fprintf(g.Stderr, "audit export: %v\n", err)
			return 1
		}
		defer src.Close()
	}
	var trust app.AuditTrust
	if *zpath != "" {
		z, err := app.LoadZone(*zpath)
		if err != nil {
			fmt.Fprintf(g.Stderr, "audit export: %v\n", err)
			return 1
		}
		trust = z.Audit
	}
	sh, code := shellLogin(ctx, g, "audit export", *user, trust)
	if sh == nil {
		return code
	}
	defer closeShell(g, "audit export", sh)
	if err := sh.ExportReview(ctx, f, app.ExportFormat(*format), g.Stdout, src); err != nil {
		fmt.Fprintf(g.Stderr, "audit export: %v\n", err)
		return 1
	}
	return 0
}

func auditKey(g *globals, args []string) int {
	fs := subFlags(g, "audit key", auditUsage)
	key := fs.String("key", "", "signing key path (its .pub is read)")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	_, keyPath := auditPaths(g, "", *key)
	pk, err := audit.ReadPublicKeyFile(keyPath + ".pub")
	if err != nil {
		fmt.Fprintf(g.Stderr, "audit key: %v\n", err)
		return 1
	}
	pem, err := audit.PublicKeyPEM(pk)
	if err != nil {
		fmt.Fprintf(g.Stderr, "audit key: %v\n", err)
		return 1
	}
	fmt.Fprintf(g.Stdout, "fingerprint %s\n%s", audit.Fingerprint(pk), pem)
	return 0
}
