package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
)

// defaultModelDir finds the reader's models with no variable set, from any
// working directory: ZONECONSOLE_ANPR_MODELS when given, else the first of
// DATA/models/anpr, .tools/anpr-models beside the binary (where `make deps`
// puts them for the binary `make build` writes), .tools/anpr-models of the
// source tree the binary was built from (`go run .`), and the system-wide
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
	// `go run .` and `go test` build the binary in a temporary directory:
	// the source tree this file was compiled from is where `make deps` put
	// the models (empty under -trimpath, where the path is not absolute).
	if _, src, _, ok := runtime.Caller(0); ok && filepath.IsAbs(src) {
		cands = append(cands, filepath.Join(filepath.Dir(src), "..", ".tools", "anpr-models"))
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
	workers := fs.Int("workers", runtime.NumCPU(), "photos read at a time")
	list := fs.String("list", "", "also read the images named in FILE, one path a line")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	switch *det {
	case anpr.DetectFast, anpr.DetectClassic, anpr.DetectText, anpr.DetectAll:
	default:
		fmt.Fprintf(g.Stderr, "zoneconsole anpr read: --detector %q: choose fast, classic, text or all\n", *det)
		return 2
	}
	if (fs.NArg() == 0 && *list == "") || *workers < 1 {
		fmt.Fprintln(g.Stderr, "usage: zoneconsole anpr read [--models DIR] [--detector fast|classic|text|all] [--workers N>=1] [--list FILE] IMAGE|DIR...")
		return 2
	}
	names := fs.Args()
	if *list != "" {
		more, err := readList(*list)
		if err != nil {
			fmt.Fprintln(g.Stderr, "zoneconsole anpr read:", err)
			return 1
		}
		names = append(names, more...)
	}
	paths, err := imagePaths(names)
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr read:", err)
		return 1
	}
	if cmdlineBytes() > maxORTCmdline && fs.NArg() > 0 {
		return rerunWithList(ctx, g, fs.NArg(), paths)
	}
	r, err := anpr.NewReader(anpr.Config{ModelDir: *models, Detector: *det, AnyFormat: true, Logger: g.Log})
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr read:", err)
		return 1
	}
	defer r.Close()
	// Photos are read by a few workers and printed in the order given, one
	// line each as soon as it and all before it are done.
	type result struct {
		line string
		errs []string
	}
	res := make([]chan result, len(paths))
	for i := range res {
		res[i] = make(chan result, 1)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(*workers, len(paths)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				line, errs := readOnePhoto(ctx, r, paths[i])
				res[i] <- result{line, errs}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range paths {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	status := 0
	for i := range paths {
		select {
		case out := <-res[i]:
			for _, e := range out.errs {
				fmt.Fprintln(g.Stderr, "zoneconsole anpr read:", e)
				status = 1
			}
			fmt.Fprintln(g.Stdout, out.line)
		case <-ctx.Done():
			wg.Wait()
			return 1
		}
	}
	wg.Wait()
	return status
}

// readOnePhoto reads one photo and returns its output line
// (path, plate, country, confidence) and any errors.
func readOnePhoto(ctx context.Context, r *anpr.Reader, path string) (string, []string) {
	none := path + "\t-\t-\t0.00"
	img, err := loadImage(path)
	if err != nil {
		return none, []string{fmt.Sprintf("%s: %v", path, err)}
	}
	reads, err := r.Read(ctx, img)
	var errs []string
	if err != nil && !errors.Is(err, context.Canceled) {
		errs = append(errs, fmt.Sprintf("%s: %v", path, err))
	}
	if len(reads) == 0 {
		return none, errs
	}
	best := anpr.Pick(reads, img.Bounds())
	cc := best.Country
	if cc == "" {
		cc = "-"
	}
	return fmt.Sprintf("%s\t%s\t%s\t%.2f", path, best.Plate, cc, best.Confidence), errs
}

// imagePaths expands the arguments: a file stands for itself, a directory
// for its JPEG and PNG files (not recursively), in name order.
func imagePaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			switch strings.ToLower(filepath.Ext(e.Name())) {
			case ".jpg", ".jpeg", ".png":
				if !e.IsDir() {
					out = append(out, filepath.Join(a, e.Name()))
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no JPEG or PNG images in the arguments")
	}
	return out, nil
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
	photos := fs.String("photos", "", "score the photographs of DIR against DIR/truth.tsv (file<TAB>PLATE) instead of the simulated zone")
	det := fs.String("detector", anpr.DetectAll, "with --photos: plate localisation (fast, classic, text or all)")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if *photos != "" && fs.NArg() == 0 && *workers >= 0 {
		return anprEvalPhotos(ctx, g, *models, *det, *photos, *workers)
	}
	if fs.NArg() > 0 || *minutes <= 0 || *cameras < 1 || *workers < 0 {
		fmt.Fprintln(g.Stderr, "usage: zoneconsole anpr eval [--models DIR] [--minutes N>0] [--cameras N>=1] [--seed N] [--workers N>=0]\n       zoneconsole anpr eval --photos DIR [--models DIR] [--detector D] [--workers N>=0]")
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

// anprEvalPhotos scores a folder of labelled photographs: the exact and
// O/0-forgiven rates, per country, the confusions and every miss.
func anprEvalPhotos(ctx context.Context, g *globals, models, det, dir string, workers int) int {
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	r, err := anpr.NewReader(anpr.Config{ModelDir: models, Detector: det, AnyFormat: true, Logger: g.Log})
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr eval:", err)
		return 1
	}
	defer r.Close()
	start := time.Now()
	sc, err := anpr.ScorePhotos(ctx, r, dir, workers)
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr eval:", err)
		return 1
	}
	fmt.Fprintln(g.Stdout, sc)
	fmt.Fprintf(g.Stdout, "time %.1fs for %d photos with %d workers\n", time.Since(start).Seconds(), sc.N, workers)
	return 0
}

// maxORTCmdline is the longest command line (bytes, as /proc/self/cmdline
// holds it) under which ONNX Runtime's environment creation is known to
// survive. CreateOrtEnv runs a regular expression over data that grows with
// the command line (libstdc++'s std::regex recurses once per character):
// with 700 image paths of 48 bytes (34 KB) it recursed 87,000 frames deep
// and overflowed the thread's 8 MB stack (SIGSEGV), with 700 paths of 18
// bytes (13 KB) it did not, and a 40 KB environment variable is harmless.
// Below the limit with room to spare; above it anpr read hands the paths
// to a copy of itself in a file.
const maxORTCmdline = 8 << 10

// cmdlineBytes is the length of the process's command line.
func cmdlineBytes() int {
	n := 0
	for _, a := range os.Args {
		n += len(a) + 1
	}
	return n
}

// rerunWithList runs this command again in a child process with the image
// paths in a file (--list) instead of on the command line, so that ONNX
// Runtime starts with a short command line; the child's output is this
// command's.
func rerunWithList(ctx context.Context, g *globals, nPaths int, paths []string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr read: find this program to hand it the paths:", err)
		return 1
	}
	f, err := os.CreateTemp("", "zoneconsole-anpr-read-*.txt")
	if err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr read: list of paths:", err)
		return 1
	}
	defer os.Remove(f.Name())
	_, werr := f.WriteString(strings.Join(paths, "\n") + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		fmt.Fprintln(g.Stderr, "zoneconsole anpr read: list of paths:", err)
		return 1
	}
	// The flags are everything before the positional paths, which flag
	// parsing leaves at the end.
	args := append(append([]string(nil), os.Args[1:len(os.Args)-nPaths]...), "--list", f.Name())
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, g.Stdout, g.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintln(g.Stderr, "zoneconsole anpr read:", err)
		return 1
	}
	return 0
}

// readList reads a --list file: one path a line, blank lines skipped.
func readList(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--list: %w", err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}
