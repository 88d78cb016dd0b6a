package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
)

// entries are n chained entries with their text fields set.
func entries(n int) []chain.Entry {
	t0 := time.Date(2026, 11, 2, 7, 0, 0, 123456789, time.UTC)
	var prev chain.Digest
	es := make([]chain.Entry, n)
	for i := range es {
		e := chain.Entry{Seq: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Second), User: "ann", Role: "dispatcher",
			Console: "console-1", Action: "live.start", Subject: "camera:cam01", JustKind: "shift", JustText: "toezicht",
			Outcome: "allowed", Reason: "role allows", Detail: "view=1", PrevHash: prev}
		e.Hash = chain.EntryHash(prev, &e)
		prev, es[i] = e.Hash, e
	}
	return es
}

func TestWriteCSV(t *testing.T) {
	es := entries(3)
	es[1].JustText = "=HYPERLINK(\"x\")"
	es[2].Detail = "line\nbreak, \"quoted\""
	var b bytes.Buffer
	if err := WriteCSV(&b, es); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0][0] != "seq" {
		t.Fatalf("CSV = %q", recs)
	}
	if got := recs[2][8]; got != "'=HYPERLINK(\"x\")" {
		t.Errorf("formula cell = %q, want it defused", got)
	}
	if got := recs[3][13]; got != es[2].Detail {
		t.Errorf("detail cell = %q, want %q", got, es[2].Detail)
	}
	if got := recs[1][1]; got != es[0].Time.Format(time.RFC3339Nano) {
		t.Errorf("time cell = %q", got)
	}
}

func TestWriteHTMLReport(t *testing.T) {
	es := entries(3)
	es[0].User = "<script>alert(1)</script>"
	for _, c := range []struct {
		name string
		rep  chain.Report
		want string
	}{
		{"intact", chain.Report{Entries: 3, Duration: time.Millisecond}, "Chain intact: 3 entries verified"},
		{"broken", chain.Report{Duration: time.Millisecond, Err: &chain.ChainError{Seq: 2, Kind: chain.KindGap}}, "Chain BROKEN at entry 2: missing entry"},
		{"not verified", chain.Report{}, "Chain NOT verified"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteHTMLReport(&b, es, "user ann, 2026-11-01 to 2026-11-02", c.rep); err != nil {
				t.Fatal(err)
			}
			s := b.String()
			if i, j := strings.Index(s, c.want), strings.Index(s, "<table class=\"entries\">"); i < 0 || i > j {
				t.Errorf("report lacks %q before the entries", c.want)
			}
			if strings.Contains(s, "<script>") || !strings.Contains(s, "@media print") {
				t.Errorf("report not escaped or lacks print CSS")
			}
		})
	}
}
