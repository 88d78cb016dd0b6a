package wall

import (
	"testing"

	"github.com/politiezone/zoneconsole/app"
)

func TestPlace(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Stationsstraat 12, 3840 Borgloon", "Stationsstraat"},
		{"Markt 1, 3840 Borgloon", "Markt"},
		{"Tongersesteenweg (N79) km 12.4, Borgloon", "Tongersesteenweg (N79)"},
		{"Grote Markt", "Grote Markt"},
		{"12", "12"},
	} {
		if got := place(app.Camera{Address: tc.in}); got != tc.want {
			t.Errorf("place(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := place(app.Camera{Lat: 50.8, Lon: 5.34}); got != "50.80000, 5.34000" {
		t.Errorf("place without address = %q", got)
	}
}
