package anpr

import (
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The issue asks for 10 M passages; building that takes minutes here, so a
// quick run uses fewer: go test -bench Search -args -passages.n 10000000.
var benchPassages = flag.Int("passages.n", 1_000_000, "passages in the BenchmarkSearch fixture")

// BenchmarkSearch builds a store of -passages.n passages spread over the
// 30 days of the retention (40 cameras, one plate in five seen again,
// nine in ten Belgian) in a temporary directory, then times the searches an
// investigator makes. Each sub-benchmark reports p50 and p95 in ms over its
// b.N searches, each with another plate and another day; "-index" variants
// force the B-tree plan to show what the trigram index buys.
//
// Measured once with
//
//	go test -v -run '^$' -bench BenchmarkSearch -benchtime 100x -timeout 60m ./anpr/ -args -passages.n 10000000
//
// (fixture built in 10 min 56 s, 15.2 k passages/s, 1.7 GB; two cores
// shared with other test runs), p50 / p95 in ms:
//
//	Wildcard24h           "1-AB?-1*", 24 h     13.3 /   22.5  (target p95 <= 100)
//	Wildcard24h-index     same, B-trees       600   / 1249
//	LeadingStar24h        "*BC-12*", 24 h       1.07 /   1.93 (target p95 <= 500)
//	LeadingStar24h-index  same, B-trees       627   / 1290
//	LeadingStarRetention  "*BC-12*", 30 days    1.75 /   3.94
//	NoTrigram24h          "*B?1*", 24 h        71.8 /  101    (time index, stops at 1000 rows)
func BenchmarkSearch(b *testing.B) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	dir := b.TempDir()
	ps, err := OpenPassages(dir, PassagesOptions{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer ps.Close()
	n := *benchPassages
	start := time.Now()
	fillPassages(b, ps, n, now.Add(-30*24*time.Hour), now, rand.New(rand.NewPCG(5, 6)))
	build := time.Since(start)
	var size int64
	for _, f := range []string{"passages.db", "passages.db-wal"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err == nil {
			size += fi.Size()
		}
	}
	b.Logf("fixture: %d passages built in %s (%.0f passages/s), %d MB on disk", n, build.Round(time.Second),
		float64(n)/build.Seconds(), size>>20)

	rng := rand.New(rand.NewPCG(7, 8))
	ctx := context.Background()
	// plateAt picks a stored plate, so every pattern has something to find.
	plateAt := func() string {
		var pl string
		for pl == "" || len(pl) < 7 {
			if err := ps.db.QueryRow(`SELECT plate FROM passages WHERE id = ?`, 1+rng.IntN(n)).Scan(&pl); err != nil {
				b.Fatal(err)
			}
		}
		return pl
	}
	day := func(q Query) Query {
		q.From = now.Add(-30*24*time.Hour + time.Duration(rng.Int64N(int64(29*24*time.Hour))))
		q.To = q.From.Add(24 * time.Hour)
		return q
	}
	wildcard := func() Query { // 1-AB?-1*
		pl := plateAt()
		return day(Query{Pattern: pl[:1] + "-" + pl[1:3] + "?-" + pl[4:5] + "*"})
	}
	leading := func() Query { // *BC-12*
		pl := plateAt()
		return Query{Pattern: "*" + pl[2:4] + "-" + pl[4:6] + "*"}
	}
	leadingDay := func() Query { return day(leading()) }
	noTrigram := func() Query { // *B?1*: no run of three, the time index
		pl := plateAt()
		return day(Query{Pattern: "*" + pl[2:3] + "?" + pl[4:5] + "*"})
	}
	index := planIndex
	cases := []struct {
		name  string
		query func() Query
		force *searchPlan
	}{
		{"Wildcard24h", wildcard, nil},
		{"Wildcard24h-index", wildcard, &index},
		{"LeadingStar24h", leadingDay, nil},
		{"LeadingStar24h-index", leadingDay, &index},
		{"LeadingStarRetention", leading, nil},
		{"NoTrigram24h", noTrigram, nil},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var took []time.Duration
			rows := 0
			for b.Loop() {
				b.StopTimer()
				q := tc.query()
				pat := NormalizePattern(q.Pattern)
				plan, fts := choosePlan(pat)
				if tc.force != nil {
					plan = *tc.force
				}
				b.StartTimer()
				t0 := time.Now()
				got, err := ps.search(ctx, q, pat, plan, fts)
				took = append(took, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				rows += len(got)
			}
			slices.Sort(took)
			pct := func(p float64) float64 {
				return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(float64(rows)/float64(len(took)), "rows/op")
		})
	}
}
