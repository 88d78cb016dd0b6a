package zone

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/roomdb"
)

// Problem is one thing in a zone that cannot be right.
type Problem struct {
	// Line is the line of the zone file the problem is on, 0 for a zone
	// that was not read from a file.
	Line int
	// Where names the part of the zone: "camera 2 (cam02) mask 1 w".
	Where  string
	Reason string
	at     at
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.Where, p.Reason)
	}
	return fmt.Sprintf("%s: %s", p.Where, p.Reason)
}

// ValidationError lists every problem of a zone, so whoever edits the file
// fixes them in one go rather than one per load.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

// problems collects the Problems of one validation.
type problems []Problem

func (ps *problems) add(a at, where, format string, args ...any) {
	*ps = append(*ps, Problem{Where: where, Reason: fmt.Sprintf(format, args...), at: a})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// Validate checks what the console relies on and refuses what cannot be
// right: unique ids and round names, known kinds and owners, a municipality
// for a municipal camera, RTSP stream URLs without passwords, coordinates
// on the earth, masks inside the frame, rounds of existing cameras with
// sensible dwell times, zone-set limits in range. The error is a
// *ValidationError.
func (z *Zone) Validate() error {
	var ps problems
	top := func(key string) at { return at{key: key} }
	checkLatLon(&ps, top("lat"), top("lon"), "zone", z.Lat, z.Lon)
	if d := z.IdleLock.Duration; d != 0 && (d < minIdleLock || d > maxIdleLock) {
		ps.add(top("idle_lock"), "zone idle_lock", "%s: must be between %s and %s", d, minIdleLock, maxIdleLock)
	}
	if d := z.MaxGrant.Duration; d != 0 && (d < minGrant || d > policy.MaxGrant) {
		ps.add(top("max_grant"), "zone max_grant", "%s: must be between %s and %s", d, minGrant, policy.MaxGrant)
	}
	if d := z.ANPR.Retention.Duration; d < 0 || d > MaxRetention {
		ps.add(top("anpr"), "zone anpr", "retention %s must be positive and at most one year", d)
	}
	if z.Database != "" {
		if err := roomdb.CheckDSN(z.Database); err != nil {
			ps.add(top("database"), "zone database", "%v", err)
		}
	}
	if err := z.Recording.validate(); err != nil {
		ps.add(top("recording"), "zone recording", "%v", err)
	}
	seen := map[string]bool{}
	known := map[CameraKind]bool{}
	for _, k := range Kinds {
		known[k] = true
	}
	for i, c := range z.Cameras {
		validateCamera(&ps, i+1, c, seen, known)
	}
	names := map[string]int{}
	for i, r := range z.Rounds {
		a := at{table: "round", index: i + 1, key: "name"}
		if first, dup := names[r.Name]; dup && r.Name != "" {
			ps.add(a, fmt.Sprintf("round %d (%q)", i+1, r.Name), "duplicate round name (round %d has it too)", first)
		} else {
			names[r.Name] = i + 1
		}
		roundProblems(&ps, z, r, i+1)
	}
	for i, s := range z.Streets {
		for j, p := range s.Points {
			a := at{table: "street", index: i + 1, key: "points"}
			checkLatLon(&ps, a, a, fmt.Sprintf("street %d (%q) point %d", i+1, s.Name, j+1), p[0], p[1])
		}
	}
	return ps.err()
}

func validateCamera(ps *problems, i int, c Camera, seen map[string]bool, known map[CameraKind]bool) {
	where := fmt.Sprintf("camera %d (%s)", i, c.ID)
	key := func(k string) at { return at{table: "camera", index: i, key: k} }
	switch {
	case c.ID == "":
		ps.add(key("id"), where, "id is empty")
	case seen[c.ID]:
		ps.add(key("id"), where, "duplicate id")
	}
	seen[c.ID] = true
	if !known[c.Kind] {
		ps.add(key("kind"), where, "unknown kind %q", c.Kind)
	}
	if !validRecord(c.Record) {
		ps.add(key("record"), where, "record %q: choose main, sub or off", c.Record)
	}
	switch c.Owner {
	case policy.OwnerPolice, policy.OwnerMunicipality, policy.OwnerThirdParty:
	default:
		ps.add(key("owner"), where, "unknown owner %q (police, municipality, third_party)", c.Owner)
	}
	// Without it the municipal rules (own cameras only) cannot be applied.
	if c.Owner == policy.OwnerMunicipality && strings.TrimSpace(c.Municipality) == "" {
		ps.add(key("owner"), where, "a municipal camera needs a municipality")
	}
	checkLatLon(ps, key("lat"), key("lon"), where, c.Lat, c.Lon)
	if c.MainURL == "" && c.SubURL == "" {
		ps.add(key("main_url"), where, "no stream URL")
	}
	for _, u := range []struct{ key, raw string }{{"main_url", c.MainURL}, {"sub_url", c.SubURL}} {
		if u.raw == "" {
			continue
		}
		if why := streamURLProblem(u.raw); why != "" {
			ps.add(key(u.key), where+" "+u.key, "%s", why)
		}
	}
	if c.ONVIF != "" {
		if why := onvifURLProblem(c.ONVIF); why != "" {
			ps.add(key("onvif"), where+" onvif", "%s", why)
		} else if !c.PTZ {
			ps.add(key("onvif"), where+" onvif", "an ONVIF address on a camera without ptz = true")
		}
	}
	for j, m := range c.Masks {
		validateMask(ps, at{table: "camera", index: i, sub: "mask", subIndex: j + 1}, fmt.Sprintf("%s mask %d", where, j+1), m)
	}
}

func checkLatLon(ps *problems, latAt, lonAt at, where string, lat, lon float64) {
	if math.IsNaN(lat) || math.IsInf(lat, 0) || lat < -90 || lat > 90 {
		ps.add(latAt, where, "latitude %v is not between -90 and 90", lat)
	}
	if math.IsNaN(lon) || math.IsInf(lon, 0) || lon < -180 || lon > 180 {
		ps.add(lonAt, where, "longitude %v is not between -180 and 180", lon)
	}
}

// validateMask refuses a mask that would black out nothing, or something
// else than the operator drew: NaN, outside the frame, of no size. A mask
// that hides nothing is a home that is watched.
func validateMask(ps *problems, a at, where string, m Mask) {
	for _, f := range []struct {
		key string
		v   float64
	}{{"x", m.X}, {"y", m.Y}, {"w", m.W}, {"h", m.H}} {
		fa := a
		fa.key = f.key
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			ps.add(fa, where+" "+f.key, "%v is not between 0 and 1", f.v)
		}
	}
	const eps = 1e-9
	a.key = "w"
	if !(m.W > 0) || !(m.H > 0) {
		ps.add(a, where, "size %vx%v: a mask needs a width and a height above 0", m.W, m.H)
	} else if m.X+m.W > 1+eps || m.Y+m.H > 1+eps {
		ps.add(a, where, "reaches past the frame edge (x+w = %v, y+h = %v)", m.X+m.W, m.Y+m.H)
	}
}

// secretParams are query parameter names (lowercased; a name containing
// one of them also counts) under which cameras take a password. The zone
// file is read in review: the password belongs in the credential store.
var secretParams = []string{"pass", "pwd", "secret", "token", "apikey", "api_key", "auth"}

// onvifURLProblem says what is wrong with an ONVIF device service URL, or
// "": it is posted to, so http or https only, and a password in it would be
// in the zone file for every reviewer to read.
func onvifURLProblem(raw string) string {
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "ONVIF URL holds spaces or control characters"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("ONVIF URL does not parse: %v", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return fmt.Sprintf("ONVIF URL scheme %q: only http:// and https://", u.Scheme)
	}
	if u.Hostname() == "" {
		return "ONVIF URL has no host"
	}
	if u.User != nil {
		return "ONVIF URL holds a login; put it in the credential store and name it with credential = \"...\""
	}
	return ""
}

// streamURLProblem says what is wrong with a camera stream URL, or "".
func streamURLProblem(raw string) string {
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "stream URL holds spaces or control characters"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("stream URL does not parse: %v", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "rtsp", "rtsps":
	default:
		return fmt.Sprintf("stream URL scheme %q: only rtsp:// and rtsps:// streams are played", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "stream URL has no host"
	}
	const move = "; put it in the credential store and name it with credential = \"...\""
	if _, ok := u.User.Password(); ok || hasPassword(raw) {
		return "stream URL holds a password" + move
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fmt.Sprintf("stream URL query does not parse: %v", err)
	}
	for k := range q {
		lk := strings.ToLower(k)
		if lk == "pw" || lk == "key" || slicesContainsSub(secretParams, lk) {
			return fmt.Sprintf("stream URL query parameter %q holds a password%s", k, move)
		}
	}
	return ""
}

func slicesContainsSub(subs []string, s string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// hasPassword finds "user:pass@" in the authority even where url.Parse
// would give up on the rest of the URL.
func hasPassword(raw string) bool {
	i := strings.Index(raw, "://")
	if i < 0 {
		return false
	}
	rest := raw[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	at := strings.LastIndex(rest, "@")
	return at >= 0 && strings.Contains(rest[:at], ":")
}

// Dwell limits of a round step: under a second nothing is seen (and a
// round would flood the audit trail with steps), past half an hour it is
// not a round any more.
const (
	minDwell = time.Second
	maxDwell = 30 * time.Minute
)
