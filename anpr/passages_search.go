package anpr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Query selects passages. Zero fields do not filter.
type Query struct {
	// Pattern matches the normalised plate: '?' is one character, '*' any
	// run of characters; separators are ignored ("1-AB?-1*" finds 1ABC123).
	// Empty matches every plate.
	Pattern string
	From    time.Time // inclusive
	To      time.Time // exclusive
	Cameras []string
	Country string // "BE", "NL", ...; compared without case
	Colour  string // "white", "red", ...; compared without case
	Limit   int    // default 1000
}

// ErrBadPattern is returned for a search pattern with nothing to match.
var ErrBadPattern = errors.New("anpr: bad plate pattern")

// NormalizePattern turns a user's pattern into the stored form: capitals,
// digits, '?' and '*' only.
func NormalizePattern(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '?' || r == '*' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// searchPlan is how a query finds its rows.
type searchPlan int

const (
	// planIndex leaves the choice among the B-tree indexes to SQLite: the
	// time index for a window, the plate index for a literal prefix (SQLite
	// turns GLOB '1AB*' into a range), the camera index for cameras.
	planIndex searchPlan = iota
	// planTrigram drives the query from the FTS5 trigram index: the rows
	// whose plate holds every trigram of the pattern's literal runs, then
	// the exact GLOB and the other filters on those rows only.
	planTrigram
)

func (s searchPlan) String() string {
	if s == planTrigram {
		return "trigram"
	}
	return "index"
}

// choosePlan picks the plan for a normalised pattern, and for the trigram
// plan the FTS5 query: the trigrams of every literal run of three or more
// characters, ANDed (the index has no positions, detail='none', so no
// phrases; GLOB on the row settles order and adjacency).
//
// Why, measured (BenchmarkSearch, 10 M passages over 30 days, 2 shared
// cores; command and all figures in passages_bench_test.go): "1-AB?-1*" in
// a 24 h window takes p50 13 ms / p95 22 ms through the trigram index and
// p50 600 ms / p95 1.25 s through the B-trees, where SQLite walks the
// window's 333 k rows rather than the plate prefix; "*BC-12*" takes 1.1 /
// 1.9 ms in a day and 1.8 / 3.9 ms over the whole retention with the
// index, 0.63 / 1.29 s in a day without (a leading '*' cannot use a
// B-tree). So every pattern with a run of three literals goes to the
// trigram index, whatever the window. A pattern without one ("*B?1*")
// gives FTS5 nothing to look up (it would scan itself): it goes to the
// time-window index, newest first, and stops at the Limit (p50 72 ms /
// p95 101 ms for a day at the default 1000; a rare such pattern reads the
// whole window).
func choosePlan(pat string) (searchPlan, string) {
	var grams []string
	seen := map[string]bool{}
	for _, run := range strings.FieldsFunc(pat, func(r rune) bool { return r == '?' || r == '*' }) {
		for i := 0; i+3 <= len(run); i++ {
			if g := run[i : i+3]; !seen[g] {
				seen[g] = true
				grams = append(grams, `"`+g+`"`)
			}
		}
	}
	if len(grams) == 0 {
		return planIndex, ""
	}
	return planTrigram, strings.Join(grams, " AND ")
}

const passageCols = `p.id, p.time_ms, p.first_ms, p.last_ms, p.camera, p.plate, p.display, p.country,
	p.confidence, p.colour, p.vtype, p.reads, p.crop_sha, p.vehicle_sha`

// Search returns the passages matching q within the retention period, newest
// first. The caller (the console) decides and audits the search before
// calling it.
func (p *Passages) Search(ctx context.Context, q Query) ([]Passage, error) {
	pat := NormalizePattern(q.Pattern)
	if q.Pattern != "" && pat == "" {
		return nil, fmt.Errorf("%w: %q", ErrBadPattern, q.Pattern)
	}
	plan, fts := choosePlan(pat)
	return p.search(ctx, q, pat, plan, fts)
}

// search runs q with the given plan (the benchmark forces one to compare).
func (p *Passages) search(ctx context.Context, q Query, pat string, plan searchPlan, fts string) ([]Passage, error) {
	where := []string{"p.time_ms >= ?"}
	args := []any{p.opt.Now().Add(-p.opt.Retention).UnixMilli()}
	from := "passages p"
	if plan == planTrigram {
		// CROSS JOIN keeps the FTS table the outer loop: SQLite would
		// otherwise walk a wide time window and probe the candidates.
		from = "passages_fts CROSS JOIN passages p ON p.id = passages_fts.rowid"
		where = append(where, "passages_fts MATCH ?")
		args = append(args, fts)
	}
	if pat != "" && pat != "*" {
		where = append(where, "p.plate GLOB ?")
		args = append(args, pat)
	}
	if !q.From.IsZero() {
		where = append(where, "p.time_ms >= ?")
		args = append(args, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		where = append(where, "p.time_ms < ?")
		args = append(args, q.To.UnixMilli())
	}
	if len(q.Cameras) > 0 {
		where = append(where, "p.camera IN (?"+strings.Repeat(",?", len(q.Cameras)-1)+")")
		for _, c := range q.Cameras {
			args = append(args, c)
		}
	}
	if q.Country != "" {
		where = append(where, "p.country = ? COLLATE NOCASE")
		args = append(args, q.Country)
	}
	if q.Colour != "" {
		where = append(where, "p.colour = ? COLLATE NOCASE")
		args = append(args, q.Colour)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	args = append(args, limit)
	rows, err := p.db.QueryContext(ctx, `SELECT `+passageCols+` FROM `+from+` WHERE `+
		strings.Join(where, " AND ")+` ORDER BY p.time_ms DESC, p.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("anpr: passages: search (%s): %w", plan, err)
	}
	defer rows.Close()
	var out []Passage
	for rows.Next() {
		var ps Passage
		var t, f, l int64
		if err := rows.Scan(&ps.ID, &t, &f, &l, &ps.Camera, &ps.Plate, &ps.Display, &ps.Country,
			&ps.Confidence, &ps.Colour, &ps.VehicleType, &ps.Reads, &ps.CropSHA, &ps.VehicleSHA); err != nil {
			return nil, fmt.Errorf("anpr: passages: scan: %w", err)
		}
		ps.Time, ps.First, ps.Last = time.UnixMilli(t).UTC(), time.UnixMilli(f).UTC(), time.UnixMilli(l).UTC()
		out = append(out, ps)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("anpr: passages: search (%s): %w", plan, err)
	}
	return out, nil
}
