//go:build matprofile

package anpr

import (
	"bytes"
	"testing"

	"gocv.io/x/gocv"
)

// checkMats fails the test if any gocv Mat is still open.
func checkMats(t testing.TB) {
	t.Helper()
	if n := gocv.MatProfile.Count(); n != 0 {
		var b bytes.Buffer
		gocv.MatProfile.WriteTo(&b, 1)
		t.Fatalf("%d gocv Mats not closed:\n%s", n, b.String())
	}
}
