package sim

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
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
	out  chan string // bounded; a client that does not read loses lines
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

func posLine(u *unit) string {
	return fmt.Sprintf("POS %s %.6f %.6f %d", wireCallSign(u.CallSign), u.Pos.Lat, u.Pos.Lon, u.Time.UnixMilli())
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
		c.out <- "HELLO zoneconsole-sim 1"
		for _, u := range pf.units {
			c.out <- posLine(u)
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
			if _, err := w.WriteString(line + "\n"); err != nil {
				return
			}
			// Send what is queued as one write, then flush.
			for len(c.out) > 0 {
				if _, err := w.WriteString(<-c.out + "\n"); err != nil {
					return
				}
			}
			if err := w.Flush(); err != nil {
				return
			}
		}
	}
}

// read handles the client's commands until it hangs up.
func (pf *patrolFeed) read(c *feedClient) {
	defer c.conn.Close() // also ends write, whose Flush then fails
	sc := bufio.NewScanner(c.conn)
	sc.Buffer(make([]byte, 1024), 1024)
	for sc.Scan() {
		reply := pf.command(sc.Text())
		pf.send(c, reply)
	}
}

func (pf *patrolFeed) send(c *feedClient, line string) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	if _, ok := pf.clients[c]; !ok {
		return
	}
	select {
	case c.out <- line:
	default:
	}
}

func (pf *patrolFeed) broadcastLocked(line string) {
	for c := range pf.clients {
		select {
		case c.out <- line:
		default: // a client that does not keep up loses lines, not the feed
		}
	}
}

// command runs one client line and returns the reply line.
func (pf *patrolFeed) command(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "ERR empty command"
	}
	switch strings.ToUpper(f[0]) {
	case "GOTO":
		// GOTO <callsign> <lat> <lon>; the call sign may be written with a
		// space ("BORG 11") or an underscore ("BORG_11").
		if len(f) < 4 {
			return "ERR usage: GOTO <callsign> <lat> <lon>"
		}
		lat, err1 := strconv.ParseFloat(f[len(f)-2], 64)
		lon, err2 := strconv.ParseFloat(f[len(f)-1], 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return "ERR bad position"
		}
		cs := strings.Join(f[1:len(f)-2], " ")
		if err := pf.gotoSpot(cs, LatLon{lat, lon}); err != nil {
			return "ERR " + err.Error()
		}
		return "OK GOTO " + wireCallSign(strings.ReplaceAll(cs, "_", " "))
	case "RESUME":
		if len(f) < 2 {
			return "ERR usage: RESUME <callsign>"
		}
		cs := strings.Join(f[1:], " ")
		if err := pf.resume(cs); err != nil {
			return "ERR " + err.Error()
		}
		return "OK RESUME " + wireCallSign(strings.ReplaceAll(cs, "_", " "))
	}
	return "ERR unknown command " + strconv.Quote(f[0])
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
					pf.broadcastLocked(fmt.Sprintf("ARRIVED %s %.6f %.6f %d", wireCallSign(u.CallSign), u.Pos.Lat, u.Pos.Lon, now.UnixMilli()))
				}
				u.Time = now
				pf.broadcastLocked(posLine(u))
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
