package audit

import (
	"context"
	"testing"
	"time"
)

func TestQueryFilters(t *testing.T) {
	f := newFixture(t)
	f.build(t, 200, Options{})
	r, err := OpenReader(f.db, Options{KeyPath: f.key})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	all := testChain(t, 200)
	cases := []struct {
		name string
		f    Filter
		keep func(e *Entry) bool
	}{
		{"all", Filter{}, func(*Entry) bool { return true }},
		{"period", Filter{From: t0.Add(30 * time.Second), To: t0.Add(90 * time.Second)},
			func(e *Entry) bool {
				return !e.Time.Before(t0.Add(30*time.Second)) && e.Time.Before(t0.Add(90*time.Second))
			}},
		{"user", Filter{User: "user3"}, func(e *Entry) bool { return e.User == "user3" }},
		{"camera", Filter{Subject: "camera:cam05"}, func(e *Entry) bool { return e.Subject == "camera:cam05" }},
		{"justification", Filter{JustKind: "judicial"}, func(e *Entry) bool { return e.JustKind == "judicial" }},
		{"actions", Filter{Actions: []Action{ActExport, ActPlayback}}, func(e *Entry) bool { return e.Action == ActExport || e.Action == ActPlayback }},
		{"user and camera and period", Filter{User: "user1", Subject: "camera:cam01", From: t0, To: t0.Add(time.Hour)},
			func(e *Entry) bool { return e.User == "user1" && e.Subject == "camera:cam01" }},
		{"limit", Filter{Limit: 7}, func(e *Entry) bool { return e.Seq <= 7 }},
		{"period beyond what UnixNano holds", Filter{From: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
			func(*Entry) bool { return true }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := r.Query(context.Background(), c.f)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for i := range all {
				if c.keep(&all[i]) {
					want = append(want, all[i].Seq)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("Query(%+v) = %d entries, want %d", c.f, len(got), len(want))
			}
			for i := range got {
				if got[i].Seq != want[i] {
					t.Fatalf("Query(%+v)[%d] = seq %d, want %d", c.f, i, got[i].Seq, want[i])
				}
				if i > 0 && got[i].Time.Before(got[i-1].Time) {
					t.Fatalf("Query(%+v) not in time order at %d", c.f, i)
				}
			}
		})
	}
}

func TestOpenIntervals(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	es := []Entry{
		{Seq: 1, Time: at(0), Action: ActLiveStart, Outcome: OutcomeAllowed, User: "ann", Subject: "camera:a", Detail: "view=1"},
		{Seq: 2, Time: at(1), Action: ActLiveStart, Outcome: OutcomeAllowed, User: "bob", Subject: "camera:b", Detail: "view=2"},
		{Seq: 3, Time: at(2), Action: ActLiveStart, Outcome: OutcomeDenied, User: "guard", Subject: "camera:c", Detail: "view=3"},
		{Seq: 4, Time: at(3), Action: ActLiveStop, Outcome: OutcomeAllowed, User: "ann", Subject: "camera:a", Detail: "view=1 reason=closed"},
		{Seq: 5, Time: at(4), Action: ActLiveStart, Outcome: OutcomeAllowed, User: "cas", Console: "c1", Subject: "camera:d"},
		{Seq: 6, Time: at(5), Action: ActLiveStart, Outcome: OutcomeAllowed, User: "dan", Console: "c1", Subject: "camera:e"},
		{Seq: 7, Time: at(6), Action: ActLiveStop, Outcome: OutcomeAllowed, User: "dan", Console: "c1", Subject: "camera:e"},
	}
	got := OpenIntervals(es)
	var seqs []int64
	for _, e := range got {
		seqs = append(seqs, e.Seq)
	}
	if len(seqs) != 2 || seqs[0] != 2 || seqs[1] != 5 {
		t.Fatalf("OpenIntervals = seqs %v, want [2 5]", seqs)
	}

	f := newFixture(t)
	l := f.open(t, Options{})
	for _, e := range es {
		e.Seq = 0
		if _, err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.OpenIntervals(context.Background(), t0)
	if err != nil || len(got) != 2 || got[0].User != "bob" || got[1].User != "cas" {
		t.Fatalf("Log.OpenIntervals = %+v, %v; want bob and cas", got, err)
	}
	if got, _ := l.OpenIntervals(context.Background(), at(2)); len(got) != 1 {
		t.Fatalf("OpenIntervals since minute 2 = %d, want 1 (cas)", len(got))
	}
}
