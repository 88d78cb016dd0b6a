package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/trail"
)

func openPTZConsole(t *testing.T) (*Console, Camera) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "test-console", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, 5)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for _, cam := range c.Zone().Cameras {
		if cam.PTZ {
			if cam.ONVIF == "" || cam.Credential == "" {
				t.Fatalf("PTZ camera %s without ONVIF address or login: %+v", cam.ID, cam)
			}
			return c, cam
		}
	}
	t.Fatal("the simulated zone has no PTZ camera")
	return nil, Camera{}
}

// TestSteerAuditedAndMoves: a dispatcher's move is audited (camera, who,
// why, what) and the simulated camera turns; a preset saved comes back.
func TestSteerAuditedAndMoves(t *testing.T) {
	c, cam := openPTZConsole(t)
	ctx := context.Background()
	s := login(t, c, "dispatcher")
	why := Reason{Kind: JustShift, Text: "vechtpartij Speelhof"}
	if !c.CanSteer(s, cam.ID) {
		t.Fatal("a dispatcher cannot steer")
	}
	if _, err := c.SavePreset(ctx, s, cam.ID, "Speelhof", why); err != nil {
		t.Fatal(err)
	}
	if err := c.Steer(ctx, s, cam.ID, why, PTZMove{Pan: -1, Zoom: 1}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := c.StopPTZ(ctx, s, cam.ID, why); err != nil {
		t.Fatal(err)
	}
	pos, err := simOf(c).PTZPosition(cam.ID)
	if err != nil || pos.Pan >= 0 || pos.Zoom <= 0 {
		t.Fatalf("after a move left and in: %+v, %v", pos, err)
	}
	if err := c.GotoPreset(ctx, s, cam.ID, "Speelhof", why); err != nil {
		t.Fatal(err)
	}
	es := entries(t, c, trail.ActPTZ)
	var ops []string
	for _, e := range es {
		if e.User != "dispatcher" || e.Subject == "" || !strings.HasPrefix(e.Subject, "camera:"+cam.ID) || e.JustText != why.Text || e.Outcome != "allowed" {
			t.Errorf("entry %+v", e)
		}
		ops = append(ops, e.Detail)
	}
	joined := strings.Join(ops, "\n")
	for _, want := range []string{`"op":"preset.save"`, `"op":"move","pan":-1,"zoom":1`, `"op":"stop"`, `"op":"preset.goto","preset":"Speelhof"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("no entry with %s in\n%s", want, joined)
		}
	}
}

// TestSteerRefusedWithoutRole: an investigator may not steer; the refusal
// is audited and nothing reaches the camera.
func TestSteerRefusedWithoutRole(t *testing.T) {
	c, cam := openPTZConsole(t)
	ctx := context.Background()
	s := login(t, c, "recherche")
	if c.CanSteer(s, cam.ID) {
		t.Error("an investigator may steer")
	}
	err := c.Steer(ctx, s, cam.ID, Reason{Kind: JustShift, Text: "kijken"}, PTZMove{Pan: 1})
	var de *DeniedError
	if !errors.As(err, &de) {
		t.Fatalf("steer by an investigator: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if pos, _ := simOf(c).PTZPosition(cam.ID); pos.Pan != 0 {
		t.Errorf("the camera moved: %+v", pos)
	}
	es := entries(t, c, trail.ActPTZ)
	if len(es) != 1 || es[0].User != "recherche" || es[0].Outcome == "allowed" {
		t.Errorf("refusal entries %+v", es)
	}
	// A camera without PTZ cannot be steered at all.
	d := login(t, c, "dispatcher")
	if err := c.Steer(ctx, d, "cam01", Reason{Kind: JustShift}, PTZMove{Pan: 1}); !errors.Is(err, ErrNoPTZ) {
		t.Errorf("steer a fixed camera: %v", err)
	}
}
