//go:build bench

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/politiezone/zoneconsole/simzone"
)

// simCamera is one camera as the parent needs it for the ffmpeg peer: its
// stream URLs with the camera's login in them (the zone file has none).
type simCamera struct {
	ID   string `json:"id"`
	Main string `json:"main"`
	Sub  string `json:"sub"`
}

// simChild serves the simulated zone in a process of its own, so that its
// rendering and encoding are not counted as the console's CPU. It is the
// zone `zoneconsole run` starts (simzone: zone file, demo accounts, the
// protected camera's login in the data directory's credential store), with
// as many cameras as the wall needs. It prints one "ready" line with the
// cameras, then serves until SIGTERM.
func simChild(dataDir string, cameras int) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	z, err := simzone.Start(ctx, simzone.Options{DataDir: dataDir, Cameras: cameras, Logger: log})
	if err != nil {
		fmt.Fprintf(os.Stderr, "sim child: starting the simulated zone: %v\n", err)
		return 1
	}
	var cams []simCamera
	for _, c := range z.Sim.Cameras() {
		cams = append(cams, simCamera{ID: c.ID, Main: c.WithCredentials(c.MainURL), Sub: c.WithCredentials(c.SubURL)})
	}
	b, err := json.Marshal(cams)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sim child: %v\n", err)
		z.Close()
		return 1
	}
	fmt.Printf("ready %s\n", b)
	<-ctx.Done()
	if err := z.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "sim child: closing the simulated zone: %v\n", err)
		return 1
	}
	return 0
}
