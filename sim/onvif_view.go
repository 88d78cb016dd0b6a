package sim

import (
	"math"
	"sync"
	"time"
)

// A PTZ camera's view is a window on a scene twice as wide and twice as
// high as its picture: the renderer draws the whole scene (worldScale times
// the stream's size) and crops the window pan, tilt and zoom say, so a move
// over ONVIF really moves the picture.
const worldScale = 2

const (
	// ptzSpeed is how far a full-speed move goes in a second, in the
	// -1..1 range of pan and tilt and the 0..1 range of zoom: the whole
	// pan range in 4 s, the whole zoom range in 2 s.
	ptzSpeed  = 0.5
	zoomSpeed = 0.5
	// gotoSpeed is how fast a preset is reached (per axis and second).
	gotoSpeed = 1.0
	// maxZoom is the magnification at zoom 1 over zoom 0.
	maxZoom = 4.0
)

// Position is where a PTZ camera points: Pan and Tilt in -1..1 (right and
// up positive), Zoom in 0..1 (wide to tele).
type Position struct{ Pan, Tilt, Zoom float64 }

type ptzPreset struct {
	token, name string
	pos         Position
}

// ptzState is one PTZ camera's head: where it points, how it moves (a
// continuous velocity until a deadline, or towards a preset), and its
// presets. The ONVIF handler changes it; both renderers read it per frame.
type ptzState struct {
	mu      sync.Mutex
	pos     Position
	vel     Position // per unit of speed, -1..1 each
	until   time.Time
	target  *Position
	at      time.Time // when pos was last brought up to date
	presets []ptzPreset
	next    int
}

func newPTZState(now time.Time) *ptzState {
	return &ptzState{at: now, presets: []ptzPreset{{token: "1", name: "Home", pos: Position{}}}, next: 2}
}

// advanceLocked brings pos up to now.
func (s *ptzState) advanceLocked(now time.Time) {
	end := now
	if s.target == nil && !s.until.IsZero() && s.until.Before(end) {
		end = s.until
	}
	dt := end.Sub(s.at).Seconds()
	if dt > 0 {
		if s.target != nil {
			step := gotoSpeed * dt
			s.pos.Pan = approach(s.pos.Pan, s.target.Pan, step)
			s.pos.Tilt = approach(s.pos.Tilt, s.target.Tilt, step)
			s.pos.Zoom = approach(s.pos.Zoom, s.target.Zoom, step)
			if s.pos == *s.target {
				s.target = nil
			}
		} else {
			s.pos.Pan = clampF(s.pos.Pan+s.vel.Pan*ptzSpeed*dt, -1, 1)
			s.pos.Tilt = clampF(s.pos.Tilt+s.vel.Tilt*ptzSpeed*dt, -1, 1)
			s.pos.Zoom = clampF(s.pos.Zoom+s.vel.Zoom*zoomSpeed*dt, 0, 1)
		}
	}
	if !s.until.IsZero() && !now.Before(s.until) {
		s.vel, s.until = Position{}, time.Time{}
	}
	s.at = now
}

func (s *ptzState) position(now time.Time) Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
	return s.pos
}

// move starts a continuous move for at most timeout.
func (s *ptzState) move(now time.Time, v Position, timeout time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
	s.target = nil
	s.vel = Position{clampF(v.Pan, -1, 1), clampF(v.Tilt, -1, 1), clampF(v.Zoom, -1, 1)}
	s.until = now.Add(timeout)
}

func (s *ptzState) stop(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
	s.vel, s.until, s.target = Position{}, time.Time{}, nil
}

// gotoPreset heads for the preset with that token; false if there is none.
func (s *ptzState) gotoPreset(now time.Time, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
	for _, p := range s.presets {
		if p.token == token {
			t := p.pos
			s.vel, s.until, s.target = Position{}, time.Time{}, &t
			return true
		}
	}
	return false
}

// setPreset stores the current position under token (new when empty) and
// name, and returns the token; "" when token names no preset.
func (s *ptzState) setPreset(now time.Time, token, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
	for i := range s.presets {
		if s.presets[i].token == token || (token == "" && s.presets[i].name == name) {
			s.presets[i].pos = s.pos
			if name != "" {
				s.presets[i].name = name
			}
			return s.presets[i].token
		}
	}
	if token != "" {
		return ""
	}
	token = itoa(s.next)
	s.next++
	s.presets = append(s.presets, ptzPreset{token: token, name: name, pos: s.pos})
	return token
}

func (s *ptzState) presetList() []ptzPreset {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ptzPreset(nil), s.presets...)
}

func approach(v, to, step float64) float64 {
	if math.Abs(to-v) <= step {
		return to
	}
	if to > v {
		return v + step
	}
	return v - step
}

func clampF(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return lo
	}
	return math.Max(lo, math.Min(hi, v))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// window is the part of the world a position shows, in fractions of the
// world: at zoom 0 a quarter of it (one picture's worth, 1:1), at zoom 1 a
// maxZoom times narrower one.
func (p Position) window() (x0, y0, w, h float64) {
	w = 1 / float64(worldScale) / (1 + (maxZoom-1)*clampF(p.Zoom, 0, 1))
	h = w
	cx := 0.5 + clampF(p.Pan, -1, 1)*(0.5-w/2)
	cy := 0.5 - clampF(p.Tilt, -1, 1)*(0.5-h/2)
	return cx - w/2, cy - h/2, w, h
}

// cropScale fills dst with the window of src that pos shows (nearest
// neighbour: the sim needs a moving picture, not a pretty one).
func cropScale(dst, src yuvImage, pos Position, xs []int) []int {
	fx, fy, fw, fh := pos.window()
	sx0, sy0 := fx*float64(src.W), fy*float64(src.H)
	sw, sh := fw*float64(src.W), fh*float64(src.H)
	xs = xs[:0]
	for x := 0; x < dst.W; x++ {
		xs = append(xs, min(src.W-1, int(sx0+(float64(x)+0.5)*sw/float64(dst.W))))
	}
	for y := 0; y < dst.H; y++ {
		sy := min(src.H-1, int(sy0+(float64(y)+0.5)*sh/float64(dst.H)))
		drow, srow := dst.Y[y*dst.SY:], src.Y[sy*src.SY:]
		for x, s := range xs {
			drow[x] = srow[s]
		}
	}
	cw, ch := (dst.W+1)/2, (dst.H+1)/2
	scw, sch := (src.W+1)/2, (src.H+1)/2
	for y := 0; y < ch; y++ {
		sy := min(sch-1, int((sy0+(float64(2*y)+1)*sh/float64(dst.H))/2))
		du, dv := dst.U[y*dst.SC:], dst.V[y*dst.SC:]
		su, sv := src.U[sy*src.SC:], src.V[sy*src.SC:]
		for x := 0; x < cw; x++ {
			s := min(scw-1, xs[min(2*x, len(xs)-1)]/2)
			du[x], dv[x] = su[s], sv[s]
		}
	}
	return xs
}

// attachView makes r a PTZ camera's renderer: the background and the
// scene are drawn at worldScale times the picture, and each frame shows
// the window of view.
func (r *renderer) attachView(view *ptzState) {
	w, h := r.g.w*worldScale, r.g.h*worldScale
	r.view = view
	r.out = r.g
	r.g = geom{w, h}
	r.bg = newYUV(w, h)
	r.world = newYUV(w, h)
	drawBackground(r.bg, r.spec, r.id, r.tf)
}
