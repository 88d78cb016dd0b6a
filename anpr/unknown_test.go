package anpr

import (
	"image"
	"testing"
	"time"
)

// TestTrackerFormatUnknown: a read without a known format becomes a passage
// when it moves like a vehicle, and not when it stands still (the camera's
// timestamp) or rides above a plate that moves with it (van lettering).
func TestTrackerFormatUnknown(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	read := func(plate, cc string, ms, x, y int) Observation {
		return Observation{Camera: "cam01", At: t0.Add(time.Duration(ms) * time.Millisecond),
			Read: Read{Plate: plate, Display: plate, Country: cc, Confidence: 0.95, Box: image.Rect(x, y, x+120, y+30)}}
	}
	tr := NewTracker(TrackerConfig{Gap: time.Second})
	for i := 0; i < 5; i++ {
		ms := 100 * i
		tr.Observe(read("20261203", "", ms, 20, 10))         // timestamp: still
		tr.Observe(read("AB123CAO", "", ms, 100+30*i, 400))  // foreign plate, unknown series: moving
		tr.Observe(read("1ABC123", "BE", ms, 600+30*i, 500)) // a van's plate: moving
		tr.Observe(read("BAKKER12", "", ms, 580+30*i, 300))  // lettering above it, moving with it
		tr.Observe(read("2XYZ987", "BE", ms, 900, 600+20*i)) // another car
	}
	got := map[string]Passage{}
	for _, p := range tr.Flush(t0.Add(5*time.Second), false) {
		got[p.Plate] = p
	}
	for _, want := range []string{"AB123CAO", "1ABC123", "2XYZ987"} {
		if _, ok := got[want]; !ok {
			t.Errorf("no passage %s; got %v", want, keys(got))
		}
	}
	if p, ok := got["AB123CAO"]; ok && p.Country != "" {
		t.Errorf("format-unknown passage has country %q, want \"\"", p.Country)
	}
	for _, not := range []string{"20261203", "BAKKER12"} {
		if _, ok := got[not]; ok {
			t.Errorf("passage %s: a timestamp or lettering taken for a plate", not)
		}
	}
}

func keys(m map[string]Passage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
