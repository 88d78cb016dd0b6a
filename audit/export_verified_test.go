package audit

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/audit/keys"
)

// Before this change an export of a broken chain went out as CSV without a
// word (the CSV path never verified). Now every format verifies first: CSV
// writes nothing and fails, HTML states the break on its page and fails.
func TestExportOfABrokenChainFailsInEveryFormat(t *testing.T) {
	f := newFixture(t)
	f.build(t, 30, Options{CheckpointEvery: 10})
	r, err := OpenReader(f.db, Options{KeyPath: f.key})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()

	var b bytes.Buffer
	rep, err := r.ExportCSV(ctx, &b, Filter{})
	recs, _ := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 31 || rep.KeyPinned {
		t.Fatalf("ExportCSV(intact) = %d rows, %+v, %v", len(recs)-1, rep, err)
	}
	b.Reset()
	if _, err := r.ExportHTML(ctx, &b, Filter{}, "all"); err != nil ||
		!strings.Contains(b.String(), "Chain intact: 30 entries verified") || !strings.Contains(b.String(), "NOT independently pinned") {
		t.Fatalf("ExportHTML(intact) = %v:\n%s", err, b.String())
	}

	sqlExec(t, f.rawDB(t), `UPDATE entries SET just_kind='judicial' WHERE seq=7`)
	for _, c := range []struct {
		name   string
		export func(*bytes.Buffer) (Report, error)
		page   string // what the output must say; "" for nothing at all
	}{
		{"csv", func(b *bytes.Buffer) (Report, error) { return r.ExportCSV(ctx, b, Filter{User: "user1"}) }, ""},
		{"html", func(b *bytes.Buffer) (Report, error) { return r.ExportHTML(ctx, b, Filter{}, "all") }, "Chain BROKEN at entry 7: hash mismatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			_, err := c.export(&b)
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Seq != 7 || !errors.Is(err, ErrBroken) || !strings.Contains(err.Error(), "seq 7") {
				t.Fatalf("%s export of a chain broken at 7 = %v", c.name, err)
			}
			if c.page == "" && b.Len() != 0 {
				t.Fatalf("%s export of a broken chain wrote %d bytes", c.name, b.Len())
			}
			if c.page != "" && !strings.Contains(b.String(), c.page) {
				t.Fatalf("%s page lacks %q", c.name, c.page)
			}
		})
	}
}

// The HTML page says whether the key was pinned and which witness was
// checked.
func TestHTMLStatesTrust(t *testing.T) {
	f := newFixture(t)
	wdir := t.TempDir()
	f.build(t, 12, Options{CheckpointEvery: 10, Witness: wdir})
	pub, _ := keys.LoadPublic(f.key)
	r, err := OpenReader(f.db, Options{KeyPath: f.key, PublicKey: pub, Witness: wdir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	if _, err := r.ExportHTML(context.Background(), &b, Filter{}, "all"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Signing key pinned from outside the store", Fingerprint(pub), "2 records checked, up to seq 12"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
