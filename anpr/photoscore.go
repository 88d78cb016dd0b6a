package anpr

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/politiezone/zoneconsole/plate"
)

// A folder of photographs is scored against its truth.tsv: one line per
// photo, "file<TAB>PLATE[<TAB>COUNTRY]", the plate in A-Z0-9. This is how
// ../shared/anpr-dev and the judging set are laid out.

// TruthFile is the name of a photo folder's truth list.
const TruthFile = "truth.tsv"

// Truth is one labelled photo.
type Truth struct {
	File    string // relative to the folder
	Plate   string
	Country string // from the third column; else guessed from the plate's format, "?" when none fits
}

// ReadTruth reads dir/truth.tsv.
func ReadTruth(dir string) ([]Truth, error) {
	path := filepath.Join(dir, TruthFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("anpr: truth: %w", err)
	}
	defer f.Close()
	parser := plate.NewParser()
	var out []Truth
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 || cols[0] == "" {
			return nil, fmt.Errorf("anpr: truth %s:%d: want file<TAB>PLATE, have %q", path, n, line)
		}
		t := Truth{File: cols[0], Plate: plate.Normalize(cols[1])}
		if len(cols) > 2 && cols[2] != "" {
			t.Country = cols[2]
		} else if ms := parser.Parse(t.Plate); len(ms) > 0 {
			t.Country = ms[0].Country
		} else {
			t.Country = "?"
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("anpr: truth %s: %w", path, err)
	}
	return out, nil
}

// PhotoRead is the reader's answer on one labelled photo.
type PhotoRead struct {
	Truth
	Got     string // "" when nothing was read
	Free    string // free decoding of the same crop
	Format  string // format name, "" for a read without a format
	Cost    float64
	Conf    float64
	Err     error
	Exact   bool
	ExactO0 bool // exact once O and 0 are taken as one (the labels of some sets confuse them)
}

// CountryScore is the score of one country's photos.
type CountryScore struct {
	Country        string
	N, Exact, ExO0 int
}

// PhotoScore is the score of a folder.
type PhotoScore struct {
	N, Exact, ExactO0, NoRead int
	Countries                 []CountryScore // most photos first
	// Confusions counts, over misreads of the right length, each
	// "want>got" character pair; "len-1", "len+1"... for misreads of
	// another length.
	Confusions map[string]int
	Reads      []PhotoRead // in truth order
}

// Rate is exact/N as a percentage.
func (s PhotoScore) Rate() float64 { return pct(s.Exact, s.N) }

// RateO0 is the O/0-forgiven rate as a percentage.
func (s PhotoScore) RateO0() float64 { return pct(s.ExactO0, s.N) }

func pct(a, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(a) / float64(n)
}

// String is the summary `anpr eval --photos` prints: totals, per country,
// the confusions, then every miss.
func (s PhotoScore) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "photos=%d exact=%d (%.1f%%) exact-O/0=%d (%.1f%%) none=%d\n", s.N, s.Exact, s.Rate(), s.ExactO0, s.RateO0(), s.NoRead)
	b.WriteString("(country: the truth list's third column, else the first format its plate fits, ? for none)\n")
	for _, c := range s.Countries {
		fmt.Fprintf(&b, "country %-2s n=%d exact=%d (%.1f%%) exact-O/0=%d (%.1f%%)\n", c.Country, c.N, c.Exact, pct(c.Exact, c.N), c.ExO0, pct(c.ExO0, c.N))
	}
	type kv struct {
		k string
		v int
	}
	var cs []kv
	for k, v := range s.Confusions {
		cs = append(cs, kv{k, v})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].v > cs[j].v || (cs[i].v == cs[j].v && cs[i].k < cs[j].k) })
	b.WriteString("confusions:")
	for _, c := range cs {
		fmt.Fprintf(&b, " %s=%d", c.k, c.v)
	}
	for _, r := range s.Reads {
		if r.Exact {
			continue
		}
		got := r.Got
		if got == "" {
			got = "-"
		}
		fmt.Fprintf(&b, "\nmiss %s want %s got %s free %s format %s cost %.2f conf %.2f", r.File, r.Plate, got, r.Free, r.Format, r.Cost, r.Conf)
		if r.Err != nil {
			fmt.Fprintf(&b, " err %v", r.Err)
		}
	}
	return b.String()
}

// ScorePhotos reads every photo of dir's truth list with rd (workers at a
// time; the reader is safe for concurrent use) and scores the reads. A photo
// that cannot be read counts as a miss with its error; only a missing truth
// list or a cancelled context fail the whole run.
func ScorePhotos(ctx context.Context, rd *Reader, dir string, workers int) (PhotoScore, error) {
	truth, err := ReadTruth(dir)
	if err != nil {
		return PhotoScore{}, err
	}
	if workers < 1 {
		workers = 1
	}
	reads := make([]PhotoRead, len(truth))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				reads[i] = readPhoto(ctx, rd, dir, truth[i])
			}
		}()
	}
	for i := range truth {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return PhotoScore{}, err
	}
	return scoreReads(reads), nil
}

func readPhoto(ctx context.Context, rd *Reader, dir string, t Truth) PhotoRead {
	pr := PhotoRead{Truth: t}
	f, err := os.Open(filepath.Join(dir, t.File))
	if err != nil {
		pr.Err = err
		return pr
	}
	img, err := DecodePhoto(f)
	f.Close()
	if err != nil {
		pr.Err = fmt.Errorf("%s: %w", t.File, err)
		return pr
	}
	rs, err := rd.Read(ctx, img)
	if err != nil {
		pr.Err = fmt.Errorf("%s: %w", t.File, err)
	}
	if len(rs) > 0 {
		best := Pick(rs, img.Bounds())
		pr.Got, pr.Free, pr.Format, pr.Cost, pr.Conf = best.Plate, best.Free, best.Format, best.FormatCost, best.Confidence
	}
	return pr
}

// scoreReads fills in the totals of a set of reads.
func scoreReads(reads []PhotoRead) PhotoScore {
	s := PhotoScore{Confusions: map[string]int{}, Reads: reads}
	byC := map[string]*CountryScore{}
	for i := range reads {
		r := &reads[i]
		r.Exact = r.Got == r.Plate
		r.ExactO0 = r.Got != "" && strings.ReplaceAll(r.Got, "O", "0") == strings.ReplaceAll(r.Plate, "O", "0")
		c := byC[r.Country]
		if c == nil {
			c = &CountryScore{Country: r.Country}
			byC[r.Country] = c
		}
		s.N++
		c.N++
		if r.Exact {
			s.Exact++
			c.Exact++
		}
		if r.ExactO0 {
			s.ExactO0++
			c.ExO0++
		}
		switch {
		case r.Got == "":
			s.NoRead++
		case r.Exact:
		case len(r.Got) == len(r.Plate):
			for j := 0; j < len(r.Got); j++ {
				if r.Got[j] != r.Plate[j] {
					s.Confusions[r.Plate[j:j+1]+">"+r.Got[j:j+1]]++
				}
			}
		default:
			s.Confusions[fmt.Sprintf("len%+d", len(r.Got)-len(r.Plate))]++
		}
	}
	for _, c := range byC {
		s.Countries = append(s.Countries, *c)
	}
	sort.Slice(s.Countries, func(i, j int) bool {
		a, b := s.Countries[i], s.Countries[j]
		return a.N > b.N || (a.N == b.N && a.Country < b.Country)
	})
	return s
}

// Pick chooses the plate a photo is about among its reads: the surest, with
// a bonus for a known format and for size (the subject's plate is the big
// one, a plate in the background is small).
func Pick(reads []Read, b image.Rectangle) Read {
	best, bestS := reads[0], -1.0
	for _, r := range reads {
		s := r.Confidence + 0.1*float64(r.Box.Dx())/float64(max(1, b.Dx()))
		if r.Country != "" {
			s += 0.15
		}
		if s > bestS {
			best, bestS = r, s
		}
	}
	return best
}
