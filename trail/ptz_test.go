package trail

import "testing"

// TestPTZDecodes: a ptz.move entry comes back as what was written, so the
// review and the exports can show what a camera was asked to do.
func TestPTZDecodes(t *testing.T) {
	in := PTZ{Op: "preset.goto", Preset: "kruispunt", Round: "nacht"}
	s, err := Encode(in, Facts{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(ActPTZ, s)
	if err != nil {
		t.Fatalf("Decode(%s): %v", s, err)
	}
	if got != Detail(in) {
		t.Errorf("Decode = %#v, want %#v", got, in)
	}
}
