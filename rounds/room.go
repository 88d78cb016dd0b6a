package rounds

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Room shares finished round reports with the dispatch room's other
// consoles, so the team chief reads every position's rounds (nil in
// Config: the console's own are all there is).
type Room interface {
	// Finished publishes a report of this console; it must not block on
	// the network.
	Finished(rep Report)
	// Reports are the reports of rounds started in [from, to) at any
	// console of the room.
	Reports(ctx context.Context, from, to time.Time) ([]Report, error)
}

// shareReport sends the finished run's report to the room.
func (r *Run) shareReport() {
	if r.c.room == nil {
		return
	}
	reps, err := queryReports(context.Background(), r.db, `id = ?`, r.ID)
	if err != nil || len(reps) == 0 {
		r.log.Error("round report not shared with the room", "run", r.ID, "err", err)
		return
	}
	r.c.room.Finished(reps[0])
}

// withRoom adds to this console's reports those of the room's other
// consoles; with the room out of reach, this console's are returned (and
// the log says the others were not read).
func (c *Runner) withRoom(ctx context.Context, mine []Report, from, to time.Time) []Report {
	if c.room == nil {
		return mine
	}
	theirs, err := c.room.Reports(ctx, from, to)
	if err != nil {
		c.log.Warn("round reports of the room's other consoles not read", "err", err)
		return mine
	}
	have := map[string]bool{}
	for _, rep := range mine {
		have[rep.RunID] = true
	}
	out := slices.Clone(mine)
	for _, rep := range theirs {
		if !have[rep.RunID] {
			out = append(out, rep)
		}
	}
	slices.SortStableFunc(out, func(a, b Report) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return strings.Compare(a.RunID, b.RunID)
	})
	return out
}
