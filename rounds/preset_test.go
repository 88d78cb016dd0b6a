package rounds

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/zone"
)

type sentPreset struct{ camera, preset, round string }

type fakePresets struct {
	sent []sentPreset
	err  error
}

func (f *fakePresets) SendPreset(_ context.Context, _ *identity.Session, cameraID, preset string, why policy.Reason) error {
	f.sent = append(f.sent, sentPreset{cameraID, preset, why.Ref})
	return f.err
}

// TestStepSendsPreset: a step that names a preset sends its PTZ cameras
// there under the round's justification, and not its fixed ones; a camera
// that fails does not stop the step.
func TestStepSendsPreset(t *testing.T) {
	z := zone.Zone{Cameras: []zone.Camera{{ID: "cam01"}, {ID: "cam05", PTZ: true}}}
	f := &fakePresets{err: errors.New("camera away")}
	r := &Run{c: &Runner{zone: z, presets: f}, why: ReasonFor("Centrum"), log: slog.New(slog.DiscardHandler)}
	r.sendPresets(context.Background(), zone.RoundStep{Cameras: []string{"cam01", "cam05"}, Preset: "Markt"})
	if len(f.sent) != 1 || f.sent[0] != (sentPreset{"cam05", "Markt", "Centrum"}) {
		t.Fatalf("sent %+v", f.sent)
	}
	r.sendPresets(context.Background(), zone.RoundStep{Cameras: []string{"cam05"}})
	if len(f.sent) != 1 {
		t.Errorf("a step without a preset sent one: %+v", f.sent)
	}
	r.c.presets = nil
	r.sendPresets(context.Background(), zone.RoundStep{Cameras: []string{"cam05"}, Preset: "Markt"}) // no sender: nothing, no panic
}
