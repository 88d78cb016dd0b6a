package cli

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/evidence"
)

const exportUsage = `usage:
  zoneconsole export --camera ID[,ID...] --from T --to T --case REF --user NAME
                     [--ground judicial|administrative] [--motivation TEXT] [--authorisation REF]
                     [--unmasked] [--zone FILE] OUT
      write the footage of the cameras in [from, to) to the new folder OUT,
      as evidence a court can verify: <camera>.mp4 (remuxed, or re-encoded
      with the camera's privacy masks burned in), manifest.json,
      manifest.sig, export-key.pem, SHA256SUMS and a README saying how to
      check it without this software. NAME's password from
      ZONECONSOLE_PASSWORD or standard input; footage older than 30 days
      only on a judicial ground with --authorisation; --unmasked is the
      investigator's right alone. Checked and audited as in the console.
  zoneconsole export verify [--pubkey FILE] DIR
      exit 0 when the folder is as it was exported, 1 with every difference
      named (a changed clip or manifest, a missing or extra file, a
      signature by another key than --pubkey), 2 when it cannot be read.
`

// cmdExport runs `zoneconsole export ...` and `zoneconsole export verify`.
func cmdExport(ctx context.Context, g *globals, args []string) int {
	if len(args) > 0 && args[0] == "verify" {
		return exportVerify(g, args[1:])
	}
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(g.Stdout, exportUsage)
		return 0
	}
	fs := subFlags(g, "export", exportUsage)
	var (
		cameras  = fs.String("camera", "", "cameras, comma separated")
		from     = fs.String("from", "", "start (RFC 3339 or YYYY-MM-DD)")
		to       = fs.String("to", "", "end (RFC 3339, or YYYY-MM-DD included)")
		caseRef  = fs.String("case", "", "the case reference")
		user     = fs.String("user", "", "who exports")
		ground   = fs.String("ground", "judicial", "judicial or administrative")
		motive   = fs.String("motivation", "", "why")
		auth     = fs.String("authorisation", "", "the prosecutor's or investigating judge's authorisation (past 30 days)")
		unmasked = fs.Bool("unmasked", false, "without the privacy masks (investigators, judicial)")
		zpath    = fs.String("zone", "", "zone file (default: the simulated zone's)")
	)
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() != 1 || *cameras == "" || *from == "" || *to == "" || *caseRef == "" || *user == "" ||
		(*ground != "judicial" && *ground != "administrative") {
		fs.Usage()
		return 2
	}
	f, t, err := parsePeriod(*from, *to)
	if err != nil {
		fmt.Fprintf(g.Stderr, "export: %v\n", err)
		return 2
	}
	z := zoneForReport(g, *zpath)
	sh, code := shellLogin(ctx, g, "export", *user, z.Audit)
	if sh == nil {
		return code
	}
	defer closeShell(g, "export", sh)
	last := time.Now()
	req := app.ExportRequest{Cameras: strings.Split(*cameras, ","), From: f, To: t, Case: *caseRef, Dir: fs.Arg(0),
		Unmasked: *unmasked, Progress: func(done, total int64) {
			// Long work shows progress: a line a second on stderr.
			if time.Since(last) > time.Second || done == total {
				last = time.Now()
				fmt.Fprintf(g.Stderr, "export: %3.0f%% (%d of %d MB)\n", 100*float64(done)/float64(max(total, 1)), done>>20, total>>20)
			}
		}}
	why := app.Reason{Kind: app.JustKind(*ground), Ref: *caseRef, Text: *motive, AuthRef: *auth}
	res, err := sh.Export(ctx, z, req, why)
	if err != nil {
		fmt.Fprintf(g.Stderr, "export: %v\n", err)
		return 1
	}
	fmt.Fprintln(g.Stdout, res.Dir)
	return 0
}

func exportVerify(g *globals, args []string) int {
	fs := subFlags(g, "export verify", exportUsage)
	pubkey := fs.String("pubkey", "", "the export key to trust (PEM); without it, the folder's own export-key.pem")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	var key ed25519.PublicKey
	if *pubkey != "" {
		b, err := os.ReadFile(*pubkey)
		if err == nil {
			key, err = evidence.ParsePublicKeyPEM(b)
		}
		if err != nil {
			fmt.Fprintf(g.Stderr, "export verify: --pubkey: %v\n", err)
			return 2
		}
	}
	rep, err := evidence.Verify(fs.Arg(0), key)
	if err != nil {
		fmt.Fprintf(g.Stderr, "export verify: %v\n", err)
		return 2
	}
	if rep.Intact() {
		fmt.Fprintf(g.Stdout, "intact: %s\n", fs.Arg(0))
		return 0
	}
	for _, d := range rep.Differences {
		fmt.Fprintln(g.Stdout, d.String())
	}
	return rep.ExitCode()
}
