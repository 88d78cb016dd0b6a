package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/ptz"
	"github.com/politiezone/zoneconsole/rounds"
	"github.com/politiezone/zoneconsole/trail"
)

// Steering a PTZ camera. Every command is decided by the gate under
// ActPTZ (only roles that may steer can; a guard only with a team chief in
// the room) and audited as ptz.move, with the camera, who, why and what,
// before it goes out: a move the camera never saw is still in the trail,
// and a move that was not audited was never sent.

// ActPTZ is steering a camera.
const ActPTZ = policy.ActPTZ

// PTZMove is a continuous move as fractions of the camera's top speed, each
// in -1..1: Pan right +, Tilt up +, Zoom in +. The zero move is a stop.
type PTZMove struct{ Pan, Tilt, Zoom float64 }

// PTZ operations as the audit entry names them.
const (
	PTZOpMove       = "move"
	PTZOpStop       = "stop"
	PTZOpGotoPreset = "preset.goto"
	PTZOpSavePreset = "preset.save"
	PTZOpPresets    = "preset.list"
)

// Preset is a stored position of a PTZ camera.
type Preset = ptz.Preset

// ErrNoPTZ: the camera cannot be steered (not in the zone, no PTZ, or no
// ONVIF address).
var ErrNoPTZ = errors.New("camera cannot be steered")

// ptzDetail is the ptz.move entry's detail.
type ptzDetail = trail.PTZ

// ptzDesk holds one ONVIF client per camera, so each learns the camera's
// clock and profile once.
type ptzDesk struct {
	mu      sync.Mutex
	clients map[string]ptzEntry
}

type ptzEntry struct {
	key string // url, user and password: a changed login makes a new client
	c   *ptz.Client
}

func (c *Console) ptz() *ptzDesk { return &c.ptzDesk }

// CanSteer says whether the session may steer the camera at all (the UI
// shows the PTZ controls only then): the camera has PTZ and an ONVIF
// address, and the role may steer now.
func (c *Console) CanSteer(s *Session, cameraID string) bool {
	cam, ok := c.zone.Camera(cameraID)
	return ok && cam.PTZ && cam.ONVIF != "" && c.access.May(s, ActPTZ)
}

// Steer starts (or changes, or with the zero move stops) a continuous move.
// The camera goes on until Stop, another Steer, or about ten seconds
// without one (the camera's own safety stop): the UI sends a Steer when the
// direction changes, and again every few seconds while it is held.
func (c *Console) Steer(ctx context.Context, s *Session, cameraID string, why Reason, m PTZMove) error {
	for _, v := range []float64{m.Pan, m.Tilt, m.Zoom} {
		if math.IsNaN(v) || v < -1 || v > 1 {
			return fmt.Errorf("steer %s: %w", cameraID, ptz.ErrRange)
		}
	}
	if m == (PTZMove{}) {
		return c.StopPTZ(ctx, s, cameraID, why)
	}
	cl, err := c.steerCheck(ctx, s, cameraID, why, ptzDetail{Op: PTZOpMove, Pan: m.Pan, Tilt: m.Tilt, Zoom: m.Zoom})
	if err != nil {
		return err
	}
	return c.ptzDone(cameraID, PTZOpMove, cl.Move(ctx, m.Pan, m.Tilt, m.Zoom))
}

// StopPTZ stops the camera's move.
func (c *Console) StopPTZ(ctx context.Context, s *Session, cameraID string, why Reason) error {
	cl, err := c.steerCheck(ctx, s, cameraID, why, ptzDetail{Op: PTZOpStop})
	if err != nil {
		return err
	}
	return c.ptzDone(cameraID, PTZOpStop, cl.Stop(ctx))
}

// Presets lists the camera's presets. Reading them moves nothing, but it
// is asked under ActPTZ too (and audited): only who may steer needs them.
func (c *Console) Presets(ctx context.Context, s *Session, cameraID string, why Reason) ([]Preset, error) {
	cl, err := c.steerCheck(ctx, s, cameraID, why, ptzDetail{Op: PTZOpPresets})
	if err != nil {
		return nil, err
	}
	ps, err := cl.Presets(ctx)
	return ps, c.ptzDone(cameraID, PTZOpPresets, err)
}

// GotoPreset sends the camera to the preset named (name or token).
func (c *Console) GotoPreset(ctx context.Context, s *Session, cameraID, preset string, why Reason) error {
	preset = strings.TrimSpace(preset)
	if preset == "" {
		return fmt.Errorf("goto preset on %s: no preset named", cameraID)
	}
	d := ptzDetail{Op: PTZOpGotoPreset, Preset: preset}
	if why.Kind == policy.JustRound {
		d.Round = why.Ref
	}
	cl, err := c.steerCheck(ctx, s, cameraID, why, d)
	if err != nil {
		return err
	}
	return c.ptzDone(cameraID, PTZOpGotoPreset, cl.GotoPreset(ctx, preset))
}

// SavePreset stores where the camera points under name (replacing the
// preset of that name) and returns the camera's token for it.
func (c *Console) SavePreset(ctx context.Context, s *Session, cameraID, name string, why Reason) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("save preset on %s: a preset needs a name", cameraID)
	}
	cl, err := c.steerCheck(ctx, s, cameraID, why, ptzDetail{Op: PTZOpSavePreset, Preset: name})
	if err != nil {
		return "", err
	}
	tok, err := cl.SetPreset(ctx, name)
	return tok, c.ptzDone(cameraID, PTZOpSavePreset, err)
}

// The console sends round steps' presets (rounds.Config.Presets).
var _ rounds.PresetSender = (*Console)(nil)

// SendPreset is GotoPreset for a round step (rounds.PresetSender).
func (c *Console) SendPreset(ctx context.Context, s *Session, cameraID, preset string, why Reason) error {
	return c.GotoPreset(ctx, s, cameraID, preset, why)
}

// steerCheck finds the camera, decides and audits, and only then hands out
// the camera's client. The camera's login comes from the credential store
// entry the zone names.
func (c *Console) steerCheck(ctx context.Context, s *Session, cameraID string, why Reason, d ptzDetail) (*ptz.Client, error) {
	cam, ok := c.zone.Camera(cameraID)
	if !ok {
		return nil, fmt.Errorf("steer %q: not in the zone: %w", cameraID, ErrNoPTZ)
	}
	if !cam.PTZ || cam.ONVIF == "" {
		return nil, fmt.Errorf("steer %s: %w", cameraID, ErrNoPTZ)
	}
	res := c.resource(cam, true)
	res.Target = "camera:" + cam.ID
	if d.Preset != "" {
		res.Target += "/preset:" + d.Preset
	}
	if _, err := c.access.Check(ctx, s, ActPTZ, res, why, d); err != nil {
		return nil, err
	}
	var user, pass string
	if cam.Credential != "" {
		cr, ok := c.creds.Get(cam.Credential)
		if !ok {
			return nil, fmt.Errorf("steer %s: credential %q is not in the store", cameraID, cam.Credential)
		}
		user, pass = cr.Username, cr.Password
	}
	return c.ptz().client(cam.ID, cam.ONVIF, user, pass, c), nil
}

func (d *ptzDesk) client(id, url, user, pass string, c *Console) *ptz.Client {
	key := url + "\x00" + user + "\x00" + pass
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.clients[id]; ok && e.key == key {
		return e.c
	}
	cl := ptz.New(ptz.Config{Camera: id, URL: url, Username: user, Password: pass, Logger: c.cfg.Logger})
	d.clients[id] = ptzEntry{key: key, c: cl}
	return cl
}

// ptzDone logs a command the camera did not carry out: the audit entry
// says it was asked for, the log says it failed.
func (c *Console) ptzDone(cameraID, op string, err error) error {
	if err != nil {
		c.log.Warn("ptz command failed", "camera", cameraID, "op", op, "err", err)
	}
	return err
}
