package hotlist

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The benchmarks run on a synthetic list shaped like a national one: mostly
// current Belgian plates (1-ABC-123, 2-ABC-123), some older Belgian formats
// and some NL, FR and DE plates, with repeated sources and measures, a few
// expired or future entries and a case reference on one in five.
//
//	go test -run '^$' -bench . -benchtime 1x ./hotlist/   (load, memory, import)
//	go test -run '^$' -bench Match ./hotlist/               (latency)

const benchEntries = 1_000_000

var benchNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

type plateGen struct{ rng *rand.Rand }

func (g plateGen) pick(set string) byte { return set[g.rng.IntN(len(set))] }

func (g plateGen) fill(pattern string) string {
	const letters, digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
	b := make([]byte, len(pattern))
	for i := range pattern {
		switch pattern[i] {
		case 'L':
			b[i] = g.pick(letters)
		case 'D':
			b[i] = g.pick(digits)
		default:
			b[i] = pattern[i]
		}
	}
	return string(b)
}

// plate returns a plate and its country.
func (g plateGen) plate() (string, string) {
	switch r := g.rng.IntN(100); {
	case r < 70:
		return g.fill(string("12"[g.rng.IntN(2)]) + "LLLDDD"), "BE"
	case r < 80:
		return g.fill([]string{"LLLDDD", "DDDLLL"}[g.rng.IntN(2)]), "BE"
	case r < 88:
		return g.fill([]string{"LLDDDL", "DLLLDD", "LLLDDL", "DDLLLD"}[g.rng.IntN(4)]), "NL"
	case r < 95:
		return g.fill("LLDDDLL"), "FR"
	default:
		return g.fill([]string{"LLDDDD", "LLLDDD", "LLLLDDDD", "LDDDD"}[g.rng.IntN(4)]), "DE"
	}
}

func benchList(n int, seed uint64) []Entry {
	g := plateGen{rand.New(rand.NewPCG(seed, 7))}
	sources := []string{"national wanted notices (ANG)", "local list", "DIV registration cancelled", "insurance (uninsured)", "technical inspection overdue"}
	measures := []string{"intercept: stolen vehicle", "stop and check occupants", "seize vehicle", "note passage only, inform investigator", "check insurance certificate", "intercept with caution: occupants may be armed"}
	seen := make(map[string]bool, n)
	out := make([]Entry, 0, n)
	for len(out) < n {
		p, c := g.plate()
		if seen[p+c] {
			continue
		}
		seen[p+c] = true
		e := Entry{Plate: p, Country: c, Source: sources[g.rng.IntN(len(sources))], Measure: measures[g.rng.IntN(len(measures))],
			Priority: Priority(1 + g.rng.IntN(5)), Line: len(out) + 2}
		switch r := g.rng.IntN(100); {
		case r < 10:
			e.ValidFrom, e.ValidUntil = benchNow.AddDate(-1, 0, 0), benchNow.AddDate(0, -1, 0)
		case r < 15:
			e.ValidFrom = benchNow.AddDate(0, 1, 0)
		case r < 50:
			e.ValidFrom, e.ValidUntil = benchNow.AddDate(0, -2, 0), benchNow.AddDate(1, 0, 0)
		}
		if g.rng.IntN(5) == 0 {
			e.Remarks = fmt.Sprintf("PV %d/%06d", 2020+g.rng.IntN(7), g.rng.IntN(1_000_000))
		}
		out = append(out, e)
	}
	return out
}

// read kinds of the benchmark mix.
const (
	readExact = iota
	readLookalike
	readOneEdit
	readRandom
)

var readKindNames = []string{"exact", "lookalike", "one_edit", "random"}

// benchReads derives reads of one kind from listed plates: the plate as
// listed, with one look-alike swapped in, with one edit, or a fresh random
// plate of the same formats (which, at a million entries, may still fall
// within one edit of some listed plate: the benchmark reports how often).
func benchReads(entries []Entry, kind, n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 11))
	g := plateGen{rng}
	classOf := map[byte]string{}
	for _, cl := range DefaultLookalikes() {
		for i := 0; i < len(cl); i++ {
			classOf[cl[i]] = cl
		}
	}
	reads := make([]string, 0, n)
	for len(reads) < n {
		p := []byte(entries[rng.IntN(len(entries))].Plate)
		switch kind {
		case readLookalike:
			i := rng.IntN(len(p))
			cl := classOf[p[i]]
			if cl == "" {
				continue
			}
			for c := p[i]; c == p[i]; c = cl[rng.IntN(len(cl))] {
				p[i] = c
			}
			p[i] = cl[(strings.IndexByte(cl, p[i])+1)%len(cl)]
		case readOneEdit:
			i := rng.IntN(len(p))
			switch rng.IntN(3) {
			case 0: // a crest or screw read as a character
				p = append(p[:i], append([]byte{"IX1"[rng.IntN(3)]}, p[i:]...)...)
			case 1:
				p = append(p[:i], p[i+1:]...)
			default:
				c := g.pick("CEFHJKMNPRUVWXY")
				if c == p[i] {
					continue
				}
				p[i] = c
			}
		case readRandom:
			s, _ := g.plate()
			p = []byte(s)
		}
		reads = append(reads, string(p))
	}
	return reads
}

func loadBench(b *testing.B, entries []Entry, opt MatchOptions) *Matcher {
	b.Helper()
	m, err := NewMatcher(opt)
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Load("national", 1, entries); err != nil {
		b.Fatal(err)
	}
	// A small local list next to the national one, as in the console.
	if err := m.Load("local", 1, benchList(2000, 99)); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkMatch measures one read against 1 M national entries plus a
// local list: the even mix, then each kind alone.
func BenchmarkMatch(b *testing.B) {
	entries := benchList(benchEntries, 1)
	m := loadBench(b, entries, MatchOptions{})
	// The same list with one-edit hits limited to an inserted or dropped
	// character, to show how much of the one-edit noise substitutions are.
	strict := loadBench(b, entries, MatchOptions{NoSubstitution: true})
	const perKind = 1 << 14
	var mix []string
	byKind := make([][]string, len(readKindNames))
	for k := range readKindNames {
		byKind[k] = benchReads(entries, k, perKind, uint64(k+1))
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < perKind; i++ {
		for k := range byKind {
			mix = append(mix, byKind[k][i])
		}
	}
	rng.Shuffle(len(mix), func(i, j int) { mix[i], mix[j] = mix[j], mix[i] })
	// The console holds the index, not a million Entry values: drop them so
	// that the garbage collector does not scan them during the timing.
	entries = nil
	runtime.GC()
	run := func(name string, m *Matcher, reads []string) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			hits, withHit := 0, 0
			var byKind [KindOneEdit + 1]int
			// Wall time on a shared machine counts the time other processes
			// hold the core; thread CPU time does not. Both are reported.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				h := m.Match(reads[i%len(reads)], "BE", benchNow)
				hits += len(h)
				if len(h) > 0 {
					withHit++
				}
				for _, x := range h {
					byKind[x.Kind]++
				}
			}
			b.StopTimer()
			if cpu := threadCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1000, "cpu_µs/read")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "µs/read")
			b.ReportMetric(float64(hits)/float64(b.N), "hits/read")
			b.ReportMetric(float64(withHit)/float64(b.N), "hit_rate")
			for k := KindExact; k <= KindOneEdit; k++ {
				b.ReportMetric(float64(byKind[k])/float64(b.N), k.String()+"/read")
			}
		})
	}
	run("mix", m, mix)
	for k, name := range readKindNames {
		run(name, m, byKind[k])
	}
	run("mix_no_substitution", strict, mix)
	run("random_no_substitution", strict, byKind[readRandom])
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkMatcherLoad measures building the index of 1 M entries and the
// heap it keeps (the entries it is built from are not counted).
func BenchmarkMatcherLoad(b *testing.B) {
	entries := benchList(benchEntries, 1)
	for i := 0; i < b.N; i++ {
		m, err := NewMatcher(MatchOptions{})
		if err != nil {
			b.Fatal(err)
		}
		before := heapInUse()
		start := time.Now()
		if err := m.Load("national", 1, entries); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		after := heapInUse()
		st := m.Stats()[0]
		b.ReportMetric(took.Seconds(), "s_load")
		b.ReportMetric(float64(after-before)/(1<<20), "MB_heap")
		b.ReportMetric(float64(after-before)/float64(len(entries)), "B/entry")
		b.ReportMetric(float64(st.Bytes)/(1<<20), "MB_index")
		b.ReportMetric(float64(st.Keys)/float64(st.Entries), "keys/entry")
		runtime.KeepAlive(m)
	}
}

func writeBenchCSV(b *testing.B, path string, entries []Entry) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	w := csv.NewWriter(bw)
	w.Write(strings.Split(strings.TrimSpace(header), ","))
	for _, e := range entries {
		w.Write([]string{e.Plate, e.Country, e.Source, e.Measure, strconv.Itoa(int(e.Priority)),
			formatTime(e.ValidFrom), formatTime(e.ValidUntil), e.Remarks})
	}
	if w.Flush(); w.Error() != nil {
		b.Fatal(w.Error())
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// BenchmarkImportCSV imports a 1 M-line CSV into a fresh store (parse,
// validate, one transaction, matcher rebuild), then reopens the store to
// measure loading the active list from SQLite into the matcher.
func BenchmarkImportCSV(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "national.csv")
	size := writeBenchCSV(b, csvPath, benchList(benchEntries, 1))
	var importTook, openTook time.Duration
	var dbBytes int64
	for i := 0; i < b.N; i++ {
		sdir := filepath.Join(dir, fmt.Sprint(i))
		if err := os.Mkdir(sdir, 0o755); err != nil {
			b.Fatal(err)
		}
		s, err := Open(ctx, filepath.Join(sdir, "hotlist.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(csvPath)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := s.Import(ctx, ImportRequest{List: "national", User: "bench", FileName: "national.csv", Data: f})
		importTook += time.Since(start)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.Entries != benchEntries {
			b.Fatalf("imported %d entries, want %d", res.Entries, benchEntries)
		}
		s.Close()
		if fi, err := os.Stat(filepath.Join(sdir, "hotlist.db")); err == nil {
			dbBytes = fi.Size()
		}
		start = time.Now()
		s, err = Open(ctx, filepath.Join(sdir, "hotlist.db"), Options{})
		openTook += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if st := s.Matcher().Stats(); len(st) != 1 || st[0].Entries != benchEntries {
			b.Fatalf("reopened matcher = %+v", st)
		}
		s.Close()
	}
	b.ReportMetric(float64(benchEntries)*float64(b.N)/importTook.Seconds(), "lines/s")
	b.ReportMetric(float64(size)*float64(b.N)/importTook.Seconds()/(1<<20), "MB/s")
	b.ReportMetric(importTook.Seconds()/float64(b.N), "s_import")
	b.ReportMetric(openTook.Seconds()/float64(b.N), "s_open")
	b.ReportMetric(float64(dbBytes)/(1<<20), "MB_db")
}
