package zone

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Limits of a round as a team chief types it.
const (
	maxRoundName  = 80
	maxRoundSteps = 200
)

// ErrRoundNotFound is returned for a round name the zone does not have.
var ErrRoundNotFound = errors.New("round not found")

// ValidateRound checks one round against the zone's cameras: a name, 1 to 4
// cameras per step that exist, a dwell of 1 second to 30 minutes, and a
// preset only on a PTZ camera. The error is a *ValidationError.
func ValidateRound(z Zone, r Round) error {
	var ps problems
	roundProblems(&ps, &z, r, 0)
	return ps.err()
}

// roundProblems checks round r, the i-th of the zone file (0: not in the file).
func roundProblems(ps *problems, z *Zone, r Round, i int) {
	key := func(k string) at { return at{table: "round", index: i, key: k} }
	where := fmt.Sprintf("round %q", r.Name)
	name := strings.TrimSpace(r.Name)
	switch {
	case name == "":
		ps.add(key("name"), "round", "the name is empty")
	case name != r.Name:
		ps.add(key("name"), where, "the name starts or ends with spaces")
	case len(r.Name) > maxRoundName:
		ps.add(key("name"), where, "the name is longer than %d bytes", maxRoundName)
	case strings.IndexFunc(r.Name, unicode.IsControl) >= 0:
		ps.add(key("name"), where, "the name holds control characters")
	}
	if strings.IndexFunc(r.Area, unicode.IsControl) >= 0 || len(r.Area) > maxRoundName {
		ps.add(key("area"), where, "the area is too long or holds control characters")
	}
	if len(r.Steps) == 0 {
		ps.add(key("name"), where, "no steps")
	}
	if len(r.Steps) > maxRoundSteps {
		ps.add(key("name"), where, "more than %d steps", maxRoundSteps)
	}
	for j, s := range r.Steps {
		step := func(k string) at { return at{table: "round", index: i, sub: "step", subIndex: j + 1, key: k} }
		where := fmt.Sprintf("round %q step %d", r.Name, j+1)
		if len(s.Cameras) == 0 || len(s.Cameras) > 4 {
			ps.add(step("cameras"), where, "needs 1 to 4 cameras")
		}
		seen := map[string]bool{}
		for _, id := range s.Cameras {
			cam, ok := z.Camera(id)
			switch {
			case !ok:
				ps.add(step("cameras"), where, "unknown camera %q", id)
			case seen[id]:
				ps.add(step("cameras"), where, "camera %q twice", id)
			case s.Preset != "" && !cam.PTZ:
				ps.add(step("preset"), where, "camera %q has no PTZ for preset %q", id, s.Preset)
			}
			seen[id] = true
		}
		if d := s.Dwell.Duration; d < minDwell || d > maxDwell {
			ps.add(step("dwell"), where, "dwell %s must be between %s and %s", d, minDwell, maxDwell)
		}
	}
}
