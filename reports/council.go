package reports

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// CouncilInput is what the yearly report is made of. The console reads the
// entries (its own audit right) and passes them in; this package opens
// nothing.
type CouncilInput struct {
	Year    int
	Zone    string // the police zone's name, for the title
	Cameras []zone.Camera
	// Rounds are the zone's camera rounds: a round run counts for every
	// camera of its steps.
	Rounds []zone.Round
	// Entries are the year's audit entries. Entries from before the year
	// may be included (a view started on 31 December): only their part
	// inside the year is counted.
	Entries []audit.Entry
	// Location is where the year begins and ends (Europe/Brussels for a
	// Belgian council); nil is UTC.
	Location *time.Location
	// Now, when inside the year, ends it early: a report of the current
	// year counts a view still open up to now, not up to 31 December.
	Now time.Time
}

// Use is what was done with one camera, or with the cameras of one kind.
type Use struct {
	Live         time.Duration // on screen live, summed over every view
	LiveViews    int           // live views opened
	Playbacks    int           // recorded footage opened
	PlaybackTime time.Duration // time recorded footage was on screen
	Exports      int           // exports written (footage that left the console)
	Searches     int           // passage searches that named the camera
	Rounds       int           // round runs whose steps include the camera
	Denied       int           // refused attempts: not counted above
	// Justifications counts the allowed consultations (live views,
	// playbacks, exports, searches) by their legal ground
	// (policy.JustKind, "" when none was given).
	Justifications map[policy.JustKind]int
}

func (u *Use) add(o Use) {
	u.Live += o.Live
	u.LiveViews += o.LiveViews
	u.Playbacks += o.Playbacks
	u.PlaybackTime += o.PlaybackTime
	u.Exports += o.Exports
	u.Searches += o.Searches
	u.Rounds += o.Rounds
	u.Denied += o.Denied
	for k, n := range o.Justifications {
		u.just(k, n)
	}
}

func (u *Use) just(k policy.JustKind, n int) {
	if u.Justifications == nil {
		u.Justifications = map[policy.JustKind]int{}
	}
	u.Justifications[k] += n
}

// CameraUse is one camera's year. A camera that the trail names but the
// zone no longer lists keeps its id, with an empty kind.
type CameraUse struct {
	Camera zone.Camera
	Use
}

// KindUse is the year of every camera of one kind.
type KindUse struct {
	Kind    zone.CameraKind
	Cameras int
	Use
}

// RoundUse is one camera round's year.
type RoundUse struct {
	Name     string
	Runs     int
	StepsRun int
	Duration time.Duration
}

// Deployment is one drone flight as the trail shows it: its live view,
// who watched and on which ground. The council gets every one.
type Deployment struct {
	Camera     string
	Start, End time.Time
	Open       bool // not closed in the trail: counted to the end of the period
	User       string
	Kind       policy.JustKind
	Text, Ref  string
}

// CouncilReport is the year's use of the zone's cameras.
type CouncilReport struct {
	Year     int
	Zone     string
	From, To time.Time // the period counted, in Location
	Cameras  []CameraUse
	Kinds    []KindUse
	Total    Use
	// ZoneSearches are passage searches over every camera (no camera
	// named); they are in Total.Searches but in no camera's row.
	ZoneSearches int
	Months       [12]time.Duration // live hours by month
	Rounds       []RoundUse
	Drone        []Deployment
}

// Council counts the year: live hours from paired live.start and live.stop
// entries (see liveIntervals), split by camera and month; playbacks and
// their time on screen; exports written; passage searches; round runs; and
// the legal grounds used. Only allowed entries count; refused ones are
// counted apart (Denied).
func Council(in CouncilInput) (CouncilReport, error) {
	if in.Year < 1970 || in.Year > 9999 {
		return CouncilReport{}, fmt.Errorf("council report: year %d", in.Year)
	}
	loc := cmp.Or(in.Location, time.UTC)
	lo := time.Date(in.Year, 1, 1, 0, 0, 0, 0, loc)
	hi := lo.AddDate(1, 0, 0)
	if !in.Now.IsZero() && in.Now.Before(hi) {
		if !in.Now.After(lo) {
			return CouncilReport{}, fmt.Errorf("council report: year %d has not begun at %s", in.Year, in.Now.Format(time.RFC3339))
		}
		hi = in.Now.In(loc)
	}
	c := counter{rep: CouncilReport{Year: in.Year, Zone: in.Zone, From: lo, To: hi}, lo: lo, hi: hi,
		byID: map[string]*CameraUse{}, rounds: map[string]*RoundUse{}, runs: map[string]*RoundUse{}}
	for _, cam := range in.Cameras {
		c.camera(cam.ID).Camera = cam
	}
	cams := map[string]zone.Camera{}
	for _, cam := range in.Cameras {
		cams[cam.ID] = cam
	}
	roundCams := map[string][]string{}
	for _, r := range in.Rounds {
		seen := map[string]bool{}
		for _, st := range r.Steps {
			for _, id := range st.Cameras {
				if !seen[id] {
					seen[id] = true
					roundCams[r.Name] = append(roundCams[r.Name], id)
				}
			}
		}
	}
	for _, iv := range liveIntervals(in.Entries, lo, hi) {
		c.live(iv, cams[iv.Camera].Kind == zone.KindDrone)
	}
	for _, e := range sortEntries(in.Entries) {
		if e.Time.Before(lo) || !e.Time.Before(hi) {
			continue
		}
		if err := c.entry(e, roundCams); err != nil {
			return CouncilReport{}, err
		}
	}
	c.finish()
	return c.rep, nil
}

// counter is one Council run's state.
type counter struct {
	rep    CouncilReport
	lo, hi time.Time
	byID   map[string]*CameraUse
	order  []string
	rounds map[string]*RoundUse // by round name
	runs   map[string]*RoundUse // by run id, for the stop
}

func (c *counter) camera(id string) *CameraUse {
	u, ok := c.byID[id]
	if !ok {
		u = &CameraUse{Camera: zone.Camera{ID: id}}
		c.byID[id] = u
		c.order = append(c.order, id)
	}
	return u
}

// live adds one view: its hours to its camera and to the months it spans
// (a view over midnight at the end of a month is split there).
func (c *counter) live(iv interval, drone bool) {
	if iv.Camera == "" {
		return
	}
	u := c.camera(iv.Camera)
	u.Live += iv.End.Sub(iv.Start)
	if !iv.First.Time.IsZero() && !iv.First.Time.Before(c.lo) {
		// The view is counted in the year it was opened; its hours in
		// every year it spans.
		u.LiveViews++
		u.just(policy.JustKind(iv.First.JustKind), 1)
	}
	loc := c.lo.Location()
	for t := iv.Start.In(loc); t.Before(iv.End); {
		next := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		end := next
		if iv.End.Before(end) {
			end = iv.End
		}
		c.rep.Months[t.Month()-1] += end.Sub(t)
		t = next
	}
	if drone {
		who := iv.First
		if who.Time.IsZero() {
			who = iv.Stop
		}
		c.rep.Drone = append(c.rep.Drone, Deployment{Camera: iv.Camera, Start: iv.Start, End: iv.End, Open: iv.Open,
			User: who.User, Kind: policy.JustKind(who.JustKind), Text: who.JustText, Ref: who.JustRef})
	}
}

// entry counts one entry of the year other than the live views.
func (c *counter) entry(e audit.Entry, roundCams map[string][]string) error {
	if e.Outcome != audit.OutcomeAllowed {
		if id := cameraOf(e); id != "" {
			c.camera(id).Denied++
		}
		return nil
	}
	switch e.Action {
	case trail.ActPlayback, trail.ActPlaybackStop, trail.ActExport, trail.ActANPRSearch, trail.ActRoundStart, trail.ActRoundStop:
	default:
		return nil
	}
	d, err := trail.Decode(e.Action, e.Detail)
	var legacy *trail.LegacyError
	switch {
	case errors.As(err, &legacy):
		// An older release's "k=v" detail: counted on its subject alone.
		d = reflect.ValueOf(trail.ForAction(e.Action)).Elem().Interface().(trail.Detail)
	case err != nil:
		return fmt.Errorf("council report: entry %d (%s): %w", e.Seq, e.Action, err)
	}
	kind := policy.JustKind(e.JustKind)
	each := func(ids []string, f func(*CameraUse)) {
		if len(ids) == 0 && cameraOf(e) != "" {
			ids = []string{cameraOf(e)}
		}
		for _, id := range ids {
			f(c.camera(id))
		}
	}
	switch d := d.(type) {
	case trail.Playback:
		each(d.Cameras, func(u *CameraUse) { u.Playbacks++; u.just(kind, 1) })
	case trail.PlaybackStop:
		each(d.Cameras, func(u *CameraUse) { u.PlaybackTime += time.Duration(d.Duration) })
	case trail.Export:
		// The decision is the first entry, the outcome the second (Done);
		// an export counts when it was written.
		if d.Done && d.Failed == "" {
			each(d.Cameras, func(u *CameraUse) { u.Exports++; u.just(kind, 1) })
		}
	case trail.ANPRSearch:
		if d.Done {
			return nil // the result count of a search already counted
		}
		if len(d.Cameras) == 0 {
			c.rep.ZoneSearches++
			c.rep.Total.just(kind, 1)
			return nil
		}
		each(d.Cameras, func(u *CameraUse) { u.Searches++; u.just(kind, 1) })
	case trail.RoundStart:
		name := strings.TrimPrefix(e.Subject, "round:")
		r := c.round(name)
		r.Runs++
		c.runs[d.Run] = r
		for _, id := range roundCams[name] {
			c.camera(id).Rounds++
		}
	case trail.RoundStop:
		if r, ok := c.runs[d.Run]; ok {
			r.StepsRun += d.StepsRun
			r.Duration += time.Duration(d.Duration)
		}
	}
	return nil
}

func (c *counter) round(name string) *RoundUse {
	r, ok := c.rounds[name]
	if !ok {
		r = &RoundUse{Name: name}
		c.rounds[name] = r
	}
	return r
}

// finish orders the rows: the zone's cameras in the zone file's order, then
// the ones only the trail names; kinds in zone.Kinds order.
func (c *counter) finish() {
	byKind := map[zone.CameraKind]*KindUse{}
	for _, id := range c.order {
		u := *c.byID[id]
		c.rep.Cameras = append(c.rep.Cameras, u)
		k, ok := byKind[u.Camera.Kind]
		if !ok {
			k = &KindUse{Kind: u.Camera.Kind}
			byKind[u.Camera.Kind] = k
		}
		k.Cameras++
		k.add(u.Use)
		c.rep.Total.add(u.Use)
	}
	c.rep.Total.Searches += c.rep.ZoneSearches
	for _, k := range zone.Kinds {
		if u, ok := byKind[k]; ok {
			c.rep.Kinds = append(c.rep.Kinds, *u)
			delete(byKind, k)
		}
	}
	// Kinds the zone file does not know (a removed camera's "") last.
	rest := slices.SortedFunc(maps.Values(byKind), func(a, b *KindUse) int { return cmp.Compare(a.Kind, b.Kind) })
	for _, u := range rest {
		c.rep.Kinds = append(c.rep.Kinds, *u)
	}
	for _, r := range c.rounds {
		c.rep.Rounds = append(c.rep.Rounds, *r)
	}
	slices.SortFunc(c.rep.Rounds, func(a, b RoundUse) int { return cmp.Compare(a.Name, b.Name) })
}
