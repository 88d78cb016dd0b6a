package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// TestCouncilLiveHours holds the pairing of live.start and live.stop to
// the hours a council is told: over midnight, over the year's boundaries,
// left open, closed by a console restart, refused.
func TestCouncilLiveHours(t *testing.T) {
	const cam = "cam01"
	tests := []struct {
		name   string
		now    time.Time // report time; zero: the year is over
		build  func(l *trailLog)
		live   time.Duration
		views  int
		denied int
		months map[time.Month]time.Duration
	}{
		{name: "one view", build: func(l *trailLog) {
			l.start(day(2026, 3, 2, 8, 0), cam, "v1", "operational")
			l.stop(day(2026, 3, 2, 10, 30), cam, "v1", 150*time.Minute, "")
		}, live: 150 * time.Minute, views: 1, months: map[time.Month]time.Duration{3: 150 * time.Minute}},
		{name: "over midnight and a month's end", build: func(l *trailLog) {
			l.start(day(2026, 1, 31, 22, 0), cam, "v1", "operational")
			l.stop(day(2026, 2, 1, 3, 0), cam, "v1", 5*time.Hour, "")
		}, live: 5 * time.Hour, views: 1, months: map[time.Month]time.Duration{1: 2 * time.Hour, 2: 3 * time.Hour}},
		{name: "started last year, start in the entries", build: func(l *trailLog) {
			l.start(day(2025, 12, 31, 23, 0), cam, "v1", "operational")
			l.stop(day(2026, 1, 1, 1, 0), cam, "v1", 2*time.Hour, "")
		}, live: time.Hour, views: 0, months: map[time.Month]time.Duration{1: time.Hour}},
		{name: "started last year, only the stop given", build: func(l *trailLog) {
			l.stop(day(2026, 1, 1, 1, 0), cam, "v1", 2*time.Hour, "")
		}, live: time.Hour, views: 0, months: map[time.Month]time.Duration{1: time.Hour}},
		{name: "runs into next year", build: func(l *trailLog) {
			l.start(day(2026, 12, 31, 22, 0), cam, "v1", "operational")
			l.stop(day(2027, 1, 1, 2, 0), cam, "v1", 4*time.Hour, "")
		}, live: 2 * time.Hour, views: 1, months: map[time.Month]time.Duration{12: 2 * time.Hour}},
		{name: "never closed: to the end of the year", build: func(l *trailLog) {
			l.start(day(2026, 12, 30, 12, 0), cam, "v1", "operational")
		}, live: 36 * time.Hour, views: 1, months: map[time.Month]time.Duration{12: 36 * time.Hour}},
		{name: "never closed, year not over: to now", now: day(2026, 6, 1, 12, 0), build: func(l *trailLog) {
			l.start(day(2026, 6, 1, 9, 0), cam, "v1", "operational")
		}, live: 3 * time.Hour, views: 1, months: map[time.Month]time.Duration{6: 3 * time.Hour}},
		{name: "closed by the console restart", build: func(l *trailLog) {
			l.start(day(2026, 5, 1, 20, 0), cam, "v1", "operational")
			l.stop(day(2026, 5, 3, 20, 0), cam, "v1", 0, "console_restart")
		}, live: 48 * time.Hour, views: 1, months: map[time.Month]time.Duration{5: 48 * time.Hour}},
		{name: "refused: not counted", build: func(l *trailLog) {
			l.add(day(2026, 4, 1, 8, 0), "guard", "camera:"+cam, "operational", audit.OutcomeDenied, trail.LiveStart{View: "v1"})
			// A stray stop naming the refused view closes nothing.
			l.stop(day(2026, 4, 1, 9, 0), cam, "v1", time.Hour, "")
		}, live: 0, views: 0, denied: 1},
		{name: "two viewers count twice", build: func(l *trailLog) {
			l.start(day(2026, 7, 1, 8, 0), cam, "v1", "operational")
			l.start(day(2026, 7, 1, 8, 30), cam, "v2", "event")
			l.stop(day(2026, 7, 1, 9, 0), cam, "v1", time.Hour, "")
			l.stop(day(2026, 7, 1, 9, 0), cam, "v2", 30*time.Minute, "")
		}, live: 90 * time.Minute, views: 2, months: map[time.Month]time.Duration{7: 90 * time.Minute}},
		{name: "older entries without a view id", build: func(l *trailLog) {
			l.add(day(2026, 8, 1, 8, 0), "ann", "camera:"+cam, "operational", audit.OutcomeAllowed, trail.LiveStart{})
			l.add(day(2026, 8, 1, 8, 45), "ann", "camera:"+cam, "operational", audit.OutcomeAllowed, trail.LiveStop{})
		}, live: 45 * time.Minute, views: 1, months: map[time.Month]time.Duration{8: 45 * time.Minute}},
	}
	cams, rounds := testZone()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog(t)
			tc.build(l)
			// The entries come in any order: the report sorts them.
			es := append([]audit.Entry(nil), l.es...)
			for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
				es[i], es[j] = es[j], es[i]
			}
			r, err := Council(CouncilInput{Year: 2026, Cameras: cams, Rounds: rounds, Entries: es, Now: tc.now})
			if err != nil {
				t.Fatal(err)
			}
			u := findCamera(t, r, cam)
			if u.Live != tc.live || u.LiveViews != tc.views || u.Denied != tc.denied {
				t.Errorf("Council(%s): live %v, views %d, denied %d; want %v, %d, %d", tc.name, u.Live, u.LiveViews, u.Denied, tc.live, tc.views, tc.denied)
			}
			for m := time.January; m <= time.December; m++ {
				if got := r.Months[m-1]; got != tc.months[m] {
					t.Errorf("Council(%s): %s %v, want %v", tc.name, m, got, tc.months[m])
				}
			}
			if r.Total.Live != tc.live {
				t.Errorf("Council(%s): total %v, want %v", tc.name, r.Total.Live, tc.live)
			}
		})
	}
}

// TestCouncilYearInLocalTime: the council's year begins at midnight in
// Belgium, an hour before midnight UTC in winter.
func TestCouncilYearInLocalTime(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	l := newLog(t)
	l.start(day(2025, 12, 31, 22, 0), "cam01", "v1", "operational") // 23:00 local, last year
	l.stop(day(2025, 12, 31, 23, 30), "cam01", "v1", 90*time.Minute, "")
	cams, _ := testZone()
	r, err := Council(CouncilInput{Year: 2026, Cameras: cams, Entries: l.es, Location: cet})
	if err != nil {
		t.Fatal(err)
	}
	if u := findCamera(t, r, "cam01"); u.Live != 30*time.Minute || r.Months[0] != 30*time.Minute {
		t.Errorf("live %v, January %v; want 30m of 2026 local time", u.Live, r.Months[0])
	}
}

func findCamera(t *testing.T, r CouncilReport, id string) CameraUse {
	t.Helper()
	for _, c := range r.Cameras {
		if c.Camera.ID == id {
			return c
		}
	}
	t.Fatalf("camera %s not in the report", id)
	return CameraUse{}
}

// yearOfUse is a year with one of everything the council is told about.
func yearOfUse(t *testing.T) *trailLog {
	l := newLog(t)
	l.start(day(2026, 2, 10, 8, 0), "cam01", "v1", "operational")
	l.stop(day(2026, 2, 10, 12, 0), "cam01", "v1", 4*time.Hour, "")
	l.start(day(2026, 6, 20, 14, 0), "cam02", "v2", "event")
	l.stop(day(2026, 6, 20, 20, 0), "cam02", "v2", 6*time.Hour, "")
	l.start(day(2026, 9, 3, 10, 0), "drone1", "v3", "emergency")
	l.stop(day(2026, 9, 3, 11, 15), "drone1", "v3", 75*time.Minute, "")
	l.start(day(2026, 11, 5, 9, 0), "anpr01", "v4", "operational")
	l.stop(day(2026, 11, 5, 9, 30), "anpr01", "v4", 30*time.Minute, "")
	// Playbacks: one allowed with its stop, one refused.
	l.add(day(2026, 3, 1, 9, 0), "ivo", "camera:cam01", "judicial", audit.OutcomeAllowed,
		trail.Playback{Playback: "p1", Cameras: []string{"cam01"}, At: day(2026, 2, 28, 22, 0)})
	l.add(day(2026, 3, 1, 9, 20), "ivo", "camera:cam01", "judicial", audit.OutcomeAllowed,
		trail.PlaybackStop{Playback: "p1", Cameras: []string{"cam01"}, Duration: trail.Duration(20 * time.Minute)})
	l.add(day(2026, 3, 2, 9, 0), "gina", "camera:cam01", "operational", audit.OutcomeDenied,
		trail.Playback{Playback: "p2", Cameras: []string{"cam01"}, At: day(2025, 12, 1, 0, 0)})
	// An export: decision, then outcome; a failed one counts nothing.
	ex := trail.Export{Cameras: []string{"cam01", "cam02"}, From: day(2026, 3, 1, 0, 0), To: day(2026, 3, 1, 1, 0), Case: "PV 12/2026"}
	l.add(day(2026, 3, 4, 10, 0), "ivo", "export:PV 12/2026", "judicial", audit.OutcomeAllowed, ex)
	done := ex
	done.Done, done.Folder = true, "/exports/x"
	l.add(day(2026, 3, 4, 10, 5), "ivo", "export:PV 12/2026", "judicial", audit.OutcomeAllowed, done)
	failed := ex
	failed.Done, failed.Failed = true, "disk full"
	l.add(day(2026, 3, 5, 10, 0), "ivo", "export:PV 12/2026", "judicial", audit.OutcomeAllowed, ex)
	l.add(day(2026, 3, 5, 10, 1), "ivo", "export:PV 12/2026", "judicial", audit.OutcomeAllowed, failed)
	// Searches: one on a camera (decision and result), one zone-wide.
	s := trail.ANPRSearch{Pattern: "1AB?1*", Cameras: []string{"anpr01"}}
	l.add(day(2026, 4, 1, 10, 0), "ivo", "plate:1AB?1*", "judicial", audit.OutcomeAllowed, s)
	s.Done, s.Results = true, 3
	l.add(day(2026, 4, 1, 10, 0), "ivo", "plate:1AB?1*", "judicial", audit.OutcomeAllowed, s)
	l.add(day(2026, 4, 2, 10, 0), "ivo", "plate:*", "administrative", audit.OutcomeAllowed, trail.ANPRSearch{Pattern: "*"})
	// A round run over cam01 and cam02.
	l.add(day(2026, 5, 1, 22, 0), "ann", "round:Stationsbuurt", "virtual_patrol", audit.OutcomeAllowed, trail.RoundStart{Run: "r1", Steps: 2})
	l.add(day(2026, 5, 1, 22, 1), "ann", "round:Stationsbuurt", "virtual_patrol", audit.OutcomeAllowed,
		trail.RoundStop{Run: "r1", End: "completed", StepsRun: 2, Duration: trail.Duration(40 * time.Second)})
	// Last year's playback is not this year's.
	l.add(day(2025, 12, 30, 10, 0), "ivo", "camera:cam02", "judicial", audit.OutcomeAllowed,
		trail.Playback{Playback: "p0", Cameras: []string{"cam02"}, At: day(2025, 12, 29, 0, 0)})
	return l
}

func TestCouncilCounts(t *testing.T) {
	cams, rounds := testZone()
	r, err := Council(CouncilInput{Year: 2026, Zone: "PZ Kanton Borgloon", Cameras: cams, Rounds: rounds, Entries: yearOfUse(t).es})
	if err != nil {
		t.Fatal(err)
	}
	c1, c2, a1 := findCamera(t, r, "cam01"), findCamera(t, r, "cam02"), findCamera(t, r, "anpr01")
	checks := []struct {
		what      string
		got, want int
	}{
		{"cam01 playbacks (refused one not counted)", c1.Playbacks, 1},
		{"cam01 denied", c1.Denied, 1},
		{"cam01 exports (failed not counted)", c1.Exports, 1},
		{"cam02 exports", c2.Exports, 1},
		{"cam02 playbacks (last year's not counted)", c2.Playbacks, 0},
		{"anpr01 searches", a1.Searches, 1},
		{"zone-wide searches", r.ZoneSearches, 1},
		{"total searches", r.Total.Searches, 2},
		{"cam01 rounds", c1.Rounds, 1},
		{"cam02 rounds", c2.Rounds, 1},
		{"anpr01 rounds", a1.Rounds, 0},
		{"cam01 judicial grounds (playback, export)", c1.Justifications[policy.JustJudicial], 2},
		{"cam01 operational grounds (live)", c1.Justifications[policy.JustShift], 1},
		{"cam02 event grounds", c2.Justifications[policy.JustEvent], 1},
		{"total judicial (playback, 2 exported cameras, search)", r.Total.Justifications[policy.JustJudicial], 4},
		{"total administrative (zone search)", r.Total.Justifications[policy.JustAdmin], 1},
		{"drone flights", len(r.Drone), 1},
		{"rounds listed", len(r.Rounds), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Council: %s = %d, want %d", c.what, c.got, c.want)
		}
	}
	if c1.PlaybackTime != 20*time.Minute {
		t.Errorf("cam01 playback time %v, want 20m", c1.PlaybackTime)
	}
	if rd := r.Rounds[0]; rd.Name != "Stationsbuurt" || rd.Runs != 1 || rd.StepsRun != 2 || rd.Duration != 40*time.Second {
		t.Errorf("round %+v", rd)
	}
	if d := r.Drone[0]; d.Camera != "drone1" || d.Kind != policy.JustEmergency || d.End.Sub(d.Start) != 75*time.Minute {
		t.Errorf("drone deployment %+v", d)
	}
	kinds := map[string]KindUse{}
	for _, k := range r.Kinds {
		kinds[string(k.Kind)] = k
	}
	if k := kinds["fixed"]; k.Cameras != 2 || k.Live != 10*time.Hour || k.Exports != 2 {
		t.Errorf("fixed kind: %d cameras, %v live, %d exports; want 2, 10h, 2", k.Cameras, k.Live, k.Exports)
	}
	if k := kinds["drone"]; k.Live != 75*time.Minute {
		t.Errorf("drone kind live %v", k.Live)
	}
}

func TestCouncilCSV(t *testing.T) {
	cams, rounds := testZone()
	cams[1].Name = "=cmd|' /C calc'!A0" // a name a spreadsheet would run
	r, err := Council(CouncilInput{Year: 2026, Cameras: cams, Rounds: rounds, Entries: yearOfUse(t).es})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(cams) {
		t.Fatalf("%d rows, want a header and %d cameras", len(rows), len(cams))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := map[string]string{"camera_id": "cam01", "kind": "fixed", "live_hours": "4.000", "live_views": "1",
		"playbacks": "1", "playback_hours": "0.333", "exports": "1", "rounds": "1", "denied": "1",
		"just_judicial": "2", "just_operational": "1", "just_other": "0"}
	for k, v := range want {
		i, ok := col[k]
		if !ok {
			t.Errorf("no column %s in %v", k, rows[0])
			continue
		}
		if rows[1][i] != v {
			t.Errorf("cam01 %s = %q, want %q", k, rows[1][i], v)
		}
	}
	if got := rows[2][col["camera_name"]]; !strings.HasPrefix(got, "'=") {
		t.Errorf("formula-like name written as %q", got)
	}
}
