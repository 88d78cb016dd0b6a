package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/sqlitedb"
)

const recordUsage = `usage:
  zoneconsole record list [--camera ID]
      one line per recorded segment: camera<TAB>start<TAB>end<TAB>path<TAB>bytes
      (RFC 3339 times, UTC; paths relative to <data>/recordings).
  zoneconsole record verify
      check every segment's SHA-256 and the chain of each camera's segments:
      exit 0 intact, 1 changed or missing (the segment is named), 2 unreadable.
`

// cmdRecord runs `zoneconsole record list|verify`. Neither shows a picture
// or a person: they read the index of what was recorded when.
func cmdRecord(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(g.Stderr, recordUsage)
		return 2
	}
	switch args[0] {
	case "list":
		return recordList(ctx, g, args[1:])
	case "verify":
		return recordVerify(ctx, g, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(g.Stdout, recordUsage)
		return 0
	}
	fmt.Fprintf(g.Stderr, "zoneconsole record: unknown command %q\n%s", args[0], recordUsage)
	return 2
}

func openRecordIndex(g *globals, cmd string) (*recording.Index, int) {
	idx, err := recording.OpenIndexReadOnly(filepath.Join(g.DataDir, "recordings.db"))
	if err != nil {
		if errors.Is(err, sqlitedb.ErrMissing) {
			fmt.Fprintf(g.Stderr, "%s: nothing recorded in %s\n", cmd, g.DataDir)
		} else {
			fmt.Fprintf(g.Stderr, "%s: %v\n", cmd, err)
		}
		return nil, 2
	}
	return idx, 0
}

func recordList(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "record list", recordUsage)
	camera := fs.String("camera", "", "only this camera")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	idx, code := openRecordIndex(g, "record list")
	if idx == nil {
		return code
	}
	defer idx.Close()
	segs, err := idx.List(ctx, *camera, time.Time{}, time.Now().Add(24*time.Hour))
	if err != nil {
		fmt.Fprintf(g.Stderr, "record list: %v\n", err)
		return 1
	}
	for _, s := range segs {
		if !s.Closed() || !s.Deleted.IsZero() {
			continue
		}
		fmt.Fprintf(g.Stdout, "%s\t%s\t%s\t%s\t%d\n", s.Camera, s.Start.UTC().Format(time.RFC3339Nano),
			s.End.UTC().Format(time.RFC3339Nano), s.Path, s.Bytes)
	}
	return 0
}

func recordVerify(ctx context.Context, g *globals, args []string) int {
	fs := subFlags(g, "record verify", recordUsage)
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	idx, code := openRecordIndex(g, "record verify")
	if idx == nil {
		return code
	}
	defer idx.Close()
	err := idx.Verify(ctx, filepath.Join(g.DataDir, "recordings"))
	switch code := recording.ExitCode(err); code {
	case 0:
		fmt.Fprintln(g.Stdout, "recordings intact")
		return 0
	default:
		fmt.Fprintf(g.Stdout, "recordings: %v\n", err)
		return code
	}
}

const holdUsage = `usage:
  zoneconsole hold add --user NAME --camera ID[,ID...] --from T --to T --case REF
                       [--until T] [--ground judicial|administrative] [--motivation TEXT] [--zone FILE]
      keep the footage of the cameras in [from, to) from every deletion
      until --until or until it is released. NAME is an investigator, a
      team chief or the DPO (password from ZONECONSOLE_PASSWORD or stdin);
      checked and audited as in the console. Prints the hold's id.
  zoneconsole hold release --user NAME --case REF [--ground ...] ID
  zoneconsole hold list --user NAME
      one line per hold: id<TAB>cameras<TAB>from<TAB>to<TAB>case<TAB>until<TAB>by<TAB>released
`

// cmdHold runs `zoneconsole hold add|release|list`.
func cmdHold(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(g.Stderr, holdUsage)
		return 2
	}
	sub, args := args[0], args[1:]
	if sub == "help" || sub == "-h" || sub == "--help" {
		fmt.Fprint(g.Stdout, holdUsage)
		return 0
	}
	if sub != "add" && sub != "release" && sub != "list" {
		fmt.Fprintf(g.Stderr, "zoneconsole hold: unknown command %q\n%s", sub, holdUsage)
		return 2
	}
	fs := subFlags(g, "hold "+sub, holdUsage)
	var (
		user    = fs.String("user", "", "who places or releases the hold")
		cameras = fs.String("camera", "", "cameras, comma separated")
		from    = fs.String("from", "", "start of the footage held (RFC 3339 or YYYY-MM-DD)")
		to      = fs.String("to", "", "end of the footage held (RFC 3339, or YYYY-MM-DD included)")
		until   = fs.String("until", "", "the hold ends by itself then (RFC 3339 or YYYY-MM-DD; empty: until released)")
		caseRef = fs.String("case", "", "the case reference (PV, notice number)")
		ground  = fs.String("ground", "judicial", "judicial or administrative")
		motive  = fs.String("motivation", "", "why the footage is held")
		zpath   = fs.String("zone", "", "zone file, to check the camera ids (default: the simulated zone's)")
	)
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	why := app.Reason{Kind: app.JustKind(*ground), Ref: *caseRef, Text: *motive}
	if *user == "" || (*ground != "judicial" && *ground != "administrative") {
		fs.Usage()
		return 2
	}
	var req app.HoldRequest
	var id int64
	switch sub {
	case "add":
		if fs.NArg() > 0 || *cameras == "" || *from == "" || *to == "" || *caseRef == "" {
			fs.Usage()
			return 2
		}
		f, t, err := parsePeriod(*from, *to)
		if err != nil {
			fmt.Fprintf(g.Stderr, "hold add: %v\n", err)
			return 2
		}
		req = app.HoldRequest{Cameras: strings.Split(*cameras, ","), From: f, To: t, Case: *caseRef}
		if *until != "" {
			if req.Until, err = parsePeriodTime(*until, true); err != nil {
				fmt.Fprintf(g.Stderr, "hold add: --until: %v\n", err)
				return 2
			}
		}
	case "release":
		var err error
		if fs.NArg() != 1 || *caseRef == "" {
			fs.Usage()
			return 2
		}
		if id, err = strconv.ParseInt(fs.Arg(0), 10, 64); err != nil {
			fmt.Fprintf(g.Stderr, "hold release: %q is not a hold id\n", fs.Arg(0))
			return 2
		}
	case "list":
		if fs.NArg() > 0 {
			fs.Usage()
			return 2
		}
		why = app.Reason{Kind: app.JustKind(*ground), Ref: "hold list", Text: *motive}
		if *caseRef != "" {
			why.Ref = *caseRef
		}
	}
	z := zoneForReport(g, *zpath)
	sh, code := shellLogin(ctx, g, "hold "+sub, *user, z.Audit)
	if sh == nil {
		return code
	}
	defer closeShell(g, "hold "+sub, sh)
	switch sub {
	case "add":
		h, err := sh.PlaceHold(ctx, z, req, why)
		if err != nil {
			fmt.Fprintf(g.Stderr, "hold add: %v\n", err)
			return 1
		}
		fmt.Fprintln(g.Stdout, h.ID)
	case "release":
		if _, err := sh.ReleaseHold(ctx, id, why); err != nil {
			fmt.Fprintf(g.Stderr, "hold release: %v\n", err)
			return 1
		}
	case "list":
		hs, err := sh.Holds(ctx, why)
		if err != nil {
			fmt.Fprintf(g.Stderr, "hold list: %v\n", err)
			return 1
		}
		for _, h := range hs {
			fmt.Fprintf(g.Stdout, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.ID, strings.Join(h.Cameras, ","), rfc(h.From), rfc(h.To),
				h.Case, rfc(h.Until), h.CreatedBy, rfc(h.Released))
		}
	}
	return 0
}

func rfc(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// zoneForReport is the zone file a command names, else the simulated
// zone's file in the data directory; empty when neither reads.
func zoneForReport(g *globals, zpath string) app.Zone {
	if zpath == "" {
		zpath = filepath.Join(g.DataDir, "sim", "zone.toml")
	}
	z, err := app.LoadZone(zpath)
	if err != nil {
		g.Log.Info("no zone file", "zone", zpath, "err", err)
		return app.Zone{}
	}
	return z
}
