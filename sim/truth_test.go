package sim

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/plate"
)

// rel is a passage with its time relative to the zone's epoch, the form in
// which two runs with one seed must agree.
type rel struct {
	cam, plate, display, country string
	at                           time.Duration
}

func scheduled(seed int64, cam string, until time.Duration) []rel {
	s := newSchedule(seed, cam, sceneANPR)
	var out []rel
	for _, e := range s.passagesUntil(until) {
		out = append(out, rel{cam, e.plate.Norm, e.plate.Display, e.plate.Country, e.best()})
	}
	return out
}

func TestScheduleDeterministic(t *testing.T) {
	a := scheduled(42, "cam03", 10*time.Minute)
	b := scheduled(42, "cam03", 10*time.Minute)
	c := scheduled(43, "cam03", 10*time.Minute)
	if len(a) < 60 {
		t.Fatalf("only %d passages in 10 min", len(a))
	}
	if len(a) != len(b) {
		t.Fatalf("same seed: %d vs %d passages", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, passage %d: %+v vs %+v", i, a[i], b[i])
		}
	}
	same := 0
	for i := 0; i < min(len(a), len(c)); i++ {
		if a[i].plate == c[i].plate {
			same++
		}
	}
	if same > len(a)/10 {
		t.Errorf("seeds 42 and 43 share %d of %d plates", same, len(a))
	}
	// Asking in small steps gives the same answer as asking once.
	s := newSchedule(42, "cam03", sceneANPR)
	var stepped []rel
	for t := time.Duration(0); t <= 10*time.Minute; t += 700 * time.Millisecond {
		for _, e := range s.passagesUntil(t) {
			stepped = append(stepped, rel{"cam03", e.plate.Norm, e.plate.Display, e.plate.Country, e.best()})
		}
	}
	if len(stepped) != len(a) || (len(a) > 0 && stepped[len(a)-1] != a[len(a)-1]) {
		t.Errorf("stepped schedule differs: %d vs %d passages", len(stepped), len(a))
	}
	countries := map[string]int{}
	for _, p := range a {
		countries[p.country]++
		if p.plate != plate.Normalize(p.display) {
			t.Errorf("plate %q is not Normalize(%q)", p.plate, p.display)
		}
	}
	if countries["BE"] < len(a)/2 || len(countries) < 3 {
		t.Errorf("country mix %v", countries)
	}
}

func TestGroundTruthFile(t *testing.T) {
	t.Parallel() // mostly waiting for the scene clock
	path := filepath.Join(t.TempDir(), "sim", "truth.jsonl")
	z := startZone(t, Config{Cameras: 4, Seed: 7, TruthPath: path})
	if !waitFor(15*time.Second, func() bool { return len(z.Passages()) >= 2 }) {
		t.Fatalf("only %d passages after 15 s", len(z.Passages()))
	}
	got := z.Passages()
	// The zone's passages are the schedule's, at the same times after the epoch.
	until := got[len(got)-1].Time.Sub(z.Epoch())
	want := map[rel]bool{}
	for _, cam := range []string{"cam03", "cam04"} {
		for _, r := range scheduled(7, cam, until+time.Millisecond) {
			r.at = r.at.Round(time.Millisecond)
			want[r] = true
		}
	}
	for _, p := range got {
		r := rel{p.Camera, p.Plate, p.Display, p.Country, p.Time.Sub(z.Epoch()).Round(time.Millisecond)}
		if !want[r] {
			t.Errorf("passage %+v not in the schedule for seed 7", p)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []Passage
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p Passage
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("line %d: %v", len(lines)+1, err)
		}
		lines = append(lines, p)
	}
	all := z.Passages()
	if len(lines) != len(all) {
		t.Fatalf("file has %d passages, Passages() %d", len(lines), len(all))
	}
	for i := range lines {
		if !lines[i].Time.Equal(all[i].Time) || lines[i].Plate != all[i].Plate || lines[i].Camera != all[i].Camera {
			t.Errorf("line %d = %+v, want %+v", i+1, lines[i], all[i])
		}
	}
}

func TestInject(t *testing.T) {
	t.Parallel() // mostly waiting for the scene clock
	z := startZone(t, Config{Cameras: 3})
	want, err := z.Inject("cam03", "1-XYZ-987", "BE")
	if err != nil {
		t.Fatal(err)
	}
	if want.Plate != "1XYZ987" {
		t.Errorf("Inject plate = %q", want.Plate)
	}
	if d := time.Until(want.Time); d < 0 || d > 20*time.Second {
		t.Fatalf("injected passage at %v, %v from now", want.Time, d)
	}
	if _, err := z.Inject("cam01", "1-XYZ-987", "BE"); err == nil {
		t.Error("Inject on a camera without ANPR: no error")
	}
	if !waitFor(time.Until(want.Time)+2*time.Second, func() bool {
		for _, p := range z.Passages() {
			if p == want {
				return true
			}
		}
		return false
	}) {
		t.Fatalf("injected passage %+v never logged", want)
	}
}
