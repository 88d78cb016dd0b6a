package playback

import (
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/recording"
)

func TestSpans(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	seg := func(a, b float64) recording.Segment {
		s := recording.Segment{Start: at(a), End: at(b)}
		if b < 0 {
			s.End = time.Time{}
		}
		return s
	}
	tests := []struct {
		name     string
		in       []recording.Segment
		rec, gap []Span
	}{
		{"none", nil, nil, nil},
		{"joined under a second", []recording.Segment{seg(0, 10), seg(10.5, 20)},
			[]Span{{Start: at(0), End: at(20)}}, nil},
		{"a second apart is a gap", []recording.Segment{seg(0, 10), seg(11, 20)},
			[]Span{{Start: at(0), End: at(10)}, {Start: at(11), End: at(20)}}, []Span{{Start: at(10), End: at(11)}}},
		{"out of order and overlapping", []recording.Segment{seg(30, 40), seg(0, 10), seg(9.9, 20)},
			[]Span{{Start: at(0), End: at(20)}, {Start: at(30), End: at(40)}}, []Span{{Start: at(20), End: at(30)}}},
		{"open last", []recording.Segment{seg(0, 10), seg(10.2, -1)},
			[]Span{{Start: at(0), End: at(10.2), Open: true}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, gap := Spans(tc.in)
			if !equalSpans(rec, tc.rec) || !equalSpans(gap, tc.gap) {
				t.Errorf("Spans(%v) = %v, %v; want %v, %v", tc.in, rec, gap, tc.rec, tc.gap)
			}
		})
	}
}

func equalSpans(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Start.Equal(b[i].Start) || !a[i].End.Equal(b[i].End) || a[i].Open != b[i].Open {
			return false
		}
	}
	return true
}
