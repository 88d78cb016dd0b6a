package app

import (
	"context"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/video"
)

// An administrator changes a camera's login from the console: audited,
// listed without its password, and the wall's view of that camera moves to
// the new login at once (a wrong one shows as refused, the right one
// brings the picture back) without the view being reopened.
func TestCameraLoginFromTheConsole(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "beheer", Logger: testLog()}, 8)
	if err != nil {
		t.Fatal(err)
	}
	var cam Camera
	for _, cm := range c.Zone().Cameras {
		if cm.Credential != "" {
			cam = cm
		}
	}
	if cam.ID == "" {
		t.Fatal("no camera with a login in the simulated zone")
	}
	right, _ := c.creds.Get(cam.Credential)
	adm := login(t, c, "beheerder")
	chief := login(t, c, "teamchef")
	v, err := c.OpenLive(ctx, chief, cam.ID, StreamSub, Reason{Kind: chief.Shift.Kind, Text: "parking"})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	waitFrame(t, v)

	if err := c.SetCameraLogin(ctx, chief, cam.Credential, "viewer", "wrong"); err == nil {
		t.Fatal("a team chief changed a camera login")
	}
	if err := c.SetCameraLogin(ctx, adm, cam.Credential, right.Username, "not-the-password"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the view refused with the wrong login", 20*time.Second, func() bool { return v.Status().State == video.StateUnauthorised })
	if err := c.SetCameraLogin(ctx, adm, cam.Credential, right.Username, right.Password); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the picture back with the right login", 20*time.Second, func() bool { return v.Status().State == video.StateLive })
	ls, err := c.CameraLogins(ctx, adm)
	if err != nil || len(ls) == 0 {
		t.Fatalf("CameraLogins = %+v, %v", ls, err)
	}
	sets := 0
	for _, e := range entries(t, c, trail.ActSettings) {
		if e.Subject == "credential:"+cam.Credential {
			sets++
		}
	}
	if sets < 2 {
		t.Errorf("%d audited credential changes, want the two", sets)
	}
}
