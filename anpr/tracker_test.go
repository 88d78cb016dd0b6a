package anpr

import (
	"image"
	"testing"
	"time"
)

func TestTracker(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	obs := func(cam, plate string, ms int, conf float64) Observation {
		return Observation{Camera: cam, At: at(ms), Read: Read{Plate: plate, Display: plate, Country: "BE", Confidence: conf}, Colour: "blue"}
	}
	tr := NewTracker(TrackerConfig{Gap: time.Second, MaxAge: 10 * time.Second})
	// One car read five times with one misread; another car on another
	// camera at the same time; a lone doubtful read (lettering) is dropped.
	tr.Observe(obs("cam01", "1ABC123", 0, 0.8))
	tr.Observe(obs("cam01", "1ABC128", 100, 0.7))
	tr.Observe(obs("cam01", "1ABC123", 200, 0.95))
	tr.Observe(obs("cam02", "1ABC123", 250, 0.9))
	tr.Observe(obs("cam01", "1ABC123", 300, 0.85))
	tr.Observe(obs("cam01", "HELLO1", 300, 0.5))
	if got := tr.Flush(at(900), false); len(got) != 0 {
		t.Fatalf("Flush before the gap = %+v, want none", got)
	}
	got := tr.Flush(at(1400), false)
	if len(got) != 2 {
		t.Fatalf("Flush = %d passages %+v, want 2", len(got), got)
	}
	p := got[0]
	if p.Camera != "cam01" || p.Plate != "1ABC123" || p.Reads != 4 || p.Confidence != 0.95 || !p.Time.Equal(at(200)) || !p.First.Equal(at(0)) || !p.Last.Equal(at(300)) {
		t.Errorf("passage = %+v", p)
	}
	if got[1].Camera != "cam02" || got[1].Reads != 1 {
		t.Errorf("second passage = %+v (a single read at 0.9 is sure enough)", got[1])
	}
	// A read two characters off at the same place joins the track and is
	// outvoted.
	tr2 := NewTracker(TrackerConfig{Gap: time.Second})
	boxed := func(plate string, ms int, x int) Observation {
		o := obs("cam01", plate, ms, 0.9)
		o.Read.Box = image.Rect(x, 300, x+100, 322)
		return o
	}
	tr2.Observe(boxed("VK629N", 0, 100))
	tr2.Observe(boxed("MVK629", 80, 110))
	tr2.Observe(boxed("VK629N", 160, 120))
	other := boxed("2XYZ001", 160, 600) // another car elsewhere, read once, doubtfully
	other.Read.Confidence = 0.6
	tr2.Observe(other)
	if got := tr2.Flush(at(2000), false); len(got) != 1 || got[0].Plate != "VK629N" || got[0].Reads != 3 {
		t.Errorf("misread at the same spot: %+v, want one VK629N passage of 3 reads (+ the lone 2XYZ001 dropped)", got)
	}
	if tr.Open() != 0 {
		t.Errorf("Open = %d after flush, want 0", tr.Open())
	}
	// The same plate coming back after the gap is a new passage.
	tr.Observe(obs("cam01", "1ABC123", 5000, 0.95))
	tr.Observe(obs("cam01", "1ABC123", 9000, 0.95))
	if got := tr.Flush(at(9500), false); len(got) != 1 {
		t.Errorf("after a gap: %d passages, want 1 (first visit)", len(got))
	}
	// A parked car is emitted at MaxAge.
	for ms := 20000; ms < 32000; ms += 500 {
		tr.Observe(obs("cam03", "2XYZ001", ms, 0.9))
	}
	if got := tr.Flush(at(31000), false); len(got) != 2 {
		t.Errorf("parked car: %d passages, want 2 (the 9 s read and the one that reached MaxAge)", len(got))
	}
	tr.Observe(obs("cam04", "2XYZ002", 40000, 0.95))
	if got := tr.Flush(at(40000), true); len(got) != 1 {
		t.Errorf("forced flush: %d, want 1", len(got))
	}
}

func TestNear(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1ABC123", "1ABC123", true}, {"1ABC123", "1ABC128", true}, {"1ABC123", "1ABC12", true},
		{"1ABC123", "IABC123", true}, {"1ABC123", "1ABD128", false}, {"1ABC123", "ABC1234", false},
		{"ABC123", "1ABC123", true}, {"", "A", true}, {"", "AB", false},
		{"2OOA662", "20OA66", true}, {"2OOA662", "200A662", true}, {"2OOA662", "2OXA66", false},
	}
	for _, tc := range tests {
		if got := near(tc.a, tc.b); got != tc.want {
			t.Errorf("near(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestLookDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1ABC123", "1ABC123", 0}, {"1ABCO23", "1ABC023", 0}, {"KX123YZQ9", "X123YZQ", 2}, {"", "AB", 2}, {"ABC", "ABD", 1},
		// The pairs of plate's table, not their closure: D and Q both look
		// like O, not like each other.
		{"1ABD123", "1ABO123", 0}, {"1ABD123", "1ABQ123", 1}, {"IA8C5Z7", "1BBCS2T", 1}, {"1ABC123", "1ABC12", 1},
	}
	for _, tc := range tests {
		if got := lookDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("lookDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
