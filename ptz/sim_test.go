package ptz_test

import (
	"context"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/ptz"
	"github.com/politiezone/zoneconsole/sim"
)

// TestSimDevice steers the simulated zone's PTZ van over loopback: a move
// pans it, stop holds it, a saved preset brings it back.
func TestSimDevice(t *testing.T) {
	ctx := context.Background()
	z, err := sim.Start(ctx, sim.Config{Cameras: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var cam sim.Camera
	for _, c := range z.Cameras() {
		if c.PTZ {
			cam = c
		}
	}
	if cam.ONVIF == "" {
		t.Fatal("no PTZ camera with an ONVIF address")
	}
	c := ptz.New(ptz.Config{Camera: cam.ID, URL: cam.ONVIF, Username: cam.ONVIFUsername, Password: cam.ONVIFPassword})
	if _, err := c.SetPreset(ctx, "Start"); err != nil {
		t.Fatal(err)
	}
	if off := c.Offset(); (off - sim.ONVIFClockSkew).Abs() > 2*time.Second {
		t.Errorf("offset %v, want about %v", off, sim.ONVIFClockSkew)
	}
	if err := c.Move(ctx, 1, 0, 0.5); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	p1, _ := z.PTZPosition(cam.ID)
	if p1.Pan < 0.1 || p1.Zoom < 0.05 {
		t.Fatalf("after a move right and in: %+v", p1)
	}
	time.Sleep(100 * time.Millisecond)
	if p2, _ := z.PTZPosition(cam.ID); p2 != p1 {
		t.Errorf("moved after stop: %+v then %+v", p1, p2)
	}
	if err := c.GotoPreset(ctx, "Start"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		p, _ := z.PTZPosition(cam.ID)
		if p == (sim.Position{}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("preset Start not reached: %+v", p)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A wrong password is refused, as an error naming the camera.
	bad := ptz.New(ptz.Config{Camera: cam.ID, URL: cam.ONVIF, Username: cam.ONVIFUsername, Password: "wrong"})
	if err := bad.Stop(ctx); err == nil {
		t.Error("a wrong password was accepted")
	}
}
