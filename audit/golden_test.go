package audit

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestChainGolden pins the canonical encoding and the hashes of a known
// chain: any change to either shows up as a diff of testdata/chain.golden.
func TestChainGolden(t *testing.T) {
	var b bytes.Buffer
	fmt.Fprintln(&b, "# seq canonical-sha256 entry-hash (prev of entry 1 is 32 zero bytes)")
	for _, e := range testChain(t, 12) {
		c := AppendCanonical(nil, &e)
		fmt.Fprintf(&b, "%d %s %s\n", e.Seq, Digest(sha256.Sum256(c)), e.Hash)
	}
	// One entry with every text field empty, at the Unix epoch.
	z := Entry{Seq: 1, Time: time.Unix(0, 0)}
	fmt.Fprintf(&b, "empty %x %s\n", AppendCanonical(nil, &z), EntryHash(Digest{}, &z))
	path := filepath.Join("testdata", "chain.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update once)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("chain hashes changed; if the encoding change is intended, bump encodingVersion and rerun with -update.\ngot:\n%s\nwant:\n%s", b.Bytes(), want)
	}
}
