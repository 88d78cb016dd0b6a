package sim

import (
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"
)

type entityKind int

const (
	kindCar entityKind = iota
	kindVan
	kindPerson
)

// entity is one vehicle or pedestrian crossing a camera's view. Where it is
// at a given moment follows from start and dur alone, so every stream of a
// camera (and the ground truth) agrees on it without sharing state.
type entity struct {
	id     uint64
	kind   entityKind
	lane   int
	start  time.Duration // since the zone's epoch, when it enters the view
	dur    time.Duration // how long it stays in view
	body   yuvColor
	accent yuvColor // pedestrians' trousers, vehicles' bumpers
	plate  plateInfo
	// emitted is set once the passage has gone to the ground truth.
	emitted bool
	// injected vehicles keep the plate a test gave them.
	injected bool
}

// frac is how far through the view the entity is at t (0 entering, 1 gone).
func (e *entity) frac(t time.Duration) float64 {
	return float64(t-e.start) / float64(e.dur)
}

// bestFrac is where on its way an ANPR camera sees the plate best: the
// plate is then about 230 px wide on the main stream (see scene_anpr.go).
const bestFrac = 0.826

func (e *entity) best() time.Duration {
	return e.start + time.Duration(float64(e.dur)*bestFrac)
}

// lanePlan says what moves in one lane of a scene and how often.
type lanePlan struct {
	person     bool
	dur        [2]time.Duration // range of time in view
	gap        [2]time.Duration // extra time between two entries
	minSpacing time.Duration    // entries in one lane are at least this far apart
	vanShare   int              // percent of vehicles that are vans
}

func lanesFor(s sceneKind) []lanePlan {
	sec := time.Second
	ms := time.Millisecond
	car := func(dur, gapMax time.Duration, spacing time.Duration) lanePlan {
		return lanePlan{dur: [2]time.Duration{dur, dur + 400*ms}, gap: [2]time.Duration{300 * ms, gapMax}, minSpacing: spacing, vanShare: 20}
	}
	walk := func(dur, gapMax time.Duration) lanePlan {
		return lanePlan{person: true, dur: [2]time.Duration{dur, dur + 6*sec}, gap: [2]time.Duration{500 * ms, gapMax}, minSpacing: 700 * ms}
	}
	switch s {
	case sceneANPR:
		// One vehicle per lane at a time so that plates never overlap.
		return []lanePlan{car(3*sec, 6*sec, 3400*ms), car(3*sec, 8*sec, 3400*ms)}
	case sceneSquare:
		return []lanePlan{car(4*sec, 12*sec, 1500*ms), car(4*sec, 14*sec, 1500*ms), walk(12*sec, 4*sec), walk(12*sec, 4*sec), walk(16*sec, 6*sec)}
	case sceneParking:
		return []lanePlan{car(7*sec, 10*sec, 2500*ms), walk(14*sec, 8*sec), walk(14*sec, 10*sec)}
	case sceneIndoor:
		return []lanePlan{walk(18*sec, 20*sec)}
	default:
		return []lanePlan{car(3*sec, 7*sec, 1200*ms), car(3*sec, 7*sec, 1200*ms), walk(13*sec, 7*sec), walk(13*sec, 9*sec)}
	}
}

var bodyColours = []yuvColor{
	rgb(200, 200, 205), // silver
	rgb(25, 25, 28),    // black
	rgb(240, 240, 240), // white
	rgb(60, 70, 80),    // graphite
	rgb(150, 20, 25),   // red
	rgb(20, 45, 110),   // blue
	rgb(25, 80, 45),    // green
	rgb(120, 90, 60),   // brown
	rgb(220, 180, 40),  // yellow
	rgb(90, 110, 140),  // steel blue
}

var clothes = []yuvColor{
	rgb(30, 40, 90), rgb(160, 30, 40), rgb(40, 40, 40), rgb(200, 190, 170),
	rgb(60, 110, 60), rgb(220, 120, 30), rgb(120, 120, 130), rgb(90, 40, 110),
}

// schedule is the deterministic stream of entities of one camera. It
// extends itself as time goes on, always in the same order, so a seed
// fixes every entity whatever the order of the questions asked.
type schedule struct {
	mu       sync.Mutex
	rng      *rand.Rand
	lanes    []lanePlan
	laneNext []time.Duration
	ents     []*entity
	nextID   uint64
	anpr     bool
}

func newSchedule(seed int64, camID string, scene sceneKind) *schedule {
	h := fnv.New64a()
	h.Write([]byte(camID))
	s := &schedule{
		rng:   rand.New(rand.NewPCG(uint64(seed), h.Sum64())),
		lanes: lanesFor(scene),
		anpr:  scene == sceneANPR,
	}
	s.laneNext = make([]time.Duration, len(s.lanes))
	for i, l := range s.lanes {
		// Start with the view already busy: entities that entered before
		// the epoch are in mid-flight at time zero.
		s.laneNext[i] = -l.dur[0] + s.randDur(l.gap)
	}
	return s
}

func (s *schedule) randDur(r [2]time.Duration) time.Duration {
	if r[1] <= r[0] {
		return r[0]
	}
	return r[0] + time.Duration(s.rng.Int64N(int64(r[1]-r[0])))
}

// extendLocked generates entities until every lane is planned past t.
func (s *schedule) extendLocked(t time.Duration) {
	for {
		lane := 0
		for i := range s.laneNext {
			if s.laneNext[i] < s.laneNext[lane] {
				lane = i
			}
		}
		if s.laneNext[lane] > t {
			return
		}
		l := s.lanes[lane]
		e := &entity{id: s.nextID, lane: lane, start: s.laneNext[lane], dur: s.randDur(l.dur)}
		s.nextID++
		if l.person {
			e.kind = kindPerson
			e.body = clothes[s.rng.IntN(len(clothes))]
			e.accent = clothes[s.rng.IntN(len(clothes))]
		} else {
			e.kind = kindCar
			if s.rng.IntN(100) < l.vanShare {
				e.kind = kindVan
			}
			e.body = bodyColours[s.rng.IntN(len(bodyColours))]
			e.accent = rgb(35, 35, 38)
			e.plate = randomPlate(s.rng)
		}
		s.ents = append(s.ents, e)
		s.laneNext[lane] = e.start + max(l.minSpacing, 0) + s.randDur(l.gap)
		if !l.person && s.anpr {
			// Keep plates apart: the next vehicle in this lane enters
			// only once this one has left.
			s.laneNext[lane] = max(s.laneNext[lane], e.start+e.dur+200*time.Millisecond)
		}
	}
}

// visible appends copies of the entities in view at t to dst.
func (s *schedule) visible(t time.Duration, dst []entity) []entity {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extendLocked(t)
	for _, e := range s.ents {
		if e.start <= t && t < e.start+e.dur {
			dst = append(dst, *e)
		}
	}
	return dst
}

// passagesUntil returns the vehicles whose plate was best visible at or
// before t and that were not returned before, then forgets entities long
// gone. Only ANPR cameras have passages.
func (s *schedule) passagesUntil(t time.Duration) []entity {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extendLocked(t)
	var out []entity
	for _, e := range s.ents {
		if s.anpr && !e.emitted && e.kind != kindPerson && e.best() <= t && e.best() >= 0 {
			e.emitted = true
			out = append(out, *e)
		}
	}
	keep := s.ents[:0]
	for _, e := range s.ents {
		if e.start+e.dur > t-10*time.Second || (!e.emitted && e.kind != kindPerson && s.anpr && e.best() >= 0) {
			keep = append(keep, e)
		}
	}
	clear(s.ents[len(keep):])
	s.ents = keep
	return out
}

// inject gives the next vehicle that has not yet entered the view after
// `after` the plate p, and returns that vehicle.
func (s *schedule) inject(after time.Duration, p plateInfo) (entity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for horizon := after + 10*time.Second; horizon < after+10*time.Minute; horizon += 10 * time.Second {
		s.extendLocked(horizon)
		var next *entity
		for _, e := range s.ents {
			if e.kind == kindPerson || e.start < after || e.emitted || e.injected {
				continue
			}
			if next == nil || e.start < next.start {
				next = e
			}
		}
		if next != nil {
			next.plate = p
			next.injected = true
			return *next, true
		}
	}
	return entity{}, false
}
