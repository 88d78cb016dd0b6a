package hits

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/patrolfeed"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// PatrolStatus is what a unit is doing, as the dispatcher sees it.
type PatrolStatus string

// Unit statuses. Ids are stable: they are written in audit details.
const (
	PatrolFree        PatrolStatus = "free"
	PatrolEnRoute     PatrolStatus = "en_route"
	PatrolOnScene     PatrolStatus = "on_scene"
	PatrolUnavailable PatrolStatus = "unavailable"
)

// Patrol is one unit: its call sign, status and last reported position.
type Patrol struct {
	CallSign   string // "BORG 11"
	Status     PatrolStatus
	Lat, Lon   float64
	LastReport time.Time
	// Target is where the unit was sent (valid when HasTarget), HitID the hit
	// it was sent for ("" for a dispatch to a place).
	TargetLat, TargetLon float64
	HasTarget            bool
	HitID                string
	// SentBy is the console (and dispatcher) of the room that sent the
	// unit, when it was not this one.
	SentBy string
}

// Assignment is the unit proposed or sent, its straight-line distance to
// the place and an estimate of the time it needs.
type Assignment struct {
	Unit     Patrol
	Distance float64 // metres, great circle
	ETA      time.Duration
}

// PatrolConfig configures the client of the vehicle-location (AVL) feed.
type PatrolConfig struct {
	// Addr is the feed's host:port; empty means the simulated zone's feed.
	// A real zone needs its feed address in the zone file (see the report).
	Addr string
	// MinBackoff and MaxBackoff bound the wait between reconnects
	// (defaults 200 ms and 5 s).
	MinBackoff, MaxBackoff time.Duration
	// ArriveWithin is how close to its target a unit counts as on scene
	// when the feed does not say ARRIVED (default 30 m).
	ArriveWithin float64
	// ReplyTimeout bounds the wait for the feed's OK/ERR (default 3 s).
	ReplyTimeout time.Duration
}

// Errors of patrol dispatch.
var (
	ErrNoPatrolFeed  = errors.New("patrols: no feed address (the zone file names none and no simulated zone runs)")
	ErrFeedDown      = errors.New("patrols: the vehicle-location feed is not connected")
	ErrNoFreePatrol  = errors.New("patrols: no free unit")
	ErrUnknownPatrol = errors.New("patrols: unknown call sign")
)

// etaSpeed and roadFactor turn a straight line into a time: streets are
// about 1.4 times longer than the crow flies, and a unit under blue lights
// averages about 50 km/h in town.
const (
	etaSpeed   = 13.9 // m/s
	roadFactor = 1.4
)

type patrolDesk struct {
	mu        sync.Mutex
	cfg       PatrolConfig
	units     map[string]*Patrol
	conn      net.Conn
	connected bool
	connects  int
	started   bool
	closed    bool
	replies   chan patrolfeed.Message // OK or Err
	cmdMu     sync.Mutex              // one command and its reply at a time
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

func newPatrolDesk() *patrolDesk {
	return &patrolDesk{units: map[string]*Patrol{}, replies: make(chan patrolfeed.Message, 8)}
}

// StartPatrols connects to the AVL feed and keeps the units' positions; the
// client reconnects with backoff when the feed goes away. Called again, it
// replaces the running client (a new feed address).
func (c *Desk) StartPatrols(ctx context.Context, cfg PatrolConfig) error {
	if cfg.Addr == "" {
		cfg.Addr = c.zone.PatrolFeed
	}
	if cfg.Addr == "" {
		return ErrNoPatrolFeed
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 200 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	if cfg.ArriveWithin <= 0 {
		cfg.ArriveWithin = 30
	}
	if cfg.ReplyTimeout <= 0 {
		cfg.ReplyTimeout = 3 * time.Second
	}
	p := c.patrols
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return errors.New("patrols: console closed")
	}
	// Started again (another feed address): the old client stops first.
	p.stop()
	kept := c.storedUnits(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started, p.cfg = true, cfg
	p.units = map[string]*Patrol{}
	for _, u := range kept {
		p.units[u.CallSign] = &u
	}
	ctx, p.cancel = context.WithCancel(ctx)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		c.runFeed(ctx, p)
	}()
	return nil
}

// close stops the client for good (the console closes).
func (p *patrolDesk) close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return p.stop()
}

// stop ends the running client, if any.
func (p *patrolDesk) stop() error {
	p.mu.Lock()
	cancel := p.cancel
	if p.conn != nil {
		p.conn.Close()
	}
	p.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	p.wg.Wait()
	return nil
}

// runFeed owns the feed connection: dial, read until it breaks, wait, again.
func (c *Desk) runFeed(ctx context.Context, p *patrolDesk) {
	log := c.log.With("part", "avl", "addr", p.cfg.Addr)
	wait := p.cfg.MinBackoff
	for ctx.Err() == nil {
		var dl net.Dialer
		dctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		conn, err := dl.DialContext(dctx, "tcp", p.cfg.Addr)
		cancel()
		if err == nil {
			p.mu.Lock()
			p.conn, p.connected = conn, true
			p.connects++
			p.mu.Unlock()
			log.Info("patrol feed connected")
			stop := context.AfterFunc(ctx, func() { conn.Close() })
			err = c.readFeed(conn, p)
			stop()
			conn.Close()
			p.mu.Lock()
			p.conn, p.connected = nil, false
			p.mu.Unlock()
			if ctx.Err() != nil {
				return
			}
			log.Warn("patrol feed lost", "err", err)
			wait = p.cfg.MinBackoff
		} else if ctx.Err() == nil {
			log.Debug("patrol feed dial", "err", err, "retry_in", wait)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, p.cfg.MaxBackoff)
	}
}

func (c *Desk) readFeed(conn net.Conn, p *patrolDesk) error {
	dec := patrolfeed.NewDecoder(conn, patrolfeed.ToClient)
	for {
		m, err := dec.Decode()
		if err != nil {
			var se *patrolfeed.SyntaxError
			switch {
			case errors.Is(err, io.EOF):
				return errors.New("closed by the feed")
			case !errors.As(err, &se) || errors.Is(err, patrolfeed.ErrTooLong):
				return err
			case !errors.Is(err, patrolfeed.ErrEmpty) && !errors.Is(err, patrolfeed.ErrUnknownVerb):
				c.log.Debug("patrol feed: bad line", "err", err)
			}
			continue
		}
		switch m := m.(type) {
		case patrolfeed.Position:
			c.unitReport(p, m.CallSign, m.Lat, m.Lon, m.Time, false)
		case patrolfeed.Arrived:
			c.unitReport(p, m.CallSign, m.Lat, m.Lon, m.Time, true)
		case patrolfeed.OK, patrolfeed.Err:
			select {
			case p.replies <- m:
			default:
			}
		}
	}
}

// unitReport updates a unit; one near its target (or reported ARRIVED) is
// on scene, and the hit it was sent for says so.
func (c *Desk) unitReport(p *patrolDesk, cs string, lat, lon float64, at time.Time, arrived bool) {
	p.mu.Lock()
	u := p.units[cs]
	if u == nil {
		u = &Patrol{CallSign: cs, Status: PatrolFree}
		p.units[cs] = u
	}
	u.Lat, u.Lon, u.LastReport = lat, lon, at
	onScene := u.Status == PatrolEnRoute && u.HasTarget &&
		(arrived || Haversine(lat, lon, u.TargetLat, u.TargetLon) <= p.cfg.ArriveWithin)
	hitID := u.HitID
	var kept Patrol
	if onScene {
		u.Status = PatrolOnScene
		kept = *u
	}
	p.mu.Unlock()
	if onScene {
		c.keepUnit(kept)
	}
	if onScene && hitID != "" {
		c.addHitStep(hitID, HitStep{Time: c.now(), What: "on_scene", Detail: "unit=" + cs}, nil)
	}
}

// send writes one command and waits for its OK or ERR.
func (p *patrolDesk) send(cmd patrolfeed.Message) error {
	line, err := patrolfeed.AppendLine(nil, cmd)
	if err != nil {
		return fmt.Errorf("patrols: %w", err)
	}
	shown := strings.TrimSuffix(string(line), "\n")
	p.cmdMu.Lock()
	defer p.cmdMu.Unlock()
	p.mu.Lock()
	conn, timeout := p.conn, p.cfg.ReplyTimeout
	p.mu.Unlock()
	if conn == nil {
		return ErrFeedDown
	}
	for len(p.replies) > 0 {
		<-p.replies // a late reply to an earlier command
	}
	_ = conn.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := conn.Write(line); err != nil {
		return fmt.Errorf("%w: %v", ErrFeedDown, err)
	}
	select {
	case r := <-p.replies:
		if e, ok := r.(patrolfeed.Err); ok {
			return fmt.Errorf("patrols: feed refused %q: %s", shown, e.Text)
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("%w: no reply to %q within %s", ErrFeedDown, shown, timeout)
	}
}

// Patrols lists the units by call sign, for a session that may dispatch
// them. Where the police's units are is itself a consultation: the policy
// decides at every call, and the panel that keeps asking is audited when it
// starts and again every WatchAuditEvery (as the live panel is).
func (c *Desk) Patrols(ctx context.Context, s *identity.Session) ([]Patrol, error) {
	if err := c.panels.Consult(ctx, s, "patrols", policy.ActDispatch, trail.PatrolView{What: "positions"}); err != nil {
		return nil, err
	}
	return c.units(), nil
}

func (c *Desk) units() []Patrol {
	p := c.patrols
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Patrol, 0, len(p.units))
	for _, u := range p.units {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CallSign < out[j].CallSign })
	return out
}

// PatrolFeedConnected reports whether the AVL feed is connected, and how
// many times it connected so far.
func (c *Desk) PatrolFeedConnected() (bool, int) {
	p := c.patrols
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.connected, p.connects
}

// Haversine is the great-circle distance in metres between two WGS84 points.
func Haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// NearestFree picks the free unit closest to a place (ties: call sign).
func NearestFree(units []Patrol, lat, lon float64) (Assignment, bool) {
	best, found := Assignment{}, false
	for _, u := range units {
		if u.Status != PatrolFree || u.LastReport.IsZero() {
			continue
		}
		d := Haversine(u.Lat, u.Lon, lat, lon)
		if !found || d < best.Distance || (d == best.Distance && u.CallSign < best.Unit.CallSign) {
			best, found = Assignment{Unit: u, Distance: d}, true
		}
	}
	if found {
		best.ETA = (time.Duration(best.Distance*roadFactor/etaSpeed) * time.Second).Round(time.Second)
	}
	return best, found
}

// ProposePatrol is the unit Dispatch would send for the hit now, for a
// session that may see the hit and dispatch.
func (c *Desk) ProposePatrol(ctx context.Context, s *identity.Session, hitID string) (Assignment, error) {
	h, ok := c.Hit(s, hitID)
	if !ok {
		return Assignment{}, fmt.Errorf("%w: %s", ErrHitUnknown, hitID)
	}
	units, err := c.Patrols(ctx, s)
	if err != nil {
		return Assignment{}, err
	}
	a, ok := NearestFree(units, h.Camera.Lat, h.Camera.Lon)
	if !ok {
		return Assignment{}, ErrNoFreePatrol
	}
	return a, nil
}

// Dispatch sends the nearest free unit to the camera of a confirmed hit:
// the policy decides and the audit entry (dispatch, with the hit, the unit
// and its distance) is written before the GOTO goes over the feed; then the
// unit is en route and the hit's history shows the dispatch.
func (c *Desk) Dispatch(ctx context.Context, s *identity.Session, hitID string) (Assignment, error) {
	h, ok := c.hitByID(hitID)
	if !ok {
		return Assignment{}, fmt.Errorf("%w: %s", ErrHitUnknown, hitID)
	}
	switch h.Status {
	case HitConfirmed:
	case HitDispatched:
		return Assignment{}, fmt.Errorf("%w: %s already dispatched (%s)", ErrHitHandled, hitID, h.Unit)
	default:
		return Assignment{}, fmt.Errorf("%w: %s is %s", ErrHitNotConfirmed, hitID, h.Status)
	}
	detail := trail.Dispatch{Hit: h.ID, Plate: h.Listed, List: h.List, Measure: h.Measure}
	a, err := c.dispatchTo(ctx, s, h.Camera.Lat, h.Camera.Lon, hitID, policy.Resource{Plate: h.Listed}, detail)
	if err != nil {
		return Assignment{}, err
	}
	c.addHitStep(hitID, HitStep{Time: c.now(), What: "dispatch", User: s.User.Name,
		Detail: fmt.Sprintf("unit=%s distance=%.0fm eta=%s", a.Unit.CallSign, a.Distance, a.ETA)},
		func(h *Hit) { h.Status, h.Unit = HitDispatched, a.Unit.CallSign })
	return a, nil
}

// DispatchToCamera sends the nearest free unit to a camera's place (an
// observation during a round), audited like a hit's dispatch.
func (c *Desk) DispatchToCamera(ctx context.Context, s *identity.Session, cameraID, note string) (Assignment, error) {
	cam, ok := c.zone.Camera(cameraID)
	if !ok {
		return Assignment{}, fmt.Errorf("camera %s: not in the zone", cameraID)
	}
	return c.dispatchTo(ctx, s, cam.Lat, cam.Lon, "", policy.Resource{Camera: cam.ID}, trail.Dispatch{Note: note})
}

func (c *Desk) dispatchTo(ctx context.Context, s *identity.Session, lat, lon float64, hitID string, res policy.Resource, detail trail.Dispatch) (Assignment, error) {
	if s == nil {
		return Assignment{}, identity.ErrNoSession
	}
	p := c.patrols
	a, ok := NearestFree(c.units(), lat, lon)
	if !ok {
		return Assignment{}, ErrNoFreePatrol
	}
	detail.Unit, detail.Distance, detail.ETA, detail.Lat, detail.Lon = a.Unit.CallSign, a.Distance, a.ETA.String(), lat, lon
	if err := c.access.Allow(ctx, s, policy.ActDispatch, res, s.Shift, detail); err != nil {
		return Assignment{}, err
	}
	// Claim the unit before the command goes out, so that a second dispatch
	// at the same moment takes another one.
	p.mu.Lock()
	u := p.units[a.Unit.CallSign]
	if u == nil || u.Status != PatrolFree {
		p.mu.Unlock()
		c.recordDispatchFailure(ctx, s, res, detail, "unit taken meanwhile")
		return Assignment{}, fmt.Errorf("%w: %s was taken meanwhile", ErrNoFreePatrol, a.Unit.CallSign)
	}
	u.Status, u.HasTarget, u.TargetLat, u.TargetLon, u.HitID = PatrolEnRoute, true, lat, lon, hitID
	p.mu.Unlock()
	// And for the room: a dispatcher at another console may be sending it
	// this very moment.
	if by := c.claimInRoom(ctx, a.Unit.CallSign, s.User.Name, hitID, lat, lon); by != "" {
		p.mu.Lock()
		if u.Status == PatrolEnRoute && u.HitID == hitID {
			u.HitID, u.SentBy = "", by
		}
		kept := *u
		p.mu.Unlock()
		c.keepUnit(kept)
		c.recordDispatchFailure(ctx, s, res, detail, "unit sent meanwhile at console "+by)
		return Assignment{}, fmt.Errorf("%w: %s was sent meanwhile at console %s", ErrNoFreePatrol, a.Unit.CallSign, by)
	}
	if err := p.send(patrolfeed.Goto{CallSign: a.Unit.CallSign, Lat: lat, Lon: lon}); err != nil {
		p.mu.Lock()
		if u.Status == PatrolEnRoute && u.HitID == hitID {
			u.Status, u.HasTarget, u.HitID = PatrolFree, false, ""
		}
		p.mu.Unlock()
		c.freeInRoom(ctx, a.Unit.CallSign)
		c.recordDispatchFailure(ctx, s, res, detail, err.Error())
		return Assignment{}, err
	}
	p.mu.Lock()
	a.Unit = *u
	p.mu.Unlock()
	c.keepUnit(a.Unit)
	return a, nil
}

// recordDispatchFailure completes the trail: the dispatch was allowed but
// never reached the unit.
func (c *Desk) recordDispatchFailure(ctx context.Context, s *identity.Session, res policy.Resource, detail trail.Dispatch, why string) {
	subject := access.Subject(policy.ActDispatch, res, s.Shift)
	detail.Failed = why
	if err := c.access.Record(context.WithoutCancel(ctx), s, subject, s.Shift, detail); err != nil {
		c.log.Error("dispatch failure not audited", "err", err)
	}
}

// SetPatrolStatus is the dispatcher changing a unit's status: free again
// (the unit resumes patrolling) or unavailable. Audited as a dispatch.
func (c *Desk) SetPatrolStatus(ctx context.Context, s *identity.Session, callSign string, st PatrolStatus) error {
	if st != PatrolFree && st != PatrolUnavailable {
		return fmt.Errorf("patrols: status %q cannot be set by hand", st)
	}
	p := c.patrols
	p.mu.Lock()
	u := p.units[callSign]
	var old Patrol
	if u != nil {
		old = *u
	}
	p.mu.Unlock()
	if u == nil {
		return fmt.Errorf("%w: %q", ErrUnknownPatrol, callSign)
	}
	if err := c.access.Allow(ctx, s, policy.ActDispatch, policy.Resource{Target: "patrol:" + callSign}, s.Shift,
		trail.Dispatch{Unit: callSign, Status: fmt.Sprintf("%s->%s", old.Status, st)}); err != nil {
		return err
	}
	if st == PatrolFree && (old.Status == PatrolEnRoute || old.Status == PatrolOnScene) {
		if err := p.send(patrolfeed.Resume{CallSign: callSign}); err != nil {
			return err
		}
	}
	p.mu.Lock()
	u.Status = st
	u.HasTarget, u.HitID, u.SentBy = false, "", ""
	kept := *u
	p.mu.Unlock()
	c.keepUnit(kept)
	if st == PatrolFree {
		c.freeInRoom(ctx, callSign)
	}
	if old.HitID != "" {
		c.addHitStep(old.HitID, HitStep{Time: c.now(), What: string(st), User: s.User.Name, Detail: "unit=" + callSign}, nil)
	}
	return nil
}

// MapLine is one street of the zone as a polyline of {lat, lon} points.
type MapLine = zone.Street

// Streets are the zone's streets for the offline map (a zone without any
// shows cameras, patrols and hits on a blank ground).
func (c *Desk) Streets() []MapLine { return c.zone.Streets }
