package plate

import (
	"reflect"
	"strings"
	"testing"
)

// TestLookalikes pins the pair view to what the decoder and the tracker have
// always used: a change here changes which reads they credit or merge.
func TestLookalikes(t *testing.T) {
	tests := []struct {
		c    byte
		want string
	}{
		{'O', "0DQ"}, {'0', "ODQ"}, {'D', "O0"}, {'Q', "O0"},
		{'I', "1L"}, {'1', "IL"}, {'L', "I1"},
		{'B', "8"}, {'8', "B"}, {'S', "5"}, {'5', "S"}, {'Z', "2"}, {'2', "Z"},
		{'G', "6"}, {'6', "G"}, {'A', "4"}, {'4', "A"}, {'T', "7"}, {'7', "T"},
		{'X', ""}, {'-', ""}, {0, ""},
	}
	for _, tc := range tests {
		// Order within the answer is the table's; compare as sets.
		if got := Lookalikes(tc.c); !sameSet(got, tc.want) {
			t.Errorf("Lookalikes(%q) = %q, want %q", tc.c, got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = Lookalikes('O') }); n != 0 {
		t.Errorf("Lookalikes allocates %v times per call, want 0 (the CTC decoder's inner loop)", n)
	}
}

func sameSet(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if !strings.ContainsRune(b, rune(a[i])) {
			return false
		}
	}
	return true
}

func TestLookalikeClasses(t *testing.T) {
	want := []string{"O0DQ", "B8", "I1L", "S5", "Z2", "G6", "A4", "T7"}
	got := LookalikeClasses()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LookalikeClasses() = %q, want %q", got, want)
	}
	// The classes are the closure of the pairs: every pair lies inside one
	// class, every character is in at most one class, and every character
	// of a class has a look-alike in it.
	classOf := map[byte]int{}
	for i, cl := range got {
		for j := 0; j < len(cl); j++ {
			if k, dup := classOf[cl[j]]; dup {
				t.Errorf("%q is in classes %q and %q", cl[j], got[k], cl)
			}
			classOf[cl[j]] = i
			if Lookalikes(cl[j]) == "" {
				t.Errorf("%q is in class %q but has no look-alike", cl[j], cl)
			}
		}
	}
	for c := 0; c < 256; c++ {
		for _, l := range []byte(Lookalikes(byte(c))) {
			if ci, ok := classOf[byte(c)]; !ok || classOf[l] != ci {
				t.Errorf("pair %q %q is not inside one class", byte(c), l)
			}
		}
	}
	// A fresh slice each time: a caller that edits its copy changes nobody's.
	got[0] = "X"
	if LookalikeClasses()[0] != "O0DQ" {
		t.Error("LookalikeClasses shares its slice between calls")
	}
}
