package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/sim"
)

// testRound is a round of the simulated zone with a 1 s dwell per camera.
func testRound(name string, cams ...string) Round {
	r := Round{Name: name, Area: "Testgebied"}
	for _, id := range cams {
		r.Steps = append(r.Steps, RoundStep{Cameras: []string{id}, Dwell: Duration{time.Second}})
	}
	return r
}

// saveTestRound stores r as the team chief would.
func saveTestRound(t *testing.T, c *Console, r Round) {
	t.Helper()
	chief := login(t, c, "teamchef")
	if err := c.SaveRound(context.Background(), chief, "", r); err != nil {
		t.Fatalf("SaveRound(%s): %v", r.Name, err)
	}
	if err := c.Logout(context.Background(), chief); err != nil {
		t.Fatal(err)
	}
}

func startRound(t *testing.T, c *Console, s *Session, name string, opts RoundOptions) *RoundRun {
	t.Helper()
	run, err := c.StartRound(context.Background(), s, name, "", opts)
	if err != nil {
		t.Fatalf("StartRound(%s) by %s: %v", name, s.User.Name, err)
	}
	t.Cleanup(run.Stop)
	return run
}

func waitEnded(t *testing.T, run *RoundRun, within time.Duration) RoundState {
	t.Helper()
	select {
	case <-run.Done():
	case <-time.After(within):
		t.Fatalf("round did not end within %s (state %+v)", within, run.State())
	}
	if err := run.Err(); err != nil {
		t.Fatalf("round report: %v", err)
	}
	return run.State()
}

// waitStep waits until the run shows step idx.
func waitStep(t *testing.T, run *RoundRun, idx int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		st := run.State()
		if st.Step == idx && len(st.Slots) > 0 && !st.Ended {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("round never reached step %d (state %+v)", idx, run.State())
}

func reportOf(t *testing.T, c *Console, run *RoundRun) RoundReport {
	t.Helper()
	// The DPO reads it: a review right that supervises no guard.
	ctx := context.Background()
	dpo := login(t, c, "dpo")
	defer c.Logout(ctx, dpo)
	rep, err := c.RoundReport(ctx, dpo, run.ID)
	if err != nil {
		t.Fatalf("report of run %s: %v", run.ID, err)
	}
	return rep
}

func TestRoundRunsToEndWithOneAuditedViewPerCamera(t *testing.T) {
	c := openTestConsole(t)
	saveTestRound(t, c, testRound("Testronde", "cam01", "cam02", "cam03", "cam04"))
	s := login(t, c, "dispatcher")
	start := time.Now()
	run := startRound(t, c, s, "Testronde", RoundOptions{})
	st := waitEnded(t, run, 30*time.Second)
	if st.EndReason != RoundCompleted {
		t.Fatalf("end reason %q, want %q", st.EndReason, RoundCompleted)
	}
	if took := time.Since(start); took < 4*time.Second || took > 12*time.Second {
		t.Errorf("4 steps of 1 s took %s", took)
	}

	starts, stops := entries(t, c, audit.ActLiveStart), entries(t, c, audit.ActLiveStop)
	views := map[string]string{}
	for _, e := range starts {
		if e.JustKind != string(JustRound) || e.JustRef != "Testronde" || e.Outcome != audit.OutcomeAllowed {
			t.Errorf("live.start not under the round's justification: %+v", e)
		}
		views[viewIn(e.Detail)] = e.Subject
	}
	if len(starts) != 4 || len(views) != 4 {
		t.Fatalf("%d live.start entries (%d views), want one per camera shown (4)", len(starts), len(views))
	}
	for _, e := range stops {
		if subj, ok := views[viewIn(e.Detail)]; !ok || subj != e.Subject || e.JustRef != "Testronde" {
			t.Errorf("live.stop %+v matches no live.start", e)
		}
		delete(views, viewIn(e.Detail))
	}
	if len(views) != 0 {
		t.Errorf("views never stopped: %v", views)
	}
	rs := entries(t, c, audit.ActRoundStart)
	if len(rs) != 1 || rs[0].Subject != "round:Testronde" || rs[0].Outcome != audit.OutcomeAllowed || rs[0].JustKind != string(JustRound) {
		t.Errorf("round.start = %+v", rs)
	}
	re := entries(t, c, audit.ActRoundStop)
	if len(re) != 1 || !strings.Contains(re[0].Detail, `"end":"completed"`) || !strings.Contains(re[0].Detail, `"seen":4`) {
		t.Errorf("round.stop = %+v", re)
	}

	rep := reportOf(t, c, run)
	if rep.User != "dispatcher" || rep.Round != "Testronde" || rep.Why.Kind != JustRound || rep.EndReason != RoundCompleted ||
		len(rep.Visits) != 4 || rep.Ended.IsZero() {
		t.Fatalf("report = %+v", rep)
	}
	for i, v := range rep.Visits {
		if v.Status != VisitSeen || v.Step != i || v.Planned != time.Second || v.Actual < time.Second || v.FirstFrame < 0 ||
			v.Camera != fmt.Sprintf("cam%02d", i+1) {
			t.Errorf("visit %d = %+v", i, v)
		}
	}
}

// viewIn is the view id a live.start or live.stop detail names.
func viewIn(detail string) string {
	var d struct {
		View string `json:"view"`
	}
	json.Unmarshal([]byte(detail), &d)
	return d.View
}

func TestRoundPauseNextPreviousExtendStop(t *testing.T) {
	c := openTestConsole(t)
	saveTestRound(t, c, testRound("Bediening", "cam01", "cam02", "cam03"))
	s := login(t, c, "dispatcher")
	run := startRound(t, c, s, "Bediening", RoundOptions{SubStream: true})
	waitStep(t, run, 0)
	// Look-ahead: step 2's camera is connected already, yet nobody looks at
	// it, so it is no audited view.
	if n := c.pool.Len(); n != 2 {
		t.Errorf("pool holds %d sources during step 1, want 2 (shown + pre-warmed)", n)
	}
	if n := len(entries(t, c, audit.ActLiveStart)); n != 1 {
		t.Errorf("%d live.start entries during step 1: the pre-warmed camera must not be a view", n)
	}
	run.Pause()
	time.Sleep(1500 * time.Millisecond)
	if st := run.State(); st.Step != 0 || !st.Paused || st.Elapsed >= time.Second {
		t.Fatalf("paused run moved on: %+v", st)
	}
	run.Extend(2 * time.Second)
	run.Resume()
	time.Sleep(300 * time.Millisecond)
	if st := run.State(); st.Step != 0 || st.Paused || st.Dwell != 3*time.Second {
		t.Fatalf("after extend and resume: step %d paused %v dwell %s", st.Step, st.Paused, st.Dwell)
	}
	run.Next()
	waitStep(t, run, 1)
	run.Previous()
	waitStep(t, run, 0)
	run.Next()
	waitStep(t, run, 1)
	run.Stop()
	st := waitEnded(t, run, 10*time.Second)
	if st.EndReason != RoundStopped {
		t.Fatalf("end reason %q, want stopped", st.EndReason)
	}
	rep := reportOf(t, c, run)
	var steps []int
	for _, v := range rep.Visits {
		steps = append(steps, v.Step)
	}
	if fmt.Sprint(steps) != "[0 1 0 1]" || fmt.Sprint(rep.NotReached()) != "[2]" {
		t.Fatalf("visited steps %v, not reached %v; want [0 1 0 1] and [2]", steps, rep.NotReached())
	}
	if v := rep.Visits[0]; v.Extended != 2*time.Second || v.Actual < 1500*time.Millisecond {
		t.Errorf("first visit = %+v, want 2 s extension and the pause in its actual dwell", v)
	}
	if n := len(entries(t, c, audit.ActLiveStart)); n != 4 {
		t.Errorf("%d live.start entries for 4 step visits", n)
	}
	if n := len(entries(t, c, audit.ActLiveStop)); n != 4 {
		t.Errorf("%d live.stop entries for 4 step visits", n)
	}
	re := entries(t, c, audit.ActRoundStop)
	if len(re) != 1 || !strings.Contains(re[0].Detail, `"end":"stopped"`) {
		t.Errorf("round.stop = %+v", re)
	}
}

func TestRoundSkipsCameraLostMidRound(t *testing.T) {
	c := openTestConsole(t)
	saveTestRound(t, c, testRound("Verlies", "cam01", "cam02", "cam03"))
	s := login(t, c, "dispatcher")
	run := startRound(t, c, s, "Verlies", RoundOptions{SubStream: true})
	waitStep(t, run, 0)
	// cam02 is being pre-connected for step 2 now; the simulator kills it.
	if err := simOf(c).SetFault("cam02", sim.FaultStop); err != nil {
		t.Fatal(err)
	}
	st := waitEnded(t, run, 30*time.Second)
	if st.EndReason != RoundCompleted {
		t.Fatalf("end reason %q: a lost camera must not end the round", st.EndReason)
	}
	rep := reportOf(t, c, run)
	got := map[string]VisitStatus{}
	for _, v := range rep.Visits {
		got[v.Camera] = v.Status
	}
	if got["cam01"] != VisitSeen || got["cam02"] != VisitLost || got["cam03"] != VisitSeen {
		t.Fatalf("visits %v; want cam02 lost and the others seen", got)
	}
	for _, v := range rep.Visits {
		if v.Camera == "cam02" && (v.Actual > 5*time.Second || v.FirstFrame >= 0) {
			t.Errorf("lost camera held the round: %+v", v)
		}
	}
}

func TestRoundRoles(t *testing.T) {
	c := openTestConsole(t)
	ctx := context.Background()
	for _, name := range []string{"bewaker", "dpo", "beheerder", "recherche"} {
		s := login(t, c, name)
		run, err := c.StartRound(ctx, s, "Stationsbuurt", "", RoundOptions{})
		var denied *DeniedError
		if run != nil || !errors.As(err, &denied) {
			t.Fatalf("%s: StartRound = %v, %v; want a denial", name, run, err)
		}
		want := CodeRoleNotPermitted
		if name == "bewaker" {
			want = CodeGuardWithoutSupervisor
		}
		if denied.Decision.Code != want {
			t.Errorf("%s: denied with %s, want %s", name, denied.Decision.Code, want)
		}
	}
	chief := login(t, c, "teamchef")
	guard := login(t, c, "bewaker")
	run := startRound(t, c, guard, "Stationsbuurt", RoundOptions{SubStream: true})
	waitStep(t, run, 0)
	// The team chief leaves the room: the guard's run ends at once.
	if err := c.Logout(ctx, chief); err != nil {
		t.Fatal(err)
	}
	st := waitEnded(t, run, 10*time.Second)
	if st.EndReason != CodeGuardWithoutSupervisor {
		t.Errorf("guard's run ended with %q, want %q", st.EndReason, CodeGuardWithoutSupervisor)
	}
	var denied, allowed int
	for _, e := range entries(t, c, audit.ActRoundStart) {
		if e.Outcome == audit.OutcomeDenied {
			denied++
		} else {
			allowed++
		}
	}
	if denied != 4 || allowed != 1 {
		t.Errorf("round.start: %d denied, %d allowed; want 4 and 1", denied, allowed)
	}
}

func TestRoundObservationInReportAndExports(t *testing.T) {
	c := openTestConsole(t)
	saveTestRound(t, c, testRound("Vaststelling", "cam01", "cam02"))
	s := login(t, c, "dispatcher")
	run := startRound(t, c, s, "Vaststelling", RoundOptions{SubStream: true})
	waitStep(t, run, 0)
	run.Pause()
	o, err := run.Observe(context.Background(), "", "verdachte persoon aan de fietsenstalling")
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	if o.Camera != "cam01" || o.Snapshot == "" {
		t.Fatalf("observation = %+v", o)
	}
	b, err := os.ReadFile(filepath.Join(c.cfg.DataDir, o.Snapshot))
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 640 {
		t.Fatalf("snapshot: %v, %v", img.Bounds(), err)
	}
	if _, err := run.Observe(context.Background(), "", "bad\x00note"); err == nil {
		t.Error("a note with control characters was taken")
	}
	run.Resume()
	waitEnded(t, run, 20*time.Second)

	obs := entries(t, c, audit.ActObservation)
	if len(obs) != 1 || obs[0].Subject != "camera:cam01" || obs[0].JustRef != "Vaststelling" || !strings.Contains(obs[0].Detail, "fietsenstalling") {
		t.Fatalf("observation entries = %+v", obs)
	}
	chief := login(t, c, "teamchef")
	reps, err := c.RoundReports(context.Background(), chief, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(reps) != 1 || len(reps[0].Obs) != 1 || reps[0].Obs[0].Note != o.Note {
		t.Fatalf("RoundReports = %+v, %v", reps, err)
	}
	var csvOut, htmlOut bytes.Buffer
	from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if err := c.ExportRoundReports(context.Background(), chief, from, to, ExportCSV, &csvOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvOut.String(), "observation") || strings.Count(csvOut.String(), ",visit,") != 2 {
		t.Errorf("CSV export:\n%s", csvOut.String())
	}
	if err := c.ExportRoundReports(context.Background(), chief, from, to, ExportHTML, &htmlOut); err != nil {
		t.Fatal(err)
	}
	h := htmlOut.String()
	if !strings.Contains(h, "data:image/jpeg;base64,") || !strings.Contains(h, "fietsenstalling") || !strings.Contains(h, `class="bad"`) {
		t.Errorf("HTML export lacks the snapshot, the note or the not-looked-at cameras")
	}
	// Coverage: the round's two cameras were seen; cam03 and cam04 (the
	// shipped Winkelstraten round) were not looked at in the period.
	cov, err := c.RoundCoverage(context.Background(), chief, from, to)
	if err != nil {
		t.Fatal(err)
	}
	flag := map[string]bool{}
	for _, cc := range cov.Cameras {
		flag[cc.Camera.ID] = cc.NotSeen
		if (cc.Camera.ID == "cam01" || cc.Camera.ID == "cam02") && cc.Last.IsZero() {
			t.Errorf("%s: no last patrol time", cc.Camera.ID)
		}
	}
	if flag["cam01"] || flag["cam02"] || !flag["cam03"] || !flag["cam04"] || cov.Runs != 1 {
		t.Errorf("coverage not-seen flags %v, runs %d", flag, cov.Runs)
	}
	// The dispatcher may not read the reports.
	if _, err := c.RoundReports(context.Background(), s, from, to); err == nil {
		t.Error("a dispatcher read the round reports")
	}
}

func TestRoundEditRightsValidationAndAudit(t *testing.T) {
	c := openTestConsole(t)
	ctx := context.Background()
	disp := login(t, c, "dispatcher")
	if err := c.SaveRound(ctx, disp, "", testRound("X", "cam01")); err == nil {
		t.Fatal("a dispatcher edited a round")
	}
	admin := login(t, c, "beheerder")
	for _, tc := range []struct {
		name string
		r    Round
	}{
		{"no name", testRound("", "cam01")},
		{"unknown camera", testRound("Y", "cam99")},
		{"no steps", Round{Name: "Y"}},
		{"five cameras", Round{Name: "Y", Steps: []RoundStep{{Cameras: []string{"cam01", "cam02", "cam03", "cam04", "cam01"}, Dwell: Duration{time.Second}}}}},
		{"zero dwell", Round{Name: "Y", Steps: []RoundStep{{Cameras: []string{"cam01"}}}}},
		{"preset on fixed camera", Round{Name: "Y", Steps: []RoundStep{{Cameras: []string{"cam01"}, Dwell: Duration{time.Second}, Preset: "p1"}}}},
		{"duplicate name", testRound("Stationsbuurt", "cam01")},
	} {
		if err := c.SaveRound(ctx, admin, "", tc.r); err == nil {
			t.Errorf("%s: SaveRound accepted %+v", tc.name, tc.r)
		}
	}
	if err := c.SaveRound(ctx, admin, "", testRound("Nacht", "cam01", "cam02")); err != nil {
		t.Fatal(err)
	}
	if err := c.SaveRound(ctx, admin, "Nacht", testRound("Nachtleven", "cam02", "cam03", "cam04")); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRound(ctx, admin, "Winkelstraten"); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Rounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
	}
	if fmt.Sprint(names) != "[Stationsbuurt Nachtleven]" {
		t.Fatalf("rounds after edits: %v", names)
	}
	var details []string
	for _, e := range entries(t, c, audit.ActRoundEdit) {
		details = append(details, e.User+" "+string(e.Outcome)+" "+e.Subject+" "+e.Detail)
	}
	want := []string{
		`dispatcher denied round:X {"op":"create"`,
		`beheerder allowed round:Nacht {"op":"create","change":"","steps":2`,
		`beheerder allowed round:Nachtleven {"op":"update","change":"name \"Nacht\"->\"Nachtleven\" steps 2->3 +cam03 +cam04 -cam01 dwell 2s->3s"`,
		`beheerder allowed round:Winkelstraten {"op":"delete"`,
	}
	if len(details) != len(want) {
		t.Fatalf("round.edit entries:\n%s", strings.Join(details, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(details[i], want[i]) {
			t.Errorf("round.edit %d = %q, want prefix %q", i, details[i], want[i])
		}
	}
	// The edits of the simulated zone survive a restart of the console.
	rs2, _, err := ListRounds(ctx, c.cfg.DataDir, "")
	if err != nil || len(rs2) != 2 || rs2[1].Name != "Nachtleven" {
		t.Fatalf("ListRounds after edits = %+v, %v", rs2, err)
	}
}

func TestRoundEditWritesZoneFile(t *testing.T) {
	dir := t.TempDir()
	z := Zone{Name: "PZ Test", Room: "r1", Cameras: []Camera{
		{ID: "a", Name: "A", Kind: KindFixed, Owner: OwnerPolice, MainURL: "rtsp://127.0.0.1:1/a"},
		{ID: "b", Name: "B", Kind: KindPTZVan, Owner: OwnerPolice, MainURL: "rtsp://127.0.0.1:1/b", PTZ: true},
	}}
	path := filepath.Join(dir, "zone.toml")
	if err := SaveZone(path, z); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Open(ctx, Config{DataDir: filepath.Join(dir, "data"), Zone: z, ZonePath: path, Console: "t", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.users.Add(ctx, User{Name: "chef", Role: RoleTeamChief}, "lange-wachtzin-voor-ronde-2026"); err != nil {
		t.Fatal(err)
	}
	s, err := c.Login(ctx, "chef", "lange-wachtzin-voor-ronde-2026")
	if err != nil {
		t.Fatal(err)
	}
	r := Round{Name: "Ronde", Area: "Centrum", Steps: []RoundStep{
		{Cameras: []string{"a"}, Dwell: Duration{20 * time.Second}},
		{Cameras: []string{"b"}, Dwell: Duration{30 * time.Second}, Preset: "kruispunt"},
	}}
	if err := c.SaveRound(ctx, s, "", r); err != nil {
		t.Fatal(err)
	}
	back, err := LoadZone(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Rounds) != 1 || back.Rounds[0].Steps[1].Preset != "kruispunt" || back.Rounds[0].TotalDwell() != 50*time.Second {
		t.Fatalf("zone file rounds = %+v", back.Rounds)
	}
	rs, ok, err := ListRounds(ctx, c.cfg.DataDir, path)
	if err != nil || !ok || len(rs) != 1 {
		t.Fatalf("ListRounds = %v, %v, %v", rs, ok, err)
	}
}

func TestRoundObservationSendsNearestPatrol(t *testing.T) {
	c := openTestConsole(t)
	ctx := context.Background()
	if err := c.StartPatrols(ctx, PatrolConfig{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(unitsOf(c)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no patrol positions from the simulated feed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	saveTestRound(t, c, testRound("Patrouille", "cam02"))
	s := login(t, c, "dispatcher")
	run := startRound(t, c, s, "Patrouille", RoundOptions{SubStream: true})
	waitStep(t, run, 0)
	run.Pause()
	o, err := run.Observe(ctx, "", "inbraak bezig")
	if err != nil {
		t.Fatal(err)
	}
	a, err := run.SendPatrol(ctx, o)
	if err != nil {
		t.Fatalf("SendPatrol: %v", err)
	}
	if a.Unit.CallSign == "" || a.Unit.Status != PatrolEnRoute {
		t.Fatalf("assignment = %+v", a)
	}
	run.Stop()
	rep := reportOf(t, c, run)
	if len(rep.Obs) != 1 || rep.Obs[0].Unit != a.Unit.CallSign {
		t.Fatalf("report observations = %+v, want unit %s", rep.Obs, a.Unit.CallSign)
	}
	ds := entries(t, c, audit.ActDispatch)
	if len(ds) != 1 || ds[0].Subject != "camera:cam02" || !strings.Contains(ds[0].Detail, "inbraak bezig") {
		t.Errorf("dispatch entries = %+v", ds)
	}
}

func TestRoundSkipsSilentCameraAfterTimeout(t *testing.T) {
	c := openTestConsole(t)
	saveTestRound(t, c, testRound("Stil", "cam01", "cam02", "cam03"))
	// cam02 answers but sends no picture: it must be skipped after the
	// frame timeout, not hold the round for its dwell or longer.
	if err := simOf(c).SetFault("cam02", sim.FaultStall); err != nil {
		t.Fatal(err)
	}
	s := login(t, c, "dispatcher")
	run := startRound(t, c, s, "Stil", RoundOptions{SubStream: true, FrameTimeout: 1500 * time.Millisecond})
	st := waitEnded(t, run, 30*time.Second)
	if st.EndReason != RoundCompleted {
		t.Fatalf("end reason %q", st.EndReason)
	}
	rep := reportOf(t, c, run)
	for _, v := range rep.Visits {
		want := VisitSeen
		if v.Camera == "cam02" {
			want = VisitLost
			if v.Actual > 2500*time.Millisecond {
				t.Errorf("silent camera held its step %s", v.Actual)
			}
		}
		if v.Status != want {
			t.Errorf("%s: %s, want %s", v.Camera, v.Status, want)
		}
	}
}
