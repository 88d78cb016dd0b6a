package hotlist

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// rssMB sizes TestImportRSS: a file of that size is written and imported
// twice (about a minute and 400 MB of disk), in make test too, so that the
// memory bound of issue 16 is checked on every run; -short skips it.
//
//	go test -run TestImportRSS -v ./hotlist/ -args -hotlist.rss-mb=1024
var rssMB = flag.Int("hotlist.rss-mb", 200, "TestImportRSS: size in MB of the generated CSV and JSON files (0: skip)")

// maxRSSRatio is the bound of issue 16 item 7: a 1 GiB file imports in
// under 2 GiB of resident memory, so the peak is at most twice the file.
// At 200 MB the CSV import peaks at about 1.7 and the JSON one (fewer,
// longer entries) at about 1; below ~100 MB the runtime's fixed ~25 MB is
// no longer small next to the file, which is why the test uses 200 MB.
const maxRSSRatio = 2.0

// TestImportRSS writes a CSV and a JSON list of about -hotlist.rss-mb MB,
// imports each into a fresh store in a child process (this test binary,
// running TestImportRSSChild), and bounds the child's peak resident set
// (getrusage ru_maxrss) relative to the file size.
func TestImportRSS(t *testing.T) {
	if *rssMB <= 0 || testing.Short() {
		t.Skip("-short or -hotlist.rss-mb=0: the peak RSS of an import is not measured")
	}
	dir := t.TempDir()
	for _, format := range []string{"csv", "json"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(dir, "list."+format)
			size, n := writeRSSList(t, path, format, int64(*rssMB)<<20)
			cmd := exec.Command(os.Args[0], "-test.run=^TestImportRSSChild$", "-test.v")
			cmd.Env = append(os.Environ(), "HOTLIST_RSS_FILE="+path, "HOTLIST_RSS_DB="+filepath.Join(dir, format+".db"),
				"HOTLIST_RSS_ENTRIES="+strconv.Itoa(n))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if testing.Verbose() {
				t.Logf("child:\n%s", out)
			}
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			peak := ru.Maxrss << 10 // KiB on Linux
			ratio := float64(peak) / float64(size)
			t.Logf("%s: %d entries, file %.0f MB, peak RSS %.0f MB, ratio %.2f", format, n, float64(size)/(1<<20), float64(peak)/(1<<20), ratio)
			if ratio > maxRSSRatio {
				t.Errorf("peak RSS is %.2f times the file, want at most %.1f", ratio, maxRSSRatio)
			}
		})
	}
}

// TestImportRSSChild is the child of TestImportRSS: one import, nothing else.
func TestImportRSSChild(t *testing.T) {
	path := os.Getenv("HOTLIST_RSS_FILE")
	if path == "" {
		t.Skip("run by TestImportRSS")
	}
	want, _ := strconv.Atoi(os.Getenv("HOTLIST_RSS_ENTRIES"))
	ctx := context.Background()
	s, err := Open(ctx, os.Getenv("HOTLIST_RSS_DB"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := s.Import(ctx, ImportRequest{List: "national", User: "rss", FileName: filepath.Base(path), Data: f})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entries != want {
		t.Fatalf("imported %d entries, want %d", res.Entries, want)
	}
	// The peak must include the matcher's index, the import's largest part.
	if st := s.Matcher().Stats(); len(st) != 1 || st[0].Entries != want || st[0].Keys < want {
		t.Fatalf("matcher holds %+v, want the %d entries indexed", st, want)
	}
}

// writeRSSList streams a list of about size bytes to path without holding
// it: plates come from a counter scrambled over the Belgian series, so they
// never repeat, and the other fields vary as in benchList.
func writeRSSList(t *testing.T, path, format string, size int64) (written int64, entries int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	sources := []string{"national wanted notices (ANG)", "local list", "DIV registration cancelled", "insurance (uninsured)", "technical inspection overdue"}
	measures := []string{"intercept: stolen vehicle", "stop and check occupants", "seize vehicle", "note passage only, inform investigator", "check insurance certificate", "intercept with caution: occupants may be armed"}
	const space = 2 * 26 * 26 * 26 * 1000 // 1-ABC-123 and 2-ABC-123
	if format == "csv" {
		fmt.Fprintln(w, "plate,country,source,measure,priority,valid_from,valid_until,remarks")
	} else {
		fmt.Fprintln(w, "[")
	}
	for written = 0; written < size; entries++ {
		k := (entries*7_368_787 + 12_345) % space // 7368787 is prime, so this walks the whole space
		p := fmt.Sprintf("%d%c%c%c%03d", 1+k/(space/2), 'A'+k/26000%26, 'A'+k/676000%26, 'A'+k/1000%26, k%1000)
		src, meas := sources[entries%len(sources)], measures[entries%len(measures)]
		prio := 1 + entries%5
		from, until, remarks := "", "", ""
		if entries%3 == 0 {
			from, until = "2026-09-23T12:00:00Z", "2027-11-23T12:00:00Z"
		}
		if entries%5 == 0 {
			remarks = fmt.Sprintf("PV %d/%06d", 2020+entries%7, entries%1_000_000)
		}
		var line string
		if format == "csv" {
			var b strings.Builder
			cw := csv.NewWriter(&b)
			cw.Write([]string{p, "BE", src, meas, strconv.Itoa(prio), from, until, remarks})
			cw.Flush()
			line = b.String()
		} else {
			obj, _ := json.Marshal(map[string]string{"plate": p, "country": "BE", "source": src, "measure": meas,
				"priority": strconv.Itoa(prio), "valid_from": from, "valid_until": until, "remarks": remarks})
			sep := ","
			if written+int64(len(obj)) >= size {
				sep = ""
			}
			line = string(obj) + sep + "\n"
		}
		n, err := w.WriteString(line)
		if err != nil {
			t.Fatal(err)
		}
		written += int64(n)
	}
	if format == "json" {
		fmt.Fprintln(w, "]")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return st.Size(), entries
}
