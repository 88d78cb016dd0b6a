package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
)

// cmdSim runs the simulated zone on its own (g.Sim, wired in by main): it
// prints one line per camera (id, name, main URL, sub URL, tab-separated)
// and serves until ctx ends.
func cmdSim(ctx context.Context, g *globals, args []string) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(g.Stderr)
	addr := fs.String("addr", "127.0.0.1:8554", "RTSP listen address")
	cameras := fs.Int("cameras", 8, "number of cameras")
	seed := fs.Int64("seed", 1, "seed of the traffic and plates")
	fps := fs.Int("fps", 15, "frames per second")
	udp := fs.Bool("udp", false, "also offer RTP over UDP")
	patrolAddr := fs.String("patrol-addr", "127.0.0.1:0", "listen address of the patrol position feed")
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || *cameras < 1 || *fps < 1 {
		fmt.Fprintln(g.Stderr, "usage: zoneconsole sim [--addr HOST:PORT] [--cameras N] [--seed N] [--fps N] [--udp] [--patrol-addr HOST:PORT]")
		return 2
	}
	if g.Sim == nil {
		fmt.Fprintln(g.Stderr, "zoneconsole sim: this build has no simulated zone")
		return 1
	}
	truth := filepath.Join(g.DataDir, "sim", "truth.jsonl")
	z, err := g.Sim(ctx, SimConfig{Addr: *addr, Cameras: *cameras, Seed: *seed, FPS: *fps,
		UDP: *udp, PatrolAddr: *patrolAddr, TruthPath: truth, Logger: g.Log})
	if err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole sim: %v\n", err)
		return 1
	}
	for _, c := range z.Cameras() {
		fmt.Fprintf(g.Stdout, "%s\t%s\t%s\t%s\n", c.ID, c.Name, c.MainURL, c.SubURL)
		if c.Username != "" {
			// A demo credential of a simulated camera, not a secret: the
			// user needs it to open the camera by hand.
			g.Log.Info("camera requires credentials", "camera", c.ID, "user", c.Username, "password", c.Password)
		}
	}
	g.Log.Info("simulated zone serving", "patrol_feed", z.PatrolFeedAddr(), "truth", truth)
	<-ctx.Done()
	if err := z.Close(); err != nil {
		fmt.Fprintf(g.Stderr, "zoneconsole sim: %v\n", err)
		return 1
	}
	return 0
}
