package sim

import (
	"bytes"
	"testing"
	"time"
)

// TestPTZViewMoves: the PTZ camera's picture is a window on a wider scene;
// panning and zooming change what it shows.
func TestPTZViewMoves(t *testing.T) {
	ttf, _ := loadFontBytes()
	spec := specFor(4)
	if spec.kind != KindPTZVan {
		t.Fatalf("camera 5 is %s", spec.kind)
	}
	now := time.Now()
	head := newPTZState(now)
	r, err := newRenderer(spec, "cam05", newSchedule(1, "cam05", spec.scene), 640, 360, ttf)
	if err != nil {
		t.Fatal(err)
	}
	r.attachView(head)
	frame := func() []byte {
		p := newYUV(640, 360)
		r.draw(p, 0, 1, time.Unix(0, 0))
		return p.Y
	}
	a := frame()
	head.move(now, Position{Pan: 1, Zoom: 1}, time.Second)
	head.mu.Lock()
	head.at = head.at.Add(-time.Second) // as if a second had passed
	head.mu.Unlock()
	pos := head.position(now)
	if pos.Pan <= 0 || pos.Zoom <= 0 {
		t.Fatalf("position after a second's move: %+v", pos)
	}
	b := frame()
	if bytes.Equal(a, b) {
		t.Fatal("the picture did not change with pan and zoom")
	}
	diff := 0
	for i := range a {
		if a[i] != b[i] {
			diff++
		}
	}
	if diff < len(a)/10 {
		t.Errorf("only %d of %d pixels changed", diff, len(a))
	}
}
