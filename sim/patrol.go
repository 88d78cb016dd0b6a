package sim

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/patrolfeed"
)

// Patrol is one patrol vehicle as the simulator drives it.
type Patrol struct {
	CallSign string    // "BORG 11"; on the feed written "BORG_11"
	Pos      LatLon    // last reported position
	State    string    // "patrolling", "en_route" (after GOTO) or "arrived"
	Time     time.Time // of the position
}

// Patrol states.
const (
	PatrolPatrolling = "patrolling"
	PatrolEnRoute    = "en_route"
	PatrolArrived    = "arrived"
)

var callSigns = []string{"BORG 11", "BORG 12", "BORG 21", "BORG 22", "BORG 31", "BORG 32"}

const (
	patrolSpeed = 12.0 // m/s, about 43 km/h in town
	urgentSpeed = 17.0 // m/s under blue lights
)

// unit is a patrol vehicle's driving state; guarded by patrolFeed.mu.
type unit struct {
	Patrol
	from, to int     // the edge it is on (node indices)
	prev     int     // the node it came from, so that it does not turn back
	along    float64 // metres from `from`
	route    []int   // nodes still to pass after `to` when en route
	target   *LatLon // the spot to end at, off the road graph
	rng      *rand.Rand
}

// patrolFeed drives the units and serves the AVL feed (see PATROLFEED.md).
type patrolFeed struct {
	log      *slog.Logger
	ln       net.Listener
	graph    *roadGraph
	interval time.Duration
	speedup  float64

	mu      sync.Mutex
	units   []*unit
	clients map[*feedClient]struct{}

	wg sync.WaitGroup
}

type feedClient struct {
	conn net.Conn
	out  chan string // whole lines, '\n' included; bounded: a client that does not read loses lines
}

func startPatrols(ctx context.Context, cfg Config, log *slog.Logger) (*patrolFeed, error) {
	ln, err := net.Listen("tcp", cfg.PatrolAddr)
	if err != nil {
		return nil, fmt.Errorf("patrol feed on %s: %w", cfg.PatrolAddr, err)
	}
	pf := &patrolFeed{log: log.With("part", "patrols"), ln: ln, graph: newRoadGraph(),
		clients: map[*feedClient]struct{}{}, interval: cfg.PatrolReport, speedup: cfg.PatrolSpeedup}
	seed := cfg.Seed
	n := min(cfg.Patrols, len(callSigns))
	now := time.Now()
	for i := 0; i < n; i++ {
		r := rand.New(rand.NewPCG(uint64(seed), uint64(1000+i)))
		from := r.IntN(len(pf.graph.nodes))
		adj := pf.graph.adj[from]
		u := &unit{Patrol: Patrol{CallSign: callSigns[i], Pos: pf.graph.nodes[from], State: PatrolPatrolling, Time: now},
			from: from, to: adj[r.IntN(len(adj))], prev: -1, rng: r}
		pf.units = append(pf.units, u)
	}
	pf.wg.Add(3)
	go func() {
		defer pf.wg.Done()
		pf.accept(ctx)
	}()
	go func() {
		defer pf.wg.Done()
		pf.drive(ctx)
	}()
	go func() {
		defer pf.wg.Done()
		<-ctx.Done()
		ln.Close()
	}()
	return pf, nil
}

func (pf *patrolFeed) addr() string { return pf.ln.Addr().String() }

func (pf *patrolFeed) wait() { pf.wg.Wait() }

// PatrolFeedAddr is the host:port of the patrol position feed.
func (z *Zone) PatrolFeedAddr() string { return z.patrol.addr() }

// Patrols returns where the patrols are now.
func (z *Zone) Patrols() []Patrol {
	pf := z.patrol
	pf.mu.Lock()
	defer pf.mu.Unlock()
	out := make([]Patrol, len(pf.units))
	for i, u := range pf.units {
		out[i] = u.Patrol
	}
	return out
}

// Goto sends a patrol to a spot, as the feed's GOTO command does.
func (z *Zone) Goto(callSign string, to LatLon) error { return z.patrol.gotoSpot(callSign, to) }

func wireCallSign(cs string) string { return strings.ReplaceAll(cs, " ", "_") }

// feedLine is m as a line of the feed, its '\n' included; "" (and a log
// line) if m cannot be written, which the units' call signs and positions
// never give.
func (pf *patrolFeed) feedLine(m patrolfeed.Message) string {
	b, err := patrolfeed.AppendLine(nil, m)
	if err != nil {
		pf.log.Error("patrol feed: line not written", "err", err)
		return ""
	}
	return string(b)
}

func (pf *patrolFeed) posLine(u *unit) string {
	return pf.feedLine(patrolfeed.Position{CallSign: u.CallSign, Lat: u.Pos.Lat, Lon: u.Pos.Lon, Time: u.Time})
}

func (pf *patrolFeed) accept(ctx context.Context) {
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		conn, err := pf.ln.Accept()
		if err != nil {
			if ctx.Err() == nil {
				pf.log.Warn("accept", "err", err)
			}
			return
		}
		c := &feedClient{conn: conn, out: make(chan string, 256)}
		pf.mu.Lock()
		c.out <- pf.feedLine(patrolfeed.Hello{Server: "zoneconsole-sim", Version: patrolfeed.Version})
		for _, u := range pf.units {
			if line := pf.posLine(u); line != "" {
				c.out <- line
			}
		}
		pf.clients[c] = struct{}{}
		pf.mu.Unlock()
		conns.Add(2)
		go func() {
			defer conns.Done()
			pf.write(ctx, c)
		}()
		go func() {
			defer conns.Done()
			pf.read(c)
		}()
	}
}

// write sends queued lines until the client goes or the zone stops.
func (pf *patrolFeed) write(ctx context.Context, c *feedClient) {
	defer func() {
		pf.mu.Lock()
		delete(pf.clients, c)
		pf.mu.Unlock()
		c.conn.Close()
	}()
	w := bufio.NewWriter(c.conn)
	for {
		select {
		case <-ctx.Done():
			return
		case line, ok := <-c.out:
			if !ok {
				return
			}
			_ = c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := w.WriteString(line); err != nil {
				return
			}
			// Send what is queued as one write, then flush.
			for len(c.out) > 0 {
				if _, err := w.WriteString(<-c.out); err != nil {
					return
				}
			}
			if err := w.Flush(); err != nil {
				return
			}
		}
	}
}

// read handles the client's commands until it hangs up (or sends a line
// over 1024 bytes).
func (pf *patrolFeed) read(c *feedClient) {
	defer c.conn.Close() // also ends write, whose Flush then fails
	dec := patrolfeed.NewDecoderSize(c.conn, patrolfeed.ToServer, 1024)
	for {
		m, err := dec.Decode()
		var se *patrolfeed.SyntaxError
		if err != nil && (!errors.As(err, &se) || errors.Is(err, patrolfeed.ErrTooLong)) {
			return
		}
		pf.send(c, pf.feedLine(pf.command(m, se)))
	}
}

func (pf *patrolFeed) send(c *feedClient, line string) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	if _, ok := pf.clients[c]; !ok || line == "" {
		return
	}
	select {
	case c.out <- line:
	default:
	}
}

func (pf *patrolFeed) broadcastLocked(line string) {
	if line == "" {
		return
	}
	for c := range pf.clients {
		select {
		case c.out <- line:
		default: // a client that does not keep up loses lines, not the feed
		}
	}
}

// command runs one client command, or answers a line that is not one
// (bad, the decoder's error), and returns the reply.
func (pf *patrolFeed) command(m patrolfeed.Message, bad *patrolfeed.SyntaxError) patrolfeed.Message {
	if bad != nil {
		switch {
		case errors.Is(bad, patrolfeed.ErrEmpty):
			return patrolfeed.Err{Text: "empty command"}
		case errors.Is(bad, patrolfeed.ErrFields) && strings.EqualFold(bad.Verb, patrolfeed.VerbGoto):
			return patrolfeed.Err{Text: "usage: GOTO <callsign> <lat> <lon>"}
		case errors.Is(bad, patrolfeed.ErrFields):
			return patrolfeed.Err{Text: "usage: RESUME <callsign>"}
		case errors.Is(bad, patrolfeed.ErrNumber):
			return patrolfeed.Err{Text: "bad position"}
		case errors.Is(bad, patrolfeed.ErrChar):
			return patrolfeed.Err{Text: "not printable ASCII"}
		}
		return patrolfeed.Err{Text: "unknown command " + strconv.QuoteToASCII(bad.Verb)}
	}
	// The call sign may be written with a space ("BORG 11") or an
	// underscore ("BORG_11"); the decoder gives it with its spaces, an error
	// names it as the wire does.
	switch m := m.(type) {
	case patrolfeed.Goto:
		if err := pf.gotoSpot(wireCallSign(m.CallSign), LatLon{m.Lat, m.Lon}); err != nil {
			return patrolfeed.Err{Text: err.Error()}
		}
		return patrolfeed.OK{Command: patrolfeed.VerbGoto, CallSign: m.CallSign}
	case patrolfeed.Resume:
		if err := pf.resume(wireCallSign(m.CallSign)); err != nil {
			return patrolfeed.Err{Text: err.Error()}
		}
		return patrolfeed.OK{Command: patrolfeed.VerbResume, CallSign: m.CallSign}
	}
	return patrolfeed.Err{Text: "unknown command " + strconv.QuoteToASCII(m.Verb())}
}

func (pf *patrolFeed) unitLocked(callSign string) *unit {
	cs := strings.ReplaceAll(callSign, "_", " ")
	for _, u := range pf.units {
		if strings.EqualFold(u.CallSign, cs) {
			return u
		}
	}
	return nil
}

func (pf *patrolFeed) gotoSpot(callSign string, to LatLon) error {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	u := pf.unitLocked(callSign)
	if u == nil {
		return fmt.Errorf("unknown call sign %q", callSign)
	}
	dest := pf.graph.nearest(to)
	u.route = pf.graph.route(u.to, dest)
	u.target = &to
	u.State = PatrolEnRoute
	return nil
}

func (pf *patrolFeed) resume(callSign string) error {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	u := pf.unitLocked(callSign)
	if u == nil {
		return fmt.Errorf("unknown call sign %q", callSign)
	}
	if u.State == PatrolArrived {
		// Back onto the road at the nearest junction.
		n := pf.graph.nearest(u.Pos)
		u.from, u.to, u.prev, u.along = n, n, -1, 0
	}
	u.route, u.target, u.State = nil, nil, PatrolPatrolling
	return nil
}

// drive moves every unit once a report interval and reports the positions.
func (pf *patrolFeed) drive(ctx context.Context) {
	tick := time.NewTicker(pf.interval)
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			pf.mu.Lock()
			for c := range pf.clients {
				c.conn.Close()
			}
			pf.mu.Unlock()
			return
		case now := <-tick.C:
			dt := now.Sub(last).Seconds()
			last = now
			pf.mu.Lock()
			for _, u := range pf.units {
				if arrived := pf.step(u, dt); arrived {
					pf.broadcastLocked(pf.feedLine(patrolfeed.Arrived{CallSign: u.CallSign, Lat: u.Pos.Lat, Lon: u.Pos.Lon, Time: now}))
				}
				u.Time = now
				pf.broadcastLocked(pf.posLine(u))
			}
			pf.mu.Unlock()
		}
	}
}

// step advances u by dt seconds and reports whether it just arrived.
func (pf *patrolFeed) step(u *unit, dt float64) bool {
	if u.State == PatrolArrived {
		return false
	}
	speed := patrolSpeed
	if u.State == PatrolEnRoute {
		speed = urgentSpeed
	}
	left := speed * pf.speedup * dt
	g := pf.graph
	for left > 0 {
		if u.from == u.to {
			// At a junction with nowhere chosen yet.
			if !pf.nextEdge(u) {
				break
			}
			continue
		}
		edge := distance(g.nodes[u.from], g.nodes[u.to])
		if u.along+left < edge {
			u.along += left
			u.Pos = lerp(g.nodes[u.from], g.nodes[u.to], u.along/edge)
			return false
		}
		left -= edge - u.along
		u.prev, u.from, u.along = u.from, u.to, 0
		u.Pos = g.nodes[u.from]
		if !pf.nextEdge(u) {
			break
		}
	}
	if u.State == PatrolEnRoute && len(u.route) == 0 && u.from == u.to && u.target != nil {
		// Last leg off the road graph, straight to the spot.
		d := distance(u.Pos, *u.target)
		if d <= left || d < 1 {
			u.Pos = *u.target
			u.State = PatrolArrived
			return true
		}
		u.Pos = lerp(u.Pos, *u.target, left/d)
	}
	return false
}

// nextEdge picks the edge to follow from u.from: the route when en route,
// otherwise a random road that does not turn back unless it must.
func (pf *patrolFeed) nextEdge(u *unit) bool {
	if u.State == PatrolEnRoute {
		if len(u.route) == 0 {
			u.to = u.from
			return false
		}
		u.to, u.route = u.route[0], u.route[1:]
		return true
	}
	adj := pf.graph.adj[u.from]
	choices := make([]int, 0, len(adj))
	for _, n := range adj {
		if n != u.prev {
			choices = append(choices, n)
		}
	}
	if len(choices) == 0 {
		choices = adj // a dead end: turn round
	}
	u.to = choices[u.rng.IntN(len(choices))]
	return true
}
