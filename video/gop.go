package video

// gopCache keeps the compressed access units since the last random access
// point, copied into one reused buffer. When a subscriber arrives at a Source
// that was idle (connected but not decoding), replaying them brings the
// decoder to the current picture at once instead of waiting up to a whole
// GOP (seconds on real cameras) for the next IDR. That is what makes a tile
// moving, or a round step coming back to a lingering Source, show a frame
// immediately.
type gopCache struct {
	buf   []byte
	nalus [][2]int // [start, end) in buf
	aus   []int    // index in nalus where each access unit starts
	valid bool     // starts at a random access unit and is complete since
	view  [][]byte // reused slice handed to the decoder during replay
}

// Limits past which the GOP is not worth replaying (and memory is kept flat).
const (
	gopMaxBytes = 8 << 20
	gopMaxAUs   = 300
)

func (g *gopCache) reset(valid bool) {
	g.buf = g.buf[:0]
	g.nalus = g.nalus[:0]
	g.aus = g.aus[:0]
	g.valid = valid
}

// add appends au; a random access unit starts a new GOP.
func (g *gopCache) add(au [][]byte, randomAccess bool) {
	if randomAccess {
		g.reset(true)
	}
	if !g.valid {
		return
	}
	size := 0
	for _, n := range au {
		size += len(n)
	}
	if len(g.buf)+size > gopMaxBytes || len(g.aus) >= gopMaxAUs {
		g.reset(false)
		return
	}
	g.aus = append(g.aus, len(g.nalus))
	for _, n := range au {
		start := len(g.buf)
		g.buf = append(g.buf, n...)
		g.nalus = append(g.nalus, [2]int{start, len(g.buf)})
	}
}

// len is the number of access units held.
func (g *gopCache) len() int {
	if !g.valid {
		return 0
	}
	return len(g.aus)
}

// au returns access unit i as a view into the buffer, valid until the next add.
func (g *gopCache) au(i int) [][]byte {
	end := len(g.nalus)
	if i+1 < len(g.aus) {
		end = g.aus[i+1]
	}
	g.view = g.view[:0]
	for _, r := range g.nalus[g.aus[i]:end] {
		g.view = append(g.view, g.buf[r[0]:r[1]])
	}
	return g.view
}
