package rounds

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// Visit is one camera of one step as it was run.
type Visit struct {
	Seq      int // order of the step visit in the run (a step gone back to is visited again)
	Step     int // 0-based step of the round
	Camera   string
	ViewID   string
	Status   VisitStatus
	Planned  time.Duration // the round's dwell
	Extended time.Duration // added by the user
	Actual   time.Duration // from the step's start to its end, pauses included
	// FirstFrame is the time from the step's start to the camera's first
	// frame; negative when none came.
	FirstFrame time.Duration
	LostDuring bool
	Started    time.Time
	Ended      time.Time
}

// Report is the visit report of one run.
type Report struct {
	RunID     string
	Round     string
	Area      string
	User      string
	Role      policy.Role
	Console   string
	Why       policy.Reason
	Steps     int
	Plan      [][]string // each step's cameras
	Started   time.Time
	Ended     time.Time // zero while running
	EndReason string
	Visits    []Visit
	Obs       []Observation
}

// NotReached lists the steps (0-based) the run never showed.
func (rep Report) NotReached() []int {
	var out []int
	for i := 0; i < rep.Steps; i++ {
		if !slices.ContainsFunc(rep.Visits, func(v Visit) bool { return v.Step == i }) {
			out = append(out, i)
		}
	}
	return out
}

// Seen lists the cameras a frame of which reached the screen.
func (rep Report) Seen() []string {
	var out []string
	for _, v := range rep.Visits {
		if v.Status == VisitSeen && !slices.Contains(out, v.Camera) {
			out = append(out, v.Camera)
		}
	}
	return out
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func encodePlan(r zone.Round) string {
	parts := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		parts[i] = strings.Join(s.Cameras, ",")
	}
	return strings.Join(parts, "|")
}

func decodePlan(s string) [][]string {
	if s == "" {
		return nil
	}
	var out [][]string
	for _, p := range strings.Split(s, "|") {
		out = append(out, strings.Split(p, ","))
	}
	return out
}

func (r *Run) insertRun(ctx context.Context) error {
	u := r.sess.User
	_, err := r.db.ExecContext(ctx, `INSERT INTO runs(id, round, area, user, role, console, just_kind, just_ref, just_text,
		steps, plan, started) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`, r.ID, r.round.Name, r.round.Area, u.Name, string(u.Role),
		r.sess.Console, string(r.why.Kind), r.why.Ref, r.why.Text, len(r.round.Steps), encodePlan(r.round), nanos(r.started))
	if err != nil {
		return fmt.Errorf("round report %s: %w", r.ID, err)
	}
	return nil
}

func (r *Run) insertVisits(seq int, st *stepRun, actual time.Duration, ended time.Time) error {
	tx, err := r.db.Begin()
	if err != nil {
		return fmt.Errorf("round report %s: %w", r.ID, err)
	}
	defer tx.Rollback()
	for _, sl := range st.slots {
		viewID := ""
		if sl.view != nil {
			viewID = sl.view.ID
		}
		first := int64(-1)
		if sl.first >= 0 {
			first = sl.first.Milliseconds()
		}
		lost := 0
		if sl.lostDuring {
			lost = 1
		}
		if _, err := tx.Exec(`INSERT INTO visits(run_id, seq, step, camera, view_id, status, planned_ms, extended_ms,
			actual_ms, first_ms, lost_during, started, ended) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			r.ID, seq, st.idx, sl.cam.ID, viewID, string(sl.status), st.dwell.Milliseconds(), st.extended.Milliseconds(),
			actual.Milliseconds(), first, lost, nanos(st.started), nanos(ended)); err != nil {
			return fmt.Errorf("round report %s: %w", r.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("round report %s: %w", r.ID, err)
	}
	return nil
}

func (r *Run) insertObservation(ctx context.Context, o Observation) error {
	_, err := r.db.ExecContext(ctx, `INSERT INTO observations(run_id, seq, step, camera, time, user, note, snapshot)
		VALUES(?,?,?,?,?,?,?,?)`, o.RunID, o.Seq, o.Step, o.Camera, nanos(o.Time), o.User, o.Note, o.Snapshot)
	if err != nil {
		return fmt.Errorf("round report %s: observation: %w", r.ID, err)
	}
	return nil
}

// endRun closes the report and counts the cameras seen and lost.
func (r *Run) endRun(reason string) (seen, lost int, err error) {
	if _, err := r.db.Exec(`UPDATE runs SET ended = ?, end_reason = ? WHERE id = ?`, nanos(r.c.now()), reason, r.ID); err != nil {
		return 0, 0, fmt.Errorf("round report %s: %w", r.ID, err)
	}
	err = r.db.QueryRow(`SELECT COALESCE(SUM(status = 'seen'), 0), COALESCE(SUM(status != 'seen'), 0) FROM visits WHERE run_id = ?`,
		r.ID).Scan(&seen, &lost)
	if err != nil {
		return 0, 0, fmt.Errorf("round report %s: %w", r.ID, err)
	}
	return seen, lost, nil
}

// Reports returns the visit reports of the runs started in [from, to),
// oldest first. Who patrolled what is personal data: the team chief's (or
// DPO's) review right is checked and the look is audited.
func (c *Runner) Reports(ctx context.Context, s *identity.Session, from, to time.Time) ([]Report, error) {
	if err := c.access.Allow(ctx, s, policy.ActReview, policy.Resource{}, s.Shift, trail.Review{What: "round_reports", From: from, To: to}); err != nil {
		return nil, err
	}
	mine, err := readRoundReports(ctx, c.dataDir, from, to)
	if err != nil {
		return nil, err
	}
	return c.withRoom(ctx, mine, from, to), nil
}

func period(from, to time.Time) string {
	return fmt.Sprintf("from=%s to=%s", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
}

// readRoundReports reads the visit reports of DATA/rounds.db; the console
// and the shell call it only after the review right was checked and audited.
func readRoundReports(ctx context.Context, dataDir string, from, to time.Time) ([]Report, error) {
	db, err := openRoundsDB(dataDir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return queryReports(ctx, db, `started >= ? AND started < ?`, nanos(from), nanos(to))
}

// Report returns the report of one run (checked and audited).
func (c *Runner) ReportOf(ctx context.Context, s *identity.Session, runID string) (Report, error) {
	if err := c.access.Allow(ctx, s, policy.ActReview, policy.Resource{}, s.Shift, trail.Review{What: "round_report", Run: runID}); err != nil {
		return Report{}, err
	}
	db, err := openRoundsDB(c.dataDir)
	if err != nil {
		return Report{}, err
	}
	defer db.Close()
	reps, err := queryReports(ctx, db, `id = ?`, runID)
	if err != nil {
		return Report{}, err
	}
	if len(reps) == 0 {
		return Report{}, fmt.Errorf("round run %s: not found", runID)
	}
	return reps[0], nil
}

func queryReports(ctx context.Context, db *sql.DB, where string, args ...any) ([]Report, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, round, area, user, role, console, just_kind, just_ref, just_text,
		steps, plan, started, ended, end_reason FROM runs WHERE `+where+` ORDER BY started, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("round reports: %w", err)
	}
	var reps []Report
	idx := map[string]int{}
	for rows.Next() {
		var rep Report
		var role, kind, plan string
		var started, ended int64
		if err := rows.Scan(&rep.RunID, &rep.Round, &rep.Area, &rep.User, &role, &rep.Console, &kind, &rep.Why.Ref,
			&rep.Why.Text, &rep.Steps, &plan, &started, &ended, &rep.EndReason); err != nil {
			rows.Close()
			return nil, fmt.Errorf("round reports: %w", err)
		}
		rep.Role, rep.Why.Kind, rep.Plan = policy.Role(role), policy.JustKind(kind), decodePlan(plan)
		rep.Started, rep.Ended = fromNanos(started), fromNanos(ended)
		idx[rep.RunID] = len(reps)
		reps = append(reps, rep)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("round reports: %w", err)
	}
	for i := range reps {
		if err := readVisits(ctx, db, &reps[i]); err != nil {
			return nil, err
		}
	}
	return reps, nil
}

func readVisits(ctx context.Context, db *sql.DB, rep *Report) error {
	rows, err := db.QueryContext(ctx, `SELECT seq, step, camera, view_id, status, planned_ms, extended_ms, actual_ms,
		first_ms, lost_during, started, ended FROM visits WHERE run_id = ? ORDER BY seq, rowid`, rep.RunID)
	if err != nil {
		return fmt.Errorf("round report %s: %w", rep.RunID, err)
	}
	for rows.Next() {
		var v Visit
		var status string
		var planned, extended, actual, first int64
		var lost int
		var started, ended int64
		if err := rows.Scan(&v.Seq, &v.Step, &v.Camera, &v.ViewID, &status, &planned, &extended, &actual, &first,
			&lost, &started, &ended); err != nil {
			rows.Close()
			return fmt.Errorf("round report %s: %w", rep.RunID, err)
		}
		v.Status, v.LostDuring = VisitStatus(status), lost != 0
		v.Planned, v.Extended, v.Actual = ms(planned), ms(extended), ms(actual)
		v.FirstFrame = ms(first)
		v.Started, v.Ended = fromNanos(started), fromNanos(ended)
		rep.Visits = append(rep.Visits, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("round report %s: %w", rep.RunID, err)
	}
	orows, err := db.QueryContext(ctx, `SELECT seq, step, camera, time, user, note, snapshot, unit FROM observations
		WHERE run_id = ? ORDER BY seq`, rep.RunID)
	if err != nil {
		return fmt.Errorf("round report %s: %w", rep.RunID, err)
	}
	defer orows.Close()
	for orows.Next() {
		o := Observation{RunID: rep.RunID}
		var at int64
		if err := orows.Scan(&o.Seq, &o.Step, &o.Camera, &at, &o.User, &o.Note, &o.Snapshot, &o.Unit); err != nil {
			return fmt.Errorf("round report %s: %w", rep.RunID, err)
		}
		o.Time = fromNanos(at)
		rep.Obs = append(rep.Obs, o)
	}
	return orows.Err()
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// CameraCoverage says when a camera was last looked at in a round.
type CameraCoverage struct {
	Camera zone.Camera
	Areas  []string  // the areas of the rounds that hold it
	Last   time.Time // last time a frame of it was on screen in a round; zero: never
	Visits int       // visits with a frame in the period
	// NotSeen flags a camera of a round that nobody looked at in the period.
	NotSeen bool
	// InRound is false for a camera no round holds: it cannot be patrolled.
	InRound bool
}

// AreaCoverage is the same per area of the rounds.
type AreaCoverage struct {
	Area    string
	Last    time.Time
	Cameras int
	NotSeen int
}

// Coverage is the team chief's view of a period (a shift): which cameras
// were patrolled, and which were not looked at.
type Coverage struct {
	From, To time.Time
	Runs     int
	Cameras  []CameraCoverage
	Areas    []AreaCoverage
}

// CoverageOf computes the coverage of [from, to) (checked and audited).
func (c *Runner) CoverageOf(ctx context.Context, s *identity.Session, from, to time.Time) (Coverage, error) {
	if err := c.access.Allow(ctx, s, policy.ActReview, policy.Resource{}, s.Shift, trail.Review{What: "round_coverage", From: from, To: to}); err != nil {
		return Coverage{}, err
	}
	rounds, err := c.Rounds(ctx)
	if err != nil {
		return Coverage{}, err
	}
	return readCoverage(ctx, c.dataDir, c.zone.Cameras, rounds, from, to)
}

// readCoverage computes the coverage of [from, to) from DATA/rounds.db
// (after the review right was checked and audited).
func readCoverage(ctx context.Context, dataDir string, cams []zone.Camera, rounds []zone.Round, from, to time.Time) (Coverage, error) {
	db, err := openRoundsDB(dataDir)
	if err != nil {
		return Coverage{}, err
	}
	defer db.Close()
	last := map[string]time.Time{}
	rows, err := db.QueryContext(ctx, `SELECT camera, MAX(ended) FROM visits WHERE status = 'seen' AND ended < ? GROUP BY camera`, nanos(to))
	if err != nil {
		return Coverage{}, fmt.Errorf("round coverage: %w", err)
	}
	for rows.Next() {
		var cam string
		var at int64
		if err := rows.Scan(&cam, &at); err != nil {
			rows.Close()
			return Coverage{}, fmt.Errorf("round coverage: %w", err)
		}
		last[cam] = fromNanos(at)
	}
	rows.Close()
	count := map[string]int{}
	rows, err = db.QueryContext(ctx, `SELECT camera, COUNT(*) FROM visits WHERE status = 'seen' AND ended >= ? AND started < ?
		GROUP BY camera`, nanos(from), nanos(to))
	if err != nil {
		return Coverage{}, fmt.Errorf("round coverage: %w", err)
	}
	for rows.Next() {
		var cam string
		var n int
		if err := rows.Scan(&cam, &n); err != nil {
			rows.Close()
			return Coverage{}, fmt.Errorf("round coverage: %w", err)
		}
		count[cam] = n
	}
	rows.Close()
	cov := Coverage{From: from.UTC(), To: to.UTC()}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM runs WHERE started >= ? AND started < ?`,
		nanos(from), nanos(to)).Scan(&cov.Runs); err != nil {
		return Coverage{}, fmt.Errorf("round coverage: %w", err)
	}
	return coverageOf(cams, rounds, last, count, cov), nil
}

// coverageOf is the pure part: cameras of rounds not seen in the period are
// flagged, areas summed.
func coverageOf(cams []zone.Camera, rounds []zone.Round, last map[string]time.Time, count map[string]int, cov Coverage) Coverage {
	areas := map[string][]string{}
	for _, r := range rounds {
		area := r.Area
		if area == "" {
			area = r.Name
		}
		for _, id := range roundCameras(r) {
			if !slices.Contains(areas[id], area) {
				areas[id] = append(areas[id], area)
			}
		}
	}
	byArea := map[string]*AreaCoverage{}
	for _, cam := range cams {
		cc := CameraCoverage{Camera: cam, Areas: areas[cam.ID], Last: last[cam.ID], Visits: count[cam.ID]}
		cc.InRound = len(cc.Areas) > 0
		cc.NotSeen = cc.InRound && cc.Visits == 0
		cov.Cameras = append(cov.Cameras, cc)
		for _, a := range cc.Areas {
			ac := byArea[a]
			if ac == nil {
				ac = &AreaCoverage{Area: a}
				byArea[a] = ac
			}
			ac.Cameras++
			if cc.NotSeen {
				ac.NotSeen++
			}
			if cc.Last.After(ac.Last) {
				ac.Last = cc.Last
			}
		}
	}
	for _, ac := range byArea {
		cov.Areas = append(cov.Areas, *ac)
	}
	sort.Slice(cov.Areas, func(i, j int) bool { return cov.Areas[i].Area < cov.Areas[j].Area })
	return cov
}
