package zone

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Limits of a round as a team chief types it.
const (
	maxRoundName  = 80
	maxRoundSteps = 200
	maxDwell      = 30 * time.Minute
)

// ErrRoundNotFound is returned for a round name the zone does not have.
var ErrRoundNotFound = errors.New("round not found")

// ValidateRound checks one round against the zone's cameras: a name, 1 to 4
// cameras per step that exist, a positive dwell of at most 30 minutes, and a
// preset only on a PTZ camera.
func ValidateRound(z Zone, r Round) error {
	var errs []error
	name := strings.TrimSpace(r.Name)
	switch {
	case name == "":
		errs = append(errs, errors.New("round: the name is empty"))
	case name != r.Name:
		errs = append(errs, fmt.Errorf("round %q: the name starts or ends with spaces", r.Name))
	case len(r.Name) > maxRoundName:
		errs = append(errs, fmt.Errorf("round %q: the name is longer than %d bytes", r.Name, maxRoundName))
	case strings.IndexFunc(r.Name, unicode.IsControl) >= 0:
		errs = append(errs, fmt.Errorf("round %q: the name holds control characters", r.Name))
	}
	if strings.IndexFunc(r.Area, unicode.IsControl) >= 0 || len(r.Area) > maxRoundName {
		errs = append(errs, fmt.Errorf("round %q: the area is too long or holds control characters", r.Name))
	}
	if len(r.Steps) == 0 {
		errs = append(errs, fmt.Errorf("round %q: no steps", r.Name))
	}
	if len(r.Steps) > maxRoundSteps {
		errs = append(errs, fmt.Errorf("round %q: more than %d steps", r.Name, maxRoundSteps))
	}
	for i, s := range r.Steps {
		where := fmt.Sprintf("round %q step %d", r.Name, i+1)
		if len(s.Cameras) == 0 || len(s.Cameras) > 4 {
			errs = append(errs, fmt.Errorf("%s: needs 1 to 4 cameras", where))
		}
		seen := map[string]bool{}
		for _, id := range s.Cameras {
			cam, ok := z.Camera(id)
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("%s: unknown camera %q", where, id))
			case seen[id]:
				errs = append(errs, fmt.Errorf("%s: camera %q twice", where, id))
			case s.Preset != "" && !cam.PTZ:
				errs = append(errs, fmt.Errorf("%s: camera %q has no PTZ for preset %q", where, id, s.Preset))
			}
			seen[id] = true
		}
		if s.Dwell.Duration <= 0 || s.Dwell.Duration > maxDwell {
			errs = append(errs, fmt.Errorf("%s: dwell %s must be more than 0 and at most %s", where, s.Dwell.Duration, maxDwell))
		}
	}
	return errors.Join(errs...)
}
