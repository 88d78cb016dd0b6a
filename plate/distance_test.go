package plate

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"same", "1ABC123", "1ABC123", 0},
		{"look-alike is no edit", "1ABCO23", "1ABC023", 0},
		{"look-alikes everywhere", "IABCOZ3", "1A8C023", 0},
		{"D and Q are not paired", "1ABD123", "1ABQ123", 1},
		{"substitution", "ABC", "ABD", 1},
		{"insertion", "1ABC123", "1ABC1234", 1},
		{"deletion", "1ABC123", "ABC123", 1},
		{"two edits", "KX123YZQ9", "X123YZQ", 2},
		{"empty", "", "AB", 2},
		{"both empty", "", "", 0},
		{"normalised first", "1-abc-123", "1ABC123", 0},
		{"separators are not edits", "1 ABC.123", "1-ABC-124", 1},
		{"longer than the stack rows", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHI", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Distance(tc.a, tc.b); got != tc.want {
				t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := Distance(tc.b, tc.a); got != tc.want {
				t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tc.b, tc.a, got, tc.want)
			}
			if got, want := WithinOneEdit(tc.a, tc.b), tc.want <= 1; got != want {
				t.Errorf("WithinOneEdit(%q, %q) = %v, want %v", tc.a, tc.b, got, want)
			}
		})
	}
	if n := testing.AllocsPerRun(100, func() { _ = Distance("1ABC123", "1ABC128") }); n != 0 {
		t.Errorf("Distance of normalised plates allocates %v times, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = WithinOneEdit("1ABC123", "1ABC12") }); n != 0 {
		t.Errorf("WithinOneEdit of normalised plates allocates %v times, want 0", n)
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1ABC123", "1ABC123", true}, {"1ABC123", "1ABC128", true}, {"1ABC123", "1ABC12", true},
		{"1ABC123", "IABC123", true}, {"1ABC123", "1ABD128", false}, {"1ABC123", "ABC1234", false},
		{"ABC123", "1ABC123", true}, {"", "A", true}, {"", "AB", false},
		{"2OOA662", "20OA66", true}, {"2OOA662", "200A662", true}, {"2OOA662", "2OXA66", false},
		{"1-abc-123", "1ABC12", true}, {"1ABD123", "1ABQ12", false},
	}
	for _, tc := range tests {
		for _, p := range [][2]string{{tc.a, tc.b}, {tc.b, tc.a}} {
			if got := WithinOneEdit(p[0], p[1]); got != tc.want {
				t.Errorf("WithinOneEdit(%q, %q) = %v, want %v", p[0], p[1], got, tc.want)
			}
		}
	}
}

// TestWithinOneEditIsDistance checks the one-pass answer against the edit
// matrix on every pair of short strings over characters that mix look-alike
// pairs, a non-transitive triple (D O Q) and a stranger.
func TestWithinOneEditIsDistance(t *testing.T) {
	const chars = "DOQ0X"
	var all []string
	var gen func(s string)
	gen = func(s string) {
		all = append(all, s)
		if len(s) == 3 {
			return
		}
		for i := 0; i < len(chars); i++ {
			gen(s + chars[i:i+1])
		}
	}
	gen("")
	for _, a := range all {
		for _, b := range all {
			if got, want := WithinOneEdit(a, b), Distance(a, b) <= 1; got != want {
				t.Fatalf("WithinOneEdit(%q, %q) = %v, but Distance = %d", a, b, got, Distance(a, b))
			}
		}
	}
}
