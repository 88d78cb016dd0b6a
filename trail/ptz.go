package trail

import "github.com/politiezone/zoneconsole/audit"

// PTZ is the detail of ptz.move: what was asked of a steerable camera
// (camera, who and why are the entry's own fields). Op is "move", "stop",
// "preset.goto", "preset.save" or "preset.list"; Round names the round
// whose step sent a preset.
type PTZ struct {
	Op     string  `json:"op"`
	Pan    float64 `json:"pan,omitempty"`
	Tilt   float64 `json:"tilt,omitempty"`
	Zoom   float64 `json:"zoom,omitempty"`
	Preset string  `json:"preset,omitempty"`
	Round  string  `json:"round,omitempty"`
}

func (PTZ) Action() audit.Action { return ActPTZ }
