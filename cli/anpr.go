package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
)

// defaultModelDir finds the reader's models with no variable set, from any
// working directory: ZONECONSOLE_ANPR_MODELS when given, else the first of
// DATA/models/anpr, .tools/anpr-models beside the binary (where `make deps`
// puts them for the binary `make build` writes) and the system-wide
// /usr/local/share/zoneconsole/anpr-models that holds the model file.
func defaultModelDir(g *globals) string {
	if d := os.Getenv("ZONECONSOLE_ANPR_MODELS"); d != "" {
		return d
	}
	cands := []string{filepath.Join(g.DataDir, "models", "anpr")}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		cands = append(cands, filepath.Join(filepath.Dir(exe), ".tools", "anpr-models"))
	}
	cands = append(cands, "/usr/local/share/zoneconsole/anpr-models")
	for _, d := range cands {
		if _, err := os.Stat(filepath.Join(d, "rec.onnx")); err == nil {
			return d
		}
	}
	return cands[0]
}

// cmdANPR runs `anpr read IMAGE...` and `anpr eval --minutes N` (g.ANPREval,
// wired in by main).
func cmdANPR(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(g.Stderr, "usage: zoneconsole anpr read [--models DIR] [--detector fast|classic|text|all] IMAGE...\n       zoneconsole anpr eval [--models DIR] [--minutes N] [--cameras N] [--seed N] [--workers N]")
		return 2
	}
	switch args[0] {
	case "read":
		return anprRead(ctx, g, args[1:])
	case "eval":
		return anprEval(ctx, g, args[1:])
	}
	fmt.Fprintf(g.Stderr, "zoneconsole anpr: unknown subcommand %q\n", args[0])
	return 2
}

func anprRead(ctx context.Context, g *globals, args []string) int {
	fs := flag.NewFlagSet("anpr read", flag.ContinueOnError)
	fs.SetOutput(g.Stderr)
	models := fs.String("models", defaultModelDir(g), "directory of the reader's models (anpr/install-models.sh DIR)")
	det := fs.String("detector", anpr.DetectAll, "plate localisation: fast, classic, text or all")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	switch *det {
	case anpr.DetectFast, anpr.DetectClassic, anpr.DetectText, anpr.DetectAll:
	default:
		fmt.Fprintf(g.Stderr, "zoneconsole anpr read: --detector %q: choose fast, classic, text or all\n", *det)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(g.Stderr, "usage: zoneconsole anpr read [--models DIR] [--detector fast|classic|text|all] IMAGE...")
		return 2
	}
	r, err := anpr.NewReader(anpr.Config{ModelDir: *models, Detector: *det, AnyFormat: true, Logger: g.Log})
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr read:", err)
		return 1
	}
	defer r.Close()
	status := 0
	for _, path := range fs.Args() {
		img, err := loadImage(path)
		if err != nil {
			fmt.Fprintf(g.Stderr, "zoneconsole anpr read: %s: %v\n", path, err)
			fmt.Fprintf(g.Stdout, "%s\t-\t-\t0.00\n", path)
			status = 1
			continue
		}
		reads, err := r.Read(ctx, img)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return 1
			}
			fmt.Fprintf(g.Stderr, "zoneconsole anpr read: %s: %v\n", path, err)
			status = 1
		}
		if len(reads) == 0 {
			fmt.Fprintf(g.Stdout, "%s\t-\t-\t0.00\n", path)
			continue
		}
		best := pick(reads, img.Bounds())
		cc := best.Country
		if cc == "" {
			cc = "-"
		}
		fmt.Fprintf(g.Stdout, "%s\t%s\t%s\t%.2f\n", path, best.Plate, cc, best.Confidence)
	}
	return status
}

// pick chooses the plate a photo is about: the surest read, with a bonus for
// a known format and for size (the subject's plate is the big one, a plate
// in the background is small).
func pick(reads []anpr.Read, b image.Rectangle) anpr.Read {
	best, bestS := reads[0], -1.0
	for _, r := range reads {
		s := r.Confidence + 0.1*float64(r.Box.Dx())/float64(max(1, b.Dx()))
		if r.Country != "" {
			s += 0.15
		}
		if s > bestS {
			best, bestS = r, s
		}
	}
	return best
}

func loadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return anpr.DecodePhoto(f)
}

func anprEval(ctx context.Context, g *globals, args []string) int {
	fs := flag.NewFlagSet("anpr eval", flag.ContinueOnError)
	fs.SetOutput(g.Stderr)
	models := fs.String("models", defaultModelDir(g), "directory of the reader's models (anpr/install-models.sh DIR)")
	minutes := fs.Float64("minutes", 2, "simulated minutes to run")
	cameras := fs.Int("cameras", 8, "cameras in the simulated zone")
	seed := fs.Int64("seed", 1, "simulation seed")
	workers := fs.Int("workers", 0, "reader workers (default: one per core)")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || *minutes <= 0 || *cameras < 1 || *workers < 0 {
		fmt.Fprintln(g.Stderr, "usage: zoneconsole anpr eval [--models DIR] [--minutes N>0] [--cameras N>=1] [--seed N] [--workers N>=0]")
		return 2
	}
	if g.ANPREval == nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr eval: this build has no simulated zone to score on")
		return 1
	}
	res, err := g.ANPREval(ctx, EvalConfig{
		ModelDir: *models, Duration: time.Duration(*minutes * float64(time.Minute)),
		Cameras: *cameras, Seed: *seed, Workers: *workers, Logger: g.Log,
	})
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr eval:", err)
		return 1
	}
	fmt.Fprintln(g.Stdout, res)
	return 0
}
